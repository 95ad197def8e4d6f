/**
 * MAPA-GT (methods.md section 5): the MAPA bound with q taken from the
 * ground truth's empiricalized posterior (Eq. 7),
 * q(n | x_m) ∝ p*(x_m | z*_n), with the true decoder and the true codes of
 * a synthetic data set. Rows and tail pool are computed here, densely, once
 * per (data, k, s, rounds) and cached.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { logSumExp } from "../eval/stats.ts";
import { sampleTail } from "../mapa/tail.ts";
import type { MapaRows, TailPool } from "../mapa/types.ts";
import { Rng } from "../rng.ts";
import type { Matrix, MlpWeights } from "../types.ts";
import { buildIndexModel } from "./index_model.ts";
import type { LikelihoodKind } from "./likelihood.ts";
import { type MapaTailChoices, mapaTermSource, tailPoolRounds } from "./mapa.ts";
import { scanTailSampler } from "../mapa/tail_sampler.ts";
import { fixedInputs, type Method } from "./method.ts";
import { mlpForward } from "../mlp_forward.ts";

/**
 * Row m's unnormalised log q_GT(j | x_m) = log p(x_m | f(z*_j)) for all j,
 * from the decoded true codes `f` (N x D), written into `out`.
 */
export function groundTruthLogits(
  x: Matrix,
  f: Matrix,
  lik: { likelihood: LikelihoodKind; sigma2: number },
): (m: number, out: Float64Array) => void {
  const n = f.rows, d = x.cols;
  return (m, out) => {
    for (let j = 0; j < n; j++) {
      let acc = 0;
      for (let c = 0; c < d; c++) {
        const xv = x.data[m * d + c], fv = f.data[j * d + c];
        acc += lik.likelihood === "gaussian"
          ? -0.5 * (xv - fv) * (xv - fv) / lik.sigma2
          : xv * fv - Math.log1p(Math.exp(-Math.abs(fv))) - Math.max(fv, 0);
      }
      out[j] = acc;
    }
  };
}

/** Options for {@linkcode groundTruthRows}. */
export interface GroundTruthRowsOptions {
  /** Top-K kept per row. */
  k: number;
  /** Tail draws per round (0: no pool). */
  s: number;
  /** Rounds per row (default 8). */
  rounds?: number;
  /** Observation model and noise of the ground truth. */
  likelihood: LikelihoodKind;
  /** Observation noise variance (Gaussian). */
  sigma2: number;
  /** Seed of the tail draws (default 0). */
  seed?: number;
}

/**
 * Rows and a tail pool of the ground-truth posterior q(n | x_m) ∝
 * p(x_m | f*(z*_n)) for data `x`, true codes and decoder `truth`.
 * O(N^2 D) time, O(N) memory per row.
 */
