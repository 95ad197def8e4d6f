/**
 * Hamming distances between binary rows, bit-packed: 784 binary pixels are
 * at most 13 64-bit words (only the columns that vary are packed, padded to
 * an even count), and a distance is XORs and popcounts in
 * WebAssembly SIMD (src/mapa/wasm/pair_tiles.wat) instead of 784 float
 * subtractions; the module also runs whole tiles of the symmetric pass
 * (distances, kernel sums and top-K heaps).
 * For 0/1 data the squared L2 distance is the Hamming distance exactly, so
 * exact rows computed this way are bit-identical to the float path, with
 * either kernel.
 *
 * @module
 */

import {
  bindState,
  type PairTilesExports,
  pairTilesInstance,
  type PairTilesState,
  type StateAddresses,
} from "../wasm/pair_tiles_module.ts";

/** Widths from which 0/1 data take the bit-packed path (narrower rows gain nothing). */
export const MIN_BITS_D = 8;

/** Whether exact rows of the N x `d` matrix `data` take the bit-packed Hamming path. */
export function usesBits(data: ArrayLike<number>, d: number): boolean {
  return d >= MIN_BITS_D && isBinary(data);
}

/**
 * Bytes of one bit-packed row of `d` bits: whole 64-bit words, padded to an
 * even count up to 62 words (the kernel's four-row loop; see HammingRows).
 */
export function packedRowBytes(d: number): number {
  const words = Math.max(1, Math.ceil(d / 64));
  return 8 * (words <= 62 ? words + (words & 1) : words);
}

/** The columns of the N x `d` matrix `data` whose value is not the same in every row. */
function varyingColumns(data: ArrayLike<number>, n: number, d: number): Int32Array {
  const varies = new Uint8Array(d);
  for (let r = 1; r < n; r++) {
    const o = r * d;
    for (let t = 0; t < d; t++) if (data[o + t] !== data[t]) varies[t] = 1;
  }
  const cols = new Int32Array(d);
  let m = 0;
  for (let t = 0; t < d; t++) if (varies[t]) cols[m++] = t;
  return cols.subarray(0, m);
}

