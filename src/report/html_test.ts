import assert from "node:assert/strict";
import { profileBanner, renderReport } from "./html.ts";
import type { CaseResult, ResultsFile } from "./results.ts";
import { makeResults } from "./test_fixtures.ts";

const EVIL = "<script>alert(1)</script>";

function results(cases: CaseResult[]): ResultsFile {
  return makeResults(cases, {
    commit: "abc123",
    cpu: `cpu ${EVIL}`,
    memoryBytes: 2 ** 32,
    seed: 7,
    suites: ["plain", "fancy"],
  });
}

const CASES: CaseResult[] = [
  {
    suite: "plain",
    name: EVIL,
    params: { n: 3 },
    status: "ok",
    metrics: { ms: 1.23456 },
    seconds: 1,
  },
  {
    suite: "plain",
    name: "broken",
    params: { n: 4 },
    status: "failed",
    metrics: {},
    error: `TypeError: bad <b>thing</b>`,
    seconds: 0,
  },
  { suite: "fancy", name: "f1", params: {}, status: "ok", metrics: { y: 2 }, seconds: 0 },
  {
    suite: "fancy",
    name: "f2",
    params: {},
    status: "skipped",
    metrics: {},
    error: "no peer",
    seconds: 0,
  },
];

/** Asserts `re` matches `page`, with a short message instead of the whole page. */
function has(page: string, re: RegExp): void {
  assert.ok(re.test(page), `page does not match ${re}`);
}

/** The page with every script element's content removed, so only markup is left. */
function markupOnly(html: string): string {
  return html.replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, "<script></script>");
}

function render(chartJs?: string): string {
  return renderReport(results(CASES), [
    { suite: "plain", description: `plain ${EVIL}`, cases: CASES.slice(0, 2) },
    {
      suite: "fancy",
      cases: CASES.slice(2),
      section: {
        title: `Fancy ${EVIL}`,
        notes: [`note ${EVIL}`],
        charts: [{
          title: `chart ${EVIL}`,
          config: {
            type: "line",
            data: {
              labels: ["</script><script>alert(2)</script>"],
              datasets: [{ label: EVIL, data: [1] }],
            },
          },
        }],
        tables: [{ title: "T", columns: [EVIL], rows: [[EVIL, 0.000012345, 42, null]] }],
      },
    },
  ], { chartJs });
}

