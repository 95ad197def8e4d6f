/**
 * Posterior trend (methods.md 8, paper section 6.3): how well a posterior
 * over training indices, e.g. a MAPA row log q(n | x_m), ranks the training
 * codes z*_n the way the ground truth does. Two references per point x_m:
 * - the ground-truth empiricalized posterior (Eq. 7),
 *   log q_GT(n | x_m) = log p(x_m | z*_n) - log sum_j p(x_m | z*_j);
 * - the original posterior at the codes, log p(z*_n | x_m) up to a constant:
 *   log prior(z*_n) + log p(x_m | z*_n).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp.ts";
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

/** Rank agreement of one log q row with the two references. */
export interface TrendCorrelation {
  /** Spearman correlation with log q_GT(n | x_m). */
  spearmanGt: number;
  /** Spearman correlation with log p(z*_n | x_m). */
  spearmanPosterior: number;
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
 * Spearman correlations of a dense log q row (length N, -Infinity allowed
 * for indices outside a sparse row) with both references of one point.
 */
export function posteriorTrend(logQ: Float64Array, reference: TruthPosterior): TrendCorrelation {
  if (logQ.length !== reference.logQGt.length) {
    throw new InputError(
      `log q has ${logQ.length} entries but the reference has ${reference.logQGt.length} codes`,
    );
  }
  return {
    spearmanGt: spearman(logQ, reference.logQGt),
    spearmanPosterior: spearman(logQ, reference.logPosterior),
  };
}
