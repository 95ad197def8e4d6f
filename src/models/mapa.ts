/**
 * MAPA (methods.md section 5): the bound
 *
 *     L_{K,S}(x_m) = log [ (1/N) sum_{n in T_K(m)} p(x_m | z_n)
 *                        + sum_s exp(logWeight_s) (1/N) p(x_m | z_{n_s}) ]
 *
 * with the top-K rows of q(n | x_m) and S tail draws. By default the tail is
 * drawn afresh every time a row enters a batch (`tailDraws: "fresh"`); the
 * paper-era fixed pool (`"pool"`, a few rounds per row drawn once) is kept to
 * measure what fixed draws cost: the decoder fits them, and the bound on
 * them rises above the bound on fresh draws (`tailOverfitNats`).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import { rowsTailSampler, type TailSampler } from "../mapa/tail_sampler.ts";
import type { MapaRows, TailPool } from "../mapa/types.ts";
import type { Rng } from "../rng.ts";
import { exactRows } from "../mapa/exact/mod.ts";
import {
  buildIndexModel,
  type IndexModelOptions,
  probeDepth,
  type RowTerms,
  type TailProbe,
  type TermSource,
} from "./index_model.ts";
import { DrawMemory } from "./draw_memory.ts";
import type { Method } from "./method.ts";

/** How the MAPA family draws its tail (MAPA and MAPA-GT). */
export interface MapaTailChoices extends IndexModelOptions {
  /**
   * Tail draws made afresh each time a row enters a batch (**choice**, default
   * `"fresh"`), or a fixed `"pool"` of `rounds` draws per row made once (the
   * paper-era behaviour; the decoder fits those draws).
   */
  tailDraws?: "fresh" | "pool";
  /** With `tailDraws: "pool"`: rounds per row in the pool (default 8). */
  rounds?: number;
  /** Tail draws without replacement (default, methods.md 5) or i.i.d. */
  tailScheme?: "iid" | "without_replacement";
  /**
   * MAPA on HNSW rows: how the points outside the k' found are proposed,
   * `"cells"` (**choice**, default; src/mapa/rest_cells.ts) or `"uniform"`
   * (methods.md section 11 as written). Exact rows and MAPA-GT (which scans
   * every point) ignore it.
   */
  restProposal?: "uniform" | "cells";
}

/** MAPA's options. */
export interface MapaOptions extends MapaTailChoices {
  /** The rows of q(n | x_m) for the training set (required; {@linkcode mapa}.prepare computes exact ones). */
  rows?: MapaRows;
  /** Top-K neighbours used per row (default: the rows' K). */
  k?: number;
  /** Tail draws per row S (default 0: no tail). */
  s?: number;
  /** A fixed tail pool from the same rows (overrides fresh draws; see `tailDraws`). */
  pool?: TailPool;
}

/** Where a MAPA bound's tail draws come from. */
export interface MapaTailOptions {
  /** Top-K terms per row (<= rows.k; with a tail, = rows.k). */
  k: number;
  /** Tail draws per row S (0: no tail). */
  s: number;
  /** Fresh draws (the default when no pool is given). */
  sampler?: TailSampler;
  /** A fixed pool; training picks one of its rounds per row and step. */
  pool?: TailPool;
  /**
   * Without `pool`: make a fixed pool of this many rounds per row from
   * `sampler` at the first step (the paper-era behaviour, to measure it).
   */
  poolRounds?: number;
}

/** A term source and, with a tail, the probe that compares used and fresh draws. */
export interface MapaTermSource {
  /** The bound's terms per batch. */
  terms: TermSource;
  /** Present when s > 0 and a fresh sampler is known. */
  probe?: TailProbe;
}

