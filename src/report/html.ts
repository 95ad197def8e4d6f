/**
 * The static HTML report: one self-contained page (chart.js inlined, data
 * inlined as JSON, no request leaves it) that opens from `file://`.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { tidyChart } from "./chart_tidy.ts";
import { claimsTable } from "./claims.ts";
import type { CaseResult, ChartSpec, JsonValue, ReportSection, ResultsFile } from "./results.ts";

/** One suite's part of the page: its section from `report()`, or none for the generic table. */
export interface SuiteSection {
  /** Suite name. */
  suite: string;
  /** The suite's one-line description, when the suite is known. */
  description?: string;
  /** What the suite's `report()` returned; undefined renders a generic table of its cases. */
  section?: ReportSection;
  /** Problems met while building the section (e.g. `report()` threw), shown as notes. */
  problems?: string[];
  /** The suite's case results. */
  cases: CaseResult[];
}

/** Options of {@linkcode renderReport}. */
export interface RenderOptions {
  /** chart.js's UMD bundle source (default: read from node_modules by {@linkcode loadChartJs}). */
  chartJs?: string;
  /** Most rows shown per table; the rest are counted and left to results.csv (default 1000). */
  maxRows?: number;
  /** Page title (default "mapa-bench report"). */
  title?: string;
  /** Tables with more rows than this are folded into a `<details>` (default 12). */
  foldRows?: number;
}

/** Escapes `&`, `<`, `>`, `"` and `'` so text is safe in HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/** JSON that cannot close the script element it sits in nor break a JS parser. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** A table cell's text: numbers to 4 significant digits, records as compact JSON. */
export function formatCell(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "—";
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return String(value);
    if (Number.isInteger(value) && Math.abs(value) < 1e15) return String(value);
    const a = Math.abs(value);
    if (a !== 0 && (a >= 1e6 || a < 1e-3)) return value.toExponential(3);
    return String(Number(value.toPrecision(4)));
  }
  if (typeof value === "string") return value;
  if (typeof value === "boolean") return String(value);
  const text = JSON.stringify(value);
  return text.length > 200 ? text.slice(0, 199) + "…" : text;
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * chart.js's UMD bundle from `node_modules` under `root` (default: this
 * project's folder), via the top-level link or Deno's `.deno` store.
 */
