/**
 * The pair-tiles pass of exact rows (all rows at once): as k(a, b) = k(b, a),
 * each unordered pair costs one distance and one exp, added to both rows'
 * normalisers and offered to both rows' top-K heaps, in square tiles
 * (I-block x J-block, J >= I) taken in any order; each thread keeps partial
 * row sums and heaps of the K - 1 nearest others, which
 * {@linkcode mergePartials} combines. O(N * K) memory per thread. Heaps start
 * full of sentinels (distance Infinity, index {@linkcode NO_INDEX}) so a push
 * never checks a fill count; each row's worst distance is cached in a compact
 * array so the J side of a tile rejects most candidates from one cache line.
 * On D = 2 and on bit-packed 0/1 rows the whole tile, heaps and sums
 * included, runs in WebAssembly (_gauss2.ts, _hamming.ts), with the same
 * operations in the same order.
 *
 * @module
 */

import type { CoreOutput } from "./_row_scan.ts";
import { addExact, exactTotal } from "./_exact_sum.ts";
import { expNonPositive } from "../fast_exp.ts";
import { gauss2Fits, Gauss2Tile } from "./_gauss2.ts";
import type { PairTilesState } from "../wasm/pair_tiles_module.ts";
import { HammingRows, tileFits, usesBits } from "./_hamming.ts";

/** Index of an empty heap slot; sorts after every real index. */
export const NO_INDEX = 0x7fffffff;

/** One thread's partial results: row r's heap is `[r * (k - 1), (r + 1) * (k - 1))`. */
export interface PairPartial {
  /**
   * Partial sum of k(x_j, x_r) over the pairs this thread saw, per row, as
   * three exact limbs `[3r, 3r + 3)` (_exact_sum.ts).
   */
  sums: Float64Array;
  /** Heap squared distances, N x (K - 1), worst of each row at its first slot. */
  heapD: Float64Array;
  /** Heap indices, N x (K - 1); {@linkcode NO_INDEX} marks an empty slot. */
  heapI: Int32Array;
}

/** Allocates a partial over `buffer`s of the given sizes (see {@linkcode partialBytes}). */
export function makePartial(
  n: number,
  k: number,
  buffers?: { sums: ArrayBufferLike; heapD: ArrayBufferLike; heapI: ArrayBufferLike },
): PairPartial {
  const k1 = k - 1;
  const p: PairPartial = buffers === undefined
    ? {
      sums: new Float64Array(3 * n),
      heapD: new Float64Array(n * k1),
      heapI: new Int32Array(n * k1),
    }
    : {
      sums: new Float64Array(buffers.sums),
      heapD: new Float64Array(buffers.heapD),
      heapI: new Int32Array(buffers.heapI),
    };
  p.sums.fill(0);
  p.heapD.fill(Infinity);
  p.heapI.fill(NO_INDEX);
  return p;
}

/** Byte sizes of a partial's three arrays. */
export function partialBytes(n: number, k: number): { sums: number; heapD: number; heapI: number } {
  return { sums: n * 24, heapD: n * (k - 1) * 8, heapI: n * (k - 1) * 4 };
}

/** Tiles of the upper triangle (J >= I) for `nBlocks` blocks per side. */
export function tileCount(nBlocks: number): number {
  return (nBlocks * (nBlocks + 1)) / 2;
}

/** Number of unordered pairs (including none of the self pairs) in tile `t`. */
export function tilePairs(t: number, n: number, block: number): number {
  const nb = Math.ceil(n / block);
  const [bi, bj] = tileBlocks(t, nb);
  const li = Math.min(n, (bi + 1) * block) - bi * block;
  const lj = Math.min(n, (bj + 1) * block) - bj * block;
  return bi === bj ? (li * (li - 1)) / 2 : li * lj;
}

/** Tile t in I-major order of the upper triangle -> [I, J]. */
export function tileBlocks(t: number, nBlocks: number): [number, number] {
  // Row I of the triangle starts at I * nBlocks - I * (I - 1) / 2.
  let lo = 0, hi = nBlocks - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (mid * nBlocks - (mid * (mid - 1)) / 2 <= t) lo = mid;
    else hi = mid - 1;
  }
  return [lo, lo + t - (lo * nBlocks - (lo * (lo - 1)) / 2)];
}

