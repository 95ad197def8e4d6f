/**
 * The D = 2 Gaussian tiles of the symmetric pass in WebAssembly SIMD
 * (src/mapa/wasm/pair_tiles.wat, `row2` and `block`): two pairs per
 * instruction for the distance and `expNonPositive`, with the same float64
 * operations in the same order, so rows are bit-identical to the JavaScript
 * loop's. Whole tiles run in the module, kernel sums and top-K heaps
 * included, on the scan's state in the module's memory.
 *
 * @module
 */

import { expTables } from "../fast_exp.ts";
import {
  bindState,
  pairTilesInstance,
  type PairTilesState,
  type StateAddresses,
} from "../wasm/pair_tiles_module.ts";

/** Bytes of `expTables()`: 1,100 + 64 + 7 float64s. */
const EXP_TABLE_BYTES = expTables().byteLength;

/** Byte addresses of a scan's state in the module's memory (the data start at 0). */
interface Layout extends StateAddresses {
  tab: number;
}

/** The layout for N points, J-blocks of `block` and heaps of K - 1; returns it and the bytes needed. */
function layout(n: number, block: number, k: number): { at: Layout; bytes: number } {
  const pad = (b: number) => Math.ceil(b / 16) * 16;
  const k1 = k - 1;
  // The data first (a v128 load of the pair after the last may read into `worst`).
  const worst = pad(n * 16);
  const col = worst + pad(n * 8);
  // One slot past the block: `row2` stores both lanes' column sums, the second unused.
  const pend = col + pad(block * 8 + 16);
  const pendD = pend + pad(block * 4);
  const tab = pendD + pad(block * 8);
  const si = tab + pad(EXP_TABLE_BYTES);
  const sums = si + 16;
  const heapD = sums + pad(n * 24);
  const heapI = heapD + pad(n * k1 * 8);
  return {
    at: { worst, col, pend, pendD, tab, si, sums, heapD, heapI },
    bytes: heapI + pad(n * k1 * 4) + 16,
  };
}

/**
 * Whether a scan of N points with top-K heaps fits the module's memory
 * (signed 32-bit offsets: 2 GiB); beyond it the scan runs in JavaScript,
 * with the same bits.
 */
export function gauss2Fits(opts: { n: number; block: number; k: number }): boolean {
  return layout(opts.n, opts.block, opts.k).bytes <= 2 ** 31;
}

/** One scan's D = 2 kernel and its state. */
export class Gauss2Tile {
  /** The scan's state in the module's memory (zero until the caller fills it). */
  readonly state: PairTilesState;
  readonly #block: (i0: number, i1: number, j0: number, j1: number, diag: number) => void;

  /**
   * Copies the N x 2 `data` into the module; `block` bounds a J-block, and
   * the heaps keep K - 1 others per row.
   */
  constructor(data: Float64Array, opts: { n: number; block: number; scale: number; k: number }) {
    const ex = pairTilesInstance();
    const { n, block } = opts;
    const tables = expTables();
    const { at, bytes } = layout(n, block, opts.k);
    const have = ex.mem.buffer.byteLength;
    if (bytes > have) ex.mem.grow(Math.ceil((bytes - have) / 65536));
    const buf = ex.mem.buffer;
    new Float64Array(buf, 0, 2 * n).set(data.subarray(0, 2 * n));
    new Float64Array(buf, at.tab, tables.length).set(tables);
    this.state = bindState(ex, at, opts);
    ex.setupGauss2(0, at.tab, -opts.scale);
    this.#block = ex.block;
  }

  /**
   * One whole tile: rows `i0 .. i1 - 1` against the J-block `j0 .. j1 - 1`
   * (only j > i when `diag`), into `state`'s sums and heaps.
   */
  tileBlock(i0: number, i1: number, j0: number, j1: number, diag: boolean): void {
    this.#block(i0, i1, j0, j1, diag ? 1 : 0);
  }
}
