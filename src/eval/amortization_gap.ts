/**
 * The amortization gap (Cremer et al. 2018; methods.md section 9): per test
 * point, the ELBO of a per-point optimised Gaussian q minus the ELBO of the
 * method's own (amortized) q, and the full inference gap log p(x) - ELBO.
 *
 * The per-point q starts at the amortized q and takes Adam steps on the
 * reparameterised ELBO (`samples` draws per step) until `steps` are done; when
 * the mean ELBO over a window of 20 steps fails to beat the best window by
 * `tolerance` nats the step size halves, and the fifth halving stops. Both ELBOs are then scored with the same `evalSamples` draws (common
 * random numbers), so the gap's noise is small; it is >= 0 up to that noise.
 *
 * log p(x): quadrature (exact up to the grid) for L <= 2, else importance
 * sampling with the equal mixture of the amortized and optimised q as
 * proposal (`importanceSamples` draws; a defensive mixture: heavy enough
 * where either q is).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import { logLikelihood } from "../models/likelihood.ts";
import type { GaussianPosterior } from "../models/method.ts";
import { Mlp } from "../models/mlp.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { checkGaussianQ, gaussianElbo, importanceLogLikelihood, rowsTensor } from "./gaussian_q.ts";
import { logLikelihoodQuadrature } from "./log_likelihood_quadrature.ts";

/** Options of {@linkcode amortizationGap} and {@linkcode optimizeGaussian}. */
export interface AmortizationGapOptions {
  /** Base seed (default 0). */
  seed?: number;
  /** Most Adam steps of the per-point optimisation (default 500). */
  steps?: number;
  /** Adam learning rate (default 0.1). */
  learningRate?: number;
  /** ELBO draws per point per step (default 8). */
  samples?: number;
  /** Plateau test: a 20-step window's mean ELBO must beat the best by this, in nats (default 1e-3). */
  tolerance?: number;
  /** Draws per point when scoring each ELBO (default 1000). */
  evalSamples?: number;
  /** How log p(x) is computed: `auto` (quadrature for L <= 2, else importance), or `none`. */
  logPx?: "auto" | "quadrature" | "importance" | "none";
  /** Importance samples per point for log p(x) (default 5000). */
  importanceSamples?: number;
}

/** Per-point gaps and what they came from. */
export interface AmortizationGapResult {
  /** ELBO of the amortized q per point. */
  amortizedElbo: Float64Array;
  /** ELBO of the per-point optimised q per point. */
  optimizedElbo: Float64Array;
  /** optimizedElbo - amortizedElbo per point. */
  gap: Float64Array;
  /** log p(x) per point (null when `logPx: "none"`). */
  logPx: Float64Array | null;
  /** log p(x) - amortizedElbo per point (null without log p(x)). */
  inferenceGap: Float64Array | null;
  /** How log p(x) was computed. */
  logPxMethod: "quadrature" | "importance" | "none";
  /** The optimised q. */
  optimized: GaussianPosterior;
  /** Adam steps taken. */
  steps: number;
}

function checkFinitePositive(v: number, what: string): void {
  if (!Number.isFinite(v) || !(v > 0)) {
    throw new InputError(`${what} must be a finite number > 0, got ${v}`);
  }
}

/**
 * A per-point Gaussian q optimised by Adam on the ELBO from `init` (all
 * points at once: Adam is elementwise, so each point follows its own path).
 */
