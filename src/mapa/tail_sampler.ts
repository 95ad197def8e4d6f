/**
 * Fresh tail draws for the MAPA bound (methods.md sections 5 and 11): a
 * {@linkcode TailSampler} draws S indices from a row's renormalised tail
 * q~(n | x_m) each time it is asked, so training never fits the decoder to a
 * fixed set of draws (a fixed pool is a sample-average approximation whose
 * bound can rise above log p).
 *
 * Exact rows scan all N points for each draw (O(N D) per row, the cost of
 * one kernel row); HNSW rows draw among their k' - K extra neighbours (O(k')).
 * Draws use {@linkcode sampleTail}, so their log weights follow the
 * TailPool convention.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import type { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { kernelOfRows } from "./kernel.ts";
import { sampleTail } from "./tail.ts";
import type { MapaRows } from "./types.ts";

/** Tail draws of one row, written where the caller says. */
export interface TailDraws {
  /** Drawn indices. */
  indices: Int32Array;
  /** Log importance weight of each draw (TailPool's convention). */
  logWeight: Float64Array;
  /** Where row's S draws start. */
  offset: number;
}

/** Draws S tail indices of any row, fresh on every call. */
export interface TailSampler {
  /** Rows N. */
  readonly n: number;
  /** Draws per call S. */
  readonly s: number;
  /** `"iid"` or `"without_replacement"`. */
  readonly scheme: "iid" | "without_replacement";
  /** Writes S draws from row `m`'s tail at `out.offset`. */
  draw(m: number, rng: Rng, out: TailDraws): void;
}

/** Options for the samplers. */
export interface TailSamplerOptions {
  /** Draws per call S (>= 1). */
  s: number;
  /** Sampling scheme; default `"without_replacement"` (methods.md 5: beyond the paper). */
  scheme?: "iid" | "without_replacement";
}

function checkOptions(options: TailSamplerOptions): "iid" | "without_replacement" {
  const scheme = options.scheme ?? "without_replacement";
  if (!Number.isInteger(options.s) || options.s < 1) {
    throw new InputError(`S must be an integer >= 1, got ${options.s}`);
  }
  if (scheme !== "iid" && scheme !== "without_replacement") {
    throw new InputError(`unknown tail scheme "${scheme}"; use iid or without_replacement`);
  }
  return scheme;
}

/**
 * A sampler over every point outside each row's top K, with unnormalised
 * log q(j | x_m) from `logits(m, out)` (which fills `out[0..N)`).
 */
export function scanTailSampler(
  rows: Pick<MapaRows, "n" | "k" | "neighbors">,
  logits: (m: number, out: Float64Array) => void,
  options: TailSamplerOptions,
): TailSampler {
  const scheme = checkOptions(options);
  const { n, k } = rows, s = options.s;
  const all = new Float64Array(n);
  const inTop = new Uint8Array(n);
  const cand = new Int32Array(n);
  const logw = new Float64Array(n);
  const scratch = new Float64Array(n);
  return {
    n,
    s,
    scheme,
    draw(m, rng, out) {
      logits(m, all);
      for (let i = 0; i < k; i++) inTop[rows.neighbors[m * k + i]] = 1;
      let len = 0;
      for (let j = 0; j < n; j++) {
        if (inTop[j]) continue;
        cand[len] = j;
        logw[len++] = all[j];
      }
      for (let i = 0; i < k; i++) inTop[rows.neighbors[m * k + i]] = 0;
      sampleTail(cand, logw, len, m, { s, rounds: 1, scheme, rng }, {
        indices: out.indices,
        logWeight: out.logWeight,
        base: out.offset,
      }, scratch);
    },
  };
}

/**
 * The tail sampler of `rows` over the data `x` they were computed from
 * (checked against `rows.dataChecksum`): exact rows draw from all points
 * outside the top K, HNSW rows from their k' - K extra neighbours.
 */
export function rowsTailSampler(
  x: Matrix,
  rows: MapaRows,
  options: TailSamplerOptions,
): TailSampler {
  const scheme = checkOptions(options);
  if (x.rows !== rows.n || x.cols !== rows.d || matrixChecksum(x) !== rows.dataChecksum) {
    throw new InputError("the data do not match the rows' checksum; recompute the rows");
  }
  if (rows.method === "hnsw") {
    const e = rows.extraK ?? 0, s = options.s;
    const cand = new Int32Array(e), logw = new Float64Array(e), scratch = new Float64Array(e);
    return {
      n: rows.n,
      s,
      scheme,
      draw(m, rng, out) {
        let len = 0;
        for (let i = 0; i < e; i++) {
          const j = rows.extraNeighbors![m * e + i];
          if (j < 0) continue;
          cand[len] = j;
          logw[len++] = rows.extraLogq![m * e + i];
        }
        sampleTail(cand, logw, len, m, { s, rounds: 1, scheme, rng }, {
          indices: out.indices,
          logWeight: out.logWeight,
          base: out.offset,
        }, scratch);
      },
    };
  }
  const scale = kernelOfRows(rows).scale, d = x.cols, data = x.data;
  return scanTailSampler(rows, (m, out) => {
    for (let j = 0; j < rows.n; j++) {
      let d2 = 0;
      for (let t = 0; t < d; t++) {
        const diff = data[j * d + t] - data[m * d + t];
        d2 += diff * diff;
      }
      out[j] = -scale * d2;
    }
  }, { s: options.s, scheme });
}