/** Whole tiles in WebAssembly (Gauss2Tile, HammingRows with `tile`) and their state. */
interface WholeTiles {
  readonly state?: PairTilesState;
  tileBlock(i0: number, i1: number, j0: number, j1: number, diag: boolean): void;
}

/** The tile loop with one thread's partial results. */
export class PairScan {
  readonly #data: Float64Array;
  readonly #n: number;
  readonly #d: number;
  readonly #k1: number;
  readonly #scale: number;
  readonly #block: number;
  readonly #nb: number;
  readonly #p: PairPartial;
  /** Cached worst distance per row (the heap root), -Infinity when K = 1 keeps no heap. */
  readonly #worst: Float64Array;
  /**
   * Whole tiles in WebAssembly, D = 2 Gaussian or bit-packed 0/1 rows (with
   * exp(-scale h) for every Hamming distance h), whose module owns the per-row
   * state and a copy of the partial.
   */
  readonly #whole?: WholeTiles;
  readonly #bitPacked: boolean;
  readonly #a: Float64Array;
  /** Per-tile sums of the J-block's columns, added exactly once the tile is done. */
  readonly #col: Float64Array;
  /** Candidates of the current row that passed the stale bar, and their squared distances. */
  readonly #pend: Int32Array;
  readonly #pendD: Float64Array;

