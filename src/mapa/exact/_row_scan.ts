/**
 * The row-wise inner loop of exact MAPA rows, shared by the main thread and
 * the workers: for each query row, one streaming pass over all N points that
 * keeps the top-K neighbours in a bounded heap and sums the kernel for the
 * log normaliser. Memory is O(K) per row; no N x N matrix is ever formed.
 * Used for subsets of rows and for the grid cutoff; all rows without the
 * grid take the symmetric pass (_pair_tiles.ts), which gives the same
 * bits.
 *
 * The optional spatial grid (D <= 3) skips pairs whose kernel value is below
 * 2^-60 / N. Since every row's sum contains k(x, x) = 1, the skipped terms
 * add up to less than 2^-60 ~ 8.7e-19 of the normaliser, far below float64
 * roundoff of the sum itself; the top-K is kept exact by a full scan of any
 * row whose K-th neighbour lies beyond the scanned cells.
 *
 * @module
 */

import { packedRowBytes } from "./_hamming.ts";
import { InputError } from "../../errors.ts";
import { addExact, exactTotal } from "./_exact_sum.ts";
import { expNonPositive } from "../fast_exp.ts";

/** Whether to use the spatial grid cutoff: `"auto"` uses it where it pays (D <= 3). */
export type CutoffMode = "auto" | "on" | "off";

/** Everything the inner loop reads. */
export interface CoreInput {
  /** Row-major data, N x D. */
  data: Float64Array;
  /** N. */
  n: number;
  /** D. */
  d: number;
  /** Neighbours per row. */
  k: number;
  /** log k(a, b) = -scale * ||a - b||^2. */
  scale: number;
  /** Query row indices, or null for rows 0..N-1 in order. */
  queries: Int32Array | null;
  /**
   * Block size of the kernel sums (see {@linkcode defaultBlockSize}); rows
   * computed with the same block size agree bit for bit across passes, so
   * the caller chooses it once for both (0/1 data weigh their packed bytes).
   */
  block: number;
}

/**
 * Default block size: a block of points stays within ~128 KiB (L2), at
 * most 512 points, and small enough to give ~36 tiles to share among
 * threads in the symmetric pass. With `bitPacked` (0/1 data that the
 * symmetric pass packs, _hamming.ts) a point weighs its packed row's bytes,
 * not 8 bytes per coordinate.
 */
export function defaultBlockSize(
  n: number,
  d: number,
  options: { bitPacked?: boolean } = {},
): number {
  const bytes = options.bitPacked ? packedRowBytes(d) : 8 * Math.max(1, d);
  const byCache = Math.floor(131072 / bytes);
  return Math.max(16, Math.min(512, byCache, Math.ceil(n / 8)));
}

/** Where the inner loop writes: slot p (the p-th query) owns `[p * k, (p + 1) * k)`. */
export interface CoreOutput {
  /** Neighbour indices, Q x K. */
  neighbors: Int32Array;
  /** log q, Q x K. */
  logq: Float64Array;
  /** Squared distances, Q x K. */
  sqdist: Float64Array;
  /** log normaliser per query, length Q. */
  logNormalizer: Float64Array;
}

/** A uniform grid over the data's bounding box, cells no smaller than the cutoff radius. */
export interface Grid {
  /** Cell side (>= cutoff radius). */
  side: number;
  /** Lower corner per dimension. */
  origin: Float64Array;
  /** Cells per dimension. */
  cells: Int32Array;
  /** Points of cell c are `order[start[c] .. start[c + 1])`. */
  start: Int32Array;
  /** Point indices sorted by cell. */
  order: Int32Array;
  /** Coordinates in `order`'s order, for locality. */
  sorted: Float64Array;
}

/** Squared radius beyond which k < 2^-60 / N. */
export function cutoffRadius2(n: number, scale: number): number {
  return (60 * Math.LN2 + Math.log(n)) / scale;
}

/**
 * Builds the grid when `mode` allows it and it would skip at least half of
 * the pairs; returns null otherwise.
 */
