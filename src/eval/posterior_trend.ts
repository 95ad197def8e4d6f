/**
 * Posterior trend (methods.md 8, paper section 6.3): how close a posterior
 * over training indices, e.g. a MAPA row log q(n | x_m), is to the ground
 * truth. Two references per point x_m:
 * - the ground-truth empiricalized posterior (Eq. 7),
 *   log q_GT(n | x_m) = log p(x_m | z*_n) - log sum_j p(x_m | z*_j);
 * - the original posterior at the codes, log p(z*_n | x_m) up to a constant:
 *   log prior(z*_n) + log p(x_m | z*_n).
 *
 * The headline is the total variation to q_GT, which weighs each code by its
 * mass. A Spearman correlation over all N codes is dominated by the far codes
 * of negligible mass (any decreasing function of distance ranks them right)
 * and is exactly invariant to the kernel's bandwidth, so it cannot fail; the
 * rank correlation kept here is restricted to the codes that carry the
 * reference's top mass.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { checkModel, logPriorDensity } from "./latent.ts";
import { decodedConstants, pairLogLik } from "./observation.ts";
import { spearman } from "./spearman.ts";
import { logSumExp } from "./stats.ts";

/** The two ground-truth references for one point x_m, each over all N codes. */
export interface TruthPosterior {
  /** log q_GT(n | x_m), normalised over n (Eq. 7). */
  logQGt: Float64Array;
  /** log prior(z*_n) + log p(x_m | z*_n): the original posterior up to a constant. */
  logPosterior: Float64Array;
}

/**
 * Default share of a reference's mass whose codes the restricted Spearman
 * correlation ranks: the smallest set of codes holding 99% of it.
 */
export const DEFAULT_TOP_MASS = 0.99;

/** Options of {@linkcode posteriorTrend}. */
export interface TrendOptions {
  /**
   * Share of each reference's mass, in (0, 1], whose smallest holding set of
   * codes the Spearman correlations are restricted to; default
   * {@linkcode DEFAULT_TOP_MASS}. 1 ranks every code whose share is above
   * the 1e-12 the float sum can lose.
   */
  topMass?: number;
}

/** How close one log q row is to the two references. */
export interface TrendScores {
  /** Total variation between q(. | x_m) and q_GT(. | x_m), in [0, 1]. */
  tvToGt: number;
  /**
   * Spearman correlation with log q_GT over the smallest set of codes that
   * holds `topMass` of q_GT; NaN when that set has fewer than 3 codes.
   */
  spearmanTopMass: number;
  /** Codes in that set. */
  topMassSize: number;
  /**
   * Spearman correlation with log p(z*_n | x_m) over the smallest set of
   * codes holding `topMass` of that posterior normalised over n; NaN when
   * that set has fewer than 3 codes.
   */
  spearmanPosteriorTopMass: number;
  /** Codes in that set. */
  posteriorTopMassSize: number;
}

/**
 * Ground-truth references for every row of `points` (M x D) over the
 * training codes `codes` (N x L, the z*_n), decoding the codes once. The
 * truth's prior must have a density in z-space (standard normal or GMM).
 */
export function truthPosteriors(
  truth: GenerativeModel,
  codes: Matrix,
  points: Matrix,
): TruthPosterior[] {
  checkModel(truth, points);
  if (truth.prior.kind === "copula") {
    throw new InputError("posterior trend needs a truth prior with a z-space density, not copula");
  }
  if (codes.cols !== truth.l || codes.rows < 2 || codes.data.length !== codes.rows * codes.cols) {
    throw new InputError(`codes must be N x L with N >= 2 and L = ${truth.l}`);
  }
  if (!codes.data.every(Number.isFinite)) throw new InputError("codes contain a non-finite value");
  const f = mlpForward(truth.decoder, codes);
  const consts = decodedConstants(truth, f);
  const logPrior = new Float64Array(codes.rows);
  for (let n = 0; n < codes.rows; n++) {
    logPrior[n] = logPriorDensity(truth.prior, truth.l, codes.data, n * truth.l);
  }
  const out: TruthPosterior[] = [];
  for (let m = 0; m < points.rows; m++) {
    const logQGt = new Float64Array(codes.rows);
    const logPosterior = new Float64Array(codes.rows);
    for (let n = 0; n < codes.rows; n++) {
      const ll = pairLogLik(truth, points, m, f, n, consts);
      logQGt[n] = ll;
      logPosterior[n] = logPrior[n] + ll;
    }
    const z = logSumExp(logQGt);
    for (let n = 0; n < codes.rows; n++) logQGt[n] -= z;
    out.push({ logQGt, logPosterior });
  }
  return out;
}

