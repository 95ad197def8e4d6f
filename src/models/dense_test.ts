import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { Rng } from "../rng.ts";
import type { Activation } from "../types.ts";
import { dense, logSumExpRows } from "./dense.ts";

await initBackend("wasm");

function randomTensor(rng: Rng, shape: [number, number]): tf.Tensor2D {
  return tf.tensor2d(rng.fillNormal(new Float32Array(shape[0] * shape[1])), shape);
}

function reference(h: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor2D, a: Activation): tf.Tensor2D {
  const z = tf.add(tf.matMul(h, w), b) as tf.Tensor2D;
  switch (a) {
    case "tanh":
      return tf.tanh(z);
    case "relu":
      return tf.relu(z);
    case "leaky_relu":
      return tf.leakyRelu(z, 0.01);
    case "sigmoid":
      return tf.sigmoid(z);
    case "linear":
      return z;
  }
}

function assertClose(a: tf.Tensor, b: tf.Tensor, tol: number, what: string) {
  const x = a.dataSync(), y = b.dataSync();
  assert.deepEqual(a.shape, b.shape, what);
  for (let i = 0; i < x.length; i++) {
    assert.ok(
      Math.abs(x[i] - y[i]) <= tol * (1 + Math.abs(y[i])),
      `${what}[${i}]: ${x[i]} vs ${y[i]}`,
    );
  }
}

Deno.test("dense: value and gradients match autodiff of act(h W + b)", () => {
  const rng = Rng.stream(3, "dense");
  const acts: Activation[] = ["tanh", "relu", "leaky_relu", "sigmoid", "linear"];
  for (const a of acts) {
    tf.tidy(() => {
      const h = randomTensor(rng, [7, 4]), w = randomTensor(rng, [4, 5]);
      const b = randomTensor(rng, [1, 5]), probe = randomTensor(rng, [7, 5]);
      const loss = (f: typeof dense) => (hh: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) =>
        tf.sum(tf.mul(f(hh as tf.Tensor2D, ww as tf.Tensor2D, bb as tf.Tensor2D, a), probe));
      assertClose(dense(h, w, b, a), reference(h, w, b, a), 1e-5, `${a} value`);
      const got = tf.grads(loss(dense))([h, w, b]);
      const want = tf.grads(loss((hh, ww, bb) => reference(hh, ww, bb, a)))([h, w, b]);
      for (let i = 0; i < 3; i++) assertClose(got[i], want[i], 1e-4, `${a} grad ${i}`);
    });
  }
});

Deno.test("logSumExpRows: value and gradient match tf.logSumExp; an all -Infinity row gives -Infinity", () => {
  const rng = Rng.stream(4, "lse");
  tf.tidy(() => {
    const x = tf.mul(randomTensor(rng, [6, 9]), 20) as tf.Tensor2D;
    assertClose(logSumExpRows(x), tf.logSumExp(x, 1), 1e-6, "value");
    const probe = randomTensor(rng, [6, 1]).reshape([6]);
    const got = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(logSumExpRows(t as tf.Tensor2D), probe)))(
      x,
    );
    const want = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.logSumExp(t, 1), probe)))(x);
    assertClose(got, want, 1e-5, "gradient");
    const v = logSumExpRows(tf.tensor2d([[-Infinity, -Infinity], [0, -Infinity]])).dataSync();
    assert.equal(v[0], -Infinity);
    assert.equal(v[1], 0);
  });
});
