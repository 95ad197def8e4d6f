/**
 * Multilayer perceptrons on tfjs: the encoders and decoders of every method,
 * with configurable depth, width and activation. Each network counts its own
 * passes (one input row = one pass) on the counter it is handed.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import type { Activation, MlpWeights } from "../types.ts";
import { dense } from "./dense.ts";
import type { NetworkRole, PassCounter } from "./passes.ts";

/** Activations an MLP may use. */
export const ACTIVATIONS: readonly Activation[] = [
  "tanh",
  "relu",
  "leaky_relu",
  "sigmoid",
  "linear",
];

/** The shape of a network between its fixed input and output widths. */
export interface NetworkSpec {
  /** Hidden layer widths, first to last (empty: a linear map). */
  hidden: number[];
  /** Activation after each hidden layer. */
  activation: Activation;
  /** Activation after the output layer (default `linear`). */
  outputActivation?: Activation;
}

/** Checks a network spec, throwing a one-line InputError when it is unusable. */
export function checkNetworkSpec(spec: NetworkSpec, what: string): void {
  for (const w of spec.hidden) {
    if (!Number.isInteger(w) || w < 1) {
      throw new InputError(`${what}: hidden widths must be positive integers, got ${w}`);
    }
  }
  for (const a of [spec.activation, spec.outputActivation ?? "linear"]) {
    if (!ACTIVATIONS.includes(a)) {
      throw new InputError(`${what}: unknown activation "${a}"; use ${ACTIVATIONS.join(", ")}`);
    }
  }
}

/**
 * The architecture of a plain MLP as a spec: hidden widths and the hidden
 * activation (the first layer's), e.g. to give a learned decoder the ground
 * truth's shape.
 */
export function specFromWeights(weights: MlpWeights): NetworkSpec {
  const layers = weights.layers;
  if (layers.length === 0) throw new InputError("an MLP needs at least one layer");
  return {
    hidden: layers.slice(0, -1).map((l) => l.outputs),
    activation: layers.length > 1 ? layers[0].activation : "tanh",
    outputActivation: layers[layers.length - 1].activation,
  };
}

/** A variable holding `t`; `t` itself is freed (the variable shares its data). */
function variableFrom(t: tf.Tensor2D, trainable: boolean): tf.Variable<tf.Rank.R2> {
  const v = tf.variable(t, trainable);
  t.dispose();
  return v;
}

interface Layer {
  w: tf.Variable<tf.Rank.R2>;
  b: tf.Variable<tf.Rank.R2>;
  activation: Activation;
}

/** An MLP whose weights live in tfjs variables. */
export class Mlp {
  /** Which network this is, for pass counting. */
  readonly role: NetworkRole;
  /** Input width. */
  readonly inputs: number;
  /** Output width. */
  readonly outputs: number;
  #layers: Layer[];

  private constructor(role: NetworkRole, layers: Layer[]) {
    this.role = role;
    this.#layers = layers;
    this.inputs = layers[0].w.shape[0];
    this.outputs = layers[layers.length - 1].w.shape[1];
  }

  /** A fresh network with Glorot-uniform weights drawn from `rng` and zero biases. */
  static create(
    sizes: { inputs: number; outputs: number },
    spec: NetworkSpec,
    options: { role: NetworkRole; rng: Rng },
  ): Mlp {
    checkNetworkSpec(spec, options.role);
    const widths = [sizes.inputs, ...spec.hidden, sizes.outputs];
    const layers: Layer[] = [];
    for (let i = 0; i + 1 < widths.length; i++) {
      const fanIn = widths[i], fanOut = widths[i + 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      for (let j = 0; j < w.length; j++) w[j] = (2 * options.rng.uniform() - 1) * limit;
      const last = i + 2 === widths.length;
      layers.push({
        w: variableFrom(tf.tensor2d(w, [fanIn, fanOut]), true),
        b: variableFrom(tf.zeros([1, fanOut]) as tf.Tensor2D, true),
        activation: last ? spec.outputActivation ?? "linear" : spec.activation,
      });
    }
    return new Mlp(options.role, layers);
  }

  /** A network holding the given plain weights (trainable or fixed). */
  static fromWeights(
    weights: MlpWeights,
    options: { role: NetworkRole; trainable?: boolean },
  ): Mlp {
    if (weights.layers.length === 0) throw new InputError("an MLP needs at least one layer");
    const layers = weights.layers.map((l) => ({
      w: variableFrom(
        tf.tensor2d(Float32Array.from(l.weights), [l.inputs, l.outputs]),
        options.trainable ?? false,
      ),
      b: variableFrom(
        tf.tensor2d(Float32Array.from(l.bias), [1, l.outputs]),
        options.trainable ?? false,
      ),
      activation: l.activation,
    }));
    return new Mlp(options.role, layers);
  }

  /** Applies the network to the rows of `x`, counting `x.shape[0]` passes on `counter`. */
  apply(x: tf.Tensor2D, counter?: PassCounter): tf.Tensor2D {
    counter?.add(this.role, x.shape[0]);
    let h = x;
    for (const layer of this.#layers) {
      h = dense(h, layer.w, layer.b, layer.activation);
    }
    return h;
  }

  /**
   * Rescales the linear output layer so that the outputs on the rows of `x`
   * have mean 0 and standard deviation `scale` in every column: a
   * data-dependent initialisation (no random draw), used to start the codes
   * of a deterministic encoder spread out.
   */
  scaleOutputs(x: tf.Tensor2D, scale: number): void {
    const last = this.#layers[this.#layers.length - 1];
    if (last.activation !== "linear") {
      throw new InputError(`only a linear output layer can be rescaled, not ${last.activation}`);
    }
    if (!(scale > 0) || !Number.isFinite(scale)) {
      throw new InputError(`the output scale must be a finite number > 0, got ${scale}`);
    }
    tf.tidy(() => {
      const { mean, variance } = tf.moments(this.apply(x), 0, true);
      // A column that is constant on x keeps its weights: nothing to rescale by.
      const sd = tf.sqrt(variance);
      const gain = tf.where(tf.greater(sd, 1e-12), tf.div(scale, tf.maximum(sd, 1e-12)), 1);
      last.w.assign(tf.mul(last.w, gain) as tf.Tensor2D);
      last.b.assign(tf.mul(tf.sub(last.b, mean), gain) as tf.Tensor2D);
    });
  }

  /** The trainable variables, for the optimizer. */
  variables(): tf.Variable[] {
    return this.#layers.flatMap((l) => [l.w, l.b]);
  }

  /** The weights as plain data (float64 copies); async because WebGPU reads back asynchronously. */
  async toWeights(): Promise<MlpWeights> {
    const layers = [];
    for (const l of this.#layers) {
      layers.push({
        inputs: l.w.shape[0],
        outputs: l.w.shape[1],
        weights: Float64Array.from(await l.w.data()),
        bias: Float64Array.from(await l.b.data()),
        activation: l.activation,
      });
    }
    return { layers };
  }

  /** Frees the variables. */
  dispose(): void {
    for (const l of this.#layers) {
      l.w.dispose();
      l.b.dispose();
    }
  }
}
