/**
 * Test helpers for src/mapa: random data and dense brute-force rows.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import type { TailSampler } from "./tail_sampler.ts";

/** N x D standard normal data times `spread`. */
export function randomData(n: number, d: number, seed: number, spread = 1): Matrix {
  const data = Rng.stream(seed, "mapa-test").fillNormal(new Float64Array(n * d));
  for (let i = 0; i < data.length; i++) data[i] *= spread;
  return { rows: n, cols: d, data };
}

/** Dense rows by brute force: the full N x N log kernel, sorted, with a log-sum-exp per row. */
export function bruteRows(
  x: Matrix,
  scale: number,
  k: number,
): { neighbors: number[][]; logq: number[][]; logZ: number[] } {
  const n = x.rows, d = x.cols;
  const neighbors: number[][] = [], logq: number[][] = [], logZ: number[] = [];
  for (let m = 0; m < n; m++) {
    const lk: number[] = [];
    for (let j = 0; j < n; j++) {
      let d2 = 0;
      for (let t = 0; t < d; t++) d2 += (x.data[j * d + t] - x.data[m * d + t]) ** 2;
      lk.push(-scale * d2);
    }
    const max = Math.max(...lk);
    const z = max + Math.log(lk.reduce((s, v) => s + Math.exp(v - max), 0));
    const order = lk.map((_, j) => j).filter((j) => j !== m)
      .sort((a, b) => lk[b] - lk[a] || a - b);
    order.unshift(m);
    neighbors.push(order.slice(0, k));
    logq.push(order.slice(0, k).map((j) => lk[j] - z));
    logZ.push(z);
  }
  return { neighbors, logq, logZ };
}

/**
 * Monte Carlo of a tail sampler's estimate sum_s w_s h(n_s) for row `m`
 * over `reps` fresh calls: its mean and standard error, the points drawn,
 * and the sum it estimates, sum of h over every n outside `top` (the row's
 * top K) among `n`. Throws if a draw falls inside the top K.
 */
export function tailMonteCarlo(
  sampler: TailSampler,
  options: {
    m: number;
    n: number;
    top: Set<number>;
    h: (n: number) => number;
    reps: number;
    rng: Rng;
  },
): { mean: number; se: number; want: number; seen: Set<number> } {
  const { m, n, top, h, reps, rng } = options, s = sampler.s;
  let want = 0;
  for (let j = 0; j < n; j++) if (!top.has(j)) want += h(j);
  const out = { indices: new Int32Array(s), logWeight: new Float64Array(s), offset: 0 };
  let sum = 0, sumSq = 0;
  const seen = new Set<number>();
  for (let r = 0; r < reps; r++) {
    sampler.draw(m, rng, out);
    let est = 0;
    for (let q = 0; q < s; q++) {
      if (top.has(out.indices[q])) throw new Error("a draw fell inside the top K");
      seen.add(out.indices[q]);
      est += Math.exp(out.logWeight[q]) * h(out.indices[q]);
    }
    sum += est;
    sumSq += est * est;
  }
  const mean = sum / reps;
  return { mean, se: Math.sqrt((sumSq / reps - mean * mean) / reps), want, seen };
}