export function loadChartJs(root?: string): string {
  const base = root ?? new URL("../../", import.meta.url).pathname;
  const candidates = [
    `${base}node_modules/chart.js/dist/chart.umd.js`,
    `${base}node_modules/.deno/chart.js@4.6.1/node_modules/chart.js/dist/chart.umd.js`,
  ];
  try {
    for (const e of Deno.readDirSync(`${base}node_modules/.deno`)) {
      if (e.name.startsWith("chart.js@")) {
        candidates.push(
          `${base}node_modules/.deno/${e.name}/node_modules/chart.js/dist/chart.umd.js`,
        );
      }
    }
  } catch { /* no .deno store: the top-level link is the only place */ }
  const found = candidates.find(exists);
  if (!found) {
    throw new InputError(
      `chart.js bundle not found under ${base}node_modules; run \`deno task setup\` to install it`,
    );
  }
  return Deno.readTextFileSync(found);
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
h1{font-size:1.6em}h2{border-bottom:1px solid #ccc;padding-bottom:.2em;margin-top:2em}
.banner{background:#fff6d5;border:1px solid #e0c200;padding:.6em .9em}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f4f4f4}td.num{text-align:right;font-variant-numeric:tabular-nums}
caption{text-align:left;font-weight:600;padding:.3em 0}
tr.failed td{background:#fde8e8}tr.skipped td{background:#f4f4f4;color:#666}
.status-failed{color:#b00;font-weight:600}.status-skipped{color:#666}
.chart{position:relative;max-width:900px;margin:1em 0 2em}.chart h3{font-size:1em;margin:.2em 0}
.note{color:#444}.problem,.error{color:#b00}.wrap{overflow-x:auto}
details{margin:.5em 0 1.5em}summary{cursor:pointer;font-weight:600}summary .csv{font-weight:400}
nav a{white-space:nowrap}h2 a.self{color:#bbb;text-decoration:none;font-size:.8em;margin-left:.3em}
@media print{
body{max-width:none;margin:0;font-size:11px}nav,h2 a.self,.csv{display:none}
section{break-before:page}section#answers{break-before:auto}
.chart,tr,caption{break-inside:avoid}.chart{max-width:100%}canvas{max-width:100%!important;height:auto!important}
a{color:inherit;text-decoration:none}details>summary{list-style:none}
}
`;

/**
 * The start of a self-contained page up to its `<h1>`: a Content-Security-Policy
 * that lets no request leave the page, and the page's own style.
 */
export function pageOpen(title: string, style: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>`;
}

/**
 * The end of a page: the chart data inlined as JSON in element `dataId`
 * (`charts`: chart.js configs; optional `links`: per chart, a page for each
 * label that a click on its point opens), chart.js itself, and the script
 * that draws the charts. A dataset may carry `errorBars`, one `[low, high]`
 * (or null) per point, drawn as whiskers: the interval over draws or
 * repeats where the data have one. A dataset with `legend: false` is drawn
 * but not listed.
 */
export function pageClose(dataId: string, data: JsonValue, chartJs: string): string {
  return `<script type="application/json" id="${dataId}">${jsonForScript(data)}</script>
<script>${chartJs}</script>
<script>${initScript(dataId)}</script>
</body>
</html>
`;
}

/** Draws every `canvas[data-chart]` from the chart configs in the JSON script element `dataId`. */
const initScript = (dataId: string) =>
  `(function () {
  var data = JSON.parse(document.getElementById("${dataId}").textContent);
  // Error bars: a dataset's errorBars[i] = [low, high] (or null) is drawn as a whisker on point i.
  if (typeof Chart !== "undefined" && Chart.register) {
    Chart.register({
      id: "errorBars",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx, yScale = chart.scales.y;
        if (!yScale) return;
        chart.data.datasets.forEach(function (ds, d) {
          var bars = ds.errorBars, meta = chart.getDatasetMeta(d);
          if (!bars || meta.hidden) return;
          ctx.save();
          ctx.strokeStyle = ds.borderColor || "#444";
          ctx.lineWidth = 1.5;
          meta.data.forEach(function (el, i) {
            var b = bars[i];
            if (!b || !isFinite(b[0]) || !isFinite(b[1])) return;
            var lo = yScale.getPixelForValue(b[0]), hi = yScale.getPixelForValue(b[1]);
            ctx.beginPath();
            ctx.moveTo(el.x, lo); ctx.lineTo(el.x, hi);
            ctx.moveTo(el.x - 4, lo); ctx.lineTo(el.x + 4, lo);
            ctx.moveTo(el.x - 4, hi); ctx.lineTo(el.x + 4, hi);
            ctx.stroke();
          });
          ctx.restore();
        });
      },
    });
  }
  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    var canvas = canvases[i];
    var index = Number(canvas.getAttribute("data-chart"));
    var config = data.charts[index];
    config.options = config.options || {};
    if (config.options.animation === undefined) config.options.animation = false;
    var sets = (config.data && config.data.datasets) || [];
    var hidden = false;
    for (var k = 0; k < sets.length; k++) if (sets[k].legend === false) hidden = true;
    if (hidden) {
      // A band's lower edge is drawn but not listed (legend: false in the chart's JSON).
      config.options.plugins = config.options.plugins || {};
      config.options.plugins.legend = config.options.plugins.legend || {};
      config.options.plugins.legend.labels = config.options.plugins.legend.labels || {};
      config.options.plugins.legend.labels.filter = function (item, chartData) {
        return chartData.datasets[item.datasetIndex].legend !== false;
      };
    }
    var links = data.links && data.links[index];
    if (links) {
      // A point opens the page in links[i] of its label; functions cannot travel in the JSON.
      config.options.onClick = (function (hrefs) {
        return function (event, elements) {
          if (elements.length && hrefs[elements[0].index]) location.href = hrefs[elements[0].index];
        };
      })(links);
      config.options.onHover = function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      };
    }
    try {
      new Chart(canvas, config);
    } catch (e) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = "chart failed to draw: " + e.message;
      canvas.parentNode.replaceChild(p, canvas);
    }
  }
  // A printed section shows its folded tables; they fold again after printing.
  var opened = [];
  addEventListener("beforeprint", function () {
    var folded = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < folded.length; i++) {
      folded[i].open = true;
      opened.push(folded[i]);
    }
  });
  addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });
})();`;

function renderTable(
  caption: string,
  columns: string[],
  rows: JsonValue[][],
  options: {
    maxRows: number;
    rowClass?: (i: number) => string;
    foldRows?: number;
    /** HTML for cell `v` in column `col`, or undefined for the escaped text. */
    cellHtml?: (col: number, v: JsonValue) => string | undefined;
  },
): string {
  const shown = rows.slice(0, options.maxRows);
  const head = columns.some((c) => c !== "")
    ? `<thead><tr>${columns.map((c) => `<th>${escapeHtml(c)}</th>`).join("")}</tr></thead>`
    : "";
  const body = shown.map((row, i) => {
    const cls = options.rowClass?.(i) ?? "";
    const cells = row.map((v, col) => {
      const own = options.cellHtml?.(col, v);
      if (own !== undefined) return `<td>${own}</td>`;
      const num = typeof v === "number" ? ' class="num"' : "";
      const text = escapeHtml(formatCell(v));
      const statusCls = typeof v === "string" && (v === "failed" || v === "skipped")
        ? ` class="status-${v}"`
        : num;
      return `<td${statusCls}>${text}</td>`;
    }).join("");
    return `<tr${cls ? ` class="${cls}"` : ""}>${cells}</tr>`;
  }).join("\n");
  const more = rows.length > shown.length
    ? `<p class="note">${rows.length - shown.length} more rows in results.csv.</p>`
    : "";
  const fold = options.foldRows !== undefined && rows.length > options.foldRows;
  const table =
    `<div class="wrap"><table>${fold ? "" : `<caption>${escapeHtml(caption)}</caption>`}` +
    `${head}<tbody>\n${body}\n</tbody></table></div>${more}`;
  if (!fold) return table;
  // A long table is evidence, not an answer: folded under its caption, the CSV beside it.
  return `<details><summary>${escapeHtml(caption)} (${rows.length} rows) ` +
    `<a class="csv" href="results.csv">results.csv</a></summary>\n${table}</details>`;
}

function genericCaseTable(cases: CaseResult[], maxRows: number, foldRows: number): string {
  const paramKeys = [...new Set(cases.flatMap((c) => Object.keys(c.params)))];
  const metricKeys = [...new Set(cases.flatMap((c) => Object.keys(c.metrics)))];
  const columns = ["case", "status", "seconds", ...paramKeys, ...metricKeys, "error"];
  const rows: JsonValue[][] = cases.map((c) => [
    c.name,
    c.status,
    c.seconds,
    ...paramKeys.map((k) => c.params[k] ?? null),
    ...metricKeys.map((k) => c.metrics[k] ?? null),
    c.error ?? "",
  ]);
  return renderTable("Cases (parameters, then metrics)", columns, rows, {
    maxRows,
    foldRows,
    rowClass: (i) => cases[i].status === "ok" ? "" : cases[i].status,
  });
}

function failedTable(cases: CaseResult[], maxRows: number, foldRows: number): string {
  const bad = cases.filter((c) => c.status !== "ok");
  if (bad.length === 0) return "";
  return renderTable(
    "Failed and skipped cases",
    ["case", "status", "error"],
    bad.map((c) => [c.name, c.status, c.error ?? ""]),
    { maxRows, foldRows, rowClass: (i) => bad[i].status },
  );
}

function environmentTable(results: ResultsFile, maxRows: number): string {
  const m = results.meta;
  const count = (s: string) => results.cases.filter((c) => c.status === s).length;
  const gib = m.memoryBytes ? `${(m.memoryBytes / 2 ** 30).toFixed(1)} GiB` : "unknown";
  const rows: JsonValue[][] = [
    ["Commit", m.commit],
    ["Deno", `${m.deno} (V8 ${m.v8}, TypeScript ${m.typescript})`],
    ["tfjs", m.tfjs],
    ["hnswlib-node", m.hnswlibNode],
    ["chart.js", m.chartJs],
    ["Backend", m.backend],
    ["Adapter", m.adapter],
    ["CPU", `${m.cpu} (${m.cores} cores)`],
    ["Memory", gib],
    ["OS", m.os],
    ["Seed", m.seed],
    ["Profile", m.profile],
    ["Suites", (m.suites ?? []).join(", ") || "none"],
    ["Shard", m.shard ?? "none (whole run)"],
    ["Started", m.startedAt],
    ["Ended", m.endedAt ?? "not finished (interrupted or running)"],
    ["Duration", `${formatCell(m.durationSeconds)} s`],
    ["Cases", `${count("ok")} ok, ${count("failed")} failed, ${count("skipped")} skipped`],
  ];
  const text = rows.map(([k, v]) => [k, formatCell(v)]);
  return renderTable("Environment", ["", ""], text, { maxRows, foldRows: 0 });
}

/** The id of a suite's section: its name, so `#scaling` links to it. */
export function sectionId(suite: string): string {
  return suite.replace(/[^A-Za-z0-9_-]/g, "-");
}

function renderSuite(
  s: SuiteSection,
  charts: ChartSpec[],
  opts: { maxRows: number; foldRows: number },
): string {
  const { maxRows, foldRows } = opts;
  const parts: string[] = [];
  const title = s.section?.title ?? s.suite;
  const id = escapeHtml(sectionId(s.suite));
  parts.push(
    `<section id="${id}"><h2>${escapeHtml(title)}<a class="self" href="#${id}" ` +
      `title="link to this section">#</a></h2>`,
  );
  if (s.description) parts.push(`<p class="note">${escapeHtml(s.description)}</p>`);
  for (const p of s.problems ?? []) parts.push(`<p class="problem">${escapeHtml(p)}</p>`);
  if (s.section) {
    for (const n of s.section.notes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
    const tidyNotes: string[] = [];
    for (const original of s.section.charts) {
      const { chart, notes } = tidyChart(original);
      tidyNotes.push(...notes);
      if (!chart) continue;
      const index = charts.push(chart) - 1;
      parts.push(
        `<div class="chart"><h3>${escapeHtml(chart.title)}</h3>` +
          `<canvas data-chart="${index}" role="img" aria-label="${
            escapeHtml(chart.title)
          }"></canvas></div>`,
      );
    }
    for (const n of tidyNotes) parts.push(`<p class="note">${escapeHtml(n)}</p>`);
    for (const t of s.section.tables) {
      parts.push(renderTable(t.title, t.columns, t.rows, { maxRows, foldRows }));
    }
    parts.push(failedTable(s.cases, maxRows, foldRows));
  } else if (s.cases.length > 0) {
    parts.push(genericCaseTable(s.cases, maxRows, foldRows));
  } else {
    parts.push(`<p class="note">No cases of this suite in the results.</p>`);
  }
  parts.push("</section>");
  return parts.join("\n");
}

/**
 * What a run of `profile` can support, said first on its page: the quick
 * profile is CI's smoke test, and conclusions come from the standard run.
 */
export function profileBanner(profile: string): string {
  if (profile === "quick") {
    return `<p class="banner"><b>Smoke test.</b> This is the quick profile, sized for CI: its ` +
      `budgets are too small for the methods to converge and its data sets too few, so it ` +
      `checks that every suite runs and supports no conclusion. Conclusions come from the ` +
      `standard profile's reference run (<code>reports/reference/index.html</code> in the ` +
      `repository).</p>`;
  }
  if (profile === "standard") {
    return `<p class="banner"><b>Standard profile.</b> The scale the project's conclusions ` +
      `rest on; each suite's section says how its budgets were chosen and whether its curves ` +
      `converged.</p>`;
  }
  return `<p class="banner"><b>${escapeHtml(profile)} profile.</b></p>`;
}

/**
 * The report page for `results` with one section per entry of `sections`:
 * an environment table, then each suite's charts and tables (or a generic
 * case table), failed cases with their errors, and links to results.json and
 * results.csv beside the page.
 */
export function renderReport(
  results: ResultsFile,
  sections: SuiteSection[],
  options: RenderOptions = {},
): string {
  const maxRows = options.maxRows ?? 1000;
  const foldRows = options.foldRows ?? 12;
  const title = options.title ?? "mapa-bench report";
  const chartJs = (options.chartJs ?? loadChartJs()).replace(/<\/script/gi, "<\\/script");
  const charts: ChartSpec[] = [];
  const body = sections.map((s) => renderSuite(s, charts, { maxRows, foldRows })).join("\n");
  const nav = sections.length
    ? `<nav><p>Suites: ${
      sections.map((s) => `<a href="#${escapeHtml(sectionId(s.suite))}">${escapeHtml(s.suite)}</a>`)
        .join(" · ")
    }</p></nav>`
    : `<p class="note">No suites in this run.</p>`;
  const data = { charts: charts.map((c) => c.config) };
  const claimTable = claimsTable(results.summaries ?? {});
  // The answers come before the evidence.
  const shown = new Set(sections.map((s) => s.suite));
  const claims = claimTable
    ? `<section id="answers"><h2>Answers</h2>\n${
      renderTable(
        claimTable.title,
        [...claimTable.columns, "shown in"],
        claimTable.rows.map((r, i) => [...r, claimTable.sections[i]]),
        {
          maxRows,
          // The last column links to the section with the evidence.
          cellHtml: (col, v) =>
            col === claimTable.columns.length && shown.has(String(v))
              ? `<a href="#${escapeHtml(sectionId(String(v)))}">${escapeHtml(String(v))}</a>`
              : undefined,
        },
      )
    }</section>`
    : "";
  return `${pageOpen(title, STYLE)}
${profileBanner(String(results.meta.profile))}
${claims}
<p>Profile <b>${escapeHtml(String(results.meta.profile))}</b>, seed <b>${
    escapeHtml(String(results.meta.seed))
  }</b>. Data: <a href="results.json">results.json</a> · <a href="results.csv">results.csv</a></p>
${nav}
${environmentTable(results, maxRows)}
${body}
${pageClose("report-data", data, chartJs)}`;
}
