/**
 * Two gradient tools tfjs lacks: stop-gradient, and scaling a tensor's
 * gradient by weights known only later in the forward pass (for DReG).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";

/** tfjs types the custom function's arguments as tensors or the save function. */
type CustomGrad = Parameters<typeof tf.customGrad>[0];

/** `x` in the forward pass, zero gradient in the backward pass. */
export function stopGradient<T extends tf.Tensor>(x: T): T {
  const op = tf.customGrad(
    ((a: tf.Tensor) => ({
      value: a.clone(),
      gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
    })) as CustomGrad,
  );
  return op(x) as T;
}

/** A slot for the gradient scale, filled after the forward pass has computed it. */
export interface GradScale {
  /** Broadcasts against the scaled tensor; read during the backward pass. */
  scale?: tf.Tensor;
}

/**
 * `x` in the forward pass; in the backward pass the incoming gradient is
 * multiplied by `slot.scale`, which the caller sets later in the same forward
 * pass. DReG needs this: its per-sample weights come out of the decoder that
 * consumes `x`, and the backward pass only starts after the forward pass ends,
 * so one decoder pass serves both the decoder and the encoder gradient.
 * The scale must be kept (`tf.keep`) by the caller; it is freed once read.
 */
export function scaleGradient<T extends tf.Tensor>(x: T, slot: GradScale): T {
  const op = tf.customGrad(
    ((a: tf.Tensor) => ({
      value: a.clone(),
      gradFunc: (dy: tf.Tensor) => {
        if (!slot.scale) throw new Error("scaleGradient: the scale was never set");
        const g = tf.mul(dy, slot.scale);
        slot.scale.dispose();
        return g;
      },
    })) as CustomGrad,
  );
  return op(x) as T;
}
