/**
 * Exact MAPA rows (methods.md section 4): a blocked, streaming pass over all
 * pairs that keeps per row the top-K neighbours, their log q and the exact
 * log normaliser, in O(N * K) memory. Two passes give the same bits:
 *
 * - pair tiles (`_pair_tiles.ts`, Workers in `_pair_tiles_worker.ts`): all
 *   rows at once, each unordered pair once, with the D = 2 Gaussian tile in
 *   wasm (`_gauss2.ts`) and Hamming distances on bit-packed 0/1 data
 *   (`_hamming.ts`);
 * - row scan (`_row_scan.ts`, Workers in `_row_scan_worker.ts`): one scan of
 *   all N points per query row, for subsets of rows ({@linkcode exactRowsFor};
 *   every row in order takes the pair tiles) and for the D <= 3 grid cutoff.
 *
 * Both add kernel sums order-independently (`_exact_sum.ts`) with the same
 * exp (`../fast_exp.ts`), so a run on any number of Workers sharing the data
 * through a SharedArrayBuffer gives the same rows. Files marked `_` are
 * internal to this folder; this module is its API.
 *
 * @module
 */

import { matrixChecksum } from "../../io/checksum.ts";
import { runWorkers, type WorkerPool } from "../worker_pool.ts";
import type { Matrix } from "../../types.ts";
import { InputError } from "../../errors.ts";
import {
  buildGrid,
  type CoreOutput,
  type CutoffMode,
  defaultBlockSize,
  ExactCore,
} from "./_row_scan.ts";
import type { PairJob, PairReply } from "./_pair_tiles_worker.ts";
import { makePartial, mergePartials, PairScan, partialBytes, tileCount } from "./_pair_tiles.ts";
import { usesBits } from "./_hamming.ts";
import type { ExactJob, ExactReply } from "./_row_scan_worker.ts";

export type { CoreOutput, CutoffMode } from "./_row_scan.ts";
import { checkData, checkK, type Kernel, type KernelOptions, resolveKernel } from "../kernel.ts";
import type { MapaRows } from "../types.ts";

/** Options for {@linkcode exactRows} and {@linkcode exactRowsFor}. */
export interface ExactOptions extends KernelOptions {
  /** Neighbours kept per row K (1 <= K <= N). */
  k: number;
  /**
   * Worker threads; default `navigator.hardwareConcurrency`. 0 computes on
   * the calling thread. Unless `workers` is given, small jobs run on the calling thread: all
   * rows up to about N = 4,900 at D = 2, 5,500 for bit-packed 0/1 data, 1,800 at D = 64.
   */
  workers?: number;
  /**
   * Workers kept across calls (see {@linkcode WorkerPool}): a caller making
   * many calls pays their start once. The rows are the same bits either way.
   */
  pool?: WorkerPool;
  /**
   * Spatial grid cutoff for D <= 3 (see _row_scan.ts): pairs with
   * k < 2^-60 / N are skipped, which changes the normaliser by less than
   * 2^-60 relative and leaves the top-K exact. Default `"auto"`: on where it
   * skips at least half the pairs.
   */
  cutoff?: CutoffMode;
  /**
   * Compute all rows by the symmetric tiled pass (one distance and one exp
   * per unordered pair, _pair_tiles.ts) where the grid cutoff is not in
   * use; default true. false forces the row-wise scan. Subsets of rows
   * ({@linkcode exactRowsFor}) always scan row-wise, all rows in order do not.
   */
  symmetric?: boolean;
  /**
   * Block size in points of the kernel sums and of the symmetric pass's
   * tiles; default by N and D (<= 512, ~128 KiB per block; for 0/1 data
   * with D >= 8, by the bytes of a bit-packed row). Rows computed
   * with the same block size are the same bits by either pass, with any
   * number of workers.
   */
  blockSize?: number;
  /** Called with the fraction of the work done. */
  onProgress?: (fraction: number) => void;
}

/** Rows for a subset of query points, from {@linkcode exactRowsFor}. */
export interface RowBlock extends CoreOutput {
  /** The query row indices; slot p holds row `queries[p]`. */
  queries: Int32Array;
  /** Neighbours per row. */
  k: number;
}

/** Work statistics of the last computation. */
export interface ExactStats {
  /** Threads used (0 = inline). */
  workers: number;
  /** Whether the grid cutoff was used. */
  usesGrid: boolean;
  /** Rows that the grid could not settle and were scanned in full. */
  fallbackRows: number;
  /** `"pairs"`: the symmetric tiled pass; `"rows"`: one scan per row. */
  pass: "pairs" | "rows";
}

/** Rows plus the squared distances and run statistics. */
export interface ExactResult {
  /** The rows. */
  rows: MapaRows;
  /** How they were computed (workers, grid, pass). */
  stats: ExactStats;
}

