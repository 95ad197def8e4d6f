/**
 * Counts the network passes a method spends per gradient step without
 * training it: the loss of each batch is computed (forward only) and the
 * model's own {@linkcode PassCounter} is read, so the count is what a
 * training step of that model spends, for any data size.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { MethodModel } from "../models/method.ts";
import type { Passes } from "../models/passes.ts";
import type { Rng } from "../rng.ts";

/** What {@linkcode countPasses} counted. */
export interface PassCount {
  /** Encoder passes per data point per step, mean over the batches. */
  encoderPassesPerPoint: number;
  /** Decoder passes per data point per step, mean over the batches. */
  decoderPassesPerPoint: number;
  /** Passes of each batch, as the model's counter saw them. */
  perStep: Passes[];
}

/**
 * Runs `model.loss` on each of `batches` (no gradient, no update) and
 * returns the passes per point per step from the model's counter. The
 * model's weights do not change, which does not matter: no method's pass
 * count depends on its weights.
 */
export function countPasses(
  model: MethodModel,
  batches: Int32Array[],
  options: { rng: Rng },
): PassCount {
  const perStep: Passes[] = [];
  let points = 0;
  const start = model.passes.snapshot();
  for (const batch of batches) {
    const before = model.passes.snapshot();
    // The loss needs no gradient scope here: nothing is differentiated, and
    // tidy frees what the forward pass made.
    tf.tidy(() => {
      model.loss(batch, options.rng);
    });
    perStep.push(model.passes.since(before));
    points += batch.length;
  }
  const total = model.passes.since(start);
  return {
    encoderPassesPerPoint: points ? total.encoder / points : 0,
    decoderPassesPerPoint: points ? total.decoder / points : 0,
    perStep,
  };
}
