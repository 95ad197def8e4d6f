/**
 * Scoring helpers for the scaling suite: accuracy of approximate MAPA rows
 * against exact rows (tie-aware recall@K, log-normaliser error, top-K mass
 * error, total variation), the MAPA bound at a fixed decoder for the bound
 * gap, and log-log slopes.
 *
 * @module
 */

import type { RowBlock } from "../../../src/mapa/exact/mod.ts";
import type { TailSampler } from "../../../src/mapa/tail_sampler.ts";
import type { MapaRows } from "../../../src/mapa/types.ts";
import { Rng } from "../../../src/rng.ts";
import type { Matrix } from "../../../src/types.ts";

/** Accuracy of approximate rows against exact ones (see {@linkcode scoreAccuracy}). */
export interface RowAccuracy {
  /**
   * Tie-aware recall@K: the fraction of the approximate top K whose distance
   * is at most the exact K-th distance (a neighbour swapped for an equally
   * near one counts as found).
   */
  recallAtKTies: number;
  /** Mean over rows of |log Z_approx - log Z_exact| (nats). */
  logZErrMean: number;
  /** 99th percentile over rows of |log Z_approx - log Z_exact| (nats). */
  logZErrP99: number;
  /** Largest |log Z_approx - log Z_exact| (nats). */
  logZErrMax: number;
  /** Mean over rows of |Q_K approx - Q_K exact|, Q_K = sum of q over the row's top K. */
  topMassErrMean: number;
}

/** Tie-aware recall, normaliser error and top-K mass error of `approx` on `exact`'s query rows. */
export function scoreAccuracy(x: Matrix, approx: MapaRows, exact: RowBlock): RowAccuracy {
  const k = approx.k, d = x.cols, q = exact.queries.length;
  let hits = 0, massSum = 0;
  const errs = new Float64Array(q);
  for (let p = 0; p < q; p++) {
    const m = exact.queries[p];
    // Slack for distances summed in another order by the exact pass.
    const kth = exact.sqdist[p * exact.k + k - 1] * (1 + 1e-9) + 1e-12;
    let qa = 0, qe = 0;
    for (let i = 0; i < k; i++) {
      const j = approx.neighbors[m * k + i];
      let d2 = 0;
      for (let t = 0; t < d; t++) d2 += (x.data[j * d + t] - x.data[m * d + t]) ** 2;
      if (d2 <= kth) hits++;
      qa += Math.exp(approx.logq[m * k + i]);
      qe += Math.exp(exact.logq[p * exact.k + i]);
    }
    massSum += Math.abs(qa - qe);
    errs[p] = Math.abs(approx.logNormalizer[m] - exact.logNormalizer[p]);
  }
  const sorted = errs.slice().sort();
  let errSum = 0;
  for (const e of errs) errSum += e;
  return {
    recallAtKTies: hits / (q * k),
    logZErrMean: errSum / q,
    logZErrP99: sorted[Math.min(q - 1, Math.ceil(0.99 * q) - 1)],
    logZErrMax: sorted[q - 1],
    topMassErrMean: massSum / q,
  };
}

/**
 * One draw of the MAPA bound L_{K,S}(x_m) (methods.md section 5) at a fixed
 * Gaussian decoder: `fx` holds f(z_n) for every n (N x D), `top` the row's
 * top-K indices, the tail draws come from `sampler` with `rng`. Plain
 * Float64, log-sum-exp over the K + S terms.
 */
export function mapaBoundAt(
  x: Matrix,
  fx: Matrix,
  options: {
    m: number;
    top: ArrayLike<number>;
    sampler: TailSampler;
    rng: Rng;
    sigma2: number;
  },
): number {
  const { m, top, sampler, rng, sigma2 } = options;
  const d = x.cols, n = x.rows, s = sampler.s;
  const logNorm = -0.5 * d * Math.log(2 * Math.PI * sigma2) - Math.log(n);
  const logp = (j: number) => {
    let d2 = 0;
    for (let t = 0; t < d; t++) d2 += (x.data[m * d + t] - fx.data[j * d + t]) ** 2;
    return logNorm - d2 / (2 * sigma2);
  };
  const terms = new Float64Array(top.length + s);
  for (let i = 0; i < top.length; i++) terms[i] = logp(top[i]);
  const out = { indices: new Int32Array(s), logWeight: new Float64Array(s), offset: 0 };
  sampler.draw(m, rng, out);
  for (let t = 0; t < s; t++) {
    const lw = out.logWeight[t];
    terms[top.length + t] = lw === -Infinity ? -Infinity : lw + logp(out.indices[t]);
  }
  let max = -Infinity;
  for (const v of terms) if (v > max) max = v;
  let sum = 0;
  for (const v of terms) sum += Math.exp(v - max);
  return max + Math.log(sum);
}

/** The bound gap of {@linkcode boundGap}: nats per point with a 95% interval. */
export interface BoundGap {
  /** Mean over rows and rounds of L(HNSW rows) - L(exact rows). */
  gapNats: number;
  /** 95% normal interval of the gap (rows are independent; rounds averaged per row). */
  gapCiLow: number;
  /** Upper end of the interval. */
  gapCiHigh: number;
  /** Mean bound with exact rows (nats per point). */
  exactBoundNats: number;
  /** Mean bound with HNSW rows (nats per point). */
  hnswBoundNats: number;
}

/**
 * The MAPA bound with rows A minus with rows B at one fixed decoder, on
 * `queries`: each row and round uses one seeded stream for both (common
 * random numbers), so the gap's interval reflects the rows, not the draws'
 * luck alone.
 */
export function boundGap(
  x: Matrix,
  fx: Matrix,
  options: {
    queries: Int32Array;
    topA: (m: number) => ArrayLike<number>;
    samplerA: TailSampler;
    topB: (m: number) => ArrayLike<number>;
    samplerB: TailSampler;
    sigma2: number;
    seed: number;
    rounds?: number;
  },
): BoundGap {
  const { queries, sigma2, seed } = options;
  const rounds = options.rounds ?? 4;
  const q = queries.length;
  let sa = 0, sb = 0, sg = 0, sg2 = 0;
  for (let p = 0; p < q; p++) {
    const m = queries[p];
    let ga = 0, gb = 0;
    for (let r = 0; r < rounds; r++) {
      const key = `bound/${p}/${r}`;
      ga += mapaBoundAt(x, fx, {
        m,
        top: options.topA(m),
        sampler: options.samplerA,
        rng: Rng.stream(seed, key),
        sigma2,
      });
      gb += mapaBoundAt(x, fx, {
        m,
        top: options.topB(m),
        sampler: options.samplerB,
        rng: Rng.stream(seed, key),
        sigma2,
      });
    }
    const g = (ga - gb) / rounds;
    sa += ga / rounds;
    sb += gb / rounds;
    sg += g;
    sg2 += g * g;
  }
  const mean = sg / q;
  const se = q > 1 ? Math.sqrt(Math.max(0, sg2 / q - mean * mean) / (q - 1)) : NaN;
  return {
    gapNats: mean,
    gapCiLow: mean - 1.96 * se,
    gapCiHigh: mean + 1.96 * se,
    hnswBoundNats: sa / q,
    exactBoundNats: sb / q,
  };
}

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
