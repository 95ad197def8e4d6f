/**
 * Test KL and test log-likelihood of a trained model, never a made-up
 * number: when the evaluation cannot be done (no ground truth, a model with
 * no prior, a quadrature grid too coarse) the value is "not available" with
 * the evaluator's one-line reason.
 *
 * @module
 */

import { InputError } from "../../src/errors.ts";
import { iwaeMogLogLikelihood } from "../../src/eval/iwae_mog.ts";
import { logLikelihoodQuadrature } from "../../src/eval/log_likelihood_quadrature.ts";
import { testKl, type TestKlOptions, type TestSet } from "../../src/eval/held_out_kl.ts";
import type { GenerativeModel, Matrix } from "../../src/types.ts";
import type { JsonValue } from "../harness/suite.ts";
import type { DrawValue } from "./draw_stats.ts";

/** Test KL, the model's and the truth's mean test log-likelihood, each a number or unavailable. */
export interface TestFigures {
  /** Mean over test points of log p_true(x) - log p_model(x). */
  kl: DrawValue;
  /** Mean log p_model(x) over test points. */
  logLik: DrawValue;
  /** Mean log p_true(x) over test points. */
  logLikTruth: DrawValue;
  /** The estimator used ("" when unavailable). */
  estimator: string;
}

/**
 * {@linkcode testKl} of `model` on `test`, with an InputError from the
 * evaluator turned into "not available: <reason>" (other errors propagate).
 */
export function testFigures(
  model: GenerativeModel,
  test: TestSet,
  options: TestKlOptions = {},
): TestFigures {
  const unavailable = (reason: string): TestFigures => {
    const u = { unavailable: `not available: ${reason}` };
    return { kl: u, logLik: u, logLikTruth: u, estimator: "" };
  };
  try {
    const r = testKl(model, test, options);
    if (!r.available) return unavailable(r.reason.replace(/^test KL not available: /, ""));
    return {
      kl: r.mean,
      logLik: r.meanLogPModel,
      logLikTruth: r.meanLogPTrue,
      estimator: r.estimator,
    };
  } catch (e) {
    if (e instanceof InputError) return unavailable(e.message);
    throw e;
  }
}

/**
 * Both log-likelihood estimators on the first `points` test points, so the
 * report shows them side by side where both apply (L <= 2): quadrature (exact
 * up to the grid) and the paper's IWAE with a mixture-of-Gaussians proposal.
 * Returns no metrics when `points` is 0, and "not available" with the reason
 * when an estimator cannot run on this model.
 */
export function estimatorCrossCheck(
  model: GenerativeModel,
  x: Matrix,
  options: { points: number; seed: number },
): Record<string, JsonValue> {
  const m = Math.min(options.points, x.rows);
  if (m < 1) return {};
  const subset: Matrix = { rows: m, cols: x.cols, data: x.data.subarray(0, m * x.cols) };
  try {
    const quad = logLikelihoodQuadrature(model, subset).mean;
    const iwae = iwaeMogLogLikelihood(model, subset, { seed: options.seed }).mean;
    return {
      crossCheckPoints: m,
      testLogLikQuadratureSubset: quad,
      testLogLikIwaeMogSubset: iwae,
      estimatorGapNats: quad - iwae,
    };
  } catch (e) {
    if (e instanceof InputError) return { crossCheck: `not available: ${e.message}` };
    throw e;
  }
}
