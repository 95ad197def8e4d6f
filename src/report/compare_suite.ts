/**
 * The suite-level time gate: repeats inside one case share that run's state,
 * so one case's ratio is noisy; a whole suite is flagged when the geometric
 * mean of its cases' normalised time ratios passes the threshold and a sign
 * test over those cases agrees.
 *
 * @module
 */

import type { MetricRow, Verdict } from "./compare_metric.ts";

/** Two-sided sign-test p-value for `up` of `n` paired changes going one way. */
export function signTestP(up: number, n: number): number {
  const k = Math.max(up, n - up);
  let tail = 0;
  let c = 1; // C(n, i), built up from i = 0
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

/** The suite name of a `suite/case` key. */
export function suiteOf(caseKey: string): string {
  return caseKey.split("/")[0];
}

/**
 * One row per suite: the geometric mean of its gated timing ratios in `rows`,
 * flagged past `threshold` when a sign test over the cases agrees (p < alpha).
 */
export function suiteTimeRows(
  rows: MetricRow[],
  ctx: { threshold: number; alpha: number; gateMetrics: boolean },
): MetricRow[] {
  const bySuite = new Map<string, number[]>();
  for (const r of rows) {
    if (r.kind !== "timeSamples" || r.ratio === null || r.verdict === "few samples") continue;
    if (r.case.endsWith("/*")) continue;
    const suite = suiteOf(r.case);
    bySuite.set(suite, [...(bySuite.get(suite) ?? []), r.ratio]);
  }
  const out: MetricRow[] = [];
  for (const [suite, ratios] of bySuite) {
    const geo = Math.exp(ratios.reduce((s, v) => s + Math.log(v), 0) / ratios.length);
    const p = signTestP(ratios.filter((v) => v > 1).length, ratios.length);
    const beyond = geo > ctx.threshold || geo < 1 / ctx.threshold;
    const verdict: Verdict = !beyond
      ? "same"
      : p >= ctx.alpha
      ? "not significant"
      : !ctx.gateMetrics
      ? "not gated"
      : geo > 1
      ? "regressed"
      : "improved";
    out.push({
      case: `${suite}/*`,
      metric: "timeSamples (geometric mean)",
      kind: "timeSamples",
      baseline: null,
      current: null,
      ratio: geo,
      pValue: p,
      verdict,
      regression: verdict === "regressed",
      note: `${ratios.length} timed cases, sign test`,
    });
  }
  return out;
}
