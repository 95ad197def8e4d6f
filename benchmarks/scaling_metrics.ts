/**
 * Scoring helpers for the scaling suite: recall@K and total variation of
 * approximate MAPA rows against exact rows, and log-log slopes.
 *
 * @module
 */

import type { RowBlock } from "../src/mapa/exact.ts";
import type { MapaRows } from "../src/mapa/types.ts";
import type { Matrix } from "../src/types.ts";

/**
 * Mean recall@K and mean total variation of `approx` against the exact
 * block `exact` (its query rows only). TV compares the exact q(. | x_m) over
 * all N with the approximate row's distribution over its k' neighbours
 * (top K plus extras): 0.5 * (sum over k' of |q_exact - q_approx| + exact
 * mass outside k'). `meanTvTopK` compares both rows renormalised over their
 * own top K, which isolates neighbour-set errors from the sparse normaliser.
 */
export function scoreRows(
  x: Matrix,
  approx: MapaRows,
  exact: RowBlock,
  scale: number,
): { recallAtK: number; meanTv: number; maxTv: number; meanTvTopK: number } {
  const k = approx.k, e = approx.extraK ?? 0, d = x.cols;
  let hits = 0, tvSum = 0, tvMax = 0, topSum = 0;
  for (let p = 0; p < exact.queries.length; p++) {
    const m = exact.queries[p];
    const truth = new Set(Array.from(exact.neighbors.subarray(p * exact.k, p * exact.k + k)));
    let abs = 0, inside = 0;
    const visit = (j: number, lqApprox: number) => {
      if (j < 0) return;
      let d2 = 0;
      for (let t = 0; t < d; t++) d2 += (x.data[j * d + t] - x.data[m * d + t]) ** 2;
      const qe = Math.exp(-scale * d2 - exact.logNormalizer[p]);
      inside += qe;
      abs += Math.abs(qe - Math.exp(lqApprox));
    };
    for (let i = 0; i < k; i++) {
      const j = approx.neighbors[m * k + i];
      if (truth.has(j)) hits++;
      visit(j, approx.logq[m * k + i]);
    }
    // Both rows renormalised over their own top K: neighbour-set accuracy alone.
    const lse = (v: Float64Array) => {
      const mx = Math.max(...v);
      return mx + Math.log(v.reduce((a, b) => a + Math.exp(b - mx), 0));
    };
    const la = approx.logq.subarray(m * k, (m + 1) * k);
    const le = exact.logq.subarray(p * exact.k, p * exact.k + k);
    const za = lse(la), ze = lse(le);
    const pe = new Map<number, number>();
    for (let i = 0; i < k; i++) pe.set(exact.neighbors[p * exact.k + i], Math.exp(le[i] - ze));
    let topAbs = 0, seen = 0;
    for (let i = 0; i < k; i++) {
      const j = approx.neighbors[m * k + i];
      const qe = pe.get(j) ?? 0;
      if (pe.has(j)) seen += qe;
      topAbs += Math.abs(Math.exp(la[i] - za) - qe);
    }
    topSum += 0.5 * (topAbs + Math.max(0, 1 - seen));
    for (let i = 0; i < e; i++) {
      visit(approx.extraNeighbors![m * e + i], approx.extraLogq![m * e + i]);
    }
    const tv = 0.5 * (abs + Math.max(0, 1 - inside));
    tvSum += tv;
    if (tv > tvMax) tvMax = tv;
  }
  const q = exact.queries.length;
  return { recallAtK: hits / (q * k), meanTv: tvSum / q, maxTv: tvMax, meanTvTopK: topSum / q };
}

/** Least-squares slope of log(y) against log(x); NaN with fewer than two points. */
export function logLogSlope(xs: number[], ys: number[]): number {
  const pts = xs.map((x, i) => [Math.log(x), Math.log(ys[i])]).filter((p) =>
    Number.isFinite(p[0]) && Number.isFinite(p[1])
  );
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((s, p) => s + p[0], 0) / pts.length;
  const my = pts.reduce((s, p) => s + p[1], 0) / pts.length;
  let sxy = 0, sxx = 0;
  for (const [a, b] of pts) {
    sxy += (a - mx) * (b - my);
    sxx += (a - mx) ** 2;
  }
  return sxx > 0 ? sxy / sxx : NaN;
}
