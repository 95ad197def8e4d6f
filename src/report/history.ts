/**
 * The history page (`reports/index.html`): every run kept under
 * `reports/runs/<id>/` listed with a link to its own page, and a chart per
 * headline metric (the numbers each suite's `summarize()` returned) across
 * runs, one line per profile. Self-contained like the run pages.
 *
 * @module
 */

import { escapeHtml, formatCell, loadChartJs, pageClose, pageOpen } from "./html.ts";
import { median } from "./metric_kinds.ts";
import { readResults, type ResultsFile } from "./results.ts";

/** One kept run as the history page shows it. */
export interface HistoryEntry {
  /** Folder name under the runs folder (links go to `runs/<id>/index.html`). */
  id: string;
  /** ISO start time. */
  startedAt: string;
  /** Commit. */
  commit: string;
  /** Profile. */
  profile: string;
  /** Backend. */
  backend: string;
  /** Cases by status. */
  counts: { ok: number; failed: number; skipped: number };
  /** Wall-clock seconds. */
  durationSeconds: number;
  /** Calibration median in seconds, when recorded. */
  calibrationSeconds: number | null;
  /** Headline metrics: `suite.key` (or `suite.key.sub`) -> number. */
  headline: Record<string, number>;
}

/** What {@linkcode readHistory} found. */
export interface History {
  /** Runs, oldest first. */
  entries: HistoryEntry[];
  /** Folders that could not be read, with why. */
  problems: string[];
}

/**
 * The numbers among each suite's summary values, top level and one level
 * down (`suite.key`, `suite.key.sub`), finite ones only.
 */
export function headlineMetrics(results: ResultsFile): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [suite, summary] of Object.entries(results.summaries)) {
    for (const [k, v] of Object.entries(summary)) {
      if (typeof v === "number" && Number.isFinite(v)) out[`${suite}.${k}`] = v;
      else if (v !== null && typeof v === "object" && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v)) {
          if (typeof v2 === "number" && Number.isFinite(v2)) out[`${suite}.${k}.${k2}`] = v2;
        }
      }
    }
  }
  return out;
}

/** The history entry of one run kept in folder `id`. */
export function historyEntry(id: string, results: ResultsFile): HistoryEntry {
  const count = (s: string) => results.cases.filter((c) => c.status === s).length;
  const cal = results.meta.calibration?.samplesSeconds;
  return {
    id,
    startedAt: results.meta.startedAt,
    commit: results.meta.commit,
    profile: results.meta.profile,
    backend: results.meta.backend,
    counts: { ok: count("ok"), failed: count("failed"), skipped: count("skipped") },
    durationSeconds: results.meta.durationSeconds ?? 0,
    calibrationSeconds: cal && cal.length ? median(cal) : null,
    headline: headlineMetrics(results),
  };
}

/** Reads every `runsDir/<id>/results.json`; a missing `runsDir` is an empty history. */
export function readHistory(runsDir: string): History {
  const entries: HistoryEntry[] = [];
  const problems: string[] = [];
  let names: string[] = [];
  try {
    names = [...Deno.readDirSync(runsDir)].filter((e) => e.isDirectory).map((e) => e.name);
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  for (const id of names.sort()) {
    try {
      entries.push(historyEntry(id, readResults(`${runsDir}/${id}/results.json`)));
    } catch (e) {
      problems.push(`${id}: ${(e as Error).message}`);
    }
  }
  entries.sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.id.localeCompare(b.id));
  return { entries, problems };
}

/** A folder name for a run started at ISO time `startedAt`, safe on every file system. */
export function runId(startedAt: string): string {
  return startedAt.replace(/\.\d+Z$/, "Z").replace(/[^0-9A-Za-z-]/g, "-");
}

/** Options of {@linkcode renderHistory}. */
export interface HistoryRenderOptions {
  /** chart.js UMD bundle (default: read from node_modules). */
  chartJs?: string;
  /** Unreadable runs to mention. */
  problems?: string[];
  /** Path of the runs folder relative to the page (default "runs"). */
  runsHref?: string;
  /** Link to the latest run's page, relative to the page, if there is one. */
  latestHref?: string;
  /** Most metric charts drawn (default 40); the rest are named in a note. */
  maxCharts?: number;
}

