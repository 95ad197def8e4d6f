/**
 * Approximate MAPA rows from an HNSW index (hnswlib-node): each row keeps
 * its k' >= K nearest neighbours F as found by the index; the top K become
 * the row and the k' - K extra neighbours E feed the tail sampler's mixture
 * proposal. The normaliser is the full one (methods.md section 11):
 * Z_m = sum_F k + an unbiased estimate of sum_R k over the other N - k'
 * points R from U importance-sampled draws on R (the cell proposal of
 * rest_cells.ts by default, or uniform), with its standard error per row.
 *
 * hnswlib-node has no threads and builds an index on one thread; from
 * N = 10,000 the points are split into two shards built side by side on
 * Workers (src/mapa/hnsw_shards.ts), and the queries (and the normaliser's
 * rest draws, most of their cost) run on one Worker per core, each on the
 * saved shards (src/mapa/hnsw_query.ts forms the rows, the same bits on
 * any thread).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import type { Matrix } from "../types.ts";
import { checkData, checkK, type KernelOptions, resolveKernel } from "./kernel.ts";
import type { MapaRows } from "./types.ts";
import {
  type HnswIndex,
  loadHnswlib,
  makeRowArrays,
  releaseIndex,
  RowFormer,
  type RowParams,
} from "./hnsw_query.ts";
import { buildShard, shardCount, shardedSearch } from "./hnsw_shards.ts";
import { buildShardFiles, queryInWorkers, sharedData, withShardDir } from "./hnsw_run.ts";
import { buildRestCells, type RestCells } from "./rest_cells.ts";

/**
 * Rows below which the build and the queries run inline: a Worker's start
 * and the shards' save and load cost more.
 */
const INLINE_ROWS = 10_000;

/** Options for {@linkcode hnswRows}. */
export interface HnswOptions extends KernelOptions {
  /** Neighbours kept per row K. */
  k: number;
  /** Neighbours queried per row k' >= K; default min(N, max(2K, K + 32)). */
  kPrime?: number;
  /** HNSW graph degree M; default 16. */
  m?: number;
  /** Build-time beam width; default 200. */
  efConstruction?: number;
  /** Query-time beam width (>= k'), per shard; default max(2k', 64). */
  ef?: number;
  /**
   * Most draws U per row on the points R outside the k' found, for the
   * estimate of their kernel sum (the rest of the normaliser); default 4096
   * (figure8, N = 20,000, sigma2 = 0.01, K = 16, uniform draws: mean abs
   * log-Z error 0.07 nats at U = 1024, 0.035 at 4096; the cell proposal
   * reaches 0.025 with about 630 draws). A pilot of `restDrawsMin` draws
   * sizes each row's U to reach `restTolerance`; the estimate then uses U
   * fresh draws, independent of the pilot, so it stays unbiased. Rows with
   * at most U points in R sum them exactly. Cost O(U D) per row.
   */
  restDraws?: number;
  /**
   * Pilot draws per row, also the least U; default 128 with the cell
   * proposal, 512 with uniform draws (a smaller uniform pilot more often
   * misses the few near points of R, and then asks for too few draws).
   */
  restDrawsMin?: number;
  /**
   * Target standard error of each row's log normaliser (nats) that the
   * pilot sizes U for, within [restDrawsMin, restDraws]; default 0.03.
   */
  restTolerance?: number;
  /**
   * How the draws on R are proposed (**choice**): `"cells"` (default;
   * src/mapa/rest_cells.ts, importance sampling near x_m, where the kernel
   * mass of R is) or `"uniform"` (methods.md section 11 as written). Both
   * are unbiased; the cells need far fewer draws for the same error.
   */
  restProposal?: "cells" | "uniform";
  /**
   * How the k' - K extras' log q are stored (**choice**): `"f64"` (default)
   * or `"f32"`, which halves their memory (128 MB saved at N = 10^6, k' =
   * 48, K = 16) and moves each stored value by at most 6e-8 relative (1.2e-6
   * nats at log q = -20). Tail draws and their weights differ at that
   * level: in a test on 1,500 rows no draw moved and the largest change of
   * a log weight was 3.0e-6 nats. Log q below float32's range, which only
   * an extreme bandwidth gives, is stored as float32's lowest finite value,
   * so such extras share one weight and draws among them are uniform. The
   * top K, the normaliser and every accuracy figure but `meanTv` stay
   * float64 and unchanged.
   */
  extraPrecision?: "f64" | "f32";
  /** Prebuilt cells of `x` for `"cells"` (default: built here, seed 0, O(N C D)). */
  cells?: RestCells;
  /** Seed of the index's level generator and of the rest-of-normaliser draws; default 0. */
  seed?: number;
  /**
   * Shards the points are split into, one index each, built side by side on
   * Workers (hnswlib-node builds on one thread; src/mapa/hnsw_shards.ts);
   * every query searches all shards. Default 2 from N = 10,000, else 1: a
   * fixed count, so the rows are the same on any machine.
   */
  shards?: number;
  /**
   * Worker threads that build the shards (at most one per shard) and answer
   * the queries (each loads every shard); default: one per core from
   * N = 10,000 (below that, inline). The rows are the same bits for any
   * count.
   */
  workers?: number;
  /**
   * Called with the fraction of the whole call done, in [0, 1], and the
   * phase's label (`"build"`, then `"query"`; the build counts as the first
   * {@linkcode BUILD_SHARE} of the call).
   */
  onProgress?: (fraction: number, label: string) => void;
}

