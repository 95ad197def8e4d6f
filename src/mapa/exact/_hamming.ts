/**
 * Hamming distances between binary rows, bit-packed: 784 binary pixels are
 * 13 64-bit words, and a distance is 13 XORs and popcounts (WebAssembly
 * `i64.popcnt`, src/mapa/wasm/hamming.wat) instead of 784 float
 * subtractions. For 0/1 data the squared L2 distance is the Hamming distance
 * exactly, so exact rows computed this way are bit-identical to the float
 * path, with either kernel.
 *
 * @module
 */

import { decodeBase64 } from "../wasm/base64.ts";
import { HAMMING_WASM_BASE64 } from "../wasm/hamming_wasm.ts";

let compiled: WebAssembly.Module | undefined;

/** Widths from which 0/1 data take the bit-packed path (narrower rows gain nothing). */
export const MIN_BITS_D = 8;

/** Whether exact rows of the N x `d` matrix `data` take the bit-packed Hamming path. */
export function usesBits(data: ArrayLike<number>, d: number): boolean {
  return d >= MIN_BITS_D && isBinary(data);
}

/** Whether every value of `data` is 0 or 1. */
export function isBinary(data: ArrayLike<number>): boolean {
  for (let i = 0; i < data.length; i++) {
    const v = data[i];
    if (v !== 0 && v !== 1) return false;
  }
  return true;
}

/** Distances from one packed row to a run of others. */
export class HammingRows {
  /** 64-bit words per row. */
  readonly words: number;
  readonly #row: (i: number, j0: number, j1: number, w: number, out: number) => void;
  readonly #out: number;
  readonly #memory: WebAssembly.Memory;
  #view: Int32Array;

  /**
   * Packs the N x D 0/1 matrix `data` (row-major) and reserves room for
   * `maxRun` distances per call.
   */
  constructor(data: ArrayLike<number>, opts: { n: number; d: number; maxRun: number }) {
    compiled ??= new WebAssembly.Module(decodeBase64(HAMMING_WASM_BASE64) as BufferSource);
    const instance = new WebAssembly.Instance(compiled, {});
    const exports = instance.exports as {
      mem: WebAssembly.Memory;
      row: (i: number, j0: number, j1: number, w: number, out: number) => void;
    };
    const { n, d } = opts;
    this.words = Math.max(1, Math.ceil(d / 64));
    const packedBytes = n * this.words * 8;
    const need = packedBytes + 4 * opts.maxRun;
    const have = exports.mem.buffer.byteLength;
    if (need > have) exports.mem.grow(Math.ceil((need - have) / 65536));
    const bits = new Uint32Array(exports.mem.buffer, 0, packedBytes / 4);
    const w32 = 2 * this.words;
    for (let r = 0; r < n; r++) {
      const o = r * d, base = r * w32;
      for (let t = 0; t < d; t++) {
        if (data[o + t] === 1) bits[base + (t >>> 5)] |= 1 << (t & 31);
      }
    }
    this.#row = exports.row;
    this.#memory = exports.mem;
    this.#out = packedBytes;
    this.#view = new Int32Array(exports.mem.buffer, packedBytes, opts.maxRun);
  }

  /**
   * Distances from row `i` to rows `j0 .. j1 - 1` (at most `maxRun`), in a
   * view that the next call overwrites.
   */
  run(i: number, j0: number, j1: number): Int32Array {
    this.#row(i, j0, j1, this.words, this.#out);
    if (this.#view.buffer !== this.#memory.buffer) {
      this.#view = new Int32Array(this.#memory.buffer, this.#out, this.#view.length);
    }
    return this.#view;
  }
}
