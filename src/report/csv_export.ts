/**
 * The results as CSV for spreadsheets: one row per case, with params and
 * metrics flattened into dotted columns.
 *
 * @module
 */

import type { CaseResult, JsonValue } from "./results.ts";

/** Flattens nested records into `prefix.key.sub` entries; arrays stay whole, as JSON. */
function flatten(value: JsonValue, prefix: string, out: Map<string, JsonValue>): void {
  if (value !== null && typeof value === "object" && !Array.isArray(value)) {
    for (const [k, v] of Object.entries(value)) flatten(v, `${prefix}.${k}`, out);
  } else {
    out.set(prefix, value);
  }
}

/** Quotes a cell when it holds a comma, quote, newline or edge space (RFC 4180). */
function quote(text: string): string {
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cellText(value: JsonValue | undefined): string {
  if (value === undefined || value === null) return "";
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * CSV text with columns suite, name, status, seconds, error, then every
 * `param.*` and `metric.*` column seen in any case, in first-seen order.
 */
export function formatResultsCsv(cases: CaseResult[]): string {
  const flat = cases.map((c) => {
    const m = new Map<string, JsonValue>();
    for (const [k, v] of Object.entries(c.params)) flatten(v, `param.${k}`, m);
    for (const [k, v] of Object.entries(c.metrics)) flatten(v, `metric.${k}`, m);
    return m;
  });
  const keys = [...new Set(flat.flatMap((m) => [...m.keys()]))];
  const header = ["suite", "name", "status", "seconds", "error", ...keys];
  const lines = [header.map(quote).join(",")];
  cases.forEach((c, i) => {
    const row = [c.suite, c.name, c.status, String(c.seconds), c.error ?? ""];
    for (const k of keys) row.push(cellText(flat[i].get(k)));
    lines.push(row.map(quote).join(","));
  });
  return lines.join("\n") + "\n";
}
