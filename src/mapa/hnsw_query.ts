/**
 * The query half of HNSW rows (src/mapa/hnsw.ts): for each row, the k'
 * nearest neighbours the index finds, their exact float64 distances, the
 * full normaliser (the found sum plus an estimate of the rest), and the
 * per-row figures the builder reports. Rows go in blocks of
 * {@linkcode REST_BLOCK}, each with its own random stream for the rest
 * estimate, so the rows are the same bits whichever thread forms a block.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { RestProposal } from "./rest_cells.ts";
import type { RestCells } from "./rest_cells.ts";

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;

/** Rows per block; a block's rest draws come from one stream keyed by its number. */
export const REST_BLOCK = 1024;

/** The part of hnswlib-node's index the rows use. */
export interface HnswIndex {
  /** Allocates an empty index. */
  initIndex(
    opts: { maxElements: number; m?: number; efConstruction?: number; randomSeed?: number },
  ): void;
  /** Adds one point. */
  addPoint(point: number[], label: number): void;
  /** The `k` nearest labels found. */
  searchKnn(point: number[], k: number): { distances: number[]; neighbors: number[] };
  /** Points added so far. */
  getCurrentCount(): number;
  /** Sets the query beam. */
  setEf(ef: number): void;
  /** Saves the index. */
  writeIndexSync(path: string): void;
  /** Loads a saved index. */
  readIndexSync(path: string): void;
}

/**
 * Frees the memory of `index`'s graph, leaving an empty one-point index.
 * hnswlib-node has no dispose, and its native graph (about 290 bytes per
 * point at M = 16) is not freed when a Worker that holds it ends: each
 * build or query Worker left its shards behind (measured: RSS grew by one
 * index per build, 53 MB at N = 200,000, and a 10^6 call carried the build
 * Workers' shards through its queries). `initIndex` deletes the graph it
 * replaces (hnswlib-node 3.0.0, addon.cc), so a one-point index frees it.
 * A Worker stopped from outside (another Worker's failure ends the rest
 * mid-job, worker_pool.ts) still leaves the index it held.
 */
export function releaseIndex(index: HnswIndex): void {
  index.initIndex({ maxElements: 1 });
}

/** hnswlib-node's index class, or an InputError saying how to build it. */
export async function loadHnswlib(): Promise<new (space: string, dim: number) => HnswIndex> {
  try {
    const mod = await import("hnswlib-node");
    // deno-lint-ignore no-explicit-any
    const lib = (mod as any).default ?? mod;
    return lib.HierarchicalNSW;
  } catch (e) {
    throw new InputError(
      `hnswlib-node is not built or cannot load (${
        String((e as Error).message).split("\n")[0]
      }); run \`deno task setup\``,
    );
  }
}

/** What every row needs to know. */
export interface RowParams {
  /** Neighbours kept per row K. */
  k: number;
  /** Neighbours queried per row k'. */
  kPrime: number;
  /** Kernel scale: log k = -scale * squared distance. */
  scale: number;
  /** Seed of the rest draws. */
  seed: number;
  /** Most, least draws per row and the target se of log Z. */
  restDraws: number;
  restDrawsMin: number;
  restTolerance: number;
  /** How the rest's draws are proposed: the cell proposal, or uniform on R. */
  restProposal: "cells" | "uniform";
  /** Storage of the extras' log q. */
  extraPrecision: "f64" | "f32";
}

/** The rows' arrays (N rows; shared between threads when Workers form them). */
export interface RowArrays {
  neighbors: Int32Array;
  logq: Float64Array;
  logNormalizer: Float64Array;
  logNormalizerSe: Float64Array;
  logRestSum: Float64Array;
  extraNeighbors: Int32Array;
  /** Float32 when `RowParams.extraPrecision` is `"f32"`. */
  extraLogq: Float64Array | Float32Array;
  /** Per row: the left-out-mass bound, the sampled left-out mass, the uniform draws. */
  boundFrac: Float64Array;
  sampledFrac: Float64Array;
  draws: Int32Array;
}

/** Element counts of {@linkcode RowArrays} for `n` rows. */
export function rowArraySizes(n: number, p: RowParams): Record<keyof RowArrays, number> {
  const extra = p.kPrime - p.k;
  return {
    neighbors: n * p.k,
    logq: n * p.k,
    logNormalizer: n,
    logNormalizerSe: n,
    logRestSum: n,
    extraNeighbors: n * extra,
    extraLogq: n * extra,
    boundFrac: n,
    sampledFrac: n,
    draws: n,
  };
}

/** A view of `buffer` as the extras' log q, in the precision `p` asks for. */
export function extraLogqArray(
  buffer: ArrayBufferLike,
  p: Pick<RowParams, "extraPrecision">,
): Float64Array | Float32Array {
  return p.extraPrecision === "f32" ? new Float32Array(buffer) : new Float64Array(buffer);
}

