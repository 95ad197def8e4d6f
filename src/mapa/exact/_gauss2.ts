/**
 * The D = 2 Gaussian tile of the symmetric pass in WebAssembly SIMD
 * (src/mapa/wasm/gauss2.wat): two pairs per instruction for the distance and
 * `expNonPositive`, with the same float64 operations in the same order, so
 * rows are bit-identical to the JavaScript loop's. The scan's per-row state
 * (current worst distances, column sums, pending candidates) lives in the
 * module's memory and is shared with the scan as typed-array views.
 *
 * @module
 */

import { expTables } from "../fast_exp.ts";
import { decodeBase64 } from "../wasm/base64.ts";
import { GAUSS2_WASM_BASE64 } from "../wasm/gauss2_wasm.ts";

let compiled: WebAssembly.Module | undefined;

type Row2 = (
  i: number,
  js: number,
  j1: number,
  j0: number,
  negScale: number,
  wi: number,
  data: number,
  worst: number,
  col: number,
  pend: number,
  pendD: number,
  tab: number,
  siOut: number,
) => number;

/** One scan's D = 2 kernel and the state it shares with the scan. */
export class Gauss2Tile {
  /** Current worst heap distance per row (N). */
  readonly worst: Float64Array;
  /** Column sums of the current J-block (block). */
  readonly col: Float64Array;
  /** Pending candidates of the last row and their squared distances (block). */
  readonly pend: Int32Array;
  readonly pendD: Float64Array;
  readonly #row2: Row2;
  readonly #at: {
    data: number;
    worst: number;
    col: number;
    pend: number;
    pendD: number;
    tab: number;
    si: number;
  };
  readonly #si: Float64Array;
  readonly #negScale: number;

  /** Copies the N x 2 `data` into the module; `block` bounds a J-block. */
  constructor(data: Float64Array, opts: { n: number; block: number; scale: number }) {
    compiled ??= new WebAssembly.Module(decodeBase64(GAUSS2_WASM_BASE64) as BufferSource);
    const ex = new WebAssembly.Instance(compiled, {}).exports as {
      mem: WebAssembly.Memory;
      row2: Row2;
    };
    const { n, block } = opts;
    const tables = expTables();
    const pad = (b: number) => Math.ceil(b / 16) * 16;
    const at = { data: 0, worst: 0, col: 0, pend: 0, pendD: 0, tab: 0, si: 0 };
    at.worst = pad(n * 16);
    at.col = at.worst + pad(n * 8);
    at.pend = at.col + pad(block * 8 + 16);
    at.pendD = at.pend + pad(block * 4);
    at.tab = at.pendD + pad(block * 8);
    at.si = at.tab + pad(tables.byteLength);
    const bytes = at.si + 16;
    const have = ex.mem.buffer.byteLength;
    if (bytes > have) ex.mem.grow(Math.ceil((bytes - have) / 65536));
    const buf = ex.mem.buffer;
    new Float64Array(buf, at.data, 2 * n).set(data.subarray(0, 2 * n));
    new Float64Array(buf, at.tab, tables.length).set(tables);
    this.worst = new Float64Array(buf, at.worst, n);
    this.col = new Float64Array(buf, at.col, block);
    this.pend = new Int32Array(buf, at.pend, block);
    this.pendD = new Float64Array(buf, at.pendD, block);
    this.#si = new Float64Array(buf, at.si, 1);
    this.#row2 = ex.row2;
    this.#at = at;
    this.#negScale = -opts.scale;
  }

  /**
   * Row `i` against rows `js .. j1 - 1` of the J-block starting at `j0`:
   * adds to `col`, fills `pend`/`pendD`; returns the number pending and the
   * row's sum over these pairs (in j order).
   */
  tileRow(i: number, js: number, j1: number, j0: number): { pending: number; sum: number } {
    const a = this.#at;
    const pending = this.#row2(
      i,
      js,
      j1,
      j0,
      this.#negScale,
      this.worst[i],
      a.data,
      a.worst,
      a.col,
      a.pend,
      a.pendD,
      a.tab,
      a.si,
    );
    return { pending, sum: this.#si[0] };
  }
}
