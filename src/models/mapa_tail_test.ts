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
  const run = async (tailDraws: "fresh" | "pool", seed: number) => {
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
      seed,
    });
    return r.metrics.tailOverfitNats;
  };
  // One run's probe has a standard error of 0.05-0.15 nats at N = 40 (one seed gave a pool
  // overfit of 0.008, another 0.22), so the effect is judged on the mean over four seeds.
  const seeds = [1, 2, 3, 4];
  let fresh = 0, pool = 0;
  for (const seed of seeds) {
    const f = await run("fresh", seed), p = await run("pool", seed);
    assert.ok(Number.isFinite(f) && Number.isFinite(p), `seed ${seed}: ${f} ${p}`);
    fresh += f / seeds.length;
    pool += p / seeds.length;
  }
  // A pool of one round is the decoder's training set for the tail: it scores higher.
  assert.ok(pool > 0.05, `pool overfit ${pool}`);
  assert.ok(Math.abs(fresh) < pool / 3, `fresh ${fresh} vs pool ${pool}`);
});