// Below this much work one thread beats Workers, whose start costs 0.1-0.15 s. Work is ordered
// pairs (N^2 for all rows) times 1 + D/8, or 1 for the pair pass over bit-packed rows (whose
// pairs cost about a D = 2 pair; the row-wise scan does not pack). Measured on 2 cores
// (reports/perf/levers.txt): the crossover was N = 5,000-8,000 at D = 2 and on bit-packed MNIST,
// about N = 2,000 at D = 64. Rows are the same bits either way.
const INLINE_WORK = 3e7;
const CHUNK = 64;

function newOutput(nq: number, k: number): CoreOutput {
  return {
    neighbors: new Int32Array(nq * k),
    logq: new Float64Array(nq * k),
    sqdist: new Float64Array(nq * k),
    logNormalizer: new Float64Array(nq),
  };
}

/** Threads for `pairs` pairs of relative cost `perPair` (see INLINE_WORK). */
function workerCount(options: ExactOptions, pairs: number, perPair: number): number {
  const hw = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  const workers = Math.max(0, Math.floor(options.workers ?? hw));
  return options.workers === undefined && pairs * perPair < INLINE_WORK ? 0 : workers;
}

const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));

/** All N rows by the symmetric tiled pass (_pair_tiles.ts). */
async function computePairs(
  x: Matrix,
  kernel: Kernel,
  pass: { block: number; bits: boolean },
  options: ExactOptions,
): Promise<CoreOutput & ExactStats> {
  const n = x.rows, d = x.cols, k = options.k;
  const { block, bits } = pass;
  const tiles = tileCount(Math.ceil(n / block));
  const workers = Math.min(workerCount(options, n * n, bits ? 1 : 1 + d / 8), tiles);
  const totalPairs = (n * (n - 1)) / 2;
  const out = newOutput(n, k);
  const dims = { n, d, k, scale: kernel.scale, block, bits };
  const stats = { workers, usesGrid: false, fallbackRows: 0, pass: "pairs" as const };
  if (workers === 0) {
    const partial = makePartial(n, k);
    const scan = new PairScan(x.data, dims, partial);
    let done = 0, reported = 0;
    for (let t = 0; t < tiles; t++) {
      done += scan.tile(t);
      if (done - reported >= totalPairs / 64 || t === tiles - 1) {
        reported = done;
        options.onProgress?.(totalPairs > 0 ? done / totalPairs : 1);
      }
    }
    scan.finish();
    mergePartials([partial], dims, out);
    return { ...out, ...stats };
  }
  const data = sab(n * d * 8);
  new Float64Array(data).set(x.data);
  const counter = sab(4);
  const bytes = partialBytes(n, k);
  const jobs: PairJob[] = Array.from({ length: workers }, () => ({
    data,
    counter,
    sums: sab(bytes.sums),
    heapD: sab(bytes.heapD),
    heapI: sab(bytes.heapI),
    ...dims,
  }));
  let done = 0;
  await runWorkers<PairJob, PairReply>(
    new URL("./_pair_tiles_worker.ts", import.meta.url),
    jobs,
    {
      what: "exact rows",
      pool: options.pool,
      onReply: (r) => {
        if (r.type !== "progress") return;
        done += r.pairs;
        // The merge is the last step; leave the final 1 to it.
        options.onProgress?.(Math.min(0.999, done / totalPairs));
      },
    },
  );
  const partials = jobs.map((j) => {
    const p = { sums: new Float64Array(j.sums), heapD: new Float64Array(j.heapD) };
    return { ...p, heapI: new Int32Array(j.heapI) };
  });
  mergePartials(partials, dims, out);
  options.onProgress?.(1);
  return { ...out, ...stats };
}

