/**
 * Small helpers for the model tests: tiny data, a plain-TS MLP forward pass
 * to check the tfjs code against, and per-row log-likelihoods.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
export { mlpForward as forwardPlain } from "../mlp_forward.ts";

/** `n` points near a noisy circle in 2-D (a tiny Gaussian data set with L = 1). */
export function circleData(n: number, seed: number, sigma2 = 0.01): Matrix {
  const rng = Rng.stream(seed, "circle");
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const t = 2 * Math.PI * rng.uniform();
    data[2 * i] = Math.cos(t) + Math.sqrt(sigma2) * rng.normal();
    data[2 * i + 1] = Math.sin(t) + Math.sqrt(sigma2) * rng.normal();
  }
  return { rows: n, cols: 2, data };
}

/** log N(x_m; f_n, sigma2 I) for rows m of `x` and n of `f`. */
export function gaussianLogLik(x: Matrix, m: number, f: Matrix, n: number, sigma2: number): number {
  let s = 0;
  for (let c = 0; c < x.cols; c++) s += (x.data[m * x.cols + c] - f.data[n * f.cols + c]) ** 2;
  return -0.5 * s / sigma2 - 0.5 * x.cols * Math.log(2 * Math.PI * sigma2);
}
