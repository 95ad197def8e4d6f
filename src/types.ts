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