export async function optimizeGaussian(
  model: GenerativeModel,
  data: { x: Matrix; init: GaussianPosterior },
  options: AmortizationGapOptions = {},
): Promise<{ posterior: GaussianPosterior; steps: number }> {
  const { x, init } = data;
  checkGaussianQ(model, x, init);
  const steps = options.steps ?? 500, s = options.samples ?? 8;
  const lr = options.learningRate ?? 0.1, tol = options.tolerance ?? 1e-3;
  if (!Number.isInteger(steps) || steps < 0) {
    throw new InputError(`optimisation steps must be an integer >= 0, got ${steps}`);
  }
  if (!Number.isInteger(s) || s < 1) throw new InputError(`samples must be an integer >= 1`);
  checkFinitePositive(lr, "learning rate");
  checkFinitePositive(tol, "tolerance");
  const n = x.rows, l = model.l;
  const rng = Rng.stream(options.seed ?? 0, "amortization_gap/optimize");
  const decoder = Mlp.fromWeights(model.decoder, { role: "decoder" });
  const xt = rowsTensor(x, 0, n);
  const mean = tf.variable(rowsTensor(init.mean, 0, n));
  const logVar = tf.variable(rowsTensor(init.logVariance, 0, n));
  // Adam written out so the step size can be halved on a plateau (moments kept).
  const moments = [mean, logVar].map((v) => ({ m: tf.zerosLike(v), v: tf.zerosLike(v) }));
  const window = 20, maxHalvings = 4;
  let taken = 0, acc = 0, best = -Infinity, rate = lr, halvings = 0;
  try {
    for (; taken < steps; taken++) {
      const value = tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => {
          const eps = tf.tensor(rng.fillNormal(new Float32Array(s * n * l)), [s, n, l]);
          const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), eps));
          const out = decoder.apply(tf.reshape(z, [s * n, l]) as tf.Tensor2D);
          const logp = logLikelihood(xt, tf.reshape(out, [s, n, model.d]), {
            kind: model.likelihood,
            sigma2: model.sigma2,
          });
          const kl = tf.mul(
            tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1))),
            0.5,
          );
          return tf.neg(tf.sub(tf.div(tf.sum(logp), s), kl)) as tf.Scalar;
        }, [mean, logVar]);
        const t = taken + 1;
        [mean, logVar].forEach((v, i) => {
          const g = grads[v.name], mo = moments[i];
          const m1 = tf.add(tf.mul(mo.m, 0.9), tf.mul(g, 0.1));
          const v1 = tf.add(tf.mul(mo.v, 0.999), tf.mul(tf.square(g), 0.001));
          const step = tf.div(
            tf.div(m1, 1 - 0.9 ** t),
            tf.add(tf.sqrt(tf.div(v1, 1 - 0.999 ** t)), 1e-8),
          );
          v.assign(tf.sub(v, tf.mul(step, rate)));
          mo.m.dispose();
          mo.v.dispose();
          mo.m = tf.keep(m1) as tf.Variable<tf.Rank.R2>;
          mo.v = tf.keep(v1) as tf.Variable<tf.Rank.R2>;
        });
        return value;
      });
      acc += -(await value.data())[0] / n;
      value.dispose();
      if ((taken + 1) % window === 0) {
        const avg = acc / window;
        acc = 0;
        if (avg < best + tol) {
          rate /= 2;
          if (++halvings > maxHalvings) {
            taken++;
            break;
          }
        }
        best = Math.max(best, avg);
      }
    }
    const toMatrix = async (v: tf.Variable): Promise<Matrix> => ({
      rows: n,
      cols: l,
      data: Float64Array.from(await v.data()),
    });
    return {
      posterior: { mean: await toMatrix(mean), logVariance: await toMatrix(logVar) },
      steps: taken,
    };
  } finally {
    for (const mo of moments) {
      mo.m.dispose();
      mo.v.dispose();
    }
    mean.dispose();
    logVar.dispose();
    xt.dispose();
    decoder.dispose();
  }
}

/**
 * Per point of `data.x`: the amortization gap of `data.posterior` (the
 * method's test-time q) and, unless `logPx: "none"`, the inference gap.
 */
export async function amortizationGap(
  model: GenerativeModel,
  data: { x: Matrix; posterior: GaussianPosterior },
  options: AmortizationGapOptions = {},
): Promise<AmortizationGapResult> {
  const { x, posterior } = data;
  checkGaussianQ(model, x, posterior);
  const seed = options.seed ?? 0;
  const evalSamples = options.evalSamples ?? 1000;
  const { posterior: optimized, steps } = await optimizeGaussian(model, {
    x,
    init: posterior,
  }, options);
  const score = { samples: evalSamples, seed: seed + 1 };
  const amortizedElbo = await gaussianElbo(model, { x, q: posterior }, score);
  const optimizedElbo = await gaussianElbo(model, { x, q: optimized }, score);
  const gap = amortizedElbo.map((v, i) => optimizedElbo[i] - v);
  let how = options.logPx ?? "auto";
  if (how === "auto") how = model.l <= 2 ? "quadrature" : "importance";
  let logPx: Float64Array | null = null;
  if (how === "quadrature") {
    logPx = logLikelihoodQuadrature(model, x).logPx;
  } else if (how === "importance") {
    logPx = await importanceLogLikelihood(model, { x, proposals: [posterior, optimized] }, {
      samples: options.importanceSamples ?? 5000,
      seed: seed + 2,
    });
  }
  return {
    amortizedElbo,
    optimizedElbo,
    gap,
    logPx,
    inferenceGap: logPx ? logPx.map((v, i) => v - amortizedElbo[i]) : null,
    logPxMethod: how,
    optimized,
    steps,
  };
}
