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
import { bindState, pairTilesInstance, type PairTilesState } from "../wasm/pair_tiles_module.ts";

/** Bytes of a scan's module memory: the data, per-row state, tables and the partial. */
function moduleBytes(n: number, block: number, k: number): number {
  const pad = (b: number) => Math.ceil(b / 16) * 16;
  return pad(n * 16) + pad(n * 8) + pad(block * 8 + 16) + pad(block * 4) + pad(block * 8) +
    pad(expTables().byteLength) + 16 + pad(n * 24) + pad(n * (k - 1) * 8) +
    pad(n * (k - 1) * 4) + 16;
}

/**
 * Whether a scan of N points with top-K heaps fits the module's memory
 * (signed 32-bit offsets: 2 GiB); beyond it the scan runs in JavaScript,
 * with the same bits.
 */
export function gauss2Fits(opts: { n: number; block: number; k: number }): boolean {
  return moduleBytes(opts.n, opts.block, opts.k) <= 2 ** 31;
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
    const k1 = opts.k - 1;
    const tables = expTables();
    const pad = (b: number) => Math.ceil(b / 16) * 16;
    const at = { worst: 0, col: 0, pend: 0, pendD: 0, tab: 0, si: 0, sums: 0, heapD: 0, heapI: 0 };
    // The data first (a v128 load of the pair after the last may read into `worst`).
    at.worst = pad(n * 16);
    at.col = at.worst + pad(n * 8);
    // One slot past the block: `row2` stores both lanes' column sums, the second unused.
    at.pend = at.col + pad(block * 8 + 16);
    at.pendD = at.pend + pad(block * 4);
    at.tab = at.pendD + pad(block * 8);
    at.si = at.tab + pad(tables.byteLength);
    at.sums = at.si + 16;
    at.heapD = at.sums + pad(n * 24);
    at.heapI = at.heapD + pad(n * k1 * 8);
    const bytes = at.heapI + pad(n * k1 * 4) + 16;
    if (bytes !== moduleBytes(n, block, opts.k)) throw new Error("Gauss2Tile: layout out of step");
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
