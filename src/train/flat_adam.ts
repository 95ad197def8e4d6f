/**
 * Adam (Kingma and Ba) over all of a model's variables as one flat vector.
 * `tf.train.adam` updates each variable with about fourteen kernels; a small
 * MLP has a dozen variables, so on the WASM backend, where each kernel costs
 * tens of microseconds to dispatch, the optimizer alone was about half of a
 * VAE step's kernels. Here the moment updates run once on the concatenated
 * gradient and each variable costs one slice and one subtraction. The
 * arithmetic is equivalent to tfjs's (same bias correction, epsilon outside
 * the square root), not bit-equal: the bias corrections use float64 powers
 * where tfjs keeps float32 running products.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";

/** Adam's hyperparameters. */
export interface FlatAdamOptions {
  /** Step size (default 1e-3). */
  learningRate?: number;
  /** First-moment decay (default 0.9). */
  beta1?: number;
  /** Second-moment decay (default 0.999). */
  beta2?: number;
  /** Added to the root of the second moment (default 1e-7, tfjs's backend epsilon). */
  epsilon?: number;
}

/** Adam over a fixed list of variables, updated as one flat vector. */
export class FlatAdam {
  #vars: tf.Variable[];
  #m: tf.Variable;
  #v: tf.Variable;
  #t = 0;
  #lr: number;
  #b1: number;
  #b2: number;
  #eps: number;

  /** An optimizer for `variables` (all of them trained). */
  constructor(variables: tf.Variable[], options: FlatAdamOptions = {}) {
    this.#lr = options.learningRate ?? 1e-3;
    this.#b1 = options.beta1 ?? 0.9;
    this.#b2 = options.beta2 ?? 0.999;
    this.#eps = options.epsilon ?? tf.backend().epsilon();
    if (!(this.#lr > 0)) throw new InputError(`learning rate must be > 0, got ${this.#lr}`);
    if (variables.length === 0) throw new InputError("Adam needs at least one variable");
    this.#vars = variables;
    const size = variables.reduce((a, v) => a + v.size, 0);
    // tidy frees the zeros; the variables keep their own references to the data.
    [this.#m, this.#v] = tf.tidy(() => [
      tf.variable(tf.zeros([size]), false),
      tf.variable(tf.zeros([size]), false),
    ]);
  }

  /**
   * One step on the gradient of the scalar `loss()`; returns the loss (the
   * caller disposes it).
   */
  minimize(loss: () => tf.Scalar): tf.Scalar {
    const { value, grads } = tf.variableGrads(loss, this.#vars);
    this.#t++;
    tf.tidy(() => {
      // A variable the loss did not reach gets a zero gradient, so its moments decay and
      // momentum still moves it (tfjs's Adam leaves such a variable alone). No method's loss
      // skips a variable on some steps only.
      const g = tf.concat(
        this.#vars.map((v) => grads[v.name] ? tf.reshape(grads[v.name], [-1]) : tf.zeros([v.size])),
      );
      const m = tf.add(tf.mul(this.#m, this.#b1), tf.mul(g, 1 - this.#b1));
      const v = tf.add(tf.mul(this.#v, this.#b2), tf.mul(tf.square(g), 1 - this.#b2));
      this.#m.assign(m);
      this.#v.assign(v);
      const mHat = tf.div(m, 1 - this.#b1 ** this.#t);
      const vHat = tf.div(v, 1 - this.#b2 ** this.#t);
      const step = tf.mul(tf.div(mHat, tf.add(tf.sqrt(vHat), this.#eps)), this.#lr);
      let at = 0;
      for (const x of this.#vars) {
        x.assign(tf.sub(x, tf.reshape(tf.slice(step, at, x.size), x.shape)));
        at += x.size;
      }
    });
    tf.dispose(grads);
    return value;
  }

  /** The step size now; {@linkcode FlatAdam.setLearningRate} changes it between steps. */
  get learningRate(): number {
    return this.#lr;
  }

  /** Sets the step size for the next steps (a schedule); throws InputError unless > 0. */
  setLearningRate(lr: number): void {
    if (!(lr > 0)) throw new InputError(`learning rate must be > 0, got ${lr}`);
    this.#lr = lr;
  }

  /** Frees the moment estimates (not the model's variables). */
  dispose(): void {
    this.#m.dispose();
    this.#v.dispose();
  }
}
