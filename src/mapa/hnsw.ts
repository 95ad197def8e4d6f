/**
 * Approximate MAPA rows from an HNSW index (hnswlib-node): each row keeps
 * its k' >= K nearest neighbours as found by the index, its normaliser is
 * summed over those k' only, the top K become the row and the k' - K extra
 * neighbours are the tail the sampler draws from.
 *
 * hnswlib-node has no threads and its index is built single-threaded; the
 * queries also run on the calling thread (a Worker per core would have to
 * re-read the saved index, which costs about as much as the queries save at
 * the sizes measured here).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { checkData, checkK, type KernelOptions, resolveKernel } from "./kernel.ts";
import type { MapaRows } from "./types.ts";

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
  /** Query-time beam width (>= k'); default max(2k', 64). */
  ef?: number;
  /** Seed of the index's level generator and of the tail-mass estimate; default 0. */
  seed?: number;
  /** Called with a fraction in [0, 1] and a phase label. */
  onProgress?: (fraction: number, label: string) => void;
}

/**
 * An estimate of the posterior mass the sparse rows leave out: for row m,
 * 1 - Z'_m / Z_m with Z' the normaliser over the k' neighbours found.
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
   * Unbiased estimate, mean over a sample of rows, from uniform draws of
   * points outside each row's k' set (no assumption on the index; noisy when
   * a few missed points carry the mass).
   */
  sampledMean: number;
  /** Rows in the sampled estimate. */
  sampledRows: number;
  /** Points drawn per sampled row. */
  drawsPerRow: number;
}

/** HNSW rows with timings and the left-out mass estimate. */
export interface HnswResult {
  /** The sparse rows. */
  rows: MapaRows;
  /** Index build seconds. */
  buildSeconds: number;
  /** Query (and row forming) seconds. */
  querySeconds: number;
  /** The parameters used. */
  params: {
    k: number;
    kPrime: number;
    m: number;
    efConstruction: number;
    ef: number;
    seed: number;
  };
  /** Estimated posterior mass left out of the sparse rows. */
  leftOut: LeftOutMass;
}

interface HnswIndex {
  initIndex(
    opts: { maxElements: number; m?: number; efConstruction?: number; randomSeed?: number },
  ): void;
  addPoint(point: number[], label: number): void;
  searchKnn(point: number[], k: number): { distances: number[]; neighbors: number[] };
  setEf(ef: number): void;
}

