/**
 * The tail draws each training row used on its last few visits, so that the
 * bound on them can be compared with the bound on fresh draws
 * (`tailOverfitNats`): a decoder that has fitted a fixed set of draws scores
 * higher on them than on fresh ones.
 *
 * @module
 */

/** Remembers, per row, the S draws of its last `depth` visits. */
export class DrawMemory {
  /** Draws per visit S. */
  readonly s: number;
  /** Visits kept per row. */
  readonly depth: number;
  #index: Int32Array;
  #logWeight: Float64Array;
  #visits: Int32Array;

  /** Memory for `n` rows. */
  constructor(n: number, options: { s: number; depth: number }) {
    this.s = options.s;
    this.depth = options.depth;
    this.#index = new Int32Array(n * options.depth * options.s);
    this.#logWeight = new Float64Array(n * options.depth * options.s);
    this.#visits = new Int32Array(n);
  }

  /** Records row `m`'s draws of this visit (`s` values from `at` in each array). */
  record(m: number, index: ArrayLike<number>, logWeight: ArrayLike<number>, at = 0): void {
    const o = (m * this.depth + this.#visits[m] % this.depth) * this.s;
    for (let q = 0; q < this.s; q++) {
      this.#index[o + q] = index[at + q];
      this.#logWeight[o + q] = logWeight[at + q];
    }
    this.#visits[m]++;
  }

  /** The rows with at least one visit recorded. */
  rows(): Int32Array {
    const out: number[] = [];
    this.#visits.forEach((v, m) => {
      if (v > 0) out.push(m);
    });
    return Int32Array.from(out);
  }

  /** How many visits every visited row has remembered (at most `depth`; 0 when none). */
  remembered(): number {
    let least = Infinity;
    for (const v of this.#visits) if (v > 0 && v < least) least = v;
    return least === Infinity ? 0 : Math.min(least, this.depth);
  }

  /**
   * Where row `m`'s draws of its `v`-th most recent visit (0: the last) start,
   * in `index`/`logWeight`; `v` < the row's remembered visits.
   */
  offset(m: number, v: number): number {
    const slot = ((this.#visits[m] - 1 - v) % this.depth + this.depth) % this.depth;
    return (m * this.depth + slot) * this.s;
  }

  /** The remembered indices (read-only view). */
  get index(): Int32Array {
    return this.#index;
  }

  /** The remembered log weights (read-only view). */
  get logWeight(): Float64Array {
    return this.#logWeight;
  }
}