  /**
   * A scan of `data` (N x D) writing into `partial` (made by
   * {@linkcode makePartial}) once {@linkcode PairScan.finish} runs. `bits`
   * (default: whether the data are 0/1 with D >= 8) takes the bit-packed
   * path; `wasm: false` keeps D = 2 rows in JavaScript (the same bits).
   */
  constructor(
    data: Float64Array,
    opts: {
      n: number;
      d: number;
      k: number;
      scale: number;
      block: number;
      bits?: boolean;
      wasm?: boolean;
    },
    partial: PairPartial,
  ) {
    this.#data = data;
    this.#n = opts.n;
    this.#d = opts.d;
    this.#k1 = opts.k - 1;
    this.#scale = opts.scale;
    this.#block = opts.block;
    this.#nb = Math.ceil(opts.n / opts.block);
    this.#p = partial;
    this.#a = new Float64Array(opts.d);
    this.#bitPacked = (opts.bits ?? usesBits(data, opts.d)) &&
      tileFits(opts.n, opts.d, { maxRun: opts.block, k: opts.k });
    if (this.#bitPacked) {
      const table = new Float64Array(opts.d + 1);
      // The same function of the same squared distance as the float path: identical values.
      for (let h = 0; h <= opts.d; h++) table[h] = expNonPositive(-opts.scale * h);
      this.#whole = new HammingRows(data, {
        n: opts.n,
        d: opts.d,
        maxRun: opts.block,
        tile: { table, k: opts.k },
      });
    } else if (opts.d === 2 && opts.wasm !== false && gauss2Fits(opts)) {
      this.#whole = new Gauss2Tile(data, opts);
    }
    const st = this.#whole?.state;
    if (st) {
      ({ worst: this.#worst, col: this.#col, pend: this.#pend, pendD: this.#pendD } = st);
      // Whole tiles run in the module, on its own copy of the partial until `finish`
      // (a shared partial's buffers may be longer: at least 8 bytes each).
      st.sums.set(partial.sums.subarray(0, st.sums.length));
      st.heapD.set(partial.heapD.subarray(0, st.heapD.length));
      st.heapI.set(partial.heapI.subarray(0, st.heapI.length));
    } else {
      this.#worst = new Float64Array(opts.n);
      this.#col = new Float64Array(opts.block);
      this.#pend = new Int32Array(opts.block);
      this.#pendD = new Float64Array(opts.block);
    }
    this.#worst.fill(opts.k > 1 ? Infinity : -Infinity);
  }

  /**
   * Completes the partial: whole tiles keep it in WebAssembly memory while
   * they run and copy it out here. Call once, after the last tile.
   */
  finish(): void {
    const st = this.#whole?.state;
    if (!st) return;
    this.#p.sums.set(st.sums);
    this.#p.heapD.set(st.heapD);
    this.#p.heapI.set(st.heapI);
  }

  /** Whether whole tiles run in WebAssembly (D = 2, or bit-packed rows). */
  get wholeTiles(): boolean {
    return this.#whole !== undefined;
  }

  /**
   * Whether this scan uses the bit-packed Hamming path: 0/1 data, D >= 8, and
   * whole-tile state that fits the module (`tileFits`).
   */
  get bitPacked(): boolean {
    return this.#bitPacked;
  }

  /** Number of tiles. */
  get tiles(): number {
    return tileCount(this.#nb);
  }

  /** Processes tile `t`; returns its number of pairs. */
  tile(t: number): number {
    const [bi, bj] = tileBlocks(t, this.#nb);
    const b = this.#block, n = this.#n;
    const i0 = bi * b, i1 = Math.min(n, i0 + b);
    const j0 = bj * b, j1 = Math.min(n, j0 + b);
    const diag = bi === bj;
    if (this.#whole) this.#whole.tileBlock(i0, i1, j0, j1, diag);
    else {
      const col = this.#col, sums = this.#p.sums;
      col.fill(0);
      if (this.#d === 2) this.#tile2(i0, i1, j0, j1, diag);
      else this.#tileD(i0, i1, j0, j1, diag);
      // Each part is a plain sum in a fixed order: over j of the J-block for row i (j > i on the
      // diagonal), over i of the I-block for column j (i < j on the diagonal), exactly as the
      // row-wise scan forms its parts.
      for (let j = j0; j < j1; j++) addExact(sums, j, col[j - j0]);
    }
    return diag ? ((i1 - i0) * (i1 - i0 - 1)) / 2 : (i1 - i0) * (j1 - j0);
  }

  #tile2(i0: number, i1: number, j0: number, j1: number, diag: boolean): void {
    const data = this.#data, scale = this.#scale;
    const col = this.#col, sums = this.#p.sums, worst = this.#worst, pend = this.#pend;
    const pendD = this.#pendD;
    for (let i = i0; i < i1; i++) {
      const a0 = data[2 * i], a1 = data[2 * i + 1];
      const wi = worst[i];
      let si = 0, np = 0;
      for (let j = diag ? i + 1 : j0; j < j1; j++) {
        const e0 = data[2 * j] - a0, e1 = data[2 * j + 1] - a1;
        const d2 = e0 * e0 + e1 * e1;
        const v = expNonPositive(-scale * d2);
        si += v;
        col[j - j0] += v;
        if (d2 <= wi || d2 <= worst[j]) {
          pendD[np] = d2;
          pend[np++] = j;
        }
      }
      addExact(sums, i, si);
      if (np > 0) this.#offer(i, np);
    }
  }

  #tileD(i0: number, i1: number, j0: number, j1: number, diag: boolean): void {
    const data = this.#data, scale = this.#scale, d = this.#d;
    const col = this.#col, sums = this.#p.sums, worst = this.#worst, pend = this.#pend;
    const pendD = this.#pendD, a = this.#a;
    for (let i = i0; i < i1; i++) {
      for (let t = 0; t < d; t++) a[t] = data[i * d + t];
      const wi = worst[i];
      let si = 0, np = 0;
      for (let j = diag ? i + 1 : j0; j < j1; j++) {
        const d2 = sqDist(data, a, j, d);
        const v = expNonPositive(-scale * d2);
        si += v;
        col[j - j0] += v;
        if (d2 <= wi || d2 <= worst[j]) {
          pendD[np] = d2;
          pend[np++] = j;
        }
      }
      addExact(sums, i, si);
      if (np > 0) this.#offer(i, np);
    }
  }

  /**
   * Offers the pairs (i, pend[0..np)) to both rows' heaps. Kept out of the
   * tile loops (they only note candidates that pass a stale bar), which
   * keeps those loops small; the heaps end up the same whatever the order.
   */
  #offer(i: number, np: number): void {
    const k1 = this.#k1, pend = this.#pend, pendD = this.#pendD;
    const heapD = this.#p.heapD, heapI = this.#p.heapI, worst = this.#worst;
    for (let q = 0; q < np; q++) {
      const j = pend[q];
      const d2 = pendD[q];
      const wi = worst[i];
      // Ties on distance go to the lower index.
      if (d2 < wi || (d2 === wi && j < heapI[i * k1])) {
        worst[i] = siftRoot(heapD, heapI, i * k1, k1, d2, j);
      }
      const wj = worst[j];
      if (d2 < wj || (d2 === wj && i < heapI[j * k1])) {
        worst[j] = siftRoot(heapD, heapI, j * k1, k1, d2, i);
      }
    }
  }
}

/**
 * ||x_j - a||^2 summed over t in order; with x_i - x_j = -(x_j - x_i) exactly,
 * both orders of a pair give the same bits, as does the row-wise scan.
 */
function sqDist(data: Float64Array, a: Float64Array, j: number, d: number): number {
  const o = j * d;
  if (d === 2) {
    const e0 = data[o] - a[0], e1 = data[o + 1] - a[1];
    return e0 * e0 + e1 * e1;
  }
  let d2 = 0;
  for (let t = 0; t < d; t++) {
    const e = data[o + t] - a[t];
    d2 += e * e;
  }
  return d2;
}

/**
 * Replaces the root of the full max-heap at `[base, base + size)` (ordered
 * by distance, then index) with (dist, j) and sifts it down; returns the new
 * root distance.
 */
function siftRoot(
  hd: Float64Array,
  hi: Int32Array,
  base: number,
  size: number,
  dist: number,
  j: number,
): number {
  let i = 0;
  for (;;) {
    const l = 2 * i + 1;
    if (l >= size) break;
    let c = l;
    const r = l + 1;
    if (
      r < size &&
      (hd[base + r] > hd[base + l] ||
        (hd[base + r] === hd[base + l] && hi[base + r] > hi[base + l]))
    ) c = r;
    const dc = hd[base + c];
    if (dc < dist || (dc === dist && hi[base + c] < j)) break;
    hd[base + i] = dc;
    hi[base + i] = hi[base + c];
    i = c;
  }
  hd[base + i] = dist;
  hi[base + i] = j;
  return hd[base];
}

/**
 * Combines the threads' partials into rows (the first partial's sums are
 * overwritten): sums added (log1p of the sum,
 * which leaves out the self term), heaps merged to the K - 1 nearest by
 * (distance, index), the row's own index first. Writes rows `[from, to)`.
 */
export function mergePartials(
  partials: PairPartial[],
  opts: { n: number; k: number; scale: number },
  out: CoreOutput,
  from = 0,
  to = opts.n,
): void {
  const { k, scale } = opts;
  const k1 = k - 1;
  const cap = k1 * partials.length;
  const candD = new Float64Array(cap);
  const candI = new Int32Array(cap);
  for (let m = from; m < to; m++) {
    let len = 0;
    const acc = partials[0].sums;
    for (const p of partials) {
      // Limbs add exactly, so any number of threads gives the same total.
      if (p !== partials[0]) {
        for (let l = 3 * m; l < 3 * m + 3; l++) acc[l] += p.sums[l];
      }
      for (let s = m * k1; s < (m + 1) * k1; s++) {
        const j = p.heapI[s];
        if (j === NO_INDEX) continue;
        // Insertion by (distance, index): a pair is in one thread's heap only, so the keys
        // are distinct and the order is the same whatever the sort.
        const dj = p.heapD[s];
        let at = len++;
        while (at > 0 && (candD[at - 1] > dj || (candD[at - 1] === dj && candI[at - 1] > j))) {
          candD[at] = candD[at - 1];
          candI[at] = candI[at - 1];
          at--;
        }
        candD[at] = dj;
        candI[at] = j;
      }
    }
    const logZ = Math.log1p(exactTotal(acc, m));
    out.logNormalizer[m] = logZ;
    const base = m * k;
    out.neighbors[base] = m;
    out.sqdist[base] = 0;
    out.logq[base] = -logZ;
    for (let s = 0; s < k1; s++) {
      out.neighbors[base + 1 + s] = candI[s];
      out.sqdist[base + 1 + s] = candD[s];
      out.logq[base + 1 + s] = -scale * candD[s] - logZ;
    }
  }
}
