/**
 * How a comparison reads: a plain-text table for a terminal and a Markdown
 * summary for a CI job, each opening with how many cases were compared and
 * what regressed.
 *
 * @module
 */

import type { Comparison } from "./compare_types.ts";
import type { MetricRow } from "./compare_metric.ts";
import { formatCell } from "./html_table.ts";

const HEADERS = ["case", "metric", "baseline", "current", "ratio", "p", "verdict"];

function cells(r: MetricRow): string[] {
  const v = (x: number | boolean | null) => (x === null ? "—" : formatCell(x));
  return [
    r.case,
    r.metric,
    v(r.baseline),
    v(r.current),
    r.ratio === null ? "—" : `${r.ratio.toFixed(3)}x`,
    r.pValue === null ? "—" : formatCell(r.pValue),
    (r.regression ? "REGRESSED " : "") + (r.verdict === "regressed" ? "" : r.verdict) +
    (r.note ? ` (${r.note})` : ""),
  ].map((s) => s.trim());
}

/** Rows worth a reader's attention: everything but unchanged and ungated ones. */
export function notableRows(c: Comparison): MetricRow[] {
  return c.rows.filter((r) => r.verdict !== "same" && r.verdict !== "not gated");
}

/** The coverage line: how many of the current run's cases were compared. */
export function coverageLine(c: Comparison): string {
  const v = c.coverage;
  const pct = v.current ? Math.round((100 * v.compared) / v.current) : 0;
  return `compared ${v.compared} of ${v.current} cases (${pct}%; baseline has ${v.baseline}): ` +
    `${c.newCases.length} new, ${c.paramChanges.length} with changed params, ` +
    `${v.notRun} not run in either, ${c.vanishedCases.length} vanished`;
}

function headline(c: Comparison): string {
  const same = c.rows.filter((r) => r.verdict === "same").length;
  return `${c.regressions} regression${c.regressions === 1 ? "" : "s"}, ${c.improvements} ` +
    `improved, ${same} of ${c.rows.length} compared metrics unchanged; ${coverageLine(c)}`;
}

/** A plain-text report of `c` for a terminal; `verbose` lists every compared metric. */
export function formatComparisonText(c: Comparison, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [headline(c)];
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  for (const s of c.statusChanges) {
    lines.push(
      `${s.regression ? "REGRESSED " : ""}${s.case}: ${s.from} -> ${s.to}` +
        (s.error ? ` (${s.error})` : ""),
    );
  }
  for (const k of c.paramChanges) lines.push(`params changed, not compared: ${k}`);
  for (const k of c.newCases) lines.push(`new case: ${k}`);
  for (const k of c.vanishedCases) lines.push(`vanished case: ${k}`);
  const rows = (options.verbose ? c.rows : notableRows(c)).map(cells);
  if (rows.length) {
    const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) =>
      r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]))).join("  ");
    lines.push("", fmt(HEADERS), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt));
  }
  return lines.join("\n") + "\n";
}

function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ")
    .replace(/</g, "&lt;");
}

function mdTable(rows: MetricRow[]): string {
  return [
    `| ${HEADERS.join(" | ")} |`,
    `|${HEADERS.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cells(r).map(mdCell).join(" | ")} |`),
  ].join("\n");
}

/** A Markdown summary of `c` for a CI job summary: headline, notes, notable rows, all rows folded. */
export function formatComparisonMarkdown(c: Comparison): string {
  const parts: string[] = [
    `## Benchmark comparison: ${c.regressions ? "regressed" : "no regression"}`,
    "",
    mdCell(headline(c)) + ".",
  ];
  const list = (title: string, items: string[]) => {
    if (items.length) parts.push("", `**${title}**`, "", ...items.map((i) => `- ${mdCell(i)}`));
  };
  list("Warnings", c.warnings);
  list(
    "Status changes",
    c.statusChanges.map((s) =>
      `${s.regression ? "REGRESSED " : ""}${s.case}: ${s.from} → ${s.to}${
        s.error ? ` (${s.error})` : ""
      }`
    ),
  );
  list("Params changed (not compared)", c.paramChanges);
  list("New cases", c.newCases);
  list("Vanished cases", c.vanishedCases);
  const notable = notableRows(c);
  if (notable.length) parts.push("", mdTable(notable));
  if (c.rows.length) {
    parts.push("", "<details><summary>All compared metrics</summary>", "", mdTable(c.rows), "");
    parts.push("</details>");
  }
  return parts.join("\n") + "\n";
}
