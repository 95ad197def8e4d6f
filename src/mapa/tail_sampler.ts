/**
 * Fresh tail draws for the MAPA bound (methods.md sections 5 and 11): a
 * {@linkcode TailSampler} draws S indices from a row's renormalised tail
 * q~(n | x_m) each time it is asked, so training never fits the decoder to a
 * fixed set of draws (a fixed pool is a sample-average approximation whose
 * bound can rise above log p).
 *
 * Exact rows scan all N points for each draw (O(N D) per row, the cost of
 * one kernel row) and draw from q~ itself. HNSW rows know q only on the k'
 * points found (top K plus extras E); they draw from the mixture proposal of
 * methods.md section 11 over every point outside the top K:
 * r(n) = a k(x_m, x_n) / sum_E k on E and (1 - a) r_R(n) on the other
 * N - k' points R, a = sum_E k / (sum_E k + estimated sum_R k), clamped to
 * [minShare, 1 - minShare] so every tail point keeps r > 0. r_R is the cell
 * proposal of src/mapa/rest_cells.ts by default (`restProposal: "cells"`,
 * O(C D + k') per row, then O(log C) per draw) or uniform on R as methods.md
 * writes it (`"uniform"`, O(1) per draw); both draw by rejection of the k'
 * found, so draws stay fresh every call.
 * Log weights follow the TailPool convention either way: the weighted sum of
 * p(x_m | z_n) / N is unbiased for the tail sum over all N - K points.
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
import { buildRestCells, type RestCells, RestProposal } from "./rest_cells.ts";

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
  /**
   * Sampling scheme; default `"without_replacement"` (methods.md 5: beyond
   * the paper). For HNSW rows `"iid"` draws i.i.d. from the mixture proposal;
   * `"without_replacement"` stratifies: S_E = round(a S) (at least 1 each
   * side when S >= 2 and both are non-empty) Gumbel-top-k draws on E by
   * kernel weight and S_R = S - S_E draws on R, each stratum with its own
   * weights: with the cell proposal S_R i.i.d. draws weighted
   * 1 / (S_R r_R(n)), with the uniform one S_R distinct uniform draws
   * weighted |R| / S_R (all of R, weight 1, whenever |R| <= S_R).
   */
  scheme?: "iid" | "without_replacement";
  /**
   * HNSW rows: the least proposal share on each of E and R when both are
   * non-empty, so that an estimated rest mass of 0 never leaves R uncovered;
   * default 1e-3.
   */
  minShare?: number;
  /**
   * HNSW rows: how draws on R (outside the k' found) are proposed:
   * `"cells"` (default; src/mapa/rest_cells.ts, this project's **(choice)**)
   * or `"uniform"` (methods.md section 11 as written).
   */
  restProposal?: "uniform" | "cells";
  /** Prebuilt cells for `"cells"` (default: built from the data, seed 0). */
  cells?: RestCells;
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
 * outside the top K, HNSW rows (and exact rows given extras by
 * `splitExtras`) from their k' - K extra neighbours and the rest proposal
 * over every other point.
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
  const scale = kernelOfRows(rows).scale, d = x.cols, data = x.data;
  // Exact rows split by split_extras.ts carry extras too and share HNSW's estimator.
  if (rows.method === "hnsw" || rows.extraNeighbors) {
    const rest = options.restProposal ?? "cells";
    if (rest !== "cells" && rest !== "uniform") {
      throw new InputError(`unknown rest proposal "${rest}"; use cells or uniform`);
    }
    const proposal = rest === "cells" && rows.n - rows.k > 0
      ? new RestProposal(x, options.cells ?? buildRestCells(x), { scale })
      : undefined;
    return hnswTailSampler(rows, options, { scheme, proposal });
  }
  return scanTailSampler(rows, (m, out) => {
    if (d === 2) {
      const a0 = data[2 * m], a1 = data[2 * m + 1];
      for (let j = 0; j < rows.n; j++) {
        const e0 = data[2 * j] - a0, e1 = data[2 * j + 1] - a1;
        out[j] = -scale * (e0 * e0 + e1 * e1);
      }
      return;
    }
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

/** Mixture-proposal tail sampler of HNSW rows (see the module doc). */
function hnswTailSampler(
  rows: MapaRows,
  options: TailSamplerOptions,
  how: { scheme: "iid" | "without_replacement"; proposal?: RestProposal },
): TailSampler {
  const { scheme, proposal } = how;
  const { n, k } = rows, s = options.s, e = rows.extraK ?? 0;
  const minShare = options.minShare ?? 1e-3;
  if (!(minShare > 0 && minShare < 0.5)) {
    throw new InputError(`minShare must be in (0, 0.5), got ${minShare}`);
  }
  const cand = new Int32Array(e), logw = new Float64Array(e);
  const cum = new Float64Array(e), scratch = new Float64Array(e);
  // 1 marks the found set F (top K and extras), 2 a point already drawn from R.
  const mark = new Uint8Array(n);
  const logS = Math.log(s);
  const found = new Int32Array(k + e);
  const logR = new Float64Array(1);
  return {
    n,
    s,
    scheme,
    draw(m, rng, out) {
      let len = 0, qT = 0, maxE = -Infinity;
      let nFound = 0;
      for (let i = 0; i < k; i++) {
        mark[rows.neighbors[m * k + i]] = 1;
        found[nFound++] = rows.neighbors[m * k + i];
        qT += Math.exp(rows.logq[m * k + i]);
      }
      for (let i = 0; i < e; i++) {
        const j = rows.extraNeighbors![m * e + i];
        if (j < 0 || mark[j]) continue;
        mark[j] = 1;
        found[nFound++] = j;
        cand[len] = j;
        logw[len] = rows.extraLogq![m * e + i];
        if (logw[len] > maxE) maxE = logw[len];
        len++;
      }
      // Cumulative weights relative to the largest, so far extras (binary or high-D data) do not
      // underflow to a zero chance of being drawn.
      let sumE = 0;
      for (let i = 0; i < len; i++) {
        sumE += Math.exp(logw[i] - maxE);
        cum[i] = sumE;
      }
      const logQE = len > 0 ? maxE + Math.log(sumE) : -Infinity;
      const sizeR = n - k - len;
      // Rows from an older cache lack logRestSum: what F leaves of q is the rest.
      const logQR = rows.logRestSum
        ? rows.logRestSum[m] - rows.logNormalizer[m]
        : Math.log(Math.max(0, 1 - qT - Math.exp(logQE)));
      let a = sizeR === 0
        ? 1
        : len === 0
        ? 0
        : logQE === -Infinity && logQR === -Infinity
        ? 0.5
        : 1 / (1 + Math.exp(logQR - logQE));
      if (sizeR > 0 && len > 0) a = Math.min(1 - minShare, Math.max(minShare, a));
      const logA = Math.log(a), logRestR = Math.log1p(-a) - Math.log(sizeR);
      if (proposal && sizeR > 0) proposal.setRow(m, found.subarray(0, nFound));
      const drawR = () => {
        for (;;) {
          const j = rng.int(n);
          if (mark[j] === 0) return j;
        }
      };
      const drawE = () => {
        const u = rng.uniform() * sumE;
        let lo = 0, hi = len - 1;
        while (lo < hi) {
          const mid = (lo + hi) >> 1;
          if (cum[mid] > u) hi = mid;
          else lo = mid + 1;
        }
        return lo;
      };
      const o = out.offset;
      if (sizeR === 0 && len === 0) {
        out.indices.fill(m, o, o + s);
        out.logWeight.fill(-Infinity, o, o + s);
      } else if (scheme === "iid" || s === 1 || sizeR === 0 || len === 0) {
        // One draw cannot stratify; a lone stratum is the proposal itself
        // (Gumbel-top-k on E alone matches the exact rows' scheme).
        if (scheme !== "iid" && sizeR === 0) {
          sampleTail(cand, logw, len, m, { s, rounds: 1, scheme, rng }, {
            indices: out.indices,
            logWeight: out.logWeight,
            base: o,
          }, scratch);
        } else if (scheme !== "iid" && len === 0) {
          drawRestStratum(o, s);
        } else {
          for (let t = 0; t < s; t++) {
            if (rng.uniform() < a) {
              const i = drawE();
              out.indices[o + t] = cand[i];
              out.logWeight[o + t] = -logS - (logA + logw[i] - logQE);
            } else if (proposal) {
              out.indices[o + t] = proposal.draw(rng, mark, logR);
              out.logWeight[o + t] = -logS - (Math.log1p(-a) + logR[0]);
            } else {
              out.indices[o + t] = drawR();
              out.logWeight[o + t] = -logS - logRestR;
            }
          }
        }
      } else {
        const sE = Math.min(s - 1, Math.max(1, Math.round(a * s)));
        sampleTail(cand, logw, len, m, { s: sE, rounds: 1, scheme, rng }, {
          indices: out.indices,
          logWeight: out.logWeight,
          base: o,
        }, scratch);
        drawRestStratum(o + sE, s - sE);
      }
      for (let i = 0; i < k; i++) mark[rows.neighbors[m * k + i]] = 0;
      for (let i = 0; i < len; i++) mark[cand[i]] = 0;

      // sR distinct uniform draws on R, weight |R| / sR (all of R, weight 1, when it is small);
      // with cells, sR i.i.d. draws from the cell proposal, weight 1 / (sR r(n)).
      function drawRestStratum(at: number, sR: number): void {
        if (proposal && sizeR > sR) {
          const lsR = Math.log(sR);
          for (let t = 0; t < sR; t++) {
            out.indices[at + t] = proposal.draw(rng, mark, logR);
            out.logWeight[at + t] = -lsR - logR[0];
          }
          return;
        }
        if (sizeR <= sR) {
          let t = 0;
          for (let j = 0; j < n; j++) {
            if (mark[j] !== 0) continue;
            out.indices[at + t] = j;
            out.logWeight[at + t++] = 0;
          }
          for (; t < sR; t++) {
            out.indices[at + t] = m;
            out.logWeight[at + t] = -Infinity;
          }
          return;
        }
        const lw = Math.log(sizeR / sR);
        for (let t = 0; t < sR; t++) {
          const j = drawR();
          mark[j] = 2;
          out.indices[at + t] = j;
          out.logWeight[at + t] = lw;
        }
        for (let t = 0; t < sR; t++) mark[out.indices[at + t]] = 0;
      }
    },
  };
}