/** Whether every value of `data` is 0 or 1. */
export function isBinary(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** Byte addresses in the module's memory (the packed rows start at 0, their distances follow). */
interface Layout extends StateAddresses {
  table: number;
}

/**
 * Fills `at` for N rows of D bits packed to `width` bits (the columns that
 * vary); returns the bytes needed in all.
 */
function layout(
  n: number,
  d: number,
  width: number,
  maxRun: number,
  tile: HammingTileOptions | undefined,
  at: Layout,
): number {
  const packedBytes = n * packedRowBytes(width);
  const pad = (b: number) => Math.ceil(b / 16) * 16;
  const k1 = tile ? tile.k - 1 : 0;
  at.table = pad(packedBytes + 4 * maxRun);
  at.worst = at.table + pad(tile ? (d + 1) * 8 : 0);
  at.col = at.worst + pad(tile ? n * 8 : 0);
  at.pend = at.col + pad(tile ? maxRun * 8 : 0);
  at.pendD = at.pend + pad(tile ? maxRun * 4 : 0);
  at.si = at.pendD + pad(tile ? maxRun * 8 : 0);
  at.sums = at.si + 16;
  at.heapD = at.sums + pad(tile ? n * 24 : 0);
  at.heapI = at.heapD + pad(n * k1 * 8);
  return at.heapI + pad(n * k1 * 4) + 16;
}

/** The most memory the module addresses: signed 32-bit offsets stay positive below it. */
const MAX_MODULE_BYTES = 2 ** 31;

/**
 * Whether the whole-tile state of N rows of D bits with top-K heaps fits the
 * module's memory; beyond it (N x K in the hundreds of millions) the scan
 * takes the float path, with the same bits.
 */
export function tileFits(n: number, d: number, opts: { maxRun: number; k: number }): boolean {
  const at = {} as Layout;
  return layout(n, d, d, opts.maxRun, { table: new Float64Array(0), k: opts.k }, at) <=
    MAX_MODULE_BYTES;
}

/** The WebAssembly tile's inputs: the kernel of every Hamming distance, and K. */
export interface HammingTileOptions {
  /** exp(-scale h) for every h in 0..D. */
  table: Float64Array;
  /** Rows' top-K (the heaps keep K - 1 others). */
  k: number;
}

/**
 * Distances from one packed row to a run of others; with `tile`, also whole
 * tiles of the pair scan in WebAssembly ({@linkcode HammingRows.tileBlock}:
 * kernel sums and top-K heaps), or one row of one ({@linkcode HammingRows.tileRow}).
 */
export class HammingRows {
  /** 64-bit words per packed row (of the columns that vary, unpadded). */
  readonly words: number;
  /** The tile's state, in the module's memory; present when built with `tile`. */
  readonly state?: PairTilesState;
  readonly #ex: PairTilesExports;
  /** 64-bit words per packed row: `words`, padded to an even count. */
  readonly #stride: number;
  readonly #out: number;
  readonly #view: Int32Array;
  readonly #at: Layout = {
    table: 0,
    worst: 0,
    col: 0,
    pend: 0,
    pendD: 0,
    si: 0,
    sums: 0,
    heapD: 0,
    heapI: 0,
  };
  #si?: Float64Array;

  /**
   * Packs the N x D 0/1 matrix `data` (row-major) and reserves room for
   * `maxRun` distances per call; `tile` makes room for
   * {@linkcode HammingRows.tileRow} and {@linkcode HammingRows.tileBlock}
   * over N rows (`state`, zero until the caller fills it).
   */
  constructor(
    data: ArrayLike<number>,
    opts: { n: number; d: number; maxRun: number; tile?: HammingTileOptions },
  ) {
    const exports = pairTilesInstance();
    const { n, d, maxRun } = opts;
    if (opts.tile && opts.tile.table.length !== d + 1) {
      throw new RangeError(`the tile's table needs D + 1 = ${d + 1} values`);
    }
    // A column equal in every row adds nothing to any distance: only the others are packed
    // (MNIST at N = 10,000: 638 of 784 pixels, 10 words instead of 13).
    const cols = varyingColumns(data, n, d);
    this.words = Math.max(1, Math.ceil(cols.length / 64));
    // Rows padded with a zero word to whole 16-byte vectors take the kernel's four-row
    // loop (not past 62 words, where its byte lanes could overflow).
    this.#stride = packedRowBytes(cols.length) / 8;
    const at = this.#at;
    const need = layout(n, d, cols.length, maxRun, opts.tile, at);
    const packedBytes = n * this.#stride * 8;
    const tile = opts.tile;
    const have = exports.mem.buffer.byteLength;
    // The only growth: views made below stay valid for the object's life.
    if (need > have) exports.mem.grow(Math.ceil((need - have) / 65536));
    const buf = exports.mem.buffer;
    const bits = new Uint32Array(buf, 0, packedBytes / 4);
    const w32 = 2 * this.#stride;
    for (let r = 0; r < n; r++) {
      const o = r * d, base = r * w32;
      for (let b = 0; b < cols.length; b++) {
        if (data[o + cols[b]] === 1) bits[base + (b >>> 5)] |= 1 << (b & 31);
      }
    }
    this.#ex = exports;
    this.#out = packedBytes;
    this.#view = new Int32Array(buf, packedBytes, maxRun);
    if (tile) {
      new Float64Array(buf, at.table, tile.table.length).set(tile.table);
      this.#si = new Float64Array(buf, at.si, 1);
      this.state = bindState(exports, at, {
        n,
        block: maxRun,
        k: tile.k,
        bits: { w: this.#stride, dist: this.#out, table: at.table },
      });
    }
  }

  /**
   * Distances from row `i` to rows `j0 .. j1 - 1` (at most `maxRun`), in a
   * view that the next call overwrites.
   */
  run(i: number, j0: number, j1: number): Int32Array {
    this.#ex.row(i, j0, j1, this.#stride, this.#out);
    return this.#view;
  }

  /**
   * Row `i` against rows `js .. j1 - 1` of the J-block starting at `j0`
   * (needs `tile`): adds to `state.col`, fills `state.pend`/`state.pendD`;
   * returns the number pending and the row's sum over these pairs (in j order).
   */
  tileRow(i: number, js: number, j1: number, j0: number): { pending: number; sum: number } {
    const a = this.#at, st = this.state!;
    const pending = this.#ex.tile(
      i,
      js,
      j1,
      j0,
      this.#stride,
      this.#out,
      a.table,
      st.worst[i],
      a.worst,
      a.col,
      a.pend,
      a.pendD,
      a.si,
    );
    return { pending, sum: this.#si![0] };
  }

  /**
   * One whole tile of the symmetric pass (needs `tile`): rows `i0 .. i1 - 1`
   * against the J-block `j0 .. j1 - 1` (only j > i when `diag`), into
   * `state`'s sums and heaps, as `PairScan.tile` does in JavaScript.
   */
  tileBlock(i0: number, i1: number, j0: number, j1: number, diag: boolean): void {
    this.#ex.block(i0, i1, j0, j1, diag ? 1 : 0);
  }
}