export function buildGrid(input: CoreInput, mode: CutoffMode): Grid | null {
  const { data, n, d, scale } = input;
  if (mode === "off" || d > 3) return null;
  const r = Math.sqrt(cutoffRadius2(n, scale));
  // A scale that overflows gives r = 0, and the cell-growing loop below would never end.
  if (!(r > 0 && r < Infinity)) {
    throw new InputError(`the kernel scale ${scale} is not usable; use a larger bandwidth`);
  }
  const lo = new Float64Array(d).fill(Infinity);
  const hi = new Float64Array(d).fill(-Infinity);
  for (let i = 0; i < n; i++) {
    for (let t = 0; t < d; t++) {
      const v = data[i * d + t];
      if (v < lo[t]) lo[t] = v;
      if (v > hi[t]) hi[t] = v;
    }
  }
  // Cells no smaller than r, and no more than ~4N of them in all.
  let side = r;
  const count = (s: number) => {
    let c = 1;
    for (let t = 0; t < d; t++) c *= Math.floor((hi[t] - lo[t]) / s) + 1;
    return c;
  };
  while (count(side) > 4 * n + 8) side *= 1.5;
  const cells = new Int32Array(d);
  let scanned = 1;
  for (let t = 0; t < d; t++) {
    cells[t] = Math.floor((hi[t] - lo[t]) / side) + 1;
    scanned *= Math.min(1, 3 / cells[t]);
  }
  if (mode === "auto" && scanned > 0.5) return null;
  const total = count(side);
  const cellOf = new Int32Array(n);
  const start = new Int32Array(total + 1);
  for (let i = 0; i < n; i++) {
    let c = 0;
    for (let t = 0; t < d; t++) {
      const ct = Math.min(cells[t] - 1, Math.floor((data[i * d + t] - lo[t]) / side));
      c = c * cells[t] + ct;
    }
    cellOf[i] = c;
    start[c + 1]++;
  }
  for (let c = 0; c < total; c++) start[c + 1] += start[c];
  const fill = start.slice(0, total);
  const order = new Int32Array(n);
  const sorted = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const p = fill[cellOf[i]]++;
    order[p] = i;
    for (let t = 0; t < d; t++) sorted[p * d + t] = data[i * d + t];
  }
  return { side, origin: lo, cells, start, order, sorted };
}

/** A bounded max-heap of (squared distance, index), worst on top, ties broken by larger index. */
class TopK {
  readonly d2: Float64Array;
  readonly idx: Int32Array;
  size = 0;
  constructor(readonly k: number) {
    this.d2 = new Float64Array(k);
    this.idx = new Int32Array(k);
  }
  /** The bar a candidate must beat, Infinity while not full. */
  worst(): number {
    return this.size < this.k ? Infinity : this.d2[0];
  }
  worstIndex(): number {
    return this.size < this.k ? 0x7fffffff : this.idx[0];
  }
  push(dist: number, j: number): void {
    const d2 = this.d2, idx = this.idx;
    if (this.size < this.k) {
      let i = this.size++;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (d2[p] > dist || (d2[p] === dist && idx[p] > j)) break;
        d2[i] = d2[p];
        idx[i] = idx[p];
        i = p;
      }
      d2[i] = dist;
      idx[i] = j;
      return;
    }
    // Replace the root and sift down.
    let i = 0;
    const n = this.size;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      let c = l;
      const r = l + 1;
      if (r < n && (d2[r] > d2[l] || (d2[r] === d2[l] && idx[r] > idx[l]))) c = r;
      if (d2[c] < dist || (d2[c] === dist && idx[c] < j)) break;
      d2[i] = d2[c];
      idx[i] = idx[c];
      i = c;
    }
    d2[i] = dist;
    idx[i] = j;
  }
}

/** The inner loop with its scratch space; one per thread. */
export class ExactCore {
  #input: CoreInput;
  #grid: Grid | null;
  #heap: TopK;
  #a: Float64Array;
  #acc = new Float64Array(3);
  #block: number;
  /** Rows that needed a full scan despite the grid. */
  fallbackRows = 0;

  /** Prepares the loop; builds the grid per `cutoff`. */
  constructor(input: CoreInput, cutoff: CutoffMode) {
    this.#input = input;
    this.#grid = buildGrid(input, cutoff);
    this.#heap = new TopK(input.k);
    this.#a = new Float64Array(input.d);
    this.#block = input.block;
  }

  /** Whether the grid cutoff is in use. */
  get usesGrid(): boolean {
    return this.#grid !== null;
  }

  /** Computes query slots `[from, to)` into `out`. */
  run(from: number, to: number, out: CoreOutput): void {
    const { queries } = this.#input;
    for (let p = from; p < to; p++) {
      const m = queries === null ? p : queries[p];
      this.#row(m, p, out);
    }
  }