function checkTail(rows: MapaRows, options: MapaTailOptions): void {
  const { k, s, pool, sampler } = options;
  if (!Number.isInteger(k) || k < 1 || k > rows.k) {
    throw new InputError(
      `MAPA k must be an integer in [1, ${rows.k}] (the rows hold K=${rows.k}), got ${k}`,
    );
  }
  if (!Number.isInteger(s) || s < 0) {
    throw new InputError(`MAPA s must be an integer >= 0, got ${s}`);
  }
  if (s === 0) return;
  if (k !== rows.k) {
    throw new InputError(
      `MAPA with a tail needs k = the rows' K (${rows.k}); recompute rows with K=${k}`,
    );
  }
  if (!pool && !sampler) {
    throw new InputError(
      `MAPA with s=${s} needs tail draws: a sampler (rowsTailSampler) or a pool`,
    );
  }
  if (sampler && (sampler.n !== rows.n || sampler.s !== s)) {
    throw new InputError(
      `the tail sampler draws S=${sampler.s} for ${sampler.n} rows; the bound needs S=${s} for ${rows.n}`,
    );
  }
  if (pool) {
    if (pool.n !== rows.n) {
      throw new InputError(`the tail pool has ${pool.n} rows but the rows ${rows.n}`);
    }
    if (s > pool.s) {
      throw new InputError(`MAPA s=${s} exceeds the ${pool.s} draws per round the tail pool holds`);
    }
    if (s < pool.s && pool.scheme !== "iid") {
      throw new InputError(
        `MAPA s=${s} < pool S=${pool.s} needs an iid pool; draw a without-replacement pool with S=${s}`,
      );
    }
  }
}

/**
 * The terms of L_{K,S} for `rows`: top K at weight 1/N, then S tail draws
 * from `options.pool` when given (fixed draws), else fresh from
 * `options.sampler`. Each row remembers the draws it last trained on, so the
 * probe can score them against fresh ones.
 */
export function mapaTermSource(rows: MapaRows, options: MapaTailOptions): MapaTermSource {
  checkTail(rows, options);
  const { k, s, sampler, poolRounds } = options;
  let pool = options.pool;
  if (poolRounds !== undefined && (!Number.isInteger(poolRounds) || poolRounds < 1)) {
    throw new InputError(`pool rounds must be an integer >= 1, got ${poolRounds}`);
  }
  const makePool = (rng: Rng): TailPool => {
    const rounds = poolRounds!, n = rows.n;
    const indices = new Int32Array(n * rounds * s), logWeight = new Float64Array(n * rounds * s);
    for (let m = 0; m < n; m++) {
      for (let r = 0; r < rounds; r++) {
        sampler!.draw(m, rng, { indices, logWeight, offset: (m * rounds + r) * s });
      }
    }
    return {
      n,
      s,
      rounds,
      scheme: sampler!.scheme,
      indices,
      logWeight,
      logTailMass: new Float64Array(n),
    };
  };
  const logN = Math.log(rows.n);
  const j = k + s;
  // An iid subset of s of the pool's S draws is itself an iid sample of size s.
  const adjust = options.pool && s > 0 ? Math.log(options.pool.s) - Math.log(s) : 0;
  const memory = new DrawMemory(s > 0 ? rows.n : 0, { s, depth: probeDepth(rows.n, s) });
  const scratch = { indices: new Int32Array(s), logWeight: new Float64Array(s), offset: 0 };

  const topK = (
    batch: Int32Array,
    tail: (b: number, m: number, o: number, t: RowTerms) => void,
  ) => {
    const index = new Int32Array(batch.length * j);
    const logCoef = new Float32Array(batch.length * j);
    const terms = { j, index, logCoef };
    for (let b = 0; b < batch.length; b++) {
      const m = batch[b];
      let o = b * j;
      for (let i = 0; i < k; i++, o++) {
        index[o] = rows.neighbors[m * rows.k + i];
        logCoef[o] = -logN;
      }
      if (s > 0) tail(b, m, o, terms);
    }
    return terms;
  };
  const fromSampler = (m: number, o: number, t: RowTerms, rng: Rng, remember: boolean) => {
    sampler!.draw(m, rng, scratch);
    for (let q = 0; q < s; q++) {
      t.index[o + q] = scratch.indices[q];
      t.logCoef[o + q] = scratch.logWeight[q] - logN;
    }
    if (remember) memory.record(m, scratch.indices, scratch.logWeight);
  };
  const terms: TermSource = (batch, rng) => {
    if (!pool && poolRounds !== undefined && s > 0) pool = makePool(rng.fork("tail-pool"));
    return topK(batch, (_b, m, o, t) => {
      if (!pool) return fromSampler(m, o, t, rng, true);
      const base = (m * pool.rounds + rng.int(pool.rounds)) * pool.s;
      for (let q = 0; q < s; q++) {
        scratch.indices[q] = t.index[o + q] = pool.indices[base + q];
        scratch.logWeight[q] = pool.logWeight[base + q] + adjust;
        t.logCoef[o + q] = scratch.logWeight[q] - logN;
      }
      memory.record(m, scratch.indices, scratch.logWeight);
    });
  };
  // A pool made elsewhere may come from another proposal than the sampler's: comparing the two
  // would measure their different variances, not overfitting, so it gets no probe.
  if (s === 0 || !sampler || options.pool) return { terms };
  return {
    terms,
    probe: {
      rows: () => memory.rows(),
      visits: () => memory.remembered(),
      used: (batch, visit) =>
        topK(batch, (_b, m, o, t) => {
          const at = memory.offset(m, visit);
          for (let q = 0; q < s; q++) {
            t.index[o + q] = memory.index[at + q];
            t.logCoef[o + q] = memory.logWeight[at + q] - logN;
          }
        }),
      fresh: (batch, rng) => topK(batch, (_b, m, o, t) => fromSampler(m, o, t, rng, false)),
    },
  };
}