async function compute(
  x: Matrix,
  queries: Int32Array | null,
  kernel: Kernel,
  options: ExactOptions,
): Promise<CoreOutput & ExactStats> {
  const n = x.rows, d = x.cols, k = options.k;
  const nq = queries === null ? n : queries.length;
  const cutoff = options.cutoff ?? "auto";
  // Weighed once here and handed on: a full pass over the data.
  const bits = usesBits(x.data, d);
  const block = options.blockSize ?? defaultBlockSize(n, d, { bitPacked: bits });
  if (!Number.isInteger(block) || block < 1) {
    throw new InputError(`blockSize must be an integer >= 1, got ${block}`);
  }
  const input = { data: x.data, n, d, k, scale: kernel.scale, queries, block };
  if (queries === null && options.symmetric !== false && buildGrid(input, cutoff) === null) {
    return await computePairs(x, kernel, { block, bits }, options);
  }
  const workers = Math.min(workerCount(options, nq * n, 1 + d / 8), Math.ceil(nq / CHUNK));
  if (workers === 0) {
    const out = newOutput(nq, k);
    const core = new ExactCore(input, cutoff);
    for (let from = 0; from < nq; from += CHUNK * 16) {
      core.run(from, Math.min(nq, from + CHUNK * 16), out);
      options.onProgress?.(Math.min(nq, from + CHUNK * 16) / nq);
    }
    return {
      ...out,
      workers: 0,
      usesGrid: core.usesGrid,
      fallbackRows: core.fallbackRows,
      pass: "rows",
    };
  }
  const job: ExactJob = {
    data: sab(n * d * 8),
    queries: queries === null ? null : sab(nq * 4),
    neighbors: sab(nq * k * 4),
    logq: sab(nq * k * 8),
    sqdist: sab(nq * k * 8),
    logNormalizer: sab(nq * 8),
    counter: sab(4),
    n,
    d,
    k,
    scale: kernel.scale,
    nQueries: nq,
    chunk: CHUNK,
    cutoff,
    block,
  };
  new Float64Array(job.data).set(x.data);
  if (queries !== null && job.queries !== null) new Int32Array(job.queries).set(queries);
  let done = 0;
  let fallbackRows = 0;
  let usesGrid = false;
  await runWorkers<ExactJob, ExactReply>(
    new URL("./_row_scan_worker.ts", import.meta.url),
    Array.from({ length: workers }, () => job),
    {
      what: "exact rows",
      pool: options.pool,
      onReply: (r) => {
        if (r.type === "progress") {
          done += r.rows;
          options.onProgress?.(done / nq);
        } else if (r.type === "done") {
          fallbackRows += r.fallbackRows;
          usesGrid = r.usesGrid;
        }
      },
    },
  );
  return {
    neighbors: new Int32Array(job.neighbors).slice(),
    logq: new Float64Array(job.logq).slice(),
    sqdist: new Float64Array(job.sqdist).slice(),
    logNormalizer: new Float64Array(job.logNormalizer).slice(),
    workers,
    usesGrid,
    fallbackRows,
    pass: "rows",
  };
}

/**
 * Exact top-K MAPA rows for every point of `x`, with run statistics. Rows
 * are sorted by decreasing q with the row's own index first; the result
 * also carries the squared distances (`rows.sqdist`), which tie-aware
 * recall against other rows needs.
 * Bad input gives an {@linkcode InputError}.
 */
export async function exactRowsWithStats(x: Matrix, options: ExactOptions): Promise<ExactResult> {
  const kernel = resolveKernel(options);
  checkData(x, kernel.kernel);
  checkK(options.k, x.rows);
  const pending = compute(x, null, kernel, options);
  // Hashed while the Workers (if any) run: the calling thread would only wait.
  const dataChecksum = matrixChecksum(x);
  const out = await pending;
  const rows: MapaRows = {
    n: x.rows,
    k: options.k,
    d: x.cols,
    kernel: kernel.kernel,
    bandwidth: kernel.bandwidth,
    method: "exact",
    neighbors: out.neighbors,
    logq: out.logq,
    logNormalizer: out.logNormalizer,
    dataChecksum,
    sqdist: out.sqdist,
  };
  return {
    rows,
    stats: {
      workers: out.workers,
      usesGrid: out.usesGrid,
      fallbackRows: out.fallbackRows,
      pass: out.pass,
    },
  };
}

/**
 * Exact top-K MAPA rows for every point of `x` (see {@linkcode exactRowsWithStats}).
 *
 * @example
 * ```ts
 * import { exactRows } from "./mod.ts";
 * const x = { rows: 3, cols: 1, data: new Float64Array([0, 0.1, 1]) };
 * const rows = await exactRows(x, { k: 2, sigma2: 0.01 });
 * // rows.neighbors.slice(0, 2) is [0, 1]: the row itself, then its nearest point
 * ```
 */
export async function exactRows(x: Matrix, options: ExactOptions): Promise<MapaRows> {
  return (await exactRowsWithStats(x, options)).rows;
}

/**
 * Exact rows for the query points `queries` only (each against all of `x`):
 * what a benchmark needs to score approximate rows on a sample. Queries
 * that are every row in order take the symmetric pass, like
 * {@linkcode exactRows} (the same bits, about half the work).
 */
export async function exactRowsFor(
  x: Matrix,
  queries: Int32Array,
  options: ExactOptions,
): Promise<RowBlock> {
  const kernel = resolveKernel(options);
  checkData(x, kernel.kernel);
  checkK(options.k, x.rows);
  for (const q of queries) {
    if (!(q >= 0 && q < x.rows)) throw new RangeError(`query index ${q} is out of [0, ${x.rows})`);
  }
  const all = queries.length === x.rows && queries.every((q, i) => q === i);
  const out = await compute(x, all ? null : queries, kernel, options);
  return {
    queries,
    k: options.k,
    neighbors: out.neighbors,
    logq: out.logq,
    sqdist: out.sqdist,
    logNormalizer: out.logNormalizer,
  };
}