/** Allocates {@linkcode RowArrays}, on SharedArrayBuffers when `shared`. */
export function makeRowArrays(n: number, p: RowParams, shared: boolean): RowArrays {
  const sizes = rowArraySizes(n, p);
  const buf = (count: number, bytes: number) =>
    shared ? new SharedArrayBuffer(Math.max(8, count * bytes)) : new ArrayBuffer(count * bytes);
  return {
    neighbors: new Int32Array(buf(sizes.neighbors, 4)),
    logq: new Float64Array(buf(sizes.logq, 8)),
    logNormalizer: new Float64Array(buf(sizes.logNormalizer, 8)),
    logNormalizerSe: new Float64Array(buf(sizes.logNormalizerSe, 8)),
    logRestSum: new Float64Array(buf(sizes.logRestSum, 8)),
    extraNeighbors: new Int32Array(buf(sizes.extraNeighbors, 4)),
    extraLogq: extraLogqArray(buf(sizes.extraLogq, p.extraPrecision === "f32" ? 4 : 8), p),
    boundFrac: new Float64Array(buf(sizes.boundFrac, 8)),
    sampledFrac: new Float64Array(buf(sizes.sampledFrac, 8)),
    draws: new Int32Array(buf(sizes.draws, 4)),
  };
}

/** Forms rows of `x` block by block; one per thread. */
export class RowFormer {
  readonly #x: Matrix;
  readonly #p: RowParams;
  readonly #out: RowArrays;
  readonly #search: (point: number[], k: number) => { neighbors: number[] };
  readonly #rest: RestEstimator;
  readonly #candI: Int32Array;
  readonly #candD: Float64Array;
  readonly #perm: number[];
  readonly #point: number[];
  readonly #f32: boolean;

  /**
   * A former writing into `out`, querying through `search`; `cells` are
   * required when `params.restProposal` is `"cells"`.
   */
  constructor(
    x: Matrix,
    search: (point: number[], k: number) => { neighbors: number[] },
    opts: { params: RowParams; out: RowArrays; cells?: RestCells },
  ) {
    this.#x = x;
    this.#p = opts.params;
    this.#out = opts.out;
    this.#f32 = opts.out.extraLogq instanceof Float32Array;
    this.#search = search;
    if (opts.params.restProposal === "cells" && !opts.cells) {
      throw new InputError("the cell proposal needs the data's cells (buildRestCells)");
    }
    const proposal = opts.params.restProposal === "cells"
      ? new RestProposal(x, opts.cells!, { scale: opts.params.scale })
      : undefined;
    this.#rest = new RestEstimator(x, {
      scale: opts.params.scale,
      max: opts.params.restDraws,
      min: opts.params.restDrawsMin,
      tolerance: opts.params.restTolerance,
      proposal,
    });
    this.#candI = new Int32Array(opts.params.kPrime);
    this.#candD = new Float64Array(opts.params.kPrime);
    this.#perm = new Array<number>(opts.params.kPrime);
    this.#point = new Array<number>(x.cols);
  }

  /** Number of blocks for N rows. */
  static blocks(n: number): number {
    return Math.ceil(n / REST_BLOCK);
  }

  /** Forms the rows of block `b`; returns how many. */
  block(b: number): number {
    const n = this.#x.rows;
    const from = b * REST_BLOCK, to = Math.min(n, from + REST_BLOCK);
    const rng = Rng.stream(this.#p.seed, `mapa-hnsw/rest/${b}`);
    for (let i = from; i < to; i++) this.#row(i, rng);
    return to - from;
  }

  #row(i: number, rng: Rng): void {
    const x = this.#x, d = x.cols, n = x.rows, data = x.data;
    const { k, kPrime, scale } = this.#p;
    const extraK = kPrime - k, out = this.#out;
    const candI = this.#candI, candD = this.#candD, perm = this.#perm, point = this.#point;
    for (let t = 0; t < d; t++) point[t] = data[i * d + t];
    const res = this.#search(point, kPrime);
    // Own index first; drop it from the found list and refill from the rest.
    candI[0] = i;
    candD[0] = 0;
    let len = 1;
    for (let r = 0; r < res.neighbors.length && len < kPrime; r++) {
      const j = res.neighbors[r];
      if (j === i) continue;
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const e = data[j * d + t] - data[i * d + t];
        d2 += e * e;
      }
      candI[len] = j;
      candD[len++] = d2;
    }
    for (let r = 0; r < len; r++) perm[r] = r;
    const order = perm.slice(1, len).sort((u, v) => candD[u] - candD[v] || candI[u] - candI[v]);
    order.unshift(0);
    let sum = 1;
    for (let r = 1; r < len; r++) sum += Math.exp(-scale * candD[r]);
    const est = this.#rest.estimate(i, { found: candI, len, foundSum: sum, rng });
    const z = sum + est.sum;
    const logZ = Math.log(z);
    if (!Number.isFinite(logZ) || !Number.isFinite(est.se)) {
      throw new InputError(
        `row ${i + 1}: the estimated normaliser is not finite (log Z = ${logZ}); check the data ` +
          `for huge values or use a larger bandwidth`,
      );
    }
    out.logNormalizer[i] = logZ;
    out.logRestSum[i] = Math.log(est.sum);
    out.logNormalizerSe[i] = est.se / z;
    out.sampledFrac[i] = est.sum / z;
    out.draws[i] = est.draws;
    for (let r = 0; r < kPrime; r++) {
      const ok = r < len;
      const j = ok ? candI[order[r]] : -1;
      const d2 = ok ? candD[order[r]] : Infinity;
      const lq = ok ? -scale * d2 - logZ : -Infinity;
      if (r < k) {
        out.neighbors[i * k + r] = j;
        out.logq[i * k + r] = lq;
      } else {
        out.extraNeighbors[i * extraK + r - k] = j;
        // Float32 would round a finite log q below its range to -Infinity, which q = 0 means.
        out.extraLogq[i * extraK + r - k] = this.#f32 && lq < -F32_MAX && lq > -Infinity
          ? -F32_MAX
          : lq;
      }
    }
    const far = len > 1 ? candD[order[len - 1]] : 0;
    const missing = (n - len) * Math.exp(-scale * far);
    out.boundFrac[i] = missing / (sum + missing);
  }
}

