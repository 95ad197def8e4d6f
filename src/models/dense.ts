/**
 * One dense layer, act(h W + b), as a single taped op with a hand-written
 * gradient. The WASM backend runs a matmul with a transposed operand about
 * ten times slower than an explicit transpose followed by a plain matmul, and
 * autodiff of `matMul` asks for exactly those two products (dy W^T and
 * h^T dy); its `tanh` is likewise far slower than its `sigmoid`. Both are the
 * bulk of a small-MLP training step (measured with `tf.profile`; see the
 * README's performance table), so this layer avoids them.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { LEAKY_RELU_ALPHA } from "../mlp_forward.ts";
import type { Activation } from "../types.ts";

/** tfjs types the custom function's arguments as tensors or the save function. */
type CustomGrad = Parameters<typeof tf.customGrad>[0];

/**
 * tanh through the backend's fast sigmoid: tanh(x) = 2 sigmoid(2x) - 1.
 * Its absolute error stays near float32 epsilon, which is all an activation
 * needs.
 */
function tanhViaSigmoid(x: tf.Tensor): tf.Tensor {
  return tf.sub(tf.mul(tf.sigmoid(tf.mul(x, 2)), 2), 1);
}

/** Applies activation `a` elementwise (leaky ReLU with the plain forward pass's slope). */
export function activate(x: tf.Tensor2D, a: Activation): tf.Tensor2D {
  switch (a) {
    case "tanh":
      return tanhViaSigmoid(x) as tf.Tensor2D;
    case "relu":
      return tf.relu(x);
    case "leaky_relu":
      return tf.leakyRelu(x, LEAKY_RELU_ALPHA);
    case "sigmoid":
      return tf.sigmoid(x);
    case "linear":
      return x;
  }
}

/** d act / d pre-activation as a function of the output `y`, times `dy`. */
function activationGrad(dy: tf.Tensor, y: tf.Tensor, a: Activation): tf.Tensor {
  switch (a) {
    case "tanh":
      return tf.mul(dy, tf.sub(1, tf.square(y)));
    case "sigmoid":
      return tf.mul(dy, tf.mul(y, tf.sub(1, y)));
    case "relu":
      return tf.mul(dy, tf.step(y));
    case "leaky_relu":
      return tf.where(tf.greater(y, 0), dy, tf.mul(dy, LEAKY_RELU_ALPHA));
    case "linear":
      return dy;
  }
}

/**
 * act(h W + b) for `h` [B, I], `w` [I, O] and `b` [1, O], differentiable in
 * all three; the gradient uses only untransposed matmuls.
 */
export function dense(
  h: tf.Tensor2D,
  w: tf.Tensor2D,
  b: tf.Tensor2D,
  activation: Activation,
): tf.Tensor2D {
  const op = tf.customGrad(
    ((hIn: tf.Tensor2D, wIn: tf.Tensor2D, bIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
      const y = activate(tf.add(tf.matMul(hIn, wIn), bIn), activation);
      save([hIn, wIn, y]);
      return {
        value: y,
        gradFunc: (dy: tf.Tensor2D, saved: tf.Tensor[]) => {
          const [hs, ws, ys] = saved as tf.Tensor2D[];
          const dz = activationGrad(dy, ys, activation) as tf.Tensor2D;
          return [
            tf.matMul(dz, tf.transpose(ws)),
            tf.matMul(tf.transpose(hs), dz),
            tf.sum(dz, 0, true),
          ];
        },
      };
    }) as CustomGrad,
  );
  return op(h, w, b) as tf.Tensor2D;
}

/**
 * log sum exp of `x` [R, C] over its columns, [R]. tfjs's own version takes
 * the gradient through its max, which on WASM runs a broadcast `equal` far
 * slower than the rest of the op; the softmax gradient needs no max.
 */
export function logSumExpRows(x: tf.Tensor2D): tf.Tensor1D {
  const op = tf.customGrad(
    ((xIn: tf.Tensor2D, save: tf.GradSaveFunc) => {
      const m = tf.max(xIn, 1, true);
      // A row of all -Infinity gives -Infinity, not NaN (its gradient is still NaN: such a
      // row has no finite bound to improve).
      const safe = tf.where(tf.isFinite(m), m, tf.zerosLike(m));
      const lse = tf.add(tf.log(tf.sum(tf.exp(tf.sub(xIn, safe)), 1, true)), safe);
      save([xIn, lse]);
      return {
        value: tf.reshape(lse, [-1]),
        gradFunc: (dy: tf.Tensor1D, saved: tf.Tensor[]) => {
          const [xs, ls] = saved;
          return tf.mul(tf.exp(tf.sub(xs, ls)), tf.reshape(dy, [-1, 1]));
        },
      };
    }) as CustomGrad,
  );
  return op(x) as tf.Tensor1D;
}
