/**
 * Input gradients of a plain {@linkcode MlpWeights} network: a forward pass
 * that keeps every layer's output, and the vector-Jacobian product back to
 * the inputs. The evaluators fit proposals with the decoder frozen, so only
 * d/d(input) is needed, never d/d(weights).
 *
 * @module
 */

import { LEAKY_RELU_ALPHA } from "../mlp_forward.ts";
import type { Activation, Matrix, MlpWeights } from "../types.ts";

/** The layer outputs of one forward pass (index 0 is the input). */
export interface MlpTape {
  /** Post-activation values per layer, row-major N x width; [0] is the input. */
  values: Float64Array[];
  /** Number of rows. */
  rows: number;
}

function activate(act: Activation, v: number): number {
  switch (act) {
    case "linear":
      return v;
    case "tanh":
      return Math.tanh(v);
    case "relu":
      return v < 0 ? 0 : v;
    case "leaky_relu":
      return v < 0 ? v * LEAKY_RELU_ALPHA : v;
    case "sigmoid":
      return v >= 0 ? 1 / (1 + Math.exp(-v)) : Math.exp(v) / (1 + Math.exp(v));
  }
}

/** d act / d pre-activation, from the post-activation value y. */
function slopeFromOutput(act: Activation, y: number): number {
  switch (act) {
    case "linear":
      return 1;
    case "tanh":
      return 1 - y * y;
    case "relu":
      return y > 0 ? 1 : 0;
    case "leaky_relu":
      return y > 0 ? 1 : LEAKY_RELU_ALPHA;
    case "sigmoid":
      return y * (1 - y);
  }
}

/** Runs the MLP on every row of `x`, keeping each layer's output for {@linkcode mlpInputGrad}. */
export function mlpForwardTape(weights: MlpWeights, x: Matrix): MlpTape {
  const n = x.rows;
  const values: Float64Array[] = [x.data];
  let src = x.data;
  for (const layer of weights.layers) {
    const ni = layer.inputs;
    const no = layer.outputs;
    const dst = new Float64Array(n * no);
    for (let i = 0; i < n; i++) {
      const yo = i * no;
      for (let k = 0; k < no; k++) dst[yo + k] = layer.bias[k];
      for (let j = 0; j < ni; j++) {
        const v = src[i * ni + j];
        if (v === 0) continue;
        const wo = j * no;
        for (let k = 0; k < no; k++) dst[yo + k] += v * layer.weights[wo + k];
      }
      for (let k = 0; k < no; k++) dst[yo + k] = activate(layer.activation, dst[yo + k]);
    }
    values.push(dst);
    src = dst;
  }
  return { values, rows: n };
}

/** The network output stored in a tape, as a matrix. */
export function tapeOutput(weights: MlpWeights, tape: MlpTape): Matrix {
  const last = weights.layers[weights.layers.length - 1];
  return { rows: tape.rows, cols: last.outputs, data: tape.values[tape.values.length - 1] };
}

/**
 * Given d(objective)/d(output) per row (`gradOut`, N x outputs), returns
 * d(objective)/d(input) per row (N x inputs) for the pass recorded in `tape`.
 */
export function mlpInputGrad(weights: MlpWeights, tape: MlpTape, gradOut: Matrix): Matrix {
  const n = tape.rows;
  let g = Float64Array.from(gradOut.data);
  for (let l = weights.layers.length - 1; l >= 0; l--) {
    const layer = weights.layers[l];
    const ni = layer.inputs;
    const no = layer.outputs;
    const y = tape.values[l + 1];
    for (let t = 0; t < n * no; t++) g[t] *= slopeFromOutput(layer.activation, y[t]);
    const prev = new Float64Array(n * ni);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < ni; j++) {
        const wo = j * no;
        let s = 0;
        for (let k = 0; k < no; k++) s += layer.weights[wo + k] * g[i * no + k];
        prev[i * ni + j] = s;
      }
    }
    g = prev;
  }
  return { rows: n, cols: weights.layers[0].inputs, data: g };
}
