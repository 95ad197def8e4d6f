/**
 * Approximate MAPA rows from an HNSW index (hnswlib-node): each row keeps
 * its k' >= K nearest neighbours F as found by the index; the top K become
 * the row and the k' - K extra neighbours E feed the tail sampler's mixture
 * proposal. The normaliser is the full one (methods.md section 11):
 * Z_m = sum_F k + an unbiased estimate of sum_R k over the other N - k'
 * points R from U uniform draws on R, with its standard error per row.
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
  /**
   * Most uniform draws U per row on the points R outside the k' found, for
   * the estimate of their kernel sum (the rest of the normaliser); default
   * 4096 (figure8, N = 20,000, sigma2 = 0.01, K = 16: mean abs log-Z error
   * 0.07 nats at U = 1024, 0.035 at 4096). A pilot of `restDrawsMin` draws
   * sizes each row's U to reach `restTolerance`; the estimate then uses U
   * fresh draws, independent of the pilot, so it stays unbiased. Rows with
   * at most U points in R sum them exactly. Cost O(U D) per row.
   */
  restDraws?: number;
  /** Pilot draws per row, also the least U; default 512 (a smaller pilot more often misses the few near points of R, and then asks for too few draws). */
  restDrawsMin?: number;
  /**
   * Target standard error of each row's log normaliser (nats) that the
   * pilot sizes U for, within [restDrawsMin, restDraws]; default 0.03.
   */
  restTolerance?: number;
  /** Seed of the index's level generator and of the rest-of-normaliser draws; default 0. */
  seed?: number;
  /** Called with a fraction in [0, 1] and a phase label. */
  onProgress?: (fraction: number, label: string) => void;
}

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
   * Mean over all rows of the estimated 1 - Z'/Z, from the same uniform
   * draws that complete the normaliser (no assumption on the index).
   */
  sampledMean: number;
  /** Rows in the sampled estimate (all N). */
  sampledRows: number;
  /** Mean uniform draws per row, pilot included (0 for a row whose rest was summed exactly). */
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
    restDraws: number;
    restDrawsMin: number;
    restTolerance: number;
    seed: number;
  };
  /** Estimated posterior mass left out of the sparse rows. */
  leftOut: LeftOutMass;
  /** Standard error of the estimated log normaliser. */
  normalizerError: NormalizerError;
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
  const restDraws = options.restDraws ?? 4096;
  positiveInt("M", m);
  const restDrawsMin = options.restDrawsMin ?? Math.min(512, restDraws);
  const restTolerance = options.restTolerance ?? 0.03;
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
  const logNormalizerSe = new Float64Array(n);
  const logRestSum = new Float64Array(n);
  const rest = new RestEstimator(x, kernel.scale, Rng.stream(seed, "mapa-hnsw/rest"), {
    max: restDraws,
    min: restDrawsMin,
    tolerance: restTolerance,
  });
  const extraNeighbors = new Int32Array(n * extraK);
  const extraLogq = new Float64Array(n * extraK);
  const candI = new Int32Array(kPrime);
  const candD = new Float64Array(kPrime);
  const perm = new Array<number>(kPrime);
  let boundSum = 0, boundMax = 0, fracSum = 0, seSum = 0, seMax = 0, drawSum = 0;
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
    let sum = 1;
    for (let r = 1; r < len; r++) sum += Math.exp(-scale * candD[r]);
    const est = rest.estimate(i, candI, len, sum);
    drawSum += est.draws;
    const z = sum + est.sum;
    const logZ = Math.log(z);
    if (!Number.isFinite(logZ) || !Number.isFinite(est.se)) {
      throw new InputError(
        `row ${i + 1}: the estimated normaliser is not finite (log Z = ${logZ}); check the data ` +
          `for huge values or use a larger bandwidth`,
      );
    }
    logNormalizer[i] = logZ;
    logRestSum[i] = Math.log(est.sum);
    const se = est.se / z;
    logNormalizerSe[i] = se;
    seSum += se;
    if (se > seMax) seMax = se;
    fracSum += est.sum / z;
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
    logNormalizerSe,
    logRestSum,
  };
  return {
    rows,
    buildSeconds,
    querySeconds,
    params: { k, kPrime, m, efConstruction, ef, restDraws, restDrawsMin, restTolerance, seed },
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

/**
 * The kernel sum over the points R outside a row's found set F: a pilot of
 * `min` uniform draws on R sizes U so that se(log Z) ~ tolerance (within
 * [min, max]); then exact when |R| <= U, else (|R| / U) sum_u k(x_m, x_{j_u})
 * over U fresh i.i.d. uniform draws on R (rejection from 1..N, O(1)
 * expected per draw while k' << N), with standard error |R| s / sqrt(U),
 * s the sample standard deviation. The pilot is not reused, so the estimate
 * is unbiased given U.
 */
class RestEstimator {
  readonly #mark: Uint8Array;
  constructor(
    readonly x: Matrix,
    readonly scale: number,
    readonly rng: Rng,
    readonly draws: { max: number; min: number; tolerance: number },
  ) {
    this.#mark = new Uint8Array(x.rows);
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

  #uniform(m: number, size: number, u: number): { sum: number; se: number } {
    const n = this.x.rows, mark = this.#mark;
    let s1 = 0, s2 = 0;
    for (let got = 0; got < u;) {
      const j = this.rng.int(n);
      if (mark[j]) continue;
      got++;
      const v = this.#kernel(m, j);
      s1 += v;
      s2 += v * v;
    }
    const mean = s1 / u;
    const variance = u > 1 ? Math.max(0, (s2 - u * mean * mean) / (u - 1)) : 0;
    return { sum: size * mean, se: size * Math.sqrt(variance / u) };
  }

  estimate(
    m: number,
    found: Int32Array,
    len: number,
    foundSum: number,
  ): { sum: number; se: number; draws: number } {
    const n = this.x.rows, mark = this.#mark, { max, min, tolerance } = this.draws;
    for (let r = 0; r < len; r++) mark[found[r]] = 1;
    const size = n - len;
    let out = { sum: 0, se: 0, draws: 0 };
    if (size > 0 && size <= min) {
      let sum = 0;
      for (let j = 0; j < n; j++) if (!mark[j]) sum += this.#kernel(m, j);
      out = { sum, se: 0, draws: 0 };
    } else if (size > 0) {
      const pilot = this.#uniform(m, size, min);
      // se(log Z) ~ se(rest) / Z and se(rest) scales as 1 / sqrt(U).
      const ratio = (pilot.se * Math.sqrt(min)) / (tolerance * (foundSum + pilot.sum));
      const u = Math.min(max, Math.max(min, Math.ceil(ratio * ratio)));
      if (size <= u) {
        let sum = 0;
        for (let j = 0; j < n; j++) if (!mark[j]) sum += this.#kernel(m, j);
        out = { sum, se: 0, draws: min };
      } else {
        out = { ...this.#uniform(m, size, u), draws: min + u };
      }
    }
    for (let r = 0; r < len; r++) mark[found[r]] = 0;
    return out;
  }
}

/** HNSW MAPA rows (see {@linkcode hnswRowsWithStats}); needs the built hnswlib-node addon. */
export async function hnswRows(x: Matrix, options: HnswOptions): Promise<MapaRows> {
  return (await hnswRowsWithStats(x, options)).rows;
}
