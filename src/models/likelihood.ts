/**
 * Observation log-likelihoods log p(x | z) from decoder outputs (methods.md
 * section 1): Gaussian with fixed variance sigma2, or Bernoulli on logits.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** The observation model. */
export type LikelihoodKind = "gaussian" | "bernoulli";

/**
 * log p(x | decoder output) summed over the last axis. `x` and `out` must
 * broadcast against each other (e.g. [B, 1, D] against [B, J, D]); the
 * result drops the last axis.
 */
export function logLikelihood(
  x: tf.Tensor,
  out: tf.Tensor,
  options: { kind: LikelihoodKind; sigma2: number },
): tf.Tensor {
  const d = out.shape[out.shape.length - 1];
  const axis = -1;
  if (options.kind === "gaussian") {
    const c = -0.5 * d * Math.log(2 * Math.PI * options.sigma2);
    return tf.add(tf.mul(tf.sum(tf.squaredDifference(x, out), axis), -0.5 / options.sigma2), c);
  }
  // Bernoulli on logits l: x l - softplus(l), stable for large |l|.
  return tf.sum(tf.sub(tf.mul(x, out), tf.softplus(out)), axis);
}

/** log N(z; 0, I) summed over the last axis. */
export function logStandardNormal(z: tf.Tensor): tf.Tensor {
  const l = z.shape[z.shape.length - 1];
  return tf.sub(tf.mul(tf.sum(tf.square(z), -1), -0.5), 0.5 * l * Math.log(2 * Math.PI));
}
