/**
 * Test helpers for src/mapa: random data and dense brute-force rows.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";

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
