/**
 * Confirming a time regression before it fails the check. A shared runner's
 * speed moves by 2x between runs, so a flagged time is rerun in the same job
 * (the runner's `--case`) and compared with the baseline again: a regression
 * that the rerun does not reproduce is reported as "not reproduced" and does
 * not fail. Deterministic metrics need no rerun (the same seed gives the same
 * numbers), so only time rows are touched.
 *
 * @module
 */

import { caseKey, compareResults, recount } from "./compare.ts";
import type { MetricRow } from "./compare_metric.ts";
import { suiteOf } from "./compare_suite.ts";
import type { CompareOptions, Comparison } from "./compare_types.ts";
import type { ResultsFile } from "./results.ts";

/** True when `r` is a time row that fails the check (one case, or a suite's geometric mean). */
export function isTimeRegression(r: MetricRow): boolean {
  return r.regression && r.kind === "timeSamples";
}

/**
 * The `suite/case` keys to rerun for `c`'s time regressions: each flagged
 * case, and for a flagged suite its slowest timed cases; at most `max`
 * (default 20) in all, slowest first.
 */
export function casesToConfirm(c: Comparison, options: { max?: number } = {}): string[] {
  const max = options.max ?? 20;
  const flagged = c.rows.filter(isTimeRegression);
  const keys: string[] = [];
  const add = (k: string) => {
    if (!keys.includes(k) && keys.length < max) keys.push(k);
  };
  for (const r of flagged.filter((r) => !r.case.endsWith("/*"))) add(r.case);
  for (const r of flagged.filter((r) => r.case.endsWith("/*"))) {
    const suite = suiteOf(r.case);
    const timed = c.rows
      .filter((x) =>
        x.kind === "timeSamples" && !x.case.endsWith("/*") && suiteOf(x.case) === suite &&
        x.ratio !== null && x.ratio > 1
      )
      .sort((a, b) => b.ratio! - a.ratio!);
    for (const x of timed) add(x.case);
  }
  return keys;
}

/** A `--case` regular expression matching exactly the `suite/case` keys in `keys`. */
export function caseRegex(keys: string[]): string {
  const esc = (k: string) => k.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return `^(${keys.map(esc).join("|")})$`;
}

/**
 * `c` with each time regression checked against `input.rerun` (a run of the
 * flagged cases made after the first): a row stays a regression only when
 * the rerun compared with `input.baseline` flags it too; otherwise its
 * verdict becomes "not reproduced". A flagged row with no rerun to check
 * stays as it was, with a note.
 */
export function confirmTimeRegressions(
  c: Comparison,
  input: { baseline: ResultsFile; rerun: ResultsFile },
  options: CompareOptions = {},
): Comparison {
  const rerunKeys = new Set(
    input.rerun.cases.filter((x) => x.status === "ok").map(caseKey),
  );
  const baseline = {
    ...input.baseline,
    cases: input.baseline.cases.filter((x) => rerunKeys.has(caseKey(x))),
  };
  const again = compareResults(baseline, input.rerun, options);
  const find = (r: MetricRow) => again.rows.find((x) => x.case === r.case && x.metric === r.metric);
  const rows = c.rows.map((r) => {
    if (!isTimeRegression(r)) return r;
    const suiteRow = r.case.endsWith("/*");
    const covered = suiteRow
      ? [...rerunKeys].some((k) => suiteOf(k) === suiteOf(r.case))
      : rerunKeys.has(r.case);
    const x = covered ? find(r) : undefined;
    if (!x) return { ...r, note: `${r.note ? `${r.note}; ` : ""}not rerun, so not confirmed` };
    const ratio = x.ratio === null ? "—" : `${x.ratio.toFixed(3)}x`;
    if (x.regression) return { ...r, note: `${r.note ? `${r.note}; ` : ""}rerun: ${ratio}` };
    return {
      ...r,
      verdict: "not reproduced" as const,
      regression: false,
      note: `rerun: ${ratio}, ${x.verdict}${
        suiteRow ? ` over ${x.note ?? "the rerun cases"}` : ""
      }`,
    };
  });
  const warnings = [
    ...c.warnings,
    `confirmation rerun of ${rerunKeys.size} case${rerunKeys.size === 1 ? "" : "s"}`,
  ];
  return recount({ ...c, rows, warnings });
}