  #row(m: number, p: number, out: CoreOutput): void {
    const { data, d, k, scale } = this.#input;
    const heap = this.#heap;
    for (let t = 0; t < d; t++) this.#a[t] = data[m * d + t];
    heap.size = 0;
    // The row's own index goes first whatever ties it has: distance -1 sorts below every real one.
    heap.push(-1, m);
    let sum = 0;
    const grid = this.#grid;
    if (grid !== null) {
      sum = this.#scanGrid(grid, m);
      if (!(heap.size === k && heap.d2[0] <= grid.side * grid.side)) {
        this.fallbackRows++;
        heap.size = 0;
        heap.push(-1, m);
        sum = this.#scanAll(m);
      }
    } else {
      sum = this.#scanAll(m);
    }
    // The sum leaves out the self term k(x_m, x_m) = 1, so log1p keeps tiny tails.
    const logZ = Math.log1p(sum);
    out.logNormalizer[p] = logZ;
    // Sort the heap ascending by (distance, index) into the output slot.
    const size = heap.size;
    const base = p * k;
    const tmpD = heap.d2.slice(0, size);
    const tmpI = heap.idx.slice(0, size);
    const perm = Array.from({ length: size }, (_, i) => i);
    perm.sort((u, v) => tmpD[u] - tmpD[v] || tmpI[u] - tmpI[v]);
    for (let i = 0; i < size; i++) {
      const dist = Math.max(0, tmpD[perm[i]]);
      out.neighbors[base + i] = tmpI[perm[i]];
      out.sqdist[base + i] = dist;
      out.logq[base + i] = -scale * dist - logZ;
    }
  }

  /**
   * Full scan; returns sum_{j != m} k(x_j, x_m). The sum is taken per block
   * of `block` points (split at m) and the parts added exactly
   * (_exact_sum.ts), the same parts in the same order as the symmetric pass
   * forms them, so both give the same bits.
   */
  #scanAll(m: number): number {
    const { n } = this.#input;
    const block = this.#block;
    const acc = this.#acc;
    acc.fill(0);
    for (let b0 = 0; b0 < n; b0 += block) {
      const b1 = Math.min(n, b0 + block);
      if (m >= b0 && m < b1) {
        addExact(acc, 0, this.#scanRange(b0, m));
        addExact(acc, 0, this.#scanRange(m + 1, b1));
      } else {
        addExact(acc, 0, this.#scanRange(b0, b1));
      }
    }
    return exactTotal(acc, 0);
  }

  /** Plain sum of k(x_j, x_m) over j in [lo, hi), offering each j to the heap. */
  #scanRange(lo: number, hi: number): number {
    const { data, d, scale } = this.#input;
    const heap = this.#heap;
    const a = this.#a;
    let worst = heap.worst();
    let worstI = heap.worstIndex();
    let sum = 0;
    if (d === 2) {
      const a0 = a[0], a1 = a[1];
      for (let j = lo; j < hi; j++) {
        const e0 = data[2 * j] - a0, e1 = data[2 * j + 1] - a1;
        const d2 = e0 * e0 + e1 * e1;
        sum += expNonPositive(-scale * d2);
        if (d2 < worst || (d2 === worst && j < worstI)) {
          heap.push(d2, j);
          worst = heap.worst();
          worstI = heap.worstIndex();
        }
      }
      return sum;
    }
    for (let j = lo; j < hi; j++) {
      let d2 = 0;
      const o = j * d;
      for (let t = 0; t < d; t++) {
        const e = data[o + t] - a[t];
        d2 += e * e;
      }
      sum += expNonPositive(-scale * d2);
      if (d2 < worst || (d2 === worst && j < worstI)) {
        heap.push(d2, j);
        worst = heap.worst();
        worstI = heap.worstIndex();
      }
    }
    return sum;
  }

  /** Scans the 3^D cells around row m; returns their kernel sum without the self term. */
  #scanGrid(g: Grid, m: number): number {
    const { d, scale } = this.#input;
    const heap = this.#heap;
    const a = this.#a;
    const c0 = new Int32Array(3);
    for (let t = 0; t < d; t++) {
      c0[t] = Math.min(g.cells[t] - 1, Math.floor((a[t] - g.origin[t]) / g.side));
    }
    let worst = heap.worst();
    let worstI = heap.worstIndex();
    let sum = 0;
    const n0 = d > 0 ? 3 : 1, n1 = d > 1 ? 3 : 1, n2 = d > 2 ? 3 : 1;
    for (let u = 0; u < n0; u++) {
      const x0 = c0[0] + u - 1;
      if (x0 < 0 || x0 >= g.cells[0]) continue;
      for (let v = 0; v < n1; v++) {
        const x1 = d > 1 ? c0[1] + v - 1 : 0;
        if (d > 1 && (x1 < 0 || x1 >= g.cells[1])) continue;
        for (let w = 0; w < n2; w++) {
          const x2 = d > 2 ? c0[2] + w - 1 : 0;
          if (d > 2 && (x2 < 0 || x2 >= g.cells[2])) continue;
          let c = x0;
          if (d > 1) c = c * g.cells[1] + x1;
          if (d > 2) c = c * g.cells[2] + x2;
          const end = g.start[c + 1];
          for (let q = g.start[c]; q < end; q++) {
            let d2 = 0;
            for (let t = 0; t < d; t++) {
              const e = g.sorted[q * d + t] - a[t];
              d2 += e * e;
            }
            const j = g.order[q];
            if (j === m) continue;
            sum += expNonPositive(-scale * d2);
            if (d2 < worst || (d2 === worst && j < worstI)) {
              heap.push(d2, j);
              worst = heap.worst();
              worstI = heap.worstIndex();
            }
          }
        }
      }
    }
    return sum;
  }
}
