/**
 * Spearman rank correlation with average ranks for ties.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** Ranks 1..n of `values`; tied values share the average of their ranks. */
export function averageRanks(values: ArrayLike<number>): Float64Array {
  const n = values.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => values[a] - values[b]);
  const ranks = new Float64Array(n);
  let i = 0;
  while (i < n) {
    let j = i;
    while (j + 1 < n && values[order[j + 1]] === values[order[i]]) j++;
    const avg = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k]] = avg;
    i = j + 1;
  }
  return ranks;
}

/**
 * Spearman's rank correlation of `a` and `b` (the Pearson correlation of
 * their average ranks). -Infinity entries (e.g. log q outside a sparse row)
 * rank as ties at the bottom. NaN when either vector is constant; throws
 * {@linkcode InputError} for NaN entries or different lengths.
 *
 * @example
 * ```ts
 * import { spearman } from "./spearman.ts";
 * spearman([1, 2, 3], [10, 20, 30]); // 1
 * ```
 */
export function spearman(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) {
    throw new InputError(`spearman: vectors have lengths ${a.length} and ${b.length}`);
  }
  if (a.length < 2) throw new InputError("spearman: need at least 2 values");
  for (let i = 0; i < a.length; i++) {
    if (Number.isNaN(a[i]) || Number.isNaN(b[i])) {
      throw new InputError(`spearman: NaN at index ${i}`);
    }
  }
  const ra = averageRanks(a);
  const rb = averageRanks(b);
  const mean = (a.length + 1) / 2;
  let sab = 0, saa = 0, sbb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = ra[i] - mean, db = rb[i] - mean;
    sab += da * db;
    saa += da * da;
    sbb += db * db;
  }
  if (saa === 0 || sbb === 0) return NaN;
  return sab / Math.sqrt(saa * sbb);
}
