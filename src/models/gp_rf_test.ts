import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import { train } from "../train/trainer.ts";
import { buildGpRf, gpRf, inducingKl } from "./gp_rf.ts";
import { type MethodModel, scoped, type TrainingData } from "./method.ts";
import { circleData } from "./testing.ts";
import { vae } from "./vae.ts";

await tf.setBackend("wasm");

const x = circleData(200, 2, 0.05);
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: 0.05 };
const nets = {
  encoder: { hidden: [8, 8], activation: "tanh" as const },
  decoder: { hidden: [8], activation: "tanh" as const },
};
const lossOf = (model: MethodModel) =>
  scoped(() =>
    model.loss(Int32Array.from({ length: 40 }, (_, i) => i), Rng.stream(5, "eps")).loss
      .dataSync()[0]
  );

Deno.test("with the GP's variance forced to zero GP-RF is the VAE", async () => {
  const v = vae.build(data, { ...nets, rng: Rng.stream(7, "init") });
  const g = buildGpRf(data, { ...nets, gp: { inducing: 10 }, rng: Rng.stream(7, "init") });
  // Prior and inducing variances ~0 with mean 0: f is 0 everywhere.
  g.gp.logSignalVariance.assign(tf.scalar(-40));
  g.gp.logDiag.assign(tf.fill(g.gp.logDiag.shape, -40));
  const bv = await v.validationBound(x, Rng.stream(1, "v"));
  const bg = await g.validationBound(x, Rng.stream(1, "v"));
  assert.ok(Math.abs(bv - bg) < 1e-4 * Math.abs(bv), `${bv} vs ${bg}`);
  // Training loss: the VAE's minus the ELBO, plus the inducing KL / N.
  const kl = await inducingKl(g);
  const lv = lossOf(v), lg = lossOf(g);
  assert.ok(
    Math.abs(lg - (lv + kl / x.rows)) < 1e-3 * Math.max(1, Math.abs(lv)),
    `${lg} ${lv} ${kl}`,
  );
  // And the test-time posterior is the encoder's.
  const [qv, qg] = [await v.encode(x), (await g.posterior(x)).mean];
  for (let i = 0; i < x.rows; i++) assert.ok(Math.abs(qv.data[i] - qg.data[i]) < 1e-5);
  v.dispose();
  g.dispose();
});

Deno.test("after training, the predictive variance is larger far from the training features", async () => {
  const r = await train(gpRf, data, {
    ...nets,
    gp: { inducing: 16 },
    budget: { kind: "passes", passes: 1e9, costModel: "decoder" },
    maxSteps: 300,
    batchSize: 50,
    learningRate: 1e-2,
  });
  assert.equal(r.restarts[0].status, "ok");
  assert.equal(r.restarts[0].tensorGrowth, 0, "tf.memory().numTensors flat across steps");
  assert.ok(Number.isFinite(r.metrics.signalVariance) && r.metrics.inducing === 16);
  // Rebuild and train in place to read the GP (train() frees its models).
  const model = buildGpRf(data, { ...nets, gp: { inducing: 16 }, rng: Rng.stream(2, "init") });
  const opt = tf.train.adam(1e-2);
  const rng = Rng.stream(2, "steps");
  for (let step = 0; step < 300; step++) {
    const batch = Int32Array.from({ length: 50 }, () => rng.int(x.rows));
    opt.minimize(() => model.loss(batch, rng).loss, false, model.variables());
  }
  opt.dispose();
  const near = await model.predictive(x);
  const far: typeof x = { rows: 50, cols: 2, data: new Float64Array(100) };
  const rf = Rng.stream(4, "far");
  for (let i = 0; i < 100; i++) far.data[i] = 20 * rf.normal();
  const away = await model.predictive(far);
  const meanVar = (m: typeof x) => m.data.reduce((s, v) => s + v, 0) / m.data.length;
  assert.ok(
    meanVar(away.variance) > meanVar(near.variance),
    `${meanVar(away.variance)} vs ${meanVar(near.variance)}`,
  );
  model.dispose();
});

Deno.test("GP-RF bad input", () => {
  const rng = Rng.stream(0, "bad");
  for (
    const gp of [{ inducing: 0 }, { inducing: 201 }, { inducing: 2.5 }, { lengthscale: 0 }, {
      signalVariance: -1,
    }, { lengthscale: NaN }]
  ) {
    assert.throws(() => gpRf.build(data, { ...nets, gp, rng }), InputError, JSON.stringify(gp));
  }
  assert.throws(
    () => gpRf.build(data, { encoder: { hidden: [], activation: "tanh" }, rng }),
    InputError,
  );
  const before = tf.memory().numTensors;
  try {
    gpRf.build(data, { ...nets, gp: { signalVariance: 0 }, rng });
  } catch { /* expected */ }
  assert.equal(tf.memory().numTensors, before, "a rejected build frees what it made");
});
