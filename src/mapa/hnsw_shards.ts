/**
 * HNSW over shards: the points split into S contiguous ranges, one
 * hnswlib-node index per range (labels stay the global row numbers), and a
 * query that searches every shard and keeps the k nearest of the merged
 * lists. hnswlib-node builds on one thread only, so shards are how the
 * build uses more than one core (src/mapa/hnsw_build_worker.ts builds them
 * on Workers); every query then searches S graphs instead of one
 * (reports/perf/hnsw_shards.md has the measured trade).
 *
 * Shard s is built from its range in row order with level seed
 * {@linkcode shardSeed}(seed, s), so the shards, and the rows formed from them, are the same
 * whichever thread builds them; one shard is the plain single index.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import { type HnswIndex, releaseIndex } from "./hnsw_query.ts";

/** Rows from which the default is two shards (below: one index, as before shards existed). */
export const SHARD_ROWS = 10_000;

/**
 * Shards for `n` rows: `requested` when given (an integer in [1, n]), else
 * 2 from {@linkcode SHARD_ROWS} rows and 1 below. The default is fixed, not
 * the core count, so the rows are the same on any machine.
 */
export function shardCount(n: number, requested?: number): number {
  const s = requested ?? (n >= SHARD_ROWS ? 2 : 1);
  if (!Number.isInteger(s) || s < 1 || s > n) {
    throw new InputError(`shards must be an integer in [1, N = ${n}], got ${requested}`);
  }
  return s;
}

/** Row range [lo, hi) of shard `s` of `shards` over `n` rows (sizes differ by at most one). */
export function shardRange(n: number, options: { shard: number; shards: number }): {
  lo: number;
  hi: number;
} {
  const { shard, shards } = options;
  return { lo: Math.floor(shard * n / shards), hi: Math.floor((shard + 1) * n / shards) };
}

/**
 * The level seed of shard `shard`: `seed` itself for shard 0 (so one shard
 * is the plain index), a hash of both for the others, so that shard 1 of
 * seed s does not reuse shard 0's levels of seed s + 1.
 */
export function shardSeed(seed: number, shard: number): number {
  if (shard === 0) return seed >>> 0;
  let h = Math.imul((seed >>> 0) ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(shard, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  return (h ^ (h >>> 13)) >>> 0;
}

/** Index settings of every shard. */
export interface ShardSettings {
  /** Graph degree M. */
  m: number;
  /** Build-time beam width. */
  efConstruction: number;
  /** Level seed of shard 0 (shard s uses {@linkcode shardSeed}(seed, s)). */
  seed: number;
}

/**
 * Builds shard `shard` of `shards` over `x` with `HNSW`; `onRows` is told
 * every 4,096 rows added.
 */
export function buildShard(
  HNSW: new (space: string, dim: number) => HnswIndex,
  x: Matrix,
  options: ShardSettings & { shard: number; shards: number; onRows?: (rows: number) => void },
): HnswIndex {
  const d = x.cols;
  const { lo, hi } = shardRange(x.rows, options);
  const index = new HNSW("l2", d);
  index.initIndex({
    maxElements: Math.max(1, hi - lo),
    m: options.m,
    efConstruction: options.efConstruction,
    randomSeed: shardSeed(options.seed, options.shard),
  });
  const point = new Array<number>(d);
  try {
    for (let i = lo; i < hi; i++) {
      for (let t = 0; t < d; t++) point[t] = x.data[i * d + t];
      index.addPoint(point, i);
      if (((i - lo) & 4095) === 4095) options.onRows?.(4096);
    }
    options.onRows?.((hi - lo) & 4095);
  } catch (e) {
    // The caller never sees a half-built index, so it cannot free it.
    releaseIndex(index);
    throw e;
  }
  return index;
}

/** The file shard `s` is saved to in `dir` (by the build Workers, for the query Workers). */
export function shardPath(dir: string, s: number): string {
  return `${dir}/shard-${s}.bin`;
}

/** One k-NN answer: labels and their distances, nearest first. */
export interface KnnAnswer {
  /** Labels (global row numbers). */
  neighbors: number[];
  /** Distances as the index computed them. */
  distances: number[];
}

/**
 * The `k` nearest of several nearest-first answers, nearest first; on equal
 * distances the earlier answer (lower shard) goes first, so the merge is
 * deterministic.
 */
export function mergeNearest(answers: KnnAnswer[], k: number): KnnAnswer {
  if (answers.length === 1) return answers[0];
  const at = new Array<number>(answers.length).fill(0);
  const neighbors: number[] = [], distances: number[] = [];
  while (neighbors.length < k) {
    let best = -1, bestD = Infinity;
    for (let a = 0; a < answers.length; a++) {
      const i = at[a];
      if (i >= answers[a].neighbors.length) continue;
      const dist = answers[a].distances[i];
      if (best < 0 || dist < bestD) {
        best = a;
        bestD = dist;
      }
    }
    if (best < 0) break;
    neighbors.push(answers[best].neighbors[at[best]]);
    distances.push(bestD);
    at[best]++;
  }
  return { neighbors, distances };
}

/** A search of all `shards` that returns the `k` nearest of their merged answers. */
export function shardedSearch(
  shards: HnswIndex[],
): (point: number[], k: number) => KnnAnswer {
  if (shards.length === 1) return (p, k) => shards[0].searchKnn(p, k);
  const sizes = shards.map((s) => s.getCurrentCount());
  return (p, k) => {
    const answers: KnnAnswer[] = [];
    // hnswlib-node refuses a k above the shard's size: a small shard answers with all its points.
    for (let s = 0; s < shards.length; s++) {
      answers.push(shards[s].searchKnn(p, Math.min(k, sizes[s])));
    }
    return mergeNearest(answers, k);
  };
}
