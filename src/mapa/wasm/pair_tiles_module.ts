/**
 * The compiled module of `pair_tiles.wat` (exact rows' WebAssembly tiles),
 * compiled once per thread and instantiated once per scan.
 *
 * @module
 */

import { decodeBase64 } from "./base64.ts";
import { PAIR_TILES_WASM_BASE64 } from "./pair_tiles_wasm.ts";

let compiled: WebAssembly.Module | undefined;

/** What `pair_tiles.wat` exports. */
export interface PairTilesExports {
  /** The instance's memory. */
  mem: WebAssembly.Memory;
  /** Hamming distances from row i to rows j0 .. j1 - 1 of w words, as i32 at `out`. */
  row: (i: number, j0: number, j1: number, w: number, out: number) => void;
  /** One row of a bit-packed tile; returns the number pending. */
  tile: (
    i: number,
    js: number,
    j1: number,
    j0: number,
    w: number,
    dist: number,
    table: number,
    wi: number,
    worst: number,
    col: number,
    pend: number,
    pendD: number,
    siOut: number,
  ) => number;
  /** Where `block` finds its state (byte addresses) and K - 1. */
  setup: (
    w: number,
    dist: number,
    table: number,
    worst: number,
    col: number,
    pend: number,
    pendD: number,
    siOut: number,
    sums: number,
    heapD: number,
    heapI: number,
    k1: number,
  ) => void;
  /** Switches `block` to D = 2 Gaussian rows. */
  setupGauss2: (data: number, tab: number, negScale: number) => void;
  /** One whole tile: rows i0 .. i1 - 1 against the J-block j0 .. j1 - 1 (diag: 1 or 0). */
  block: (i0: number, i1: number, j0: number, j1: number, diag: number) => void;
}

/** A fresh instance of the module (its own memory). */
export function pairTilesInstance(): PairTilesExports {
  compiled ??= new WebAssembly.Module(decodeBase64(PAIR_TILES_WASM_BASE64) as BufferSource);
  return new WebAssembly.Instance(compiled, {}).exports as unknown as PairTilesExports;
}

/** A scan's state in the module's memory, as typed-array views. */
export interface PairTilesState {
  /** Current worst heap distance per row (N). */
  worst: Float64Array;
  /** Column sums of the current J-block (block). */
  col: Float64Array;
  /** Pending candidates of the last row (block). */
  pend: Int32Array;
  /** Their squared distances (block). */
  pendD: Float64Array;
  /** The pass's partial row sums, three exact limbs per row (3N). */
  sums: Float64Array;
  /** Heaps of the K - 1 nearest others per row, distances (N x (K - 1)). */
  heapD: Float64Array;
  /** Their indices (N x (K - 1)). */
  heapI: Int32Array;
}

/** Byte addresses of a scan's state in the module's memory. */
export interface StateAddresses {
  worst: number;
  col: number;
  pend: number;
  pendD: number;
  si: number;
  sums: number;
  heapD: number;
  heapI: number;
}

/**
 * Views of a scan's state at `at` (N rows, runs of up to `block` points,
 * heaps of K - 1), after telling the module where it lies; `bits` gives the
 * bit-packed rows' stride in words, the address of their distances and of
 * the kernel's table (zeros for D = 2 rows).
 */
export function bindState(
  ex: PairTilesExports,
  at: StateAddresses,
  opts: { n: number; block: number; k: number; bits?: { w: number; dist: number; table: number } },
): PairTilesState {
  const { n, block } = opts;
  const k1 = opts.k - 1;
  const b = opts.bits ?? { w: 0, dist: 0, table: 0 };
  ex.setup(
    b.w,
    b.dist,
    b.table,
    at.worst,
    at.col,
    at.pend,
    at.pendD,
    at.si,
    at.sums,
    at.heapD,
    at.heapI,
    k1,
  );
  const buf = ex.mem.buffer;
  return {
    worst: new Float64Array(buf, at.worst, n),
    col: new Float64Array(buf, at.col, block),
    pend: new Int32Array(buf, at.pend, block),
    pendD: new Float64Array(buf, at.pendD, block),
    sums: new Float64Array(buf, at.sums, 3 * n),
    heapD: new Float64Array(buf, at.heapD, n * k1),
    heapI: new Int32Array(buf, at.heapI, n * k1),
  };
}
