/**
 * Made-up amortization case results for the summary and report tests.
 *
 * @module
 */

import type { CaseResult } from "../../harness/suite.ts";

/** A made-up ok result of `method` on `dataset` with these per-point log-likelihoods. */
export function fakeResult(
  dataset: string,
  method: string,
  perPoint: number[],
  secs: number,
  kind = "steps",
): CaseResult {
  const ll = perPoint.reduce((a, b) => a + b, 0) / perPoint.length;
  return {
    suite: "amortization",
    name: `${dataset}/${kind}/${method}`,
    params: { dataset, method, budgetKind: kind },
    status: "ok",
    metrics: {
      testLogLik: ll,
      testLogLikPerPoint: perPoint,
      testLogLikEstimator: `est-${dataset}`,
      inferenceSecondsPerPoint: secs,
      amortizationGap: 0.1,
    },
    seconds: 1,
  };
}
