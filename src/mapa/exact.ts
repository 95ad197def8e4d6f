/**
 * Exact MAPA rows (methods.md section 4): a blocked, streaming pass over all
 * pairs that keeps per row the top-K neighbours, their log q and the exact
 * log normaliser, in O(N * K) memory. Rows are spread over Workers sharing
 * the data through a SharedArrayBuffer.
 *
 * @module
 */

import { matrixChecksum } from "../io/checksum.ts";
import type { Matrix } from "../types.ts";
import { type CoreOutput, type CutoffMode, ExactCore } from "./exact_core.ts";
import type { ExactJob, ExactReply } from "./exact_worker.ts";
import { checkData, checkK, type Kernel, type KernelOptions, resolveKernel } from "./kernel.ts";
import type { MapaRows } from "./types.ts";

/** Options for {@linkcode exactRows} and {@linkcode exactRowsFor}. */
export interface ExactOptions extends KernelOptions {
  /** Neighbours kept per row K (1 <= K <= N). */
  k: number;
  /**
   * Worker threads; default `navigator.hardwareConcurrency`. 0 computes on
   * the calling thread. Small jobs (under ~2M pairs) always run inline.
   */
  workers?: number;
  /**
   * Spatial grid cutoff for D <= 3 (see exact_core.ts): pairs with
   * k < 2^-60 / N are skipped, which changes the normaliser by less than
   * 2^-60 relative and leaves the top-K exact. Default `"auto"`: on where it
   * skips at least half the pairs.
   */
  cutoff?: CutoffMode;
  /** Called with the fraction of rows done. */
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
}

/** Rows plus the squared distances and run statistics. */
export interface ExactResult {
  rows: MapaRows;
  stats: ExactStats;
}

const INLINE_PAIRS = 2e6;
const CHUNK = 64;

async function compute(
  x: Matrix,
  queries: Int32Array | null,
  kernel: Kernel,
  options: ExactOptions,
): Promise<CoreOutput & ExactStats> {
  const n = x.rows, d = x.cols, k = options.k;
  const nq = queries === null ? n : queries.length;
  const cutoff = options.cutoff ?? "auto";
  const hw = typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
  let workers = Math.max(0, Math.floor(options.workers ?? hw));
  if (options.workers === undefined && nq * n < INLINE_PAIRS) workers = 0;
  workers = Math.min(workers, Math.ceil(nq / CHUNK));
  if (workers === 0) {
    const out: CoreOutput = {
      neighbors: new Int32Array(nq * k),
      logq: new Float64Array(nq * k),
      sqdist: new Float64Array(nq * k),
      logNormalizer: new Float64Array(nq),
    };
    const core = new ExactCore({ data: x.data, n, d, k, scale: kernel.scale, queries }, cutoff);
    for (let from = 0; from < nq; from += CHUNK * 16) {
      core.run(from, Math.min(nq, from + CHUNK * 16), out);
      options.onProgress?.(Math.min(nq, from + CHUNK * 16) / nq);
    }
    return { ...out, workers: 0, usesGrid: core.usesGrid, fallbackRows: core.fallbackRows };
  }
  const sab = (bytes: number) => new SharedArrayBuffer(Math.max(8, bytes));
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
  };
  new Float64Array(job.data).set(x.data);
  if (queries !== null && job.queries !== null) new Int32Array(job.queries).set(queries);
  let done = 0;
  let fallbackRows = 0;
  let usesGrid = false;
  const url = new URL("./exact_worker.ts", import.meta.url);
  const running = Array.from({ length: workers }, () => {
    const w = new Worker(url, { type: "module" });
    return new Promise<void>((resolve, reject) => {
      w.onmessage = (e: MessageEvent<ExactReply>) => {
        const r = e.data;
        if (r.type === "progress") {
          done += r.rows;
          options.onProgress?.(done / nq);
        } else if (r.type === "done") {
          fallbackRows += r.fallbackRows;
          usesGrid = r.usesGrid;
          w.terminate();
          resolve();
        } else {
          w.terminate();
          reject(new Error(`exact rows worker failed: ${r.message}`));
        }
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(`exact rows worker failed: ${e.message}`));
      };
      w.postMessage(job);
    });
  });
  await Promise.all(running);
  return {
    neighbors: new Int32Array(job.neighbors).slice(),
    logq: new Float64Array(job.logq).slice(),
    sqdist: new Float64Array(job.sqdist).slice(),
    logNormalizer: new Float64Array(job.logNormalizer).slice(),
    workers,
    usesGrid,
    fallbackRows,
  };
}

/**
 * Exact top-K MAPA rows for every point of `x`, with run statistics. Rows
 * are sorted by decreasing q with the row's own index first; the result
 * also carries the squared distances (`rows.sqdist`) for bandwidth changes.
 * Bad input gives an {@linkcode InputError}.
 */
export async function exactRowsWithStats(x: Matrix, options: ExactOptions): Promise<ExactResult> {
  const kernel = resolveKernel(options);
  checkData(x, kernel.kernel);
  checkK(options.k, x.rows);
  const out = await compute(x, null, kernel, options);
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
    dataChecksum: matrixChecksum(x),
    sqdist: out.sqdist,
  };
  return {
    rows,
    stats: { workers: out.workers, usesGrid: out.usesGrid, fallbackRows: out.fallbackRows },
  };
}

/**
 * Exact top-K MAPA rows for every point of `x` (see {@linkcode exactRowsWithStats}).
 *
 * @example
 * ```ts
 * import { exactRows } from "./exact.ts";
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
 * what a benchmark needs to score approximate rows on a sample.
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
  const out = await compute(x, queries, kernel, options);
  return {
    queries,
    k: options.k,
    neighbors: out.neighbors,
    logq: out.logq,
    sqdist: out.sqdist,
    logNormalizer: out.logNormalizer,
  };
}
