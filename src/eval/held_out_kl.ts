/**
 * Test KL to the ground truth (methods.md 8): the mean over held-out
 * x ~ p_true of log p_true(x) - log p_model(x), both log-likelihoods by the
 * same estimator, with a standard error and 95% interval.
 *
 * @module
 */

import type { SyntheticDataset } from "../data/types.ts";
import { InputError } from "../errors.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { iwaeMogLogLikelihood, type IwaeMogOptions } from "./iwae_mog.ts";
import { checkModel } from "./latent.ts";
import { logLikelihoodQuadrature, type QuadratureOptions } from "./log_likelihood_quadrature.ts";
import { type MeanSummary, summarizeMean } from "./stats.ts";

/** Held-out data and the model that generated it (`null` when unknown, e.g. MNIST). */
export interface TestSet {
  /** Held-out points drawn from the truth, N x D. */
  x: Matrix;
  /** The true generative model, or null when the data set has no ground truth. */
  truth: GenerativeModel | null;
}

/** Which log-likelihood estimator both models use. */
export type KlEstimator = "auto" | "quadrature" | "iwae_mog";

/** Options of {@linkcode testKl}. */
export interface TestKlOptions {
  /** `auto` (default): quadrature when both models have L <= 2, else IWAE-MoG. */
  estimator?: KlEstimator;
  /** Passed to the quadrature estimator. */
  quadrature?: QuadratureOptions;
  /** Passed to the IWAE-MoG estimator (the same seed serves both models). */
  iwae?: IwaeMogOptions;
}

/** A test KL estimate: the per-point differences and their mean with its uncertainty. */
export interface TestKlValue extends MeanSummary {
  /** True: the truth was known. */
  available: true;
  /** The estimator both models used. */
  estimator: "quadrature" | "iwae_mog";
  /** log p_true(x_i) - log p_model(x_i) per held-out point, nats. */
  perPoint: Float64Array;
  /** Mean log p_true(x) over the test points. */
  meanLogPTrue: number;
  /** Mean log p_model(x) over the test points. */
  meanLogPModel: number;
}

/** Test KL cannot be computed: the data set has no ground truth. */
export interface TestKlUnavailable {
  /** False: no number is reported. */
  available: false;
  /** Why, in one line. */
  reason: string;
}

/**
 * The ground truth of a synthetic data set as a {@linkcode GenerativeModel}:
 * standard normal prior, the surrogate MLP as decoder, the data set's sigma2.
 */
export function groundTruthModel(dataset: SyntheticDataset): GenerativeModel {
  return {
    l: dataset.l,
    d: dataset.d,
    likelihood: dataset.likelihood,
    sigma2: dataset.sigma2,
    prior: { kind: "standard_normal" },
    decoder: dataset.surrogate,
  };
}

/**
 * Test KL of `model` to `test.truth` on `test.x`. Throws
 * {@linkcode InputError} for a model without a prior or mismatched shapes;
 * returns `{ available: false, reason }` when the truth is unknown.
 *
 * @example
 * ```ts ignore
 * import { groundTruthModel, testKl } from "./held_out_kl.ts";
 * const r = testKl(learned, { x: heldOut, truth: groundTruthModel(dataset) });
 * if (r.available) console.log(r.mean, r.ci95Low, r.ci95High);
 * ```
 */
export function testKl(
  model: GenerativeModel,
  test: TestSet,
  options: TestKlOptions = {},
): TestKlValue | TestKlUnavailable {
  checkModel(model, test.x);
  if (test.truth === null || test.truth === undefined) {
    return {
      available: false,
      reason: "test KL not available: the data set has no ground-truth model",
    };
  }
  checkModel(test.truth, test.x);
  const estimator = options.estimator ?? "auto";
  if (estimator !== "auto" && estimator !== "quadrature" && estimator !== "iwae_mog") {
    throw new InputError(`estimator must be auto, quadrature or iwae_mog, got ${estimator}`);
  }
  const use = estimator === "auto"
    ? (Math.max(model.l, test.truth.l) <= 2 ? "quadrature" : "iwae_mog")
    : estimator;
  const estimate = (m: GenerativeModel) =>
    use === "quadrature"
      ? logLikelihoodQuadrature(m, test.x, options.quadrature)
      : iwaeMogLogLikelihood(m, test.x, options.iwae);
  const truthLl = estimate(test.truth);
  const modelLl = estimate(model);
  const perPoint = new Float64Array(test.x.rows);
  for (let i = 0; i < perPoint.length; i++) perPoint[i] = truthLl.logPx[i] - modelLl.logPx[i];
  return {
    available: true,
    estimator: use,
    ...summarizeMean(perPoint),
    perPoint,
    meanLogPTrue: truthLl.mean,
    meanLogPModel: modelLl.mean,
  };
}
