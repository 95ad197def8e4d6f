import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { exactRows } from "../mapa/exact/mod.ts";
import { train } from "../train/trainer.ts";
import { mapa } from "./mapa.ts";
import type { TrainingData } from "./method.ts";
import { circleData } from "./testing.ts";

await tf.setBackend("wasm");

Deno.test("tailOverfitNats: a fixed pool is fitted by training, fresh draws are not", async () => {
  const sigma2 = 0.01, n = 40;
  const x = circleData(n, 3, sigma2);
  const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2 };
  const rows = await exactRows(x, { k: 3, sigma2, workers: 0 });
  const nets = {
    encoder: { hidden: [16], activation: "tanh" as const },
    decoder: { hidden: [16], activation: "tanh" as const },
  };
  const run = async (tailDraws: "fresh" | "pool") => {
    const r = await train(mapa, data, {
      ...nets,
      rows,
      k: 3,
      s: 2,
      tailDraws,
      rounds: 1,
      budget: { kind: "passes", passes: 1e9, costModel: "decoder" },
      maxSteps: 600,
      batchSize: 20,
      learningRate: 1e-2,
      seed: 4,
    });
    return r.metrics.tailOverfitNats;
  };
  const fresh = await run("fresh"), pool = await run("pool");
  assert.ok(Number.isFinite(fresh) && Number.isFinite(pool), `${fresh} ${pool}`);
  // A pool of one round is the decoder's training set for the tail: it scores higher.
  assert.ok(pool > 0.05, `pool overfit ${pool}`);
  assert.ok(Math.abs(fresh) < pool / 3, `fresh ${fresh} vs pool ${pool}`);
});