/**
 * The kernel sum over the points R outside a row's found set F: a pilot of
 * `min` draws on R sizes U so that se(log Z) ~ tolerance (within
 * [min, max]); then exact when |R| <= U, else the importance-sampling
 * estimate mean_u k(x_m, x_{j_u}) / r(j_u) over U fresh i.i.d. draws from
 * the proposal r on R, with standard error s / sqrt(U), s the sample
 * standard deviation of the weighted terms. r is the cell proposal of
 * rest_cells.ts (draws near x_m, where the kernel mass is; exact r in
 * O(C D + k') per row) or uniform on R (r = 1 / |R|, rejection from 1..N).
 * The pilot is not reused, so the estimate is unbiased given U.
 */
class RestEstimator {
  readonly #mark: Uint8Array;
  readonly #inv = new Float64Array(1);
  readonly scale: number;
  readonly draws: { max: number; min: number; tolerance: number };
  readonly proposal?: RestProposal;
  constructor(
    readonly x: Matrix,
    opts: { scale: number; max: number; min: number; tolerance: number; proposal?: RestProposal },
  ) {
    this.#mark = new Uint8Array(x.rows);
    this.scale = opts.scale;
    this.draws = { max: opts.max, min: opts.min, tolerance: opts.tolerance };
    this.proposal = opts.proposal;
  }

  #kernel(m: number, j: number): number {
    const d = this.x.cols, data = this.x.data;
    let d2 = 0;
    for (let t = 0; t < d; t++) {
      const e = data[j * d + t] - data[m * d + t];
      d2 += e * e;
    }
    return Math.exp(-this.scale * d2);
  }

  #sample(m: number, size: number, u: number, rng: Rng): { sum: number; se: number } {
    const n = this.x.rows, mark = this.#mark, proposal = this.proposal, inv = this.#inv;
    let s1 = 0, s2 = 0;
    for (let got = 0; got < u;) {
      let v: number;
      if (proposal) {
        const j = proposal.drawInverse(rng, mark, inv);
        v = this.#kernel(m, j) * inv[0];
      } else {
        const j = rng.int(n);
        if (mark[j]) continue;
        v = size * this.#kernel(m, j);
      }
      got++;
      s1 += v;
      s2 += v * v;
    }
    const mean = s1 / u;
    const variance = u > 1 ? Math.max(0, (s2 - u * mean * mean) / (u - 1)) : 0;
    return { sum: mean, se: Math.sqrt(variance / u) };
  }

  estimate(
    m: number,
    row: { found: Int32Array; len: number; foundSum: number; rng: Rng },
  ): { sum: number; se: number; draws: number } {
    const { found, len, foundSum, rng } = row;
    const n = this.x.rows, mark = this.#mark, { max, min, tolerance } = this.draws;
    for (let r = 0; r < len; r++) mark[found[r]] = 1;
    const size = n - len;
    let out = { sum: 0, se: 0, draws: 0 };
    if (size > 0 && size <= min) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (!mark[j]) sum += this.#kernel(m, j);
      out = { sum, se: 0, draws: 0 };
    } else if (size > 0) {
      this.proposal?.setRow(m, found.subarray(0, len));
      const pilot = this.#sample(m, size, min, rng);
      // se(log Z) ~ se(rest) / Z and se(rest) scales as 1 / sqrt(U).
      const ratio = (pilot.se * Math.sqrt(min)) / (tolerance * (foundSum + pilot.sum));
      const u = Math.min(max, Math.max(min, Math.ceil(ratio * ratio)));
      if (size <= u) {
        let sum = 0;
        for (let j = 0; j < n; j++) if (!mark[j]) sum += this.#kernel(m, j);
        out = { sum, se: 0, draws: min };
      } else {
        out = { ...this.#sample(m, size, u, rng), draws: min + u };
      }
    }
    for (let r = 0; r < len; r++) mark[found[r]] = 0;
    return out;
  }
}
