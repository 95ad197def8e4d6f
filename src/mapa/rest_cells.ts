/**
 * A proposal for the part of an HNSW row's tail the index never saw: the
 * N - k' points R outside the found set F (top K plus extras). Drawing them
 * uniformly (methods.md section 11) is unbiased but blind: at figure8's
 * bandwidth a row's tail mass sits on the few thousand points near x_m, so a
 * uniform draw mostly lands where p(x_m | z_n) is negligible and the log of
 * the noisy tail estimate costs the bound tenths of a nat (README, "MAPA
 * rows for your own data"). This module is this project's **(choice)** beyond the
 * paper, option `restProposal: "cells"`.
 *
 * Cells: C pivots drawn from the data, each point in the cell of its nearest
 * pivot (O(N C D) once per data set), and each cell's radius rho_c (its
 * farthest member). A row's proposal on R picks cell c with probability
 * w_c = (1 - eps) * |c| kmax_c / sum + eps * |c| / N, then a uniform member,
 * rejecting members of F. kmax_c = k at distance max(0, |x_m - pivot_c| -
 * rho_c), the largest kernel value any member can have, so a member's
 * importance weight k(x_m, x_n) / r(n) is bounded: no cell whose pivot is
 * far but whose members reach x_m is under-proposed, and the weights have
 * no heavy tail for the sample standard error to miss. So r(n) = w_c(n) / |c(n)|
 * / Z_R with Z_R = sum_c w_c - sum_{n in F} w_c(n) / |c(n)|, exactly, in
 * O(C D + k') per row; eps keeps every point of R reachable (and bounds the
 * rejections), so the importance-weighted tail sum stays unbiased.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";

/** The data's cells: pivots and members, plain arrays. */
export interface RestCells {
  /** Points N. */
  n: number;
  /** Dimension D. */
  d: number;
  /** Cells C. */
  c: number;
  /** Pivot coordinates, C x D row-major. */
  pivots: Float64Array;
  /** Each point's cell. */
  cellOf: Int32Array;
  /** Members of cell c are `members[start[c] .. start[c + 1])`. */
  start: Int32Array;
  /** Point indices grouped by cell. */
  members: Int32Array;
  /** Each cell's radius: the largest distance of a member to its pivot. */
  radius: Float64Array;
}

/** Options of {@linkcode buildRestCells}. */
export interface RestCellsOptions {
  /** Cells C (default min(256, ceil(sqrt(N)))), at most N. */
  cells?: number;
  /** Seed of the pivot draw (default 0); the cells are a pure function of data and seed. */
  seed?: number;
}

/** Partitions `x`'s rows into the cells of C random pivots (nearest pivot, ties to the lower). */
export function buildRestCells(x: Matrix, options: RestCellsOptions = {}): RestCells {
  const n = x.rows, d = x.cols, data = x.data;
  const c = options.cells ?? Math.min(256, Math.ceil(Math.sqrt(n)));
  if (!Number.isInteger(c) || c < 1 || c > n) {
    throw new InputError(`cells must be an integer in [1, N = ${n}], got ${c}`);
  }
  // Partial Fisher-Yates: C distinct pivots.
  const rng = Rng.stream(options.seed ?? 0, "mapa/rest-cells");
  const order = new Int32Array(n).map((_, i) => i);
  for (let i = 0; i < c; i++) {
    const j = i + rng.int(n - i);
    const t = order[i];
    order[i] = order[j];
    order[j] = t;
  }
  const pivots = new Float64Array(c * d);
  for (let i = 0; i < c; i++) pivots.set(data.subarray(order[i] * d, order[i] * d + d), i * d);
  const cellOf = new Int32Array(n);
  const count = new Int32Array(c + 1);
  const radius = new Float64Array(c);
  for (let j = 0; j < n; j++) {
    let best = 0, bestD = Infinity;
    for (let p = 0; p < c; p++) {
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[j * d + t] - pivots[p * d + t];
        d2 += diff * diff;
      }
      if (d2 < bestD) {
        bestD = d2;
        best = p;
      }
    }
    cellOf[j] = best;
    count[best + 1]++;
    if (bestD > radius[best]) radius[best] = bestD;
  }
  for (let p = 0; p < c; p++) radius[p] = Math.sqrt(radius[p]);
  const start = new Int32Array(c + 1);
  for (let p = 0; p < c; p++) start[p + 1] = start[p] + count[p + 1];
  const fill = start.slice(0, c);
  const members = new Int32Array(n);
  for (let j = 0; j < n; j++) members[fill[cellOf[j]]++] = j;
  return { n, d, c, pivots, cellOf, start, members, radius };
}

