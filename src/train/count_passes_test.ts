import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { getMethod } from "../models/registry.ts";
import type { TrainingData } from "../models/method.ts";
import { Rng } from "../rng.ts";
import { countPasses } from "./count_passes.ts";

await tf.setBackend("wasm");

const x = { rows: 50, cols: 2, data: Rng.stream(1, "x").fillNormal(new Float64Array(100)) };
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: 0.01 };
const nets = {
  encoder: { hidden: [4], activation: "tanh" as const },
  decoder: { hidden: [4], activation: "tanh" as const },
};

Deno.test("countPasses: IWAE spends 1 encoder and S decoder passes per point, VAE 1 and 1", () => {
  const batches = [Int32Array.from([0, 1, 2, 3]), Int32Array.from([4, 5, 6])];
  for (const [name, s, enc, dec] of [["iwae", 7, 1, 7], ["vae", 1, 1, 1]] as const) {
    const model = getMethod(name).build(data, { ...nets, s, rng: Rng.stream(2, "init") });
    try {
      const tensorsBefore = tf.memory().numTensors;
      const c = countPasses(model, batches, { rng: Rng.stream(3, "count") });
      assert.equal(c.encoderPassesPerPoint, enc);
      assert.equal(c.decoderPassesPerPoint, dec);
      assert.deepEqual(c.perStep.map((p) => p.decoder), [4 * dec, 3 * dec]);
      // IWAE's DReG keeps one small tensor for its backward pass; nothing else survives.
      assert.ok(tf.memory().numTensors - tensorsBefore <= 1);
    } finally {
      model.dispose();
    }
  }
});

Deno.test("countPasses: the weights do not change", async () => {
  const model = getMethod("iwae").build(data, { ...nets, s: 3, rng: Rng.stream(2, "init") });
  try {
    const before = await Promise.all(model.variables().map((v) => v.data()));
    countPasses(model, [Int32Array.from([0, 1, 2])], { rng: Rng.stream(3, "count") });
    const after = await Promise.all(model.variables().map((v) => v.data()));
    assert.deepEqual(after, before);
  } finally {
    model.dispose();
  }
});
