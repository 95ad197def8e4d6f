import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import { gaussianElbo } from "../eval/gaussian_q.ts";
import { Rng } from "../rng.ts";
import { train } from "../train/trainer.ts";
import { scoped, type TrainingData } from "./method.ts";
import { resolveSvi, saVae } from "./sa_vae.ts";
import { circleData } from "./testing.ts";
import { vae } from "./vae.ts";

await tf.setBackend("wasm");

const x = circleData(200, 2, 0.05);
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: 0.05 };
const nets = {
  encoder: { hidden: [8], activation: "tanh" as const },
  decoder: { hidden: [8], activation: "tanh" as const },
};

function gradients(method: typeof vae, options: Record<string, unknown> = {}) {
  const model = method.build(data, { ...nets, ...options, rng: Rng.stream(7, "init") });
  const vars = model.variables();
  const out = scoped(() => {
    const { grads } = tf.variableGrads(
      () => model.loss(Int32Array.from({ length: 50 }, (_, i) => i), Rng.stream(5, "eps")).loss,
      vars,
    );
    return vars.map((v) => Float64Array.from(grads[v.name].dataSync()));
  });
  model.dispose();
  return out;
}

const dist = (a: Float64Array[], b: Float64Array[]) =>
  Math.hypot(...a.flatMap((v, i) => [...v].map((u, j) => u - b[i][j])));
const norm = (a: Float64Array[]) => Math.hypot(...a.flatMap((v) => [...v]));

Deno.test("first-order SA-VAE: encoder gradient is the VAE's, decoder's is at the refined point", () => {
  const v = gradients(vae), s = gradients(saVae);
  const enc = 4; // encoder W, b of the hidden and the output layer
  // The first SVI step draws the same noise the VAE does, so the encoder's ELBO gradient matches.
  assert.ok(dist(s.slice(0, enc), v.slice(0, enc)) < 1e-4 * norm(v.slice(0, enc)));
  assert.ok(dist(s.slice(enc), v.slice(enc)) > 1e-2 * norm(v.slice(enc)));
  // No refinement: exactly the VAE.
  const s0 = gradients(saVae, { svi: { steps: 0 } });
  assert.ok(dist(s0, v) < 1e-5 * norm(v));
});

/** 100 binary rows of 20 pixels: two prototypes with 10% of pixels flipped. */
function binaryData(): TrainingData {
  const rng = Rng.stream(9, "binary");
  const bx = new Float64Array(100 * 20);
  for (let i = 0; i < 100; i++) {
    for (let j = 0; j < 20; j++) {
      const on = (i % 2 === 0) === (j < 10);
      bx[i * 20 + j] = (rng.uniform() < 0.1) !== on ? 1 : 0;
    }
  }
  return { x: { rows: 100, cols: 20, data: bx }, l: 2, likelihood: "bernoulli", sigma2: 1 };
}

Deno.test("SVI refinement does not lower the ELBO on average (Gaussian and binary data)", async () => {
  for (const d of [data, binaryData()]) {
    const make = (steps: number) =>
      saVae.build(d, { ...nets, svi: { steps }, rng: Rng.stream(3, "i") });
    const model = make(20), plain = make(0);
    const q = await model.posterior!(d.x, Rng.stream(1, "q"));
    const q0 = await plain.posterior!(d.x, Rng.stream(1, "q"));
    const gm = await model.exportModel(Rng.stream(0, "e"));
    const e = await gaussianElbo(gm, { x: d.x, q }, { samples: 400 });
    const e0 = await gaussianElbo(gm, { x: d.x, q: q0 }, { samples: 400 });
    const mean = (a: Float64Array) => a.reduce((s, v) => s + v, 0) / a.length;
    assert.ok(mean(e) > mean(e0), `${d.likelihood}: refined ${mean(e)} vs start ${mean(e0)}`);
    model.dispose();
    plain.dispose();
  }
});

Deno.test("SA-VAE passes: |B| encoder, (steps + 1) |B| decoder; tensors flat in training", async () => {
  const model = saVae.build(data, { ...nets, svi: { steps: 5 }, rng: Rng.stream(7, "init") });
  const passes = scoped(() => {
    const r = model.loss(Int32Array.from([0, 1, 2, 3]), Rng.stream(0, "p"));
    r.loss.dispose();
    return r.passes;
  });
  assert.deepEqual(passes, { encoder: 4, decoder: 24 });
  model.dispose();
  const r = await train(saVae, data, {
    ...nets,
    budget: { kind: "passes", passes: 1e9, costModel: "decoder" },
    maxSteps: 15,
    batchSize: 50,
  });
  assert.equal(r.restarts[0].status, "ok");
  assert.equal(r.restarts[0].tensorGrowth, 0);
});

Deno.test("SA-VAE bad input", () => {
  const rng = Rng.stream(0, "bad");
  for (
    const svi of [
      { steps: NaN },
      { steps: 1.5 },
      { stepSize: Infinity },
      { stepSize: 0 },
      { momentum: 1 },
      { clip: -1 },
      { clip: Infinity },
    ]
  ) {
    assert.throws(() => saVae.build(data, { ...nets, svi, rng }), InputError, JSON.stringify(svi));
  }
  assert.deepEqual(resolveSvi(), { steps: 20, stepSize: 1, momentum: 0.5, clip: 5 });
});
