/**
 * Opens a rendered report in headless Chromium from file:// and checks that
 * the charts drew pixels, a known table cell reads right, no script failed
 * and nothing tried to leave the page. Skipped when Chromium is missing.
 */
import assert from "node:assert/strict";
import { renderReport } from "./html.ts";
import type { CaseResult, ResultsFile } from "./results.ts";

function findChromium(): string | undefined {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* try the next one */ }
  }
  return undefined;
}

const CHROMIUM = findChromium();
const SKIP = CHROMIUM ? "" : " (skipped: chromium not installed; apt-get install -y chromium)";
if (!CHROMIUM) console.warn(`report browser test${SKIP}`);

const CASES: CaseResult[] = [1, 2, 3, 4].map((n) => ({
  suite: "demo",
  name: `n=${n}`,
  params: { n },
  status: "ok",
  metrics: { ms: n * n * 1.5 },
  seconds: 0.1,
}));

const RESULTS: ResultsFile = {
  schemaVersion: 1,
  meta: {
    commit: "fixture",
    deno: "2.9.6",
    v8: "v8",
    typescript: "ts",
    tfjs: "4.22.0",
    hnswlibNode: "3.0.0",
    chartJs: "4.6.1",
    backend: "cpu",
    adapter: "not initialised",
    cpu: "fixture cpu",
    cores: 2,
    memoryBytes: 0,
    os: "linux",
    seed: 1,
    profile: "quick",
    suites: ["demo", "plain"],
    shard: null,
    startedAt: "2026-01-01T00:00:00.000Z",
    endedAt: "2026-01-01T00:00:10.000Z",
    durationSeconds: 10,
  },
  cases: [
    ...CASES,
    {
      suite: "plain",
      name: "p",
      params: {},
      status: "failed",
      metrics: {},
      error: "x",
      seconds: 0,
    },
  ],
  summaries: {},
};

// Records script errors and CSP violations (an attempted request) from the start of the page.
const RECORDER = `<script>window.__errors=[];
addEventListener("error",function(e){__errors.push(String(e.message))});
addEventListener("securitypolicyviolation",function(e){__errors.push("csp: "+e.blockedURI)});
</script>`;

// Runs after the charts: counts drawn pixels per canvas and writes the findings into the DOM.
const PROBE = `<script>(function(){
  var canvases = document.querySelectorAll("canvas");
  var drawn = [];
  for (var i = 0; i < canvases.length; i++) {
    var c = canvases[i], px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
    for (var j = 3; j < px.length; j += 4) if (px[j] !== 0) n++;
    drawn.push(n);
  }
  var cell = document.querySelector("#suite-demo table tbody tr td:nth-child(2)");
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify({ drawn: drawn, cell: cell && cell.textContent,
    failed: document.querySelectorAll("tr.failed").length, errors: window.__errors });
  document.body.appendChild(pre);
})();</script>`;

Deno.test({
  name: `report renders in headless chromium${SKIP}`,
  ignore: !CHROMIUM,
  sanitizeResources: false,
  fn: async () => {
    const dir = Deno.makeTempDirSync({ prefix: "report_browser_" });
    try {
      const page = renderReport(RESULTS, [
        {
          suite: "demo",
          cases: CASES,
          section: {
            title: "Demo",
            notes: ["fixture"],
            charts: [
              {
                title: "time vs n",
                config: {
                  type: "line",
                  data: {
                    labels: CASES.map((c) => c.name),
                    datasets: [{ label: "ms", data: CASES.map((c) => c.metrics.ms) }],
                  },
                },
              },
              {
                title: "bars",
                config: {
                  type: "bar",
                  data: { labels: ["a", "b"], datasets: [{ label: "v", data: [3, 5] }] },
                },
              },
            ],
            tables: [{ title: "times", columns: ["n", "ms"], rows: [[2, 6], [3, 13.5]] }],
          },
        },
        { suite: "plain", cases: RESULTS.cases.slice(4) },
      ]);
      const html = page.replace("<body>", `<body>${RECORDER}`).replace(
        "</body>",
        `${PROBE}</body>`,
      );
      Deno.writeTextFileSync(`${dir}/index.html`, html);
      const cmd = new Deno.Command(CHROMIUM!, {
        args: [
          "--headless",
          "--no-sandbox",
          "--disable-gpu",
          "--disable-background-networking",
          "--disable-component-update",
          "--no-first-run",
          `--user-data-dir=${dir}/profile`,
          "--window-size=1200,2000",
          "--dump-dom",
          `file://${dir}/index.html`,
        ],
        stdout: "piped",
        stderr: "piped",
        signal: AbortSignal.timeout(120_000),
      });
      const out = await cmd.output();
      const dom = new TextDecoder().decode(out.stdout);
      const m = /<pre id="probe">([\s\S]*?)<\/pre>/.exec(dom);
      assert.ok(m, `no probe output; chromium said: ${new TextDecoder().decode(out.stderr)}`);
      const probe = JSON.parse(m[1].replace(/&quot;/g, '"').replace(/&amp;/g, "&"));
      assert.deepEqual(probe.errors, []);
      assert.equal(probe.drawn.length, 2);
      for (const n of probe.drawn) assert.ok(n > 500, `a chart drew only ${n} pixels`);
      assert.equal(probe.cell, "6");
      assert.equal(probe.failed, 1);
    } finally {
      Deno.removeSync(dir, { recursive: true });
    }
  },
});
