/**
 * The observation model log p(x | f) of a {@linkcode GenerativeModel}, for a
 * data row x and a decoder output row f: Gaussian N(x; f, sigma2 I), or
 * Bernoulli with logits f. Split into a per-f constant and a pair term so
 * all-pairs loops pay O(D) per pair with no transcendental calls.
 *
 * @module
 */

import type { GenerativeModel, Matrix } from "../types.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** log(1 + exp(v)) without overflow. */
export function softplus(v: number): number {
  return v > 0 ? v + Math.log1p(Math.exp(-v)) : Math.log1p(Math.exp(v));
}

/**
 * Per-row constants of the decoded rows `f`: Gaussian: -D/2 log(2 pi sigma2)
 * (the same for every row); Bernoulli: -sum_d softplus(f_d).
 */
export function decodedConstants(model: GenerativeModel, f: Matrix): Float64Array {
  const out = new Float64Array(f.rows);
  const d = f.cols;
  if (model.likelihood === "gaussian") {
    out.fill(-0.5 * d * (LOG_2PI + Math.log(model.sigma2)));
    return out;
  }
  for (let j = 0; j < f.rows; j++) {
    let s = 0;
    for (let k = 0; k < d; k++) s += softplus(f.data[j * d + k]);
    out[j] = -s;
  }
  return out;
}

/**
 * log p(x_i | f_j) given the constants from {@linkcode decodedConstants}.
 * Data row i of `x` and decoded row j of `f` must have the same width.
 */
export function pairLogLik(
  model: GenerativeModel,
  x: Matrix,
  i: number,
  f: Matrix,
  j: number,
  constants: Float64Array,
): number {
  const d = x.cols;
  const xo = i * d;
  const fo = j * d;
  const xd = x.data;
  const fd = f.data;
  let s = 0;
  if (model.likelihood === "gaussian") {
    for (let k = 0; k < d; k++) {
      const e = xd[xo + k] - fd[fo + k];
      s += e * e;
    }
    return constants[j] - s / (2 * model.sigma2);
  }
  for (let k = 0; k < d; k++) s += xd[xo + k] * fd[fo + k];
  return constants[j] + s;
}

/**
 * d log p(x_i | f) / d f at decoded row j, written to `out` (length D):
 * (x - f) / sigma2 for Gaussian, x - sigmoid(f) for Bernoulli logits.
 */
export function pairLogLikGrad(
  model: GenerativeModel,
  x: Matrix,
  i: number,
  f: Matrix,
  j: number,
  out: Float64Array,
): void {
  const d = x.cols;
  const xo = i * d;
  const fo = j * d;
  if (model.likelihood === "gaussian") {
    for (let k = 0; k < d; k++) out[k] = (x.data[xo + k] - f.data[fo + k]) / model.sigma2;
    return;
  }
  for (let k = 0; k < d; k++) {
    const v = f.data[fo + k];
    const p = v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
    out[k] = x.data[xo + k] - p;
  }
}
