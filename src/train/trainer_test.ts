import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../backend.ts";
import { InputError } from "../errors.ts";
import { exactRows } from "../mapa/exact/mod.ts";
import { makeTailPool } from "../mapa/tail.ts";
import type { Method, TrainingData } from "../models/method.ts";
import { getMethod } from "../models/registry.ts";
import { circleData } from "../models/testing.ts";
import { train } from "./trainer.ts";

await initBackend("wasm");

const x = circleData(120, 3, 0.02);
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: 0.02 };
const nets = {
  encoder: { hidden: [10], activation: "tanh" as const },
  decoder: { hidden: [10], activation: "tanh" as const },
};

Deno.test("training spends the pass budget, keeps the best restart, leaks no tensors", async () => {
  const rows = await exactRows(x, { k: 4, sigma2: 0.02, workers: 0 });
  const pool = makeTailPool(x, rows, { s: 3, rounds: 4, seed: 1 });
  for (const name of ["vae", "iwae", "mapa", "mapa_naive"]) {
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const r = await train(getMethod(name), data, {
      ...nets,
      rows,
      pool,
      k: 4,
      s: 3,
      budget: { kind: "passes", passes: 6000, costModel: "encoder_decoder" },
      restarts: 2,
      batchSize: 20,
      learningRate: 0.01,
      seed: 4,
      onProgress: (p) => progress.push(p.fraction),
    });
    assert.equal(r.restarts.length, 2);
    for (const rr of r.restarts) {
      assert.equal(rr.status, "ok", `${name}: ${rr.error}`);
      const spent = rr.passes.encoder + rr.passes.decoder;
      // Stops at the first step that reaches the budget: at most one step (<= 2 * 20 * 7) over.
      assert.ok(spent >= 6000 && spent <= 6000 + 280, `${name}: spent ${spent}`);
      assert.equal(rr.tensorGrowth, 0, `${name}: tensors grew`);
      assert.ok(Number.isFinite(rr.validationBound));
    }
    const bounds = r.restarts.map((q) => q.validationBound);
    assert.equal(r.best, bounds.indexOf(Math.max(...bounds)));
    assert.equal(r.model.decoder.layers.length, 2);
    assert.ok(progress.at(-1) === 1);
    assert.equal(tf.memory().numTensors, before, `${name}: tensors left after training`);
    // Training improves the first-step loss.
    assert.ok(r.restarts[0].finalLoss < 50, `${name}: ${r.restarts[0].finalLoss}`);
  }
});

Deno.test("a forced NaN marks that restart failed and the run goes on", async () => {
  const base = getMethod("vae");
  let builds = 0;
  const flaky: Method = {
    ...base,
    name: "flaky",
    build(d, o) {
      const model = base.build(d, o);
      if (builds++ !== 1) return model;
      return {
        ...model,
        passes: model.passes,
        loss(batch, rng) {
          const r = model.loss(batch, rng);
          return { loss: tf.mul(r.loss, NaN) as tf.Scalar, passes: r.passes };
        },
      };
    },
  };
  const r = await train(flaky, data, {
    ...nets,
    budget: { kind: "passes", passes: 400, costModel: "decoder" },
    restarts: 3,
    batchSize: 20,
  });
  assert.deepEqual(r.restarts.map((q) => q.status), ["ok", "failed", "ok"]);
  assert.match(r.restarts[1].error!, /non-finite loss/);
  assert.notEqual(r.best, 1);
});

Deno.test("bad training input is a one-line InputError", async () => {
  const vae = getMethod("vae");
  for (
    const budget of [
      { kind: "passes" as const, passes: 0, costModel: "decoder" as const },
      { kind: "passes" as const, passes: -5, costModel: "decoder" as const },
      { kind: "seconds" as const, seconds: 0 },
    ]
  ) {
    await assert.rejects(() => train(vae, data, { budget }), InputError);
  }
  assert.throws(() => getMethod("nope"), InputError);
  await assert.rejects(() => initBackend("tpu"), InputError);
});

Deno.test("a time budget stops training", async () => {
  const r = await train(getMethod("iwae"), data, {
    ...nets,
    s: 2,
    budget: { kind: "seconds", seconds: 0.3 },
  });
  assert.ok(r.restarts[0].steps > 0 && r.restarts[0].seconds < 5);
});

/** Runs one training step on `backend` in its own process (see testdata/one_step.ts). */
function oneStepIn(backend: string): { loss?: number; unavailable?: string } {
  const script = new URL("./testdata/one_step.ts", import.meta.url).pathname;
  const out = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script, backend],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
  if (!out.success || !line.startsWith("{")) {
    throw new Error(
      `one step on ${backend} failed (exit ${out.code}): ${new TextDecoder().decode(out.stderr)}`,
    );
  }
  return JSON.parse(line);
}

Deno.test("one training step gives the same loss on wasm, cpu and webgpu", () => {
  const wasm = oneStepIn("wasm").loss!;
  assert.ok(Number.isFinite(wasm));
  const cpu = oneStepIn("cpu").loss!;
  assert.ok(Math.abs(cpu - wasm) < 1e-3 * Math.abs(wasm), `cpu ${cpu} vs wasm ${wasm}`);
  // No adapter at all on a machine: nothing to compare with, said so in the output.
  const gpu = oneStepIn("webgpu");
  if (gpu.unavailable) console.log(`webgpu not compared: ${gpu.unavailable}`);
  else {assert.ok(
      Math.abs(gpu.loss! - wasm) < 1e-3 * Math.abs(wasm),
      `webgpu ${gpu.loss} vs wasm ${wasm}`,
    );}
});

Deno.test("a cosine schedule with floor 1 is the constant one; a decaying one changes the run", async () => {
  const run = (schedule?: { kind: "cosine"; floor: number }) =>
    train(getMethod("vae"), data, {
      ...nets,
      budget: { kind: "passes", passes: 4000, costModel: "encoder_decoder" },
      batchSize: 20,
      learningRate: 0.01,
      seed: 2,
      ...(schedule ? { schedule } : {}),
    });
  const constant = await run();
  const flat = await run({ kind: "cosine", floor: 1 });
  const decayed = await run({ kind: "cosine", floor: 0.01 });
  assert.equal(flat.restarts[0].finalLoss, constant.restarts[0].finalLoss);
  assert.notEqual(decayed.restarts[0].finalLoss, constant.restarts[0].finalLoss);
  await assert.rejects(
    () =>
      train(getMethod("vae"), data, {
        budget: { kind: "seconds", seconds: 1 },
        schedule: { kind: "cosine", floor: -1 },
      }),
    /floor must be in \[0, 1\]/,
  );
});
