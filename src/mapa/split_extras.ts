/**
 * Exact rows in the layout of HNSW rows: the top k' of an exact row split
 * into its top K and k' - K extras, with the kernel sum over the other
 * N - k' points known exactly (the exact normaliser minus what the k' hold).
 *
 * The tail sampler then draws from the same mixture proposal as it does for
 * HNSW rows (extras by kernel weight, the rest from the rest proposal), so a
 * comparison of the two row kinds under that estimator differs only where
 * the index missed a neighbour or misjudged the rest's mass: what the
 * sparsification costs, apart from the estimator (methods.md section 11).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { MapaRows } from "./types.ts";

/**
 * Splits exact rows that keep k' neighbours per row into rows with top `k`
 * and k' - k extras (`extraNeighbors`, `extraLogq`) plus the exact
 * `logRestSum`; `logNormalizerSe` is 0 (nothing was estimated).
 */
export function splitExtras(wide: MapaRows, k: number): MapaRows {
  const kp = wide.k, n = wide.n;
  if (!Number.isInteger(k) || k < 1 || k > kp) {
    throw new InputError(`split k must be an integer in [1, ${kp}] (the rows' k'), got ${k}`);
  }
  if (wide.extraNeighbors) {
    throw new InputError("these rows already have extras; split exact rows computed with K = k'");
  }
  const e = kp - k;
  const neighbors = new Int32Array(n * k), logq = new Float64Array(n * k);
  const sqdist = wide.sqdist ? new Float64Array(n * k) : undefined;
  const extraNeighbors = new Int32Array(n * e), extraLogq = new Float64Array(n * e);
  const logRestSum = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    const src = m * kp;
    neighbors.set(wide.neighbors.subarray(src, src + k), m * k);
    logq.set(wide.logq.subarray(src, src + k), m * k);
    sqdist?.set(wide.sqdist!.subarray(src, src + k), m * k);
    extraNeighbors.set(wide.neighbors.subarray(src + k, src + kp), m * e);
    extraLogq.set(wide.logq.subarray(src + k, src + kp), m * e);
    let found = 0;
    for (let i = 0; i < kp; i++) found += Math.exp(wide.logq[src + i]);
    // The exact normaliser less the found mass. Below 1e-15 the difference is rounding, not
    // mass: -Infinity then, and the tail sampler keeps its least share (minShare) on the rest.
    const rest = 1 - found;
    logRestSum[m] = rest > 1e-15 ? wide.logNormalizer[m] + Math.log(rest) : -Infinity;
  }
  return {
    ...wide,
    k,
    neighbors,
    logq,
    sqdist,
    extraK: e,
    extraNeighbors,
    extraLogq,
    logNormalizerSe: new Float64Array(n),
    logRestSum,
  };
}
