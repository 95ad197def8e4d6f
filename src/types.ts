/**
 * Plain data shared between modules: dense matrices and MLP weights.
 *
 * @module
 */

/** A dense row-major matrix of `rows` x `cols` float64 values. */
export interface Matrix {
  /** Number of rows (data points). */
  rows: number;
  /** Number of columns (dimensions). */
  cols: number;
  /** Row-major values, length `rows * cols`. */
  data: Float64Array;
}

/** Activation functions an MLP may use between layers. */
export type Activation = "tanh" | "relu" | "leaky_relu" | "sigmoid" | "linear";

/** One dense layer: y = act(x W + b), W stored row-major as [inputs][outputs]. */
export interface DenseLayer {
  /** Input width. */
  inputs: number;
  /** Output width. */
  outputs: number;
  /** Weights, row-major [inputs][outputs]. */
  weights: Float64Array;
  /** Biases, length `outputs`. */
  bias: Float64Array;
  /** Activation applied after this layer. */
  activation: Activation;
}

/** A plain multilayer perceptron: layers applied in order. */
export interface MlpWeights {
  /** The layers, first to last. */
  layers: DenseLayer[];
}

/** Makes a zero matrix of the given shape. */
export function zeros(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

/** Copies row `i` of `m` into a new array. */
export function row(m: Matrix, i: number): Float64Array {
  return m.data.slice(i * m.cols, (i + 1) * m.cols);
}

/**
 * The prior of a generative model, in the space the decoder reads:
 * - `standard_normal`: z ~ N(0, I_L);
 * - `gmm`: z ~ sum_c weights[c] N(means[c], diag(variances[c])) (L > 1 prior recovery, methods.md 7);
 * - `copula`: u ~ N(0, 1) and z = the monotone piecewise-linear map through
 *   (knotsU[i], knotsZ[i]) (L = 1 prior recovery), so the decoder reads map(u).
 */
export type Prior =
  | { kind: "standard_normal" }
  | {
    kind: "gmm";
    /** Mixture weights, length C, summing to 1. */
    weights: Float64Array;
    /** Component means, C x L row-major. */
    means: Float64Array;
    /** Component diagonal variances, C x L row-major. */
    variances: Float64Array;
  }
  | {
    kind: "copula";
    /** Increasing knots in u-space. */
    knotsU: Float64Array;
    /** Non-decreasing knots in z-space, same length. */
    knotsZ: Float64Array;
  };

/**
 * A learned or true generative model as plain data (methods.md section 1):
 * z ~ prior, x | z ~ N(decoder(z), sigma2 I) or Bernoulli(sigmoid(decoder(z))).
 * For Bernoulli models the decoder's last layer outputs logits.
 */
export interface GenerativeModel {
  /** Latent dimension L. */
  l: number;
  /** Observation dimension D. */
  d: number;
  /** Observation model. */
  likelihood: "gaussian" | "bernoulli";
  /** Observation noise variance (Gaussian only; ignored for Bernoulli). */
  sigma2: number;
  /** The prior over codes. */
  prior: Prior;
  /** The decoder network f_theta. */
  decoder: MlpWeights;
}