/**
 * Total variation (1/2) sum_n |p(n) - q(n)| between two distributions over
 * the same indices, each given as log weights normalised here (-Infinity is
 * weight 0). 0 when they agree, 1 when their supports are disjoint.
 *
 * @example
 * ```ts
 * import { totalVariation } from "./posterior_trend.ts";
 * totalVariation([0, -Infinity], [Math.log(0.5), Math.log(0.5)]); // 0.5
 * ```
 */
export function totalVariation(logP: ArrayLike<number>, logQ: ArrayLike<number>): number {
  if (logP.length !== logQ.length) {
    throw new InputError(`total variation: lengths ${logP.length} and ${logQ.length} differ`);
  }
  const zp = logSumExp(logP), zq = logSumExp(logQ);
  if (!Number.isFinite(zp) || !Number.isFinite(zq)) {
    throw new InputError("total variation needs finite log weights with some non-zero weight");
  }
  let s = 0;
  for (let i = 0; i < logP.length; i++) {
    s += Math.abs(Math.exp(logP[i] - zp) - Math.exp(logQ[i] - zq));
  }
  return Math.min(1, 0.5 * s);
}

/**
 * The smallest set of indices holding at least `mass` of the distribution
 * given by the log weights `logP` (normalised here): the heaviest indices,
 * added in decreasing weight until their share reaches `mass` (less 1e-12,
 * so that 1 does not pull in codes the float sum rounds away). Returned in
 * increasing index order.
 */
export function topMassIndices(
  logP: ArrayLike<number>,
  options: { mass?: number } = {},
): Int32Array {
  const mass = options.mass ?? DEFAULT_TOP_MASS;
  if (!(mass > 0 && mass <= 1)) throw new InputError(`top mass ${mass} is not in (0, 1]`);
  const z = logSumExp(logP);
  if (!Number.isFinite(z)) throw new InputError("top mass needs some finite log weight");
  const order = Array.from({ length: logP.length }, (_, i) => i)
    .filter((i) => logP[i] > -Infinity)
    .sort((a, b) => logP[b] - logP[a]);
  let acc = 0, k = 0;
  // The 1e-12 slack keeps mass = 1 from needing codes past the float sum's rounding.
  while (k < order.length && acc < mass - 1e-12) acc += Math.exp(logP[order[k++]] - z);
  return Int32Array.from(order.slice(0, Math.max(k, 1))).sort();
}

function restrictedSpearman(a: ArrayLike<number>, b: ArrayLike<number>, idx: Int32Array): number {
  if (idx.length < 3) return NaN;
  return spearman(Array.from(idx, (i) => a[i]), Array.from(idx, (i) => b[i]));
}

/**
 * Scores of a dense log q row (length N, normalised, -Infinity allowed for
 * indices outside a sparse row) against both references of one point: the
 * total variation to q_GT and the Spearman correlations restricted to each
 * reference's top mass.
 */
export function posteriorTrend(
  logQ: Float64Array,
  reference: TruthPosterior,
  options: TrendOptions = {},
): TrendScores {
  if (logQ.length !== reference.logQGt.length) {
    throw new InputError(
      `log q has ${logQ.length} entries but the reference has ${reference.logQGt.length} codes`,
    );
  }
  const mass = options.topMass ?? DEFAULT_TOP_MASS;
  const gtTop = topMassIndices(reference.logQGt, { mass });
  const postTop = topMassIndices(reference.logPosterior, { mass });
  return {
    tvToGt: totalVariation(logQ, reference.logQGt),
    spearmanTopMass: restrictedSpearman(logQ, reference.logQGt, gtTop),
    topMassSize: gtTop.length,
    spearmanPosteriorTopMass: restrictedSpearman(logQ, reference.logPosterior, postTop),
    posteriorTopMassSize: postTop.length,
  };
}
