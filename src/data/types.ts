/**
 * The shape every data set exposes.
 *
 * @module
 */

import type { Matrix, MlpWeights } from "../types.ts";

/** Observation model of a data set. */
export type Likelihood = "gaussian" | "bernoulli";

/** Points drawn from a synthetic data set together with their true codes. */
export interface Draw {
  /** Observations, N x D. */
  x: Matrix;
  /** True codes z*, N x L. */
  z: Matrix;
}

/**
 * A synthetic example with known ground truth (methods.md section 10): an
 * analytic decoder, a surrogate MLP fitted to it from which data are drawn,
 * and the observation noise.
 */
export interface SyntheticDataset {
  /** Registry name, e.g. `"figure8"`. */
  name: string;
  /** One-line description (what makes it hard). */
  description: string;
  /** Observation dimension D. */
  d: number;
  /** Latent dimension L. */
  l: number;
  /** Observation noise variance of the Gaussian likelihood. */
  sigma2: number;
  /** Always `"gaussian"` for the synthetic sets. */
  likelihood: Likelihood;
  /** The analytic decoder f(z), applied row-wise to an N x L matrix. */
  analyticDecoder(z: Matrix): Matrix;
  /** The true decoder: the stored surrogate MLP, applied row-wise. */
  trueDecoder(z: Matrix): Matrix;
  /** The surrogate's weights (the ground truth's architecture). */
  surrogate: MlpWeights;
  /** Draws N points: z ~ N(0, I), x ~ N(trueDecoder(z), sigma2 I). */
  draw(n: number, seed: number): Draw;
}
