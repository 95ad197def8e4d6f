/**
 * Opens a page in headless Chromium from file:// and reads back what a probe
 * script found (test-only helper for the report's browser tests). The probe
 * records script errors and Content-Security-Policy violations from the
 * start of the page, then, after the charts have drawn, counts each canvas's
 * drawn pixels and evaluates the caller's extra expression.
 *
 * @module
 */

/** The Chromium binary on this machine, if any. */
export function findChromium(): string | undefined {
  for (const path of ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]) {
    try {
      if (Deno.statSync(path).isFile) return path;
    } catch { /* try the next one */ }
  }
  return undefined;
}

// Records script errors and CSP violations (an attempted request) from the start of the page.
const RECORDER = `<script>window.__errors=[];
addEventListener("error",function(e){__errors.push(String(e.message))});
addEventListener("securitypolicyviolation",function(e){__errors.push("csp: "+e.blockedURI)});
</script>`;

const probe = (extra: string) =>
  `<script>(function(){
  var canvases = document.querySelectorAll("canvas");
  var drawn = [];
  for (var i = 0; i < canvases.length; i++) {
    var c = canvases[i], px = c.getContext("2d").getImageData(0, 0, c.width, c.height).data, n = 0;
    for (var j = 3; j < px.length; j += 4) if (px[j] !== 0) n++;
    drawn.push(n);
  }
  var pre = document.createElement("pre");
  pre.id = "probe";
  pre.textContent = JSON.stringify({ drawn: drawn, errors: window.__errors,
    chartErrors: document.querySelectorAll("p.error").length, extra: (${extra}) });
  document.body.appendChild(pre);
})();</script>`;

/** What the probe found on a page. */
export interface ProbeResult {
  /** Drawn (non-transparent) pixels per canvas, in page order. */
  drawn: number[];
  /** Script errors and CSP violations. */
  errors: string[];
  /** Charts that failed to draw (replaced by an error paragraph). */
  chartErrors: number;
  /** The value of the caller's expression. */
  extra: unknown;
}

/**
 * Loads `html` in headless `chromium` from a temporary file:// folder and
 * returns what the probe found; `extra` is a JS expression evaluated after
 * the charts drew (e.g. reading a table cell).
 */
export async function probePage(
  html: string,
  options: { chromium: string; extra?: string },
): Promise<ProbeResult> {
  const dir = Deno.makeTempDirSync({ prefix: "report_browser_" });
  try {
    const page = html.replace("<body>", `<body>${RECORDER}`).replace(
      /<\/body>(?![\s\S]*<\/body>)/,
      `${probe(options.extra ?? "null")}</body>`,
    );
    Deno.writeTextFileSync(`${dir}/index.html`, page);
    const out = await new Deno.Command(options.chromium, {
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
    }).output();
    const dom = new TextDecoder().decode(out.stdout);
    const m = /<pre id="probe">([\s\S]*?)<\/pre>/.exec(dom);
    if (!m) {
      throw new Error(`no probe output; chromium said: ${new TextDecoder().decode(out.stderr)}`);
    }
    const text = m[1].replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">")
      .replace(/&amp;/g, "&");
    return JSON.parse(text);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
}
