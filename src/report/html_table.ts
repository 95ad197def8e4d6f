/**
 * The tables of a report page: cells formatted to 4 significant digits,
 * long tables folded under their caption beside the CSV link, and the
 * generic, failed-case and environment tables the runner's page adds to each
 * suite's own.
 *
 * @module
 */

import { escapeHtml } from "./html_page.ts";
import type { CaseResult, JsonValue, ResultsFile, RunMeta, TableSpec } from "./results.ts";

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

/** Options of {@linkcode renderTable}. */
export interface TableOptions {
  /** Most rows shown; the rest are counted and left to results.csv. */
  maxRows: number;
  /** The class of row `i` (e.g. its case status). */
  rowClass?: (i: number) => string;
  /** A table with more rows than this is folded into a `<details>`; default never. */
  foldRows?: number;
  /** HTML for cell `v` in column `col`, or undefined for the escaped text. */
  cellHtml?: (col: number, v: JsonValue) => string | undefined;
}

/** Sizes of the page's tables: {@linkcode TableOptions}' `maxRows` and `foldRows`. */
export interface TableSizes {
  /** Most rows shown per table. */
  maxRows: number;
  /** Tables with more rows are folded. */
  foldRows: number;
}

/** `table` as HTML: its title as caption, numbers right-aligned, a failed or skipped status marked. */
export function renderTable(spec: TableSpec, options: TableOptions): string {
  const { title: caption, columns, rows } = spec;
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

/** Every case of a suite with no `report()`: its parameters, then its metrics. */
export function genericCaseTable(cases: CaseResult[], sizes: TableSizes): string {
  const { maxRows, foldRows } = sizes;
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
  return renderTable({ title: "Cases (parameters, then metrics)", columns, rows }, {
    maxRows,
    foldRows,
    rowClass: (i) => cases[i].status === "ok" ? "" : cases[i].status,
  });
}

/** The failed and skipped cases with their errors; empty when every case is ok. */
export function failedTable(cases: CaseResult[], sizes: TableSizes): string {
  const bad = cases.filter((c) => c.status !== "ok");
  if (bad.length === 0) return "";
  return renderTable(
    {
      title: "Failed and skipped cases",
      columns: ["case", "status", "error"],
      rows: bad.map((c) => [c.name, c.status, c.error ?? ""]),
    },
    { ...sizes, rowClass: (i) => bad[i].status },
  );
}

/**
 * The run's duration. A merged run (parts side by side) or a resumed one
 * sums its sessions' times, which is not the wall clock: both are shown
 * when they differ by more than 5%.
 */
function durationText(m: RunMeta): string {
  const summed = `${formatCell(m.durationSeconds)} s`;
  if (m.endedAt === null) return summed;
  const wall = (Date.parse(m.endedAt) - Date.parse(m.startedAt)) / 1000;
  if (!Number.isFinite(wall) || Math.abs(wall - m.durationSeconds) <= 0.05 * wall) return summed;
  return `${formatCell(wall)} s from start to end (${summed} of run time summed over its parts ` +
    `or sessions)`;
}

/** The run's environment (commit, versions, backend, machine, seed, profile, case counts). */
export function environmentTable(results: ResultsFile, maxRows: number): string {
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
    ["Duration", durationText(m)],
    ["Cases", `${count("ok")} ok, ${count("failed")} failed, ${count("skipped")} skipped`],
  ];
  const text = rows.map(([k, v]) => [k, formatCell(v)]);
  return renderTable({ title: "Environment", columns: ["", ""], rows: text }, {
    maxRows,
    foldRows: 0,
  });
}