/**
 * The share of an HNSW rows call's progress given to the build: at N =
 * 100,000 on 2 cores the build took about 40% of the time and at 10^6
 * about 25%, so a bar moves through both phases instead of filling up
 * with the build and stalling through the queries.
 */
export const BUILD_SHARE = 0.3;

/**
 * The posterior mass outside the k' neighbours found: for row m,
 * 1 - Z'_m / Z_m with Z' the kernel sum over the k' found and Z the full
 * normaliser.
 */
export interface LeftOutMass {
  /**
   * Upper bound per row, mean and max over rows, ASSUMING the k' points the
   * index returned are the true k' nearest: each of the N - k' others then
   * lies at least as far as the k'-th, so adds at most its kernel value.
   */
  boundMean: number;
  /** Max over rows of the bound above. */
  boundMax: number;
  /**
   * Mean over all rows of the estimated 1 - Z'/Z, from the same draws
   * that complete the normaliser (no assumption on the index).
   */
  sampledMean: number;
  /** Rows in the sampled estimate (all N). */
  sampledRows: number;
  /** Mean draws per row, pilot included (0 for a row whose rest was summed exactly). */
  drawsPerRow: number;
}

/** Per-row accuracy of the estimated normaliser. */
export interface NormalizerError {
  /** Mean over rows of the standard error of log Z (nats, delta method). */
  seMean: number;
  /** Largest standard error of log Z over rows (nats). */
  seMax: number;
}

/** HNSW rows with timings and the left-out mass estimate. */
export interface HnswResult {
  /** The sparse rows. */
  rows: MapaRows;
  /**
   * Index build seconds; on Workers including their start and saving the
   * shards for the query Workers (inline: the build alone).
   */
  buildSeconds: number;
  /**
   * Query (and row forming) seconds, including the cells of the rest
   * proposal and, on Workers, their start, loading the shards and removing
   * the saved shards afterwards.
   */
  querySeconds: number;
  /** The parameters used. */
  params: {
    k: number;
    kPrime: number;
    m: number;
    efConstruction: number;
    ef: number;
    restDraws: number;
    restDrawsMin: number;
    restTolerance: number;
    /** How the rest's draws were proposed. */
    restProposal: "cells" | "uniform";
    seed: number;
    /** Shards the index was built as. */
    shards: number;
    /** Storage of the extras' log q. */
    extraPrecision: "f64" | "f32";
  };
  /** Estimated posterior mass left out of the sparse rows. */
  leftOut: LeftOutMass;
  /** Standard error of the estimated log normaliser. */
  normalizerError: NormalizerError;
}

function positiveInt(name: string, v: number): void {
  if (!Number.isInteger(v) || v < 1) {
    throw new InputError(`${name} must be an integer >= 1, got ${v}`);
  }
}

/**
 * HNSW MAPA rows with timings and the left-out mass estimate. Rows are
 * sorted by decreasing q with the row's own index first; distances are
 * recomputed in float64 (the index works in float32).
 */
