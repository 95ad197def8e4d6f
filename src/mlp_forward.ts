/**
 * A plain-TypeScript forward pass for {@linkcode MlpWeights}: the fast path
 * for drawing data, evaluating a known decoder and MAPA's ground truth,
 * where starting tfjs would cost more than the arithmetic.
 *
 * @module
 */

import type { Activation, DenseLayer, Matrix, MlpWeights } from "./types.ts";

/**
 * Negative-side slope of `leaky_relu`. tfjs's `tf.leakyRelu` defaults to 0.2,
 * so tfjs models that share weights with this module must pass this value.
 */
export const LEAKY_RELU_ALPHA = 0.01;

/** Rows processed together: intermediate buffers stay small (and in cache) for any N. */
const BLOCK_ROWS = 512;

function applyActivation(act: Activation, y: Float64Array, start: number, end: number): void {
  switch (act) {
    case "linear":
      return;
    case "tanh":
      for (let i = start; i < end; i++) y[i] = Math.tanh(y[i]);
      return;
    case "relu":
      for (let i = start; i < end; i++) if (y[i] < 0) y[i] = 0;
      return;
    case "leaky_relu":
      for (let i = start; i < end; i++) if (y[i] < 0) y[i] *= LEAKY_RELU_ALPHA;
      return;
    case "sigmoid":
      for (let i = start; i < end; i++) {
        const v = y[i];
        // Two branches so exp never overflows.
        if (v >= 0) y[i] = 1 / (1 + Math.exp(-v));
        else {
          const e = Math.exp(v);
          y[i] = e / (1 + e);
        }
      }
      return;
    default:
      throw new RangeError(`unknown activation ${act as string}`);
  }
}

/** y[n x out] = act(x[n x in] W + b), reading from and writing to offsets in flat arrays. */
function denseInto(
  layer: DenseLayer,
  src: Float64Array,
  srcOff: number,
  n: number,
  dst: Float64Array,
  dstOff: number,
): void {
  const ni = layer.inputs;
  const no = layer.outputs;
  const w = layer.weights;
  const b = layer.bias;
  for (let i = 0; i < n; i++) {
    const xo = srcOff + i * ni;
    const yo = dstOff + i * no;
    for (let k = 0; k < no; k++) dst[yo + k] = b[k];
    for (let j = 0; j < ni; j++) {
      const v = src[xo + j];
      if (v === 0) continue;
      const wo = j * no;
      for (let k = 0; k < no; k++) dst[yo + k] += v * w[wo + k];
    }
  }
  applyActivation(layer.activation, dst, dstOff, dstOff + n * no);
}

function checkShapes(weights: MlpWeights, x: Matrix): void {
  const layers = weights.layers;
  if (layers.length === 0) throw new RangeError("mlpForward: the MLP has no layers");
  if (x.cols !== layers[0].inputs) {
    throw new RangeError(
      `mlpForward: input has ${x.cols} columns but the first layer takes ${layers[0].inputs}`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new RangeError(`mlpForward: input data length ${x.data.length} != rows * cols`);
  }
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[l];
    if (layer.weights.length !== layer.inputs * layer.outputs) {
      throw new RangeError(`mlpForward: layer ${l} weights length != inputs * outputs`);
    }
    if (layer.bias.length !== layer.outputs) {
      throw new RangeError(`mlpForward: layer ${l} bias length != outputs`);
    }
    if (l > 0 && layer.inputs !== layers[l - 1].outputs) {
      throw new RangeError(
        `mlpForward: layer ${l} takes ${layer.inputs} inputs but layer ${l - 1} gives ${
          layers[l - 1].outputs
        }`,
      );
    }
  }
}

/**
 * Applies the MLP to every row of `x` (N x inputs) and returns an N x outputs
 * matrix. Works in blocks of rows, so memory stays O(N x outputs) for any N.
 *
 * @example
 * ```ts
 * import { mlpForward } from "./mlp_forward.ts";
 * const net = { layers: [{ inputs: 1, outputs: 1, weights: new Float64Array([2]),
 *   bias: new Float64Array([1]), activation: "linear" as const }] };
 * mlpForward(net, { rows: 1, cols: 1, data: new Float64Array([3]) }).data[0]; // 7
 * ```
 */
export function mlpForward(weights: MlpWeights, x: Matrix): Matrix {
  checkShapes(weights, x);
  const layers = weights.layers;
  const last = layers.length - 1;
  const outCols = layers[last].outputs;
  const out = new Float64Array(x.rows * outCols);
  let width = 0;
  for (let l = 0; l < last; l++) width = Math.max(width, layers[l].outputs);
  const bufA = new Float64Array(BLOCK_ROWS * width);
  const bufB = new Float64Array(BLOCK_ROWS * width);
  for (let r0 = 0; r0 < x.rows; r0 += BLOCK_ROWS) {
    const n = Math.min(BLOCK_ROWS, x.rows - r0);
    let src = x.data;
    let srcOff = r0 * x.cols;
    for (let l = 0; l <= last; l++) {
      const dst = l === last ? out : l % 2 === 0 ? bufA : bufB;
      const dstOff = l === last ? r0 * outCols : 0;
      denseInto(layers[l], src, srcOff, n, dst, dstOff);
      src = dst;
      srcOff = dstOff;
    }
  }
  return { rows: x.rows, cols: outCols, data: out };
}
