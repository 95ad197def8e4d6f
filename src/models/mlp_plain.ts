/**
 * The plain-TS forward pass of an MLP (float64), for fixed networks such as
 * the ground truth's decoder, and to check the tfjs networks against.
 *
 * @module
 */

import type { Activation, Matrix, MlpWeights } from "../types.ts";

function act(v: number, a: Activation): number {
  switch (a) {
    case "tanh":
      return Math.tanh(v);
    case "relu":
      return Math.max(0, v);
    case "leaky_relu":
      return v > 0 ? v : 0.01 * v;
    case "sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "linear":
      return v;
  }
}

/** The MLP applied row-wise in plain float64 arithmetic. */
export function forwardPlain(w: MlpWeights, x: Matrix): Matrix {
  let h = x;
  for (const layer of w.layers) {
    const out = new Float64Array(h.rows * layer.outputs);
    for (let i = 0; i < h.rows; i++) {
      for (let o = 0; o < layer.outputs; o++) {
        let s = layer.bias[o];
        for (let k = 0; k < layer.inputs; k++) {
          s += h.data[i * layer.inputs + k] * layer.weights[k * layer.outputs + o];
        }
        out[i * layer.outputs + o] = act(s, layer.activation);
      }
    }
    h = { rows: h.rows, cols: layer.outputs, data: out };
  }
  return h;
}