Deno.test("renderReport", async (t) => {
  const page = render();

  await t.step("escapes every text from data", () => {
    const markup = markupOnly(page);
    assert.ok(!markup.includes(EVIL), "raw script tag in markup");
    assert.ok(!markup.includes("<b>thing"), "raw tag from an error message");
    assert.ok(markup.includes("&lt;script&gt;alert(1)&lt;/script&gt;"));
    // Only our three script elements exist.
    assert.equal(page.match(/<script\b/g)?.length, 3);
  });

  await t.step("inlines chart data so it cannot break out and parses back", () => {
    const m = /<script type="application\/json" id="report-data">([\s\S]*?)<\/script>/.exec(page);
    assert.ok(m);
    const data = JSON.parse(m[1]);
    assert.deepEqual(data.charts[0].data.labels, ["</script><script>alert(2)</script>"]);
    has(page, /<canvas data-chart="0"/);
  });

  await t.step("no attribute makes a network request", () => {
    const markup = markupOnly(page);
    const attrs = [
      ...markup.matchAll(/\s(src|href|action|poster|data|srcset)\s*=\s*["']?([^"'\s>]*)/gi),
    ];
    assert.ok(attrs.length >= 2);
    for (const [, , value] of attrs) assert.doesNotMatch(value, /^(https?:)?\/\//i);
    assert.doesNotMatch(markup, /<link\b|<img\b|<iframe\b|@import/i);
    has(page, /Content-Security-Policy" content="default-src 'none'/);
    has(markup, /href="results\.json"/);
    has(markup, /href="results\.csv"/);
  });

  await t.step("inlines the real chart.js bundle", () => {
    has(page, /Chart\.js v4/);
    assert.ok(page.length < 2_000_000, `page is ${page.length} bytes`);
  });

  await t.step("environment table and failed cases with their errors", () => {
    has(page, /<td>Commit<\/td><td>abc123<\/td>/);
    has(page, /<td>tfjs<\/td><td>4\.22\.0<\/td>/);
    has(page, /<td>Seed<\/td><td>7<\/td>/);
    has(page, /2 ok, 1 failed, 1 skipped/);
    has(page, /<tr class="failed">.*broken.*TypeError: bad &lt;b&gt;thing/);
    has(page, /Failed and skipped cases/);
    has(page, /<tr class="skipped">.*f2.*no peer/);
    has(page, /<td class="num">1\.235<\/td>/);
    has(page, /<td class="num">1\.234e-5<\/td>/);
  });

  await t.step("a merged run shows its wall clock beside the summed run time", () => {
    const merged = makeResults(CASES, {
      durationSeconds: 7028,
      endedAt: "2026-01-01T01:15:00.000Z",
    });
    has(renderReport(merged, []), /<td>4500 s from start to end \(7028 s of run time summed/);
    // A single run (start to end within 5% of its own time) shows one figure.
    has(page, /<td>Duration<\/td><td>60 s<\/td>/);
  });

  await t.step("caps big tables and stays under 2 MB", () => {
    const many: CaseResult[] = Array.from({ length: 5000 }, (_, i) => ({
      suite: "big",
      name: `case-${i}`,
      params: { i, label: "x".repeat(50) },
      status: "ok",
      metrics: { a: i / 7, b: i * 3 },
      seconds: 0.5,
    }));
    const html = renderReport(results(many), [{ suite: "big", cases: many }], { maxRows: 1000 });
    assert.ok(html.length < 2_000_000);
    has(html, /4000 more rows in results\.csv/);
  });
});

Deno.test("renderReport: linkable sections, folded long tables, answers link their section", () => {
  const many: CaseResult[] = Array.from({ length: 30 }, (_, i) => ({
    suite: "scaling",
    name: `c${i}`,
    params: { i },
    status: "ok",
    metrics: { t: i },
    seconds: 0,
  }));
  const r = results(many);
  r.summaries = {
    scaling: { figure8_crossover_n: 20000, figure8_exact_slope: 2, figure8_hnsw_slope: 1.1 },
  };
  const page = renderReport(r, [
    {
      suite: "scaling",
      cases: many,
      section: {
        title: "Scaling",
        notes: [],
        charts: [
          { title: "empty", config: { type: "line", data: { datasets: [{ data: [null] }] } } },
        ],
        tables: [{ title: "short", columns: ["a"], rows: [[1]] }, {
          title: "long",
          columns: ["i"],
          rows: many.map((c) => [c.params.i]),
        }],
      },
    },
  ], { chartJs: "" });
  has(page, /<section id="scaling"><h2>Scaling<a class="self" href="#scaling"/);
  has(page, /<nav><p>Suites: <a href="#scaling">scaling<\/a>/);
  has(page, /<details><summary>long \(30 rows\) <a class="csv" href="results\.csv">/);
  has(page, /<caption>short<\/caption>/);
  has(page, /<details><summary>Environment \(18 rows\)/);
  // A chart with nothing to draw is left out, and the page says so.
  assert.ok(!page.includes("<canvas"));
  has(page, /&quot;empty&quot; left out: no series has a value to draw/);
  has(
    page,
    /<td>measured<\/td><td>.*HNSW faster from the smallest N both ran, 20,000.*<\/td><td><a href="#scaling">scaling<\/a><\/td>/,
  );
  assert.ok(page.indexOf('id="answers"') < page.indexOf('id="scaling"'));
  has(page, /@media print\{/);
  has(page, /addEventListener\("beforeprint"/);
});

Deno.test("the page says first what its profile can support", () => {
  assert.match(profileBanner("quick"), /Smoke test/);
  assert.match(profileBanner("quick"), /reports\/reference/);
  assert.match(profileBanner("standard"), /Standard profile/);
  assert.doesNotMatch(profileBanner("standard"), /Smoke/);
});
