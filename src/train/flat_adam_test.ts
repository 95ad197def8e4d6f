import * as tf from "@tensorflow/tfjs";
import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { FlatAdam } from "./flat_adam.ts";

await initBackend("wasm");

function problem() {
  const w = tf.variable(tf.tensor2d([[0.5, -1], [2, 0.1]]));
  const b = tf.variable(tf.tensor1d([0.3, -0.2]));
  const unused = tf.variable(tf.tensor1d([7]));
  const x = tf.tensor2d([[1, 2], [3, -1], [0.5, 0.5]]);
  const loss = () => tf.sum(tf.square(tf.tanh(tf.add(tf.matMul(x, w), b)))) as tf.Scalar;
  return { w, b, unused, x, loss };
}

Deno.test("FlatAdam follows tf.train.adam's trajectory; an unreached variable stays put; no leaks", () => {
  const a = problem(), c = problem();
  const start = tf.tidy(() => a.loss().dataSync()[0]);
  const before = tf.memory().numTensors;
  const ours = new FlatAdam([a.w, a.b, a.unused], { learningRate: 0.05 });
  const theirs = tf.train.adam(0.05);
  for (let i = 0; i < 30; i++) {
    ours.minimize(a.loss).dispose();
    theirs.minimize(c.loss, false, [c.w, c.b]);
  }
  ours.dispose();
  assert.equal(
    tf.memory().numTensors - before,
    2 * 2 + 2,
    "only tf.train.adam's own state remains",
  );
  const close = (p: tf.Tensor, q: tf.Tensor) => {
    const x = p.dataSync(), y = q.dataSync();
    for (let i = 0; i < x.length; i++) {
      assert.ok(Math.abs(x[i] - y[i]) < 1e-5, `${x[i]} vs ${y[i]}`);
    }
  };
  close(a.w, c.w);
  close(a.b, c.b);
  assert.equal(a.unused.dataSync()[0], 7);
  // The loss went down, so the comparison is not between two frozen models.
  assert.ok(tf.tidy(() => a.loss().dataSync()[0]) < start - 0.1);
  theirs.dispose();
  tf.dispose([a.w, a.b, a.unused, a.x, c.w, c.b, c.unused, c.x]);
});

Deno.test("FlatAdam rejects a bad learning rate and an empty variable list", () => {
  const v = tf.variable(tf.scalar(1));
  assert.throws(() => new FlatAdam([v], { learningRate: 0 }), /learning rate/);
  assert.throws(() => new FlatAdam([]), /at least one variable/);
  v.dispose();
});