/**
 * One row's proposal over R: call {@linkcode RestProposal.setRow} with the
 * row's point and its found set, then {@linkcode RestProposal.draw} as often
 * as needed.
 */
export class RestProposal {
  readonly #cells: RestCells;
  readonly #x: Matrix;
  readonly #scale: number;
  readonly #eps: number;
  readonly #w: Float64Array;
  readonly #cum: Float64Array;
  #logZR = 0;
  #zR = 0;

  /**
   * A proposal over the cells of `x` for a kernel log k = -scale * d^2, with
   * the uniform share `options.eps` (default 0.05, in (0, 1]).
   */
  constructor(
    x: Matrix,
    cells: RestCells,
    options: { scale: number; eps?: number },
  ) {
    const eps = options.eps ?? 0.05;
    if (!(eps > 0 && eps <= 1)) {
      throw new InputError(`cell proposal eps must be in (0, 1], got ${eps}`);
    }
    if (cells.n !== x.rows || cells.d !== x.cols) {
      throw new InputError("the cells were built from other data; rebuild them");
    }
    this.#x = x;
    this.#cells = cells;
    this.#scale = options.scale;
    this.#eps = eps;
    this.#w = new Float64Array(cells.c);
    this.#cum = new Float64Array(cells.c);
  }

  /**
   * Sets the row: point `m` and its found set F (top K and extras), listed
   * in `found`. Returns log Z_R, the proposal mass on R (-Infinity when R is
   * empty).
   */
  setRow(m: number, found: ArrayLike<number>): number {
    const { c, d, pivots, start, radius } = this.#cells;
    const data = this.#x.data, w = this.#w, n = this.#cells.n;
    let max = -Infinity;
    for (let p = 0; p < c; p++) {
      const size = start[p + 1] - start[p];
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[m * d + t] - pivots[p * d + t];
        d2 += diff * diff;
      }
      // The nearest a member can be (triangle inequality): the cell's largest kernel value.
      const near = Math.max(0, Math.sqrt(d2) - radius[p]);
      w[p] = size > 0 ? Math.log(size) - this.#scale * near * near : -Infinity;
      if (w[p] > max) max = w[p];
    }
    let sum = 0;
    for (let p = 0; p < c; p++) sum += Math.exp(w[p] - max);
    let acc = 0;
    for (let p = 0; p < c; p++) {
      const size = start[p + 1] - start[p];
      w[p] = (1 - this.#eps) * Math.exp(w[p] - max) / sum + this.#eps * size / n;
      acc += w[p];
      this.#cum[p] = acc;
    }
    let zR = acc;
    for (let i = 0; i < found.length; i++) {
      const cell = this.#cells.cellOf[found[i]];
      zR -= w[cell] / (start[cell + 1] - start[cell]);
    }
    // Rounding can leave a hair above 0 when R is empty; the caller knows |R|.
    this.#zR = Math.max(zR, 0);
    this.#logZR = Math.log(this.#zR);
    return this.#logZR;
  }

  /**
   * A draw from the row's proposal on R: rejects points `mark` flags
   * non-zero. Returns the index; `logR[0]` gets log r(n).
   */
  draw(rng: Rng, mark: Uint8Array, logR: Float64Array): number {
    const j = this.#pick(rng, mark);
    const { start, cellOf } = this.#cells, cell = cellOf[j];
    logR[0] = Math.log(this.#w[cell] / (start[cell + 1] - start[cell])) - this.#logZR;
    return j;
  }

  /**
   * As {@linkcode RestProposal.draw}, with `inv[0]` = 1 / r(n) (no log or
   * exp: the normaliser's estimate makes hundreds of draws per row).
   */
  drawInverse(rng: Rng, mark: Uint8Array, inv: Float64Array): number {
    const j = this.#pick(rng, mark);
    const { start, cellOf } = this.#cells, cell = cellOf[j];
    inv[0] = this.#zR * (start[cell + 1] - start[cell]) / this.#w[cell];
    return j;
  }

  #pick(rng: Rng, mark: Uint8Array): number {
    const { c, start, members } = this.#cells;
    const cum = this.#cum, total = cum[c - 1];
    for (;;) {
      const u = rng.uniform() * total;
      let lo = 0, hi = c - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cum[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      const size = start[lo + 1] - start[lo];
      if (size === 0) continue;
      const j = members[start[lo] + rng.int(size)];
      if (mark[j] === 0) return j;
    }
  }
}
