/**
 * MAPA (methods.md section 5): the bound
 *
 *     L_{K,S}(x_m) = log [ (1/N) sum_{n in T_K(m)} p(x_m | z_n)
 *                        + sum_s exp(logWeight_s) (1/N) p(x_m | z_{n_s}) ]
 *
 * with the top-K rows of q(n | x_m) and tail draws from a TailPool (i.i.d. or
 * without replacement; the pool's logWeight carries the importance weight).
 * Each step takes one random round of the pool per row.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import type { MapaRows, TailPool } from "../mapa/types.ts";
import { buildIndexModel, type TermSource } from "./index_model.ts";
import type { Method } from "./method.ts";

/**
 * The term source of L_{K,S} for `rows` and `pool`. With `s > 0` the pool
 * must come from these rows (its draws lie outside their top `rows.k`), so
 * `k` must equal `rows.k`; with `s = 0` any `k <= rows.k` works.
 */
export function mapaTerms(
  rows: MapaRows,
  options: { k: number; s: number; pool?: TailPool },
): TermSource {
  const { k, s, pool } = options;
  if (!Number.isInteger(k) || k < 1 || k > rows.k) {
    throw new InputError(
      `MAPA k must be an integer in [1, ${rows.k}] (the rows hold K=${rows.k}), got ${k}`,
    );
  }
  if (!Number.isInteger(s) || s < 0) {
    throw new InputError(`MAPA s must be an integer >= 0, got ${s}`);
  }
  if (s > 0) {
    if (!pool) {
      throw new InputError(`MAPA with s=${s} needs a tail pool; make one with makeTailPool`);
    }
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
    if (k !== rows.k) {
      throw new InputError(
        `MAPA with a tail needs k = the rows' K (${rows.k}); recompute rows with K=${k}`,
      );
    }
  }
  const logN = Math.log(rows.n);
  const j = k + s;
  // An iid subset of s of the pool's S draws is itself an iid sample of size s.
  const adjust = pool && s > 0 ? Math.log(pool.s) - Math.log(s) : 0;
  return (batch, rng) => {
    const index = new Int32Array(batch.length * j);
    const logCoef = new Float32Array(batch.length * j);
    for (let b = 0; b < batch.length; b++) {
      const m = batch[b];
      let o = b * j;
      for (let i = 0; i < k; i++, o++) {
        index[o] = rows.neighbors[m * rows.k + i];
        logCoef[o] = -logN;
      }
      if (s === 0) continue;
      const base = (m * pool!.rounds + rng.int(pool!.rounds)) * pool!.s;
      for (let t = 0; t < s; t++, o++) {
        index[o] = pool!.indices[base + t];
        logCoef[o] = pool!.logWeight[base + t] + adjust - logN;
      }
    }
    return { j, index, logCoef };
  };
}

/** MAPA with precomputed rows (options.rows) and, for s > 0, a tail pool (options.pool). */
export const mapa: Method = {
  name: "mapa",
  description: "MAPA: top-K rows of the model-agnostic posterior plus S tail draws",
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
    const terms = mapaTerms(rows, {
      k: options.k ?? rows.k,
      s: options.s ?? 0,
      pool: options.pool,
    });
    return buildIndexModel("mapa", data, { ...options, terms });
  },
};
