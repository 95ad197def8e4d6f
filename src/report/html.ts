/**
 * The static HTML report: one self-contained page (chart.js inlined, data
 * inlined as JSON, no request leaves it) that opens from `file://`.
 *
 * @module
 */

import { tidyChart } from "./chart_tidy.ts";
import { claimsTable } from "./claims.ts";
import { escapeHtml, loadChartJs, pageClose, pageOpen } from "./html_page.ts";
import { environmentTable, failedTable, genericCaseTable, renderTable } from "./html_table.ts";
import type { CaseResult, ChartSpec, ReportSection, ResultsFile } from "./results.ts";

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
      parts.push(renderTable(t, { maxRows, foldRows }));
    }
    parts.push(failedTable(s.cases, { maxRows, foldRows }));
  } else if (s.cases.length > 0) {
    parts.push(genericCaseTable(s.cases, { maxRows, foldRows }));
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
        {
          title: claimTable.title,
          columns: [...claimTable.columns, "shown in"],
          rows: claimTable.rows.map((r, i) => [...r, claimTable.sections[i]]),
        },
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
