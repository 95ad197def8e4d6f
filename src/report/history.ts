/**
 * The history page (`reports/index.html`, in CI the gh-pages branch's root):
 * every run kept under `runs/<id>/` listed with a link to its own page, and a
 * chart per headline metric (the numbers each suite's `summarize()`
 * returned) over commits, one line per profile. Where a metric moved to a
 * new level (a piecewise-constant fit, `step_detect.ts`) the chart marks the
 * step and draws the fitted levels, and a table of steps, newest first, opens
 * the page. Each point links to its run's page. Self-contained like the run
 * pages.
 *
 * @module
 */

import { escapeHtml, loadChartJs, pageClose, pageOpen } from "./html_page.ts";
import { formatCell } from "./html_table.ts";
import { median } from "../eval/stats.ts";
import { type JsonValue, readResults, type ResultsFile } from "./results.ts";
import { detectSteps, type StepOptions } from "./step_detect.ts";

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
  /** Options of the step detection. */
  steps?: StepOptions;
}

/** A step the history found in one metric of one profile. */
export interface HistoryStep {
  /** Headline metric (`suite.key`). */
  metric: string;
  /** Profile of the series. */
  profile: string;
  /** Index into the entries of the first run at the new level. */
  index: number;
  /** Level before. */
  from: number;
  /** Level after. */
  to: number;
}

/** One metric's series of one profile: entry indices and values, in run order. */
function series(entries: HistoryEntry[], metric: string, profile: string) {
  const index: number[] = [];
  const values: number[] = [];
  entries.forEach((e, i) => {
    const v = e.headline[metric];
    if (e.profile === profile && typeof v === "number" && Number.isFinite(v)) {
      index.push(i);
      values.push(v);
    }
  });
  return { index, values };
}

/**
 * The steps in each headline metric of `entries` (oldest first), per profile,
 * with the fitted level of every run (null where a run has no value).
 */
export function historySteps(
  entries: HistoryEntry[],
  options: StepOptions = {},
): { steps: HistoryStep[]; levels: Map<string, (number | null)[]> } {
  const profiles = [...new Set(entries.map((e) => e.profile))];
  const metrics = [...new Set(entries.flatMap((e) => Object.keys(e.headline)))].sort();
  const steps: HistoryStep[] = [];
  const levels = new Map<string, (number | null)[]>();
  for (const metric of metrics) {
    for (const profile of profiles) {
      const s = series(entries, metric, profile);
      const fit = detectSteps(s.values, options);
      const level: (number | null)[] = entries.map(() => null);
      for (const seg of fit.segments) {
        for (let k = seg.start; k < seg.end; k++) level[s.index[k]] = seg.level;
      }
      levels.set(`${metric}\u0000${profile}`, level);
      for (const st of fit.steps) {
        steps.push({ metric, profile, index: s.index[st.index], from: st.from, to: st.to });
      }
    }
  }
  return { steps, levels };
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
  const labels = entries.map((e) =>
    `${e.commit.slice(0, 7)} ${e.startedAt.slice(0, 16).replace("T", " ")}`
  );
  const profiles = [...new Set(entries.map((e) => e.profile))];
  const { steps, levels } = historySteps(entries, options.steps);
  // Metrics that moved come first, so the chart cap never hides one.
  const moved = new Set(steps.map((st) => st.metric));
  const metrics = [...new Set(entries.flatMap((e) => Object.keys(e.headline)))].sort((a, b) =>
    Number(moved.has(b)) - Number(moved.has(a)) || a.localeCompare(b)
  );
  const maxCharts = options.maxCharts ?? 40;
  const shown = metrics.slice(0, maxCharts);
  const runHref = (e: HistoryEntry) => `${runsHref}/${encodeURIComponent(e.id)}/index.html`;
  const charts = shown.map((m) => {
    const datasets: JsonValue[] = [];
    profiles.forEach((p, i) => {
      const color = COLORS[i % COLORS.length];
      const mine = steps.filter((st) => st.metric === m && st.profile === p);
      datasets.push({
        label: p,
        data: entries.map((e) => e.profile === p ? e.headline[m] ?? null : null),
        borderColor: color,
        backgroundColor: color,
        spanGaps: true,
      });
      if (mine.length === 0) return;
      datasets.push({
        label: `${p}: fitted levels`,
        data: levels.get(`${m}\u0000${p}`) ?? [],
        borderColor: color,
        borderDash: [6, 4],
        borderWidth: 1,
        pointRadius: 0,
        spanGaps: true,
      });
      datasets.push({
        label: `${p}: step`,
        data: entries.map((e, k) =>
          mine.some((st) => st.index === k) ? e.headline[m] ?? null : null
        ),
        borderColor: "#000",
        backgroundColor: color,
        pointStyle: "triangle",
        pointRadius: 9,
        showLine: false,
      });
    });
    return {
      type: "line",
      data: { labels, datasets },
      options: {
        animation: false,
        plugins: { legend: { display: datasets.length > 1 } },
        scales: { x: { title: { display: true, text: "commit, run date" } } },
      },
    };
  });
  const links = shown.map(() => entries.map(runHref));
  const stepRows = [...steps].sort((a, b) => b.index - a.index || a.metric.localeCompare(b.metric))
    .map((st) => {
      const e = entries[st.index];
      const ratio = st.from !== 0 ? `${(st.to / st.from).toFixed(3)}x` : "—";
      return `<tr><td>${escapeHtml(st.metric)}</td><td>${escapeHtml(st.profile)}</td>` +
        `<td><a href="${escapeHtml(runHref(e))}">${escapeHtml(e.id)}</a></td>` +
        `<td>${escapeHtml(e.commit.slice(0, 10))}</td>` +
        `<td class="num">${escapeHtml(formatCell(st.from))}</td>` +
        `<td class="num">${escapeHtml(formatCell(st.to))}</td><td class="num">${ratio}</td></tr>`;
    }).join("\n");
  const stepTable = steps.length
    ? `<table id="steps"><caption>Steps: where a headline metric moved to a new level ` +
      `(piecewise-constant fit), newest first</caption><thead><tr><th>metric</th>` +
      `<th>profile</th><th>first run at the new level</th><th>commit</th><th>before</th>` +
      `<th>after</th><th>ratio</th></tr></thead><tbody>\n${stepRows}\n</tbody></table>`
    : entries.length > 1
    ? `<p class="note" id="steps">No steps: every headline metric stayed at one level.</p>`
    : "";
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
    const href = runHref(e);
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
${stepTable}
<h2>Headline metrics</h2>
<p class="note">One point per kept run (click it for that run's page); a triangle marks a step,
the dashed line the fitted levels.</p>
${
    shown.length
      ? `<div class="grid">\n${chartHtml}\n</div>`
      : `<p class="note">No numeric suite summaries in the kept runs.</p>`
  }
${more}
<h2>Runs</h2>
${table}
${pageClose("history-data", { charts, links }, chartJs)}`;
}
