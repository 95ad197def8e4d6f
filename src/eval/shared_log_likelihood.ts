/**
 * One log-likelihood estimator for every model of a comparison (methods.md
 * 8), so that a method with a better proposal q(z | x) cannot look like a
 * better model: the estimate never reads the method's own q.
 *
 * - L <= 2: trapezoid quadrature ({@linkcode logLikelihoodQuadrature}),
 *   exact up to the grid.
 * - L > 2, **choice** (`largeL`, default `"fitted_gaussian"`): importance
 *   sampling with, per point, a diagonal Gaussian fitted to the frozen model
 *   by Adam on the ELBO from a start that is the same for every model (the
 *   prior, N(0, I)), mixed half and half with the same Gaussian at twice the
 *   sd (a defensive component, so a too-narrow fit cannot blow up one
 *   weight). It is the "SVI-refined q applied to every model" of issue 11,
 *   batched on tfjs. `"iwae_mog"` is the paper's estimator
 *   ({@linkcode iwaeMogLogLikelihood}, per-point mixture fitted by EM). Both
 *   are stochastic lower bounds, so the higher is the tighter. Measured on a
 *   VAE trained 150 steps on 2000 MNIST digits (L = 10), five test digits:
 *   the fitted Gaussian gave -90.4, -198.4, -166.8, -152.9, -129.9 nats in
 *   5 s (S = 5000 with 500 fit steps moved each by <= 0.2); importance
 *   sampling with the VAE's own q -91.5, -201.9, -170.9, -155.4, -131.2;
 *   IWAE-MoG at its defaults -108.9, -199.8, -175.7, -175.0, -131.6 in 37 s
 *   (its components start at prior draws, which in 10-D are far from the
 *   posterior, and 10 EM steps do not close the distance). So the default is
 *   both tighter and about 50x faster here; it can be looser than a mixture
 *   where a posterior is multimodal.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { GaussianPosterior } from "../models/method.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { optimizeGaussian } from "./amortization_gap.ts";
import { importanceLogLikelihood } from "./gaussian_q.ts";
import { iwaeMogLogLikelihood, type IwaeMogOptions } from "./iwae_mog.ts";
import { logLikelihoodQuadrature, type QuadratureOptions } from "./log_likelihood_quadrature.ts";

/** Options of {@linkcode sharedLogLikelihood}. */
export interface SharedLogLikelihoodOptions {
  /** Base seed (default 0). */
  seed?: number;
  /** Estimator for L > 2: see the module doc (default `"fitted_gaussian"`). */
  largeL?: "fitted_gaussian" | "iwae_mog";
  /** Importance samples per point for L > 2 (default 1000). */
  samples?: number;
  /** `fitted_gaussian`: most Adam steps of the per-point fit (default 200). */
  fitSteps?: number;
  /** `fitted_gaussian`: draws per Adam step (default 4). */
  fitSamples?: number;
  /** Passed to the quadrature (L <= 2). */
  quadrature?: QuadratureOptions;
  /** `iwae_mog`: passed on (its `samples` and `seed` come from the options above). */
  iwaeMog?: IwaeMogOptions;
}

/** Per-point estimates and the name of the estimator that made them. */
export interface SharedLogLikelihoodResult {
  /** log p(x_i) per row of x, natural log. */
  logPx: Float64Array;
  /** Mean of `logPx`. */
  mean: number;
  /** The estimator and its settings, one line; equal for equal L and options. */
  estimator: string;
}

function resolved(options: SharedLogLikelihoodOptions) {
  const o = {
    seed: options.seed ?? 0,
    largeL: options.largeL ?? "fitted_gaussian",
    samples: options.samples ?? 1000,
    fitSteps: options.fitSteps ?? 200,
    fitSamples: options.fitSamples ?? 4,
  };
  if (o.largeL !== "fitted_gaussian" && o.largeL !== "iwae_mog") {
    throw new InputError(`largeL must be fitted_gaussian or iwae_mog, got ${o.largeL}`);
  }
  for (const k of ["samples", "fitSamples"] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 2) {
      throw new InputError(`shared log-likelihood ${k} must be an integer >= 2, got ${o[k]}`);
    }
  }
  if (!Number.isInteger(o.fitSteps) || o.fitSteps < 0) {
    throw new InputError(`shared log-likelihood fitSteps must be an integer >= 0`);
  }
  return o;
}

/**
 * The estimator {@linkcode sharedLogLikelihood} uses for latent dimension `l`
 * with these options, as the one line it reports: a suite can check that all
 * models of a data set were scored alike.
 */
export function sharedEstimatorName(l: number, options: SharedLogLikelihoodOptions = {}): string {
  const o = resolved(options);
  if (l <= 2) {
    return `quadrature (trapezoid grid, refined to ${options.quadrature?.tolerance ?? 1e-3} nats)`;
  }
  if (o.largeL === "iwae_mog") {
    const m = options.iwaeMog ?? {};
    return `IWAE-MoG (S = ${o.samples}, C = ${m.components ?? 8}, per-point EM fit)`;
  }
  return `importance sampling (S = ${o.samples}) with a per-point Gaussian fitted to the ` +
    `frozen model from the prior (${o.fitSteps} Adam steps, ${o.fitSamples} draws each) ` +
    `+ a 2x-sd defensive half`;
}

/**
 * log p(x_i) per row of `x` under `model` by the estimator for its latent
 * dimension (module doc); never reads any method's q(z | x).
 *
 * @example
 * ```ts
 * import { sharedLogLikelihood } from "./shared_log_likelihood.ts";
 * const model = {
 *   l: 1, d: 1, likelihood: "gaussian" as const, sigma2: 0.5,
 *   prior: { kind: "standard_normal" as const },
 *   decoder: { layers: [{ inputs: 1, outputs: 1, weights: new Float64Array([1]),
 *     bias: new Float64Array([0]), activation: "linear" as const }] },
 * };
 * const x = { rows: 1, cols: 1, data: new Float64Array([0]) };
 * (await sharedLogLikelihood(model, x)).estimator; // "quadrature (...)"
 * ```
 */
export async function sharedLogLikelihood(
  model: GenerativeModel,
  x: Matrix,
  options: SharedLogLikelihoodOptions = {},
): Promise<SharedLogLikelihoodResult> {
  const o = resolved(options);
  const estimator = sharedEstimatorName(model.l, options);
  let logPx: Float64Array;
  if (model.l <= 2) {
    logPx = logLikelihoodQuadrature(model, x, options.quadrature).logPx;
  } else if (o.largeL === "iwae_mog") {
    logPx = iwaeMogLogLikelihood(model, x, {
      ...options.iwaeMog,
      seed: o.seed,
      samples: o.samples,
    }).logPx;
  } else {
    const zeros = (): Matrix => ({
      rows: x.rows,
      cols: model.l,
      data: new Float64Array(x.rows * model.l),
    });
    const { posterior } = await optimizeGaussian(model, {
      x,
      init: { mean: zeros(), logVariance: zeros() },
    }, { seed: o.seed, steps: o.fitSteps, samples: o.fitSamples });
    const wide: GaussianPosterior = {
      mean: posterior.mean,
      logVariance: {
        ...posterior.logVariance,
        data: posterior.logVariance.data.map((v) => v + Math.log(4)),
      },
    };
    logPx = await importanceLogLikelihood(model, { x, proposals: [posterior, wide] }, {
      samples: o.samples,
      seed: o.seed + 1,
    });
  }
  let mean = 0;
  for (const v of logPx) mean += v;
  return { logPx, mean: mean / x.rows, estimator };
}