/**
 * The pool rounds `options` ask for: undefined for fresh draws (the
 * default), `options.rounds` (default 8) for `tailDraws: "pool"`.
 */
export function tailPoolRounds(
  options: { tailDraws?: "fresh" | "pool"; rounds?: number },
): number | undefined {
  const mode = options.tailDraws ?? "fresh";
  if (mode !== "fresh" && mode !== "pool") {
    throw new InputError(`unknown tailDraws "${mode}"; use fresh or pool`);
  }
  return mode === "pool" ? options.rounds ?? 8 : undefined;
}

/** {@linkcode mapaTermSource}'s terms alone. */
export function mapaTerms(rows: MapaRows, options: MapaTailOptions): TermSource {
  return mapaTermSource(rows, options).terms;
}

/**
 * MAPA with precomputed rows (`options.rows`). With s > 0 the tail is drawn
 * fresh per step from `data.x` (or, when `options.pool` is given, from that
 * fixed pool), by the scheme of `options.tailScheme`. `prepare` computes
 * exact rows (top K; Gaussian kernel of bandwidth 2 sigma2, or the Bernoulli
 * kernel for binary data) and reports their time as `rowsSeconds`.
 */
export const mapa: Method<MapaOptions> = {
  name: "mapa",
  description: "MAPA: top-K rows of the model-agnostic posterior plus S fresh tail draws",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: false,
  async prepare(data, { k, s }) {
    const t0 = performance.now();
    // Binary data get the Bernoulli kernel, as the scaling suite gives MNIST.
    const rows = await exactRows(
      data.x,
      data.likelihood === "bernoulli" ? { k, kernel: "bernoulli" } : { k, sigma2: data.sigma2 },
    );
    return { options: { rows, k, s }, metrics: { rowsSeconds: (performance.now() - t0) / 1000 } };
  },
  build(data, options) {
    const rows = options.rows;
    if (!rows) {
      throw new InputError("MAPA needs rows of q(n | x); compute them with exactRows or hnswRows");
    }
    if (
      rows.n !== data.x.rows || rows.d !== data.x.cols ||
      rows.dataChecksum !== matrixChecksum(data.x)
    ) {
      throw new InputError(
        "the MAPA rows were computed from other data (checksum mismatch); recompute the rows",
      );
    }
    const s = options.s ?? 0;
    const sampler = s > 0
      ? rowsTailSampler(data.x, rows, {
        s,
        scheme: options.tailScheme,
        restProposal: options.restProposal,
      })
      : undefined;
    const source = mapaTermSource(rows, {
      k: options.k ?? rows.k,
      s,
      pool: options.pool,
      sampler,
      poolRounds: tailPoolRounds(options),
    });
    return buildIndexModel("mapa", data, {
      ...options,
      terms: source.terms,
      tailProbe: source.probe,
    });
  },
};