async function loadHnswlib(): Promise<new (space: string, dim: number) => HnswIndex> {
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
  positiveInt("M", m);
  positiveInt("efConstruction", efConstruction);
  positiveInt("ef", ef);
  const HNSW = await loadHnswlib();
  const progress = options.onProgress ?? (() => {});

  const t0 = performance.now();
  const index = new HNSW("l2", d);
  index.initIndex({ maxElements: n, m, efConstruction, randomSeed: seed >>> 0 });
  const point = new Array<number>(d);
  const rowOf = (i: number) => {
    for (let t = 0; t < d; t++) point[t] = x.data[i * d + t];
    return point;
  };
  for (let i = 0; i < n; i++) {
    index.addPoint(rowOf(i), i);
    if ((i & 4095) === 4095) progress((i + 1) / n, "build");
  }
  const buildSeconds = (performance.now() - t0) / 1000;

  const t1 = performance.now();
  index.setEf(Math.max(ef, kPrime));
  const extraK = kPrime - k;
  const neighbors = new Int32Array(n * k);
  const logq = new Float64Array(n * k);
  const sqdist = new Float64Array(n * k);
  const logNormalizer = new Float64Array(n);
  const extraNeighbors = new Int32Array(n * extraK);
  const extraLogq = new Float64Array(n * extraK);
  const candI = new Int32Array(kPrime);
  const candD = new Float64Array(kPrime);
  const perm = new Array<number>(kPrime);
  let boundSum = 0, boundMax = 0;
  const scale = kernel.scale;
  for (let i = 0; i < n; i++) {
    const res = index.searchKnn(rowOf(i), kPrime);
    // Own index first; drop it from the found list and refill from the rest.
    candI[0] = i;
    candD[0] = 0;
    let len = 1;
    for (let r = 0; r < res.neighbors.length && len < kPrime; r++) {
      const j = res.neighbors[r];
      if (j === i) continue;
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const e = x.data[j * d + t] - x.data[i * d + t];
        d2 += e * e;
      }
      candI[len] = j;
      candD[len++] = d2;
    }
    for (let r = 0; r < len; r++) perm[r] = r;
    const order = perm.slice(1, len).sort((u, v) => candD[u] - candD[v] || candI[u] - candI[v]);
    order.unshift(0);
    let sum = 0;
    for (let r = 1; r < len; r++) sum += Math.exp(-scale * candD[r]);
    const logZ = Math.log1p(sum);
    sum += 1;
    logNormalizer[i] = logZ;
    for (let r = 0; r < kPrime; r++) {
      const ok = r < len;
      const j = ok ? candI[order[r]] : -1;
      const d2 = ok ? candD[order[r]] : Infinity;
      const lq = ok ? -scale * d2 - logZ : -Infinity;
      if (r < k) {
        neighbors[i * k + r] = j;
        sqdist[i * k + r] = d2;
        logq[i * k + r] = lq;
      } else {
        extraNeighbors[i * extraK + r - k] = j;
        extraLogq[i * extraK + r - k] = lq;
      }
    }
    const far = len > 1 ? candD[order[len - 1]] : 0;
    const missing = (n - len) * Math.exp(-scale * far);
    const frac = missing / (sum + missing);
    boundSum += frac;
    if (frac > boundMax) boundMax = frac;
    if ((i & 4095) === 4095) progress((i + 1) / n, "query");
  }
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
    sqdist,
    extraK,
    extraNeighbors,
    extraLogq,
  };
  const sampled = sampleLeftOut(x, rows, scale, seed);
  return {
    rows,
    buildSeconds,
    querySeconds,
    params: { k, kPrime, m, efConstruction, ef, seed },
    leftOut: { boundMean: boundSum / n, boundMax, ...sampled },
  };
}

/** Uniform-sample estimate of the left-out fraction on up to 1,000 rows. */
function sampleLeftOut(
  x: Matrix,
  rows: MapaRows,
  scale: number,
  seed: number,
): { sampledMean: number; sampledRows: number; drawsPerRow: number } {
  const { n, d, k } = rows;
  const e = rows.extraK ?? 0;
  const kp = k + e;
  if (kp >= n) return { sampledMean: 0, sampledRows: n, drawsPerRow: 0 };
  const rng = Rng.stream(seed, "mapa-hnsw/left-out");
  const nRows = Math.min(n, 1000), draws = 256;
  const found = new Set<number>();
  let total = 0;
  for (let r = 0; r < nRows; r++) {
    const m = nRows === n ? r : rng.int(n);
    found.clear();
    for (let i = 0; i < k; i++) found.add(rows.neighbors[m * k + i]);
    for (let i = 0; i < e; i++) found.add(rows.extraNeighbors![m * e + i]);
    let s = 0, got = 0;
    while (got < draws) {
      const j = rng.int(n);
      if (found.has(j)) continue;
      got++;
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const diff = x.data[j * d + t] - x.data[m * d + t];
        d2 += diff * diff;
      }
      s += Math.exp(-scale * d2);
    }
    const missing = (s / draws) * (n - found.size);
    const z = Math.exp(rows.logNormalizer[m]);
    total += missing / (z + missing);
  }
  return { sampledMean: total / nRows, sampledRows: nRows, drawsPerRow: draws };
}

/** HNSW MAPA rows (see {@linkcode hnswRowsWithStats}); needs the built hnswlib-node addon. */
export async function hnswRows(x: Matrix, options: HnswOptions): Promise<MapaRows> {
  return (await hnswRowsWithStats(x, options)).rows;
}
