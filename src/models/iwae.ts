/**
 * The IWAE (Burda et al. 2016; methods.md section 2):
 * log (1/S) sum_s p(x, z_s) / q(z_s | x), z_s ~ q(z | x). Encoder gradients
 * use DReG (Tucker et al. 2019) by default, or the naive reparameterised
 * estimator (`estimator: "naive"`). |B| encoder passes and |B| * S decoder
 * passes per batch.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import {
  buildGaussianModel,
  encodeGaussian,
  type GaussianBound,
  normalTensor,
} from "./gaussian_vae.ts";
import { logSumExpRows } from "./dense.ts";
import { type GradScale, scaleGradient, stopGradient } from "./grad_ops.ts";
import { logLikelihood, logStandardNormal } from "./likelihood.ts";
import { fixedInputs, type Method, type MethodOptions } from "./method.ts";

/** The IWAE's options. */
export interface IwaeOptions extends MethodOptions {
  /** Importance samples S (default {@linkcode IWAE_DEFAULTS}.s). */
  s?: number;
  /** Encoder gradient estimator (default `dreg`). */
  estimator?: "dreg" | "naive";
}

/** The IWAE's defaults. */
export const IWAE_DEFAULTS = { s: 5, estimator: "dreg" } as const;

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** The IWAE bound with `s` samples and the given encoder gradient estimator. */
export function iwaeBound(s: number, estimator: "dreg" | "naive"): GaussianBound {
  let kept: tf.Tensor | undefined;
  return (parts, x, { rng, counter, training }) => {
    const b = x.shape[0], l = parts.l;
    const { mu, logStd } = encodeGaussian(parts, x, counter);
    const eps = normalTensor(rng, [s, b, l]);
    const z = tf.add(mu, tf.mul(tf.exp(logStd), eps));
    const dreg = training && estimator === "dreg";
    const slot: GradScale = {};
    const zUsed = dreg ? scaleGradient(z, slot) : z;
    const out = parts.decoder.apply(tf.reshape(zUsed, [s * b, l]) as tf.Tensor2D, counter);
    const logp = logLikelihood(
      x,
      tf.reshape(out, [s, b, x.shape[1]]),
      { kind: parts.likelihood, sigma2: parts.sigma2 },
    );
    const logPrior = logStandardNormal(zUsed);
    let logq: tf.Tensor;
    if (dreg) {
      // DReG: q's parameters enter log w only through the sample, not directly.
      const m = stopGradient(mu), ls = stopGradient(logStd);
      const u = tf.div(tf.sub(zUsed, m), tf.exp(ls));
      logq = tf.sub(
        tf.mul(tf.sum(tf.square(u), -1), -0.5),
        tf.add(tf.sum(ls, -1), l * HALF_LOG_2PI),
      );
    } else {
      logq = tf.sub(
        tf.mul(tf.sum(tf.square(eps), -1), -0.5),
        tf.add(tf.sum(logStd, -1), l * HALF_LOG_2PI),
      );
    }
    const logw = tf.sub(tf.add(logp, logPrior), logq); // [S, B]
    const value = tf.sub(
      logSumExpRows(tf.transpose(logw) as tf.Tensor2D),
      Math.log(s),
    ) as tf.Tensor1D;
    if (!dreg) return { value };
    // Normalised weights, constants of the surrogate. sum_s w_s log w_s gives
    // the IWAE gradient for the decoder; the sample's gradient scaled once more
    // by w_s gives DReG's squared weights for the encoder.
    const w = stopGradient(tf.softmax(tf.transpose(logw))).transpose();
    // tfjs frees the forward pass's tensors before the backward pass runs, so
    // the scale is kept; the previous step's is freed here if the backward
    // pass never read it.
    if (kept && !kept.isDisposed) kept.dispose();
    kept = slot.scale = tf.keep(tf.expandDims(w, 2));
    const surrogate = tf.div(tf.sum(tf.mul(w, logw)), b) as tf.Scalar;
    return { value, surrogate };
  };
}

/**
 * The IWAE with `s` samples (default 5) and DReG or naive encoder gradients;
 * with shared settings it takes K + S samples, as many terms as MAPA's rows.
 */
export const iwae: Method<IwaeOptions> = {
  name: "iwae",
  description: "IWAE: S importance samples, DReG encoder gradients by default",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: true,
  prepare: (_data, { k, s }) => fixedInputs({ s: k + s }),
  build(data, options) {
    const s = options.s ?? IWAE_DEFAULTS.s;
    if (!Number.isInteger(s) || s < 1) {
      throw new InputError(`IWAE needs s >= 1 samples (an integer), got ${s}`);
    }
    const estimator: string = options.estimator ?? IWAE_DEFAULTS.estimator;
    if (estimator !== "dreg" && estimator !== "naive") {
      throw new InputError(`unknown IWAE estimator "${estimator}"; use dreg or naive`);
    }
    return buildGaussianModel("iwae", data, { ...options, bound: iwaeBound(s, estimator) });
  },
};
