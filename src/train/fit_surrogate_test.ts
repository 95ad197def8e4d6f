import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { loadSurrogateFile } from "../data/surrogate.ts";
import { fitSurrogate, gridError, initSurrogate, writeSurrogate } from "./fit_surrogate.ts";

Deno.test("initSurrogate is seeded and has the surrogate shape", () => {
  const a = initSurrogate(2, 5);
  assert.deepEqual(a, initSurrogate(2, 5));
  assert.notDeepEqual(a.layers[0].weights, initSurrogate(2, 6).layers[0].weights);
  assert.deepEqual(a.layers.map((l) => [l.inputs, l.outputs, l.activation]), [
    [1, 50, "tanh"],
    [50, 50, "tanh"],
    [50, 2, "linear"],
  ]);
});

Deno.test("a short fit improves on the initial weights and round-trips through its file", async () => {
  await tf.setBackend("cpu");
  const before = tf.memory().numTensors;
  const file = fitSurrogate("absolute_value", { steps: 150, batch: 128, seed: 1 });
  assert.equal(tf.memory().numTensors, before);
  const initial = gridError("absolute_value", initSurrogate(1, 1));
  assert.ok(
    file.fit.gridMeanError < initial.mean / 3,
    `${file.fit.gridMeanError} vs ${initial.mean}`,
  );
  const dir = Deno.makeTempDirSync();
  try {
    const url = new URL(`file://${dir}/`);
    writeSurrogate(file, url);
    const back = loadSurrogateFile(`${dir}/absolute_value.json`);
    assert.deepEqual(back.weights, file.weights);
    assert.deepEqual(back.fit, file.fit);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
