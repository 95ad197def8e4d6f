/**
 * The like-for-like timing of HNSW k'-NN against other bindings: the
 * index built and every point's k' nearest searched, no rows formed.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import { checkK } from "./kernel.ts";
import type { HnswOptions } from "./hnsw.ts";
import { loadHnswlib, makeRowArrays, type RowParams } from "./hnsw_query.ts";
import { shardCount } from "./hnsw_shards.ts";
import { buildShardFiles, queryInWorkers, sharedData, withShardDir } from "./hnsw_run.ts";

/**
 * Seconds to build the index and to run the k'-NN search of every row (on
 * `options.workers` Workers, default one per core), forming no rows: the
 * same work as another HNSW binding's build and batch query, for a
 * like-for-like timing (the scaling suite's Python hnswlib peer). The
 * shards (default as in {@linkcode HnswOptions.shards}) are built on
 * Workers and saved, which the build seconds include; the query seconds
 * include starting the query Workers and loading the shards in each (not
 * removing the saved shards afterwards). ef is
 * per shard, so with S shards a query does about S times one index's
 * search. `params` are the index settings used, defaults filled in.
 */
export async function hnswKnnSeconds(
  x: Matrix,
  options:
    & Pick<HnswOptions, "k" | "m" | "efConstruction" | "ef" | "seed" | "workers" | "shards">
    & {
      kPrime: number;
    },
): Promise<{
  buildSeconds: number;
  querySeconds: number;
  workers: number;
  params: { m: number; efConstruction: number; kPrime: number; ef: number; shards: number };
}> {
  const n = x.rows;
  checkK(options.kPrime, n, "k'");
  const { m = 16, efConstruction = 200, kPrime } = options;
  const used = { m, efConstruction, kPrime, ef: options.ef ?? Math.max(2 * kPrime, 64) };
  const shards = shardCount(n, options.shards);
  const hw = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  const workers = options.workers ?? hw;
  if (!Number.isInteger(workers) || workers < 1) {
    throw new InputError(`workers must be an integer >= 1, got ${options.workers}`);
  }
  // A missing addon is reported here, as an InputError, before any Worker starts.
  await loadHnswlib();
  const params: RowParams = {
    k: options.k,
    kPrime: options.kPrime,
    scale: 1,
    seed: 0,
    restDraws: 1,
    restDrawsMin: 1,
    restTolerance: 1,
    restProposal: "uniform",
    extraPrecision: "f64",
  };
  const data = sharedData(x);
  return await withShardDir(async (dir) => {
    const t0 = performance.now();
    const paths = await buildShardFiles(x, {
      m: used.m,
      efConstruction: used.efConstruction,
      seed: options.seed ?? 0,
      shards,
      workers,
      dir,
      data,
    });
    const buildSeconds = (performance.now() - t0) / 1000;
    const t1 = performance.now();
    await queryInWorkers(paths, x, {
      data,
      params,
      ef: used.ef,
      workers,
      out: makeRowArrays(1, params, true),
      progress: () => {},
      knnOnly: true,
    });
    return {
      buildSeconds,
      querySeconds: (performance.now() - t1) / 1000,
      workers,
      params: { ...used, shards },
    };
  });
}
