/**
 * The Mann-Whitney U test (Wilcoxon rank-sum): do two sets of timings come
 * from the same distribution? Rank-based, so one outlier run cannot make a
 * difference significant, which is why asv uses it for benchmark timings.
 *
 * @module
 */

import { normalCdf } from "../data/normal.ts";

/** What {@linkcode mannWhitneyU} found. */
export interface MannWhitneyResult {
  /** U of the first sample: the number of (a, b) pairs with a > b, ties counting one half. */
  u: number;
  /** Two-sided p-value. */
  pValue: number;
  /** True when the p-value is the exact permutation probability, false for the normal approximation. */
  exact: boolean;
}

/** Options of {@linkcode mannWhitneyU}. */
export interface MannWhitneyOptions {
  /**
   * Largest total sample size for the exact distribution (default 60); larger
   * samples, and any sample with ties, use the normal approximation.
   */
  exactLimit?: number;
}

/** Ranks 1..N of `values` with ties given their mean rank; also the tie-group sizes. */
function rank(values: number[]): { ranks: number[]; ties: number[] } {
  const order = values.map((v, i) => [v, i]).sort((x, y) => x[0] - y[0]);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    const mean = (i + j) / 2 + 1;
    for (let k = i; k <= j; k++) ranks[order[k][1]] = mean;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
}

/**
 * P(U <= u) under the null for sizes n1, n2 without ties: the share of the
 * C(n1+n2, n1) rank subsets of size n1 whose rank sum is at most u + n1(n1+1)/2.
 */
function exactCdf(u: number, n1: number, n2: number): number {
  const n = n1 + n2;
  const maxSum = (n * (n + 1)) / 2;
  // ways[k][s]: subsets of the ranks seen so far with k members and rank sum s.
  let ways: Float64Array[] = Array.from({ length: n1 + 1 }, () => new Float64Array(maxSum + 1));
  ways[0][0] = 1;
  for (let r = 1; r <= n; r++) {
    const next = ways.map((row) => row.slice());
    for (let k = 1; k <= Math.min(r, n1); k++) {
      for (let s = r; s <= maxSum; s++) next[k][s] += ways[k - 1][s - r];
    }
    ways = next;
  }
  const limit = u + (n1 * (n1 + 1)) / 2;
  let below = 0, total = 0;
  for (let s = 0; s <= maxSum; s++) {
    total += ways[n1][s];
    if (s <= limit + 1e-9) below += ways[n1][s];
  }
  return below / total;
}

/**
 * Two-sided Mann-Whitney U test of samples `a` and `b`. Exact for small
 * samples without ties; otherwise the normal approximation with tie
 * correction and a continuity correction of 1/2. Both samples need at least
 * one value.
 */
export function mannWhitneyU(
  a: number[],
  b: number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const n1 = a.length, n2 = b.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("mannWhitneyU needs two non-empty samples");
  const { ranks, ties } = rank([...a, ...b]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i];
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const n = n1 + n2;
  if (ties.length === 0 && n <= (options.exactLimit ?? 60)) {
    // The null distribution is symmetric about n1 n2 / 2: fold onto the lower tail.
    const lower = Math.min(u, n1 * n2 - u);
    return { u, pValue: Math.min(1, 2 * exactCdf(lower, n1, n2)), exact: true };
  }
  const tieSum = ties.reduce((s, t) => s + t * t * t - t, 0);
  const variance = (n1 * n2 / 12) * ((n + 1) - tieSum / (n * (n - 1)));
  if (variance <= 0) return { u, pValue: 1, exact: false };
  const diff = Math.abs(u - (n1 * n2) / 2);
  const z = Math.max(0, diff - 0.5) / Math.sqrt(variance);
  return { u, pValue: Math.min(1, 2 * normalCdf(-z)), exact: false };
}
