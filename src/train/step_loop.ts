/**
 * The one place a gradient step runs: Adam (src/train/flat_adam.ts) on a
 * method's loss for one batch, the loss read back, a turn of the event loop
 * now and then (so Ctrl-C's listener runs), the abort check and the
 * non-finite-loss policy. The trainer, the amortization suite and the step
 * timings all drive their batches through it.
 *
 * @module
 */

import type { MethodModel } from "../models/method.ts";
import type { Rng } from "../rng.ts";
import { yieldToEventLoop } from "../event_loop.ts";
import { FlatAdam } from "./flat_adam.ts";
import * as tf from "@tensorflow/tfjs";

/** Thrown by a step when its signal aborts: the run stops, no restart is marked failed. */
export class InterruptedError extends Error {
  /** An "interrupted" error. */
  constructor() {
    super("interrupted");
    this.name = "InterruptedError";
  }
}

/** What one step did. */
export interface StepResult {
  /** The batch loss (minus the method's bound, per row). */
  loss: number;
  /** Milliseconds spent yielding to the event loop, which a timed loop leaves out. */
  pausedMs: number;
}

/** Adam steps on one model. */
export class StepLoop {
  readonly #model: MethodModel;
  readonly #opt: FlatAdam;
  readonly #signal?: AbortSignal;
  /** Steps taken. */
  steps = 0;
  /** tfjs tensors alive after the first step (the level later steps must keep). */
  tensorsAfterFirst = 0;
  /** The last step's loss, finite or not. */
  lastLoss = NaN;

  /** A loop training all of `model`'s variables at `options.learningRate`. */
  constructor(model: MethodModel, options: { learningRate: number; signal?: AbortSignal }) {
    this.#model = model;
    this.#opt = new FlatAdam(model.variables(), { learningRate: options.learningRate });
    this.#signal = options.signal;
  }

  /**
   * One step on the rows `batch`, drawing the method's randomness from
   * `rng`. Throws InterruptedError when the signal has aborted, and an Error
   * naming the step when the loss is not finite.
   */
  async step(batch: Int32Array, rng: Rng): Promise<StepResult> {
    const cost = this.#opt.minimize(() => this.#model.loss(batch, rng).loss);
    const loss = (await cost.data())[0];
    cost.dispose();
    this.lastLoss = loss;
    const pausedMs = await yieldToEventLoop();
    if (this.#signal?.aborted) throw new InterruptedError();
    this.steps++;
    if (this.steps === 1) this.tensorsAfterFirst = tf.memory().numTensors;
    if (!Number.isFinite(loss)) throw new Error(`non-finite loss ${loss} at step ${this.steps}`);
    return { loss, pausedMs };
  }

  /** Sets Adam's step size for the next steps (a learning-rate schedule). */
  setLearningRate(lr: number): void {
    this.#opt.setLearningRate(lr);
  }

  /** Frees the optimizer's state (not the model). */
  dispose(): void {
    this.#opt.dispose();
  }
}

/**
 * Batches of `size` rows from shuffled epochs over `n` rows: the order is
 * reshuffled (from the caller's rng) whenever the next batch would not fit.
 */
export class EpochBatches {
  readonly #order: Int32Array;
  readonly #size: number;
  #cursor: number;

  /** Batches of `size` (at most `n`) rows out of `n`. */
  constructor(n: number, size: number) {
    this.#order = Int32Array.from({ length: n }, (_, i) => i);
    this.#size = Math.min(size, n);
    this.#cursor = n;
  }

  /** The next batch (a fresh array). */
  next(rng: Rng): Int32Array {
    const n = this.#order.length;
    if (this.#cursor + this.#size > n) {
      rng.shuffle(this.#order);
      this.#cursor = 0;
    }
    const batch = this.#order.slice(this.#cursor, this.#cursor + this.#size);
    this.#cursor += this.#size;
    return batch;
  }
}
