/**
 * Small generative models shared by the evaluation tests.
 *
 * @module
 */

import { Rng } from "../rng.ts";
import type { Activation, DenseLayer, GenerativeModel, MlpWeights, Prior } from "../types.ts";

/** A dense layer from plain arrays. */
export function layer(
  inputs: number,
  outputs: number,
  weights: number[],
  bias: number[],
  activation: Activation,
): DenseLayer {
  return {
    inputs,
    outputs,
    weights: new Float64Array(weights),
    bias: new Float64Array(bias),
    activation,
  };
}

/** x = a z + b as a one-layer linear MLP (a is L x D row-major). */
export function linearDecoder(l: number, d: number, a: number[], b: number[]): MlpWeights {
  return { layers: [layer(l, d, a, b, "linear")] };
}

/** f(z) = |z| for L = D = 1, exactly, as relu(z) + relu(-z). */
export function absDecoder(): MlpWeights {
  return {
    layers: [layer(1, 2, [1, -1], [0, 0], "relu"), layer(2, 1, [1, 1], [0], "linear")],
  };
}

/** A random tanh MLP L -> hidden -> D with weights of scale `scale`. */
export function randomTanhDecoder(
  l: number,
  d: number,
  hidden: number,
  seed: number,
  scale = 1.5,
): MlpWeights {
  const rng = Rng.stream(seed, "test/random-tanh");
  const w1 = Array.from({ length: l * hidden }, () => scale * rng.normal());
  const b1 = Array.from({ length: hidden }, () => 0.5 * rng.normal());
  const w2 = Array.from({ length: hidden * d }, () => rng.normal() / Math.sqrt(hidden));
  const b2 = Array.from({ length: d }, () => 0.1 * rng.normal());
  return {
    layers: [layer(l, hidden, w1, b1, "tanh"), layer(hidden, d, w2, b2, "linear")],
  };
}

/** A Gaussian model with the given decoder and prior (standard normal by default). */
export function gaussianModel(
  decoder: MlpWeights,
  sigma2: number,
  prior: Prior = { kind: "standard_normal" },
): GenerativeModel {
  const first = decoder.layers[0];
  const last = decoder.layers[decoder.layers.length - 1];
  return { l: first.inputs, d: last.outputs, likelihood: "gaussian", sigma2, prior, decoder };
}
