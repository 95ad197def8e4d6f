import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { circleData } from "../models/testing.ts";
import { measureSteps } from "./measure_steps.ts";

await initBackend("wasm");

const data = { x: circleData(60, 3, 0.02), l: 1, likelihood: "gaussian" as const, sigma2: 0.02 };
const nets = {
  encoder: { hidden: [8], activation: "tanh" as const },
  decoder: { hidden: [8], activation: "tanh" as const },
};

Deno.test("measureSteps: betweenRounds runs after each round of timed steps", async () => {
  const calls: number[] = [];
  const out = await measureSteps("vae", data, {
    ...nets,
    s: 1,
    steps: 5,
    seed: 1,
    batchSize: 10,
    roundSizes: [2, 2, 1],
    betweenRounds: (round) => {
      calls.push(round);
      return Promise.resolve();
    },
  });
  assert.deepEqual(calls, [0, 1, 2]);
  assert.equal(out.stepSecondsSamples.length, 5);
});

Deno.test("measureSteps: without roundSizes one round of all the steps", async () => {
  const calls: number[] = [];
  await measureSteps("vae", data, {
    ...nets,
    s: 1,
    steps: 3,
    seed: 1,
    batchSize: 10,
    betweenRounds: (round) => {
      calls.push(round);
      return Promise.resolve();
    },
  });
  assert.deepEqual(calls, [0]);
});