const STYLE = `
body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:1100px;padding:0 1em;color:#222}
table{border-collapse:collapse;margin:.5em 0 1.5em;font-size:13px}
th,td{border:1px solid #ddd;padding:3px 8px;text-align:left}th{background:#f4f4f4}
td.num{text-align:right;font-variant-numeric:tabular-nums}.bad{color:#b00;font-weight:600}
.grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(340px,1fr));gap:1em}
.chart h3{font-size:.95em;margin:.2em 0;word-break:break-all}.note{color:#444}.problem{color:#b00}
`;

const COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"];

/** The history page for `entries` (oldest first). */
export function renderHistory(entries: HistoryEntry[], options: HistoryRenderOptions = {}): string {
  const runsHref = options.runsHref ?? "runs";
  const chartJs = (options.chartJs ?? loadChartJs()).replace(/<\/script/gi, "<\\/script");
  const labels = entries.map((e) => e.startedAt.slice(0, 16).replace("T", " "));
  const profiles = [...new Set(entries.map((e) => e.profile))];
  const metrics = [...new Set(entries.flatMap((e) => Object.keys(e.headline)))].sort();
  const maxCharts = options.maxCharts ?? 40;
  const shown = metrics.slice(0, maxCharts);
  const charts = shown.map((m) => ({
    type: "line",
    data: {
      labels,
      datasets: profiles.map((p, i) => ({
        label: p,
        data: entries.map((e) => e.profile === p ? e.headline[m] ?? null : null),
        borderColor: COLORS[i % COLORS.length],
        backgroundColor: COLORS[i % COLORS.length],
        spanGaps: true,
      })),
    },
    options: { animation: false, plugins: { legend: { display: profiles.length > 1 } } },
  }));
  const chartHtml = shown.map((m, i) =>
    `<div class="chart"><h3>${escapeHtml(m)}</h3>` +
    `<canvas data-chart="${i}" role="img" aria-label="${escapeHtml(m)}"></canvas></div>`
  ).join("\n");
  const more = metrics.length > shown.length
    ? `<p class="note">${metrics.length - shown.length} more metrics not charted: ${
      escapeHtml(metrics.slice(maxCharts).join(", "))
    }</p>`
    : "";
  const rows = [...entries].reverse().map((e) => {
    const href = `${runsHref}/${encodeURIComponent(e.id)}/index.html`;
    const failed = e.counts.failed ? ` class="num bad"` : ` class="num"`;
    return `<tr><td><a href="${escapeHtml(href)}">${escapeHtml(e.id)}</a></td>` +
      `<td>${escapeHtml(e.startedAt)}</td><td>${escapeHtml(e.commit.slice(0, 10))}</td>` +
      `<td>${escapeHtml(e.profile)}</td><td>${escapeHtml(e.backend)}</td>` +
      `<td class="num">${e.counts.ok}</td><td${failed}>${e.counts.failed}</td>` +
      `<td class="num">${e.counts.skipped}</td>` +
      `<td class="num">${escapeHtml(formatCell(e.durationSeconds))}</td>` +
      `<td class="num">${
        e.calibrationSeconds === null ? "—" : escapeHtml(formatCell(e.calibrationSeconds))
      }</td></tr>`;
  }).join("\n");
  const problems = (options.problems ?? []).map((p) =>
    `<p class="problem">unreadable run ${escapeHtml(p)}</p>`
  ).join("\n");
  const latest = options.latestHref
    ? `<p><a href="${escapeHtml(options.latestHref)}">Latest run</a></p>`
    : "";
  const table = entries.length
    ? `<table><caption>Runs, newest first</caption><thead><tr><th>run</th><th>started</th>` +
      `<th>commit</th><th>profile</th><th>backend</th><th>ok</th><th>failed</th>` +
      `<th>skipped</th><th>seconds</th><th>calibration s</th></tr></thead><tbody>\n${rows}\n` +
      `</tbody></table>`
    : `<p class="note">No runs kept yet: run <code>deno task report --keep</code> after a run.</p>`;
  return `${pageOpen("mapa-bench history", STYLE)}
${latest}
${problems}
${table}
<h2>Headline metrics</h2>
${
    shown.length
      ? `<div class="grid">\n${chartHtml}\n</div>`
      : `<p class="note">No numeric suite summaries in the kept runs.</p>`
  }
${more}
${pageClose("history-data", { charts }, chartJs)}`;
}