export async function hnswRowsWithStats(x: Matrix, options: HnswOptions): Promise<HnswResult> {
  const kernel = resolveKernel(options);
  checkData(x, kernel.kernel);
  const n = x.rows, d = x.cols, k = options.k;
  checkK(k, n);
  const kPrime = options.kPrime ?? Math.min(n, Math.max(2 * k, k + 32));
  checkK(kPrime, n, "k'");
  if (kPrime < k) throw new InputError(`k' (${kPrime}) must be >= K (${k})`);
  const m = options.m ?? 16;
  const efConstruction = options.efConstruction ?? 200;
  const ef = options.ef ?? Math.max(2 * kPrime, 64);
  const seed = options.seed ?? 0;
  const restDraws = options.restDraws ?? 4096;
  positiveInt("M", m);
  const restTolerance = options.restTolerance ?? 0.03;
  const restProposal = options.restProposal ?? "cells";
  if (restProposal !== "cells" && restProposal !== "uniform") {
    throw new InputError(`unknown rest proposal "${restProposal}"; use cells or uniform`);
  }
  const extraPrecision = options.extraPrecision ?? "f64";
  if (extraPrecision !== "f64" && extraPrecision !== "f32") {
    throw new InputError(`unknown extra precision "${extraPrecision}"; use f64 or f32`);
  }
  const restDrawsMin = options.restDrawsMin ??
    Math.min(restProposal === "cells" ? 128 : 512, restDraws);
  positiveInt("restDraws (U)", restDraws);
  positiveInt("restDrawsMin", restDrawsMin);
  if (restDrawsMin > restDraws) {
    throw new InputError(`restDrawsMin (${restDrawsMin}) must be <= restDraws (${restDraws})`);
  }
  if (!(restTolerance > 0)) {
    throw new InputError(`restTolerance must be > 0, got ${restTolerance}`);
  }
  positiveInt("efConstruction", efConstruction);
  positiveInt("ef", ef);
  const HNSW = await loadHnswlib();
  const report = options.onProgress ?? (() => {});
  const progress = (f: number, label: string) =>
    report(label === "build" ? BUILD_SHARE * f : BUILD_SHARE + (1 - BUILD_SHARE) * f, label);

  const shards = shardCount(n, options.shards);
  const hw = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  const workers = Math.min(
    options.workers ?? (n >= INLINE_ROWS ? hw : 0),
    RowFormer.blocks(n),
  );
  if (!Number.isInteger(workers) || workers < 0) {
    throw new InputError(`workers must be an integer >= 0, got ${options.workers}`);
  }
  const params: RowParams = {
    k,
    kPrime,
    scale: kernel.scale,
    seed,
    restDraws,
    restDrawsMin,
    restTolerance,
    restProposal,
    extraPrecision,
  };
  const settings = { m, efConstruction, seed };
  let added = 0;
  const onRows = (rows: number) => {
    added += rows;
    progress(added / n, "build");
  };
  const out = makeRowArrays(n, params, workers > 0);
  let buildSeconds: number, t1: number;
  if (workers === 0) {
    const t0 = performance.now();
    const indices: HnswIndex[] = [];
    try {
      for (let shard = 0; shard < shards; shard++) {
        indices.push(buildShard(HNSW, x, { ...settings, shard, shards, onRows }));
      }
      buildSeconds = (performance.now() - t0) / 1000;
      t1 = performance.now();
      for (const index of indices) index.setEf(Math.max(ef, kPrime));
      // Cells built here are part of the rows' cost, so they are timed with the queries.
      const cells = restProposal === "cells" ? options.cells ?? buildRestCells(x) : undefined;
      const former = new RowFormer(x, shardedSearch(indices), { params, out, cells });
      let done = 0;
      for (let b = 0; b < RowFormer.blocks(n); b++) {
        done += former.block(b);
        if ((b & 3) === 3) progress(done / n, "query");
      }
      progress(1, "query");
    } finally {
      for (const index of indices) releaseIndex(index);
    }
  } else {
    const data = sharedData(x);
    [buildSeconds, t1] = await withShardDir(async (dir) => {
      const t0 = performance.now();
      const paths = await buildShardFiles(x, { ...settings, shards, workers, dir, data, onRows });
      const built = (performance.now() - t0) / 1000;
      const t1 = performance.now();
      const cells = restProposal === "cells" ? options.cells ?? buildRestCells(x) : undefined;
      await queryInWorkers(paths, x, { data, params, ef, workers, out, progress, cells });
      return [built, t1];
    });
  }
  const extraK = kPrime - k;
  let boundSum = 0, boundMax = 0, fracSum = 0, seSum = 0, seMax = 0, drawSum = 0;
  // Summed in row order, so the figures do not depend on the worker count either.
  for (let i = 0; i < n; i++) {
    boundSum += out.boundFrac[i];
    if (out.boundFrac[i] > boundMax) boundMax = out.boundFrac[i];
    fracSum += out.sampledFrac[i];
    seSum += out.logNormalizerSe[i];
    if (out.logNormalizerSe[i] > seMax) seMax = out.logNormalizerSe[i];
    drawSum += out.draws[i];
  }
  const { neighbors, logq, logNormalizer, logNormalizerSe, logRestSum } = out;
  const { extraNeighbors, extraLogq } = out;
  const querySeconds = (performance.now() - t1) / 1000;
  if (neighbors.some((j) => j < 0)) {
    throw new InputError(
      `HNSW found fewer than K = ${k} neighbours for some rows; raise ef or use --method exact`,
    );
  }
  const rows: MapaRows = {
    n,
    k,
    d,
    kernel: kernel.kernel,
    bandwidth: kernel.bandwidth,
    method: "hnsw",
    neighbors,
    logq,
    logNormalizer,
    dataChecksum: matrixChecksum(x),
    extraK,
    extraNeighbors,
    extraLogq,
    logNormalizerSe,
    logRestSum,
  };
  return {
    rows,
    buildSeconds,
    querySeconds,
    params: {
      k,
      kPrime,
      m,
      efConstruction,
      ef,
      restDraws,
      restDrawsMin,
      restTolerance,
      restProposal,
      seed,
      shards,
      extraPrecision,
    },
    leftOut: {
      boundMean: boundSum / n,
      boundMax,
      sampledMean: fracSum / n,
      sampledRows: n,
      drawsPerRow: drawSum / n,
    },
    normalizerError: { seMean: seSum / n, seMax },
  };
}

/** HNSW MAPA rows (see {@linkcode hnswRowsWithStats}); needs the built hnswlib-node addon. */
export async function hnswRows(x: Matrix, options: HnswOptions): Promise<MapaRows> {
  return (await hnswRowsWithStats(x, options)).rows;
}