export function groundTruthRows(
  x: Matrix,
  truth: { codes: Matrix; decoder: MlpWeights },
  options: GroundTruthRowsOptions,
): { rows: MapaRows; pool?: TailPool } {
  const n = x.rows, d = x.cols, { k, s } = options;
  const rounds = options.rounds ?? 8;
  if (truth.codes.rows !== n) {
    throw new InputError(`ground truth has ${truth.codes.rows} codes for ${n} points`);
  }
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InputError(`k must be in [1, ${n}], got ${k}`);
  }
  const f = mlpForward(truth.decoder, truth.codes);
  if (f.cols !== d) {
    throw new InputError(`the true decoder outputs ${f.cols} dims, the data have ${d}`);
  }
  const neighbors = new Int32Array(n * k);
  const logq = new Float64Array(n * k);
  const logNormalizer = new Float64Array(n);
  const pool: TailPool | undefined = s > 0
    ? {
      n,
      s,
      rounds,
      scheme: "without_replacement",
      indices: new Int32Array(n * rounds * s),
      logWeight: new Float64Array(n * rounds * s),
      logTailMass: new Float64Array(n),
    }
    : undefined;
  const logits = new Float64Array(n);
  const inTop = new Uint8Array(n);
  const cand = new Int32Array(n);
  const candLogw = new Float64Array(n);
  const scratch = new Float64Array(n);
  const top = new Int32Array(k);
  const logitsOf = groundTruthLogits(x, f, options);
  for (let m = 0; m < n; m++) {
    logitsOf(m, logits);
    const lse = logSumExp(logits);
    logNormalizer[m] = lse;
    // Top-K by insertion into a short sorted list (K is small).
    let size = 0;
    for (let j = 0; j < n; j++) {
      if (size === k && logits[j] <= logits[top[k - 1]]) continue;
      let p = size < k ? size++ : k - 1;
      while (p > 0 && logits[top[p - 1]] < logits[j]) {
        top[p] = top[p - 1];
        p--;
      }
      top[p] = j;
    }
    for (let i = 0; i < k; i++) {
      neighbors[m * k + i] = top[i];
      logq[m * k + i] = logits[top[i]] - lse;
      inTop[top[i]] = 1;
    }
    if (pool) {
      let len = 0;
      for (let j = 0; j < n; j++) {
        if (inTop[j]) continue;
        cand[len] = j;
        candLogw[len++] = logits[j] - lse;
      }
      pool.logTailMass[m] = logSumExp(candLogw, 0, len);
      sampleTail(
        cand,
        candLogw,
        len,
        m,
        { s, rounds, scheme: pool.scheme, rng: Rng.stream(options.seed ?? 0, `mapa-gt-tail/${m}`) },
        { indices: pool.indices, logWeight: pool.logWeight, base: m * rounds * s },
        scratch,
      );
    }
    for (let i = 0; i < k; i++) inTop[top[i]] = 0;
  }
  const rows: MapaRows = {
    n,
    k,
    d,
    kernel: "gaussian",
    bandwidth: options.sigma2,
    method: "exact",
    neighbors,
    logq,
    logNormalizer,
    dataChecksum: "ground-truth",
  };
  return { rows, pool };
}

const cache = new WeakMap<Matrix, Map<number, { rows: MapaRows; f: Matrix }>>();

/** MAPA-GT's options. */
export interface MapaGtOptions extends MapaTailChoices {
  /** Top-K rows of the ground-truth posterior (default 10). */
  k?: number;
  /** Tail draws per row S (default 0). */
  s?: number;
}

/** MAPA-GT's defaults. */
export const MAPA_GT_DEFAULTS = { k: 10, s: 0 } as const;

/**
 * MAPA-GT: needs `data.groundTruth`; k (default 10), s (default 0). Tail
 * draws are fresh per step from the ground-truth posterior, or a fixed pool
 * with `tailDraws: "pool"` ({@linkcode MapaTailChoices}). It computes its own
 * rows at build (cached per data and K), so `prepare` passes K and S on.
 */
export const mapaGt: Method<MapaGtOptions> = {
  name: "mapa_gt",
  description: "MAPA-GT: MAPA with q from the ground truth's empiricalized posterior",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: false,
  prepare(data, { k, s }) {
    if (!data.groundTruth) {
      return Promise.reject(
        new InputError(
          "MAPA-GT needs the data's ground truth (a synthetic data set); this one has none",
        ),
      );
    }
    return fixedInputs({ k, s });
  },
  build(data, options) {
    const truth = data.groundTruth;
    if (!truth) {
      throw new InputError(
        "MAPA-GT needs the ground truth (true codes and decoder): synthetic data only",
      );
    }
    const k = options.k ?? MAPA_GT_DEFAULTS.k, s = options.s ?? MAPA_GT_DEFAULTS.s;
    if (!Number.isInteger(s) || s < 0) {
      throw new InputError(`MAPA-GT s must be an integer >= 0, got ${s}`);
    }
    let byK = cache.get(data.x);
    if (!byK) cache.set(data.x, byK = new Map());
    let built = byK.get(k);
    if (!built) {
      const { rows } = groundTruthRows(data.x, truth, {
        k,
        s: 0,
        likelihood: data.likelihood,
        sigma2: data.sigma2,
      });
      built = { rows, f: mlpForward(truth.decoder, truth.codes) };
      byK.set(k, built);
    }
    const sampler = s > 0
      ? scanTailSampler(
        built.rows,
        groundTruthLogits(data.x, built.f, { likelihood: data.likelihood, sigma2: data.sigma2 }),
        { s, scheme: options.tailScheme },
      )
      : undefined;
    const source = mapaTermSource(built.rows, {
      k,
      s,
      sampler,
      poolRounds: tailPoolRounds(options),
    });
    return buildIndexModel("mapa_gt", data, {
      ...options,
      terms: source.terms,
      tailProbe: source.probe,
    });
  },
};
