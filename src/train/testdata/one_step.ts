/**
 * Test helper run as its own process: trains a tiny IWAE for one step on the
 * backend named by the first argument and prints `{"backend", "loss"}` as one
 * JSON line, or `{"backend", "unavailable"}` when that backend has no adapter.
 * A separate process keeps the WebGPU device (a software adapter on machines
 * without a GPU) out of the test runner's own process.
 *
 * @module
 */

import { initBackend } from "../../backend.ts";
import { getMethod } from "../../models/registry.ts";
import { circleData } from "../../models/testing.ts";
import { train } from "../trainer.ts";

const backend = Deno.args[0] ?? "wasm";
try {
  await initBackend(backend);
} catch (e) {
  console.log(JSON.stringify({ backend, unavailable: (e as Error).message }));
  Deno.exit(0);
}
const x = circleData(16, 9, 0.02);
const r = await train(getMethod("iwae"), { x, l: 1, likelihood: "gaussian", sigma2: 0.02 }, {
  encoder: { hidden: [4], activation: "tanh" },
  decoder: { hidden: [4], activation: "tanh" },
  s: 3,
  budget: { kind: "passes", passes: 1e9, costModel: "decoder" },
  maxSteps: 2,
  batchSize: 16,
  learningRate: 0.05,
  validation: x,
});
console.log(JSON.stringify({ backend, loss: r.restarts[0].finalLoss }));
