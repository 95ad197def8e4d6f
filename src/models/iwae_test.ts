import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import { iwae } from "./iwae.ts";
import { scoped, type TrainingData } from "./method.ts";
import { circleData } from "./testing.ts";
import { vae } from "./vae.ts";

await tf.setBackend("wasm");

const x = circleData(200, 2, 0.05);
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: 0.05 };
const nets = {
  encoder: { hidden: [6], activation: "tanh" as const },
  decoder: { hidden: [6], activation: "tanh" as const },
};

Deno.test("IWAE bound grows with S on a fixed model", async () => {
  const bounds: number[] = [];
  for (const s of [1, 5, 50]) {
    const model = iwae.build(data, { ...nets, s, rng: Rng.stream(7, "init") });
    bounds.push(await model.validationBound(x, Rng.stream(1, "v")));
    model.dispose();
  }
  assert.ok(bounds[0] < bounds[1] && bounds[1] < bounds[2], `bounds ${bounds}`);
  // The VAE's ELBO with the same networks is an S = 1 bound too (closed-form KL): below IWAE-50.
  const v = vae.build(data, { ...nets, rng: Rng.stream(7, "init") });
  assert.ok((await v.validationBound(x, Rng.stream(1, "v"))) < bounds[2]);
  v.dispose();
});

Deno.test("IWAE passes: |B| encoder and |B| * S decoder", () => {
  const model = iwae.build(data, { ...nets, s: 3, rng: Rng.stream(7, "init") });
  const passes = scoped(() => {
    const r = model.loss(Int32Array.from([0, 1, 2, 3, 4, 5, 6]), Rng.stream(0, "p"));
    r.loss.dispose();
    return r.passes;
  });
  assert.deepEqual(passes, { encoder: 7, decoder: 21 });
  model.dispose();
});

Deno.test("DReG and naive encoder gradients agree in expectation", () => {
  // One point repeated: the batch mean averages many independent gradient draws.
  const grads = (estimator: "dreg" | "naive", reps: number) => {
    const batch = new Int32Array(reps).fill(3);
    const model = iwae.build(data, { ...nets, s: 4, estimator, rng: Rng.stream(7, "init") });
    const vars = model.variables();
    const out = scoped(() => {
      const { value, grads } = tf.variableGrads(
        () => model.loss(batch, Rng.stream(5, "eps")).loss,
        vars,
      );
      return {
        loss: value.dataSync()[0],
        g: vars.map((v) => Float64Array.from(grads[v.name].dataSync())),
      };
    });
    const encoderCount = 4; // encoder W, b for one hidden layer and the output layer
    model.dispose();
    return { loss: out.loss, enc: out.g.slice(0, encoderCount), dec: out.g.slice(encoderCount) };
  };
  const d = grads("dreg", 4000), n = grads("naive", 4000);
  assert.ok(Math.abs(d.loss - n.loss) < 1e-5 * Math.abs(n.loss), "same draws, same value");
  const flat = (g: Float64Array[]) => g.flatMap((a) => [...a]);
  const dist = (a: number[], b: number[]) => Math.hypot(...a.map((v, i) => v - b[i]));
  const norm = (a: number[]) => Math.hypot(...a);
  // Decoder gradients are the IWAE gradient in both: equal for equal draws.
  assert.ok(dist(flat(d.dec), flat(n.dec)) < 1e-3 * norm(flat(n.dec)));
  const de = flat(d.enc), ne = flat(n.enc);
  assert.ok(norm(de) > 0);
  assert.ok(dist(de, ne) < 0.1 * norm(ne), `encoder grads differ: ${dist(de, ne)} vs ${norm(ne)}`);
  // Single draws differ: the estimators are not the same function.
  const d1 = flat(grads("dreg", 1).enc), n1 = flat(grads("naive", 1).enc);
  assert.ok(dist(d1, n1) > 0.01 * norm(n1));
});

Deno.test("IWAE bad input", () => {
  const rng = Rng.stream(0, "bad");
  for (const s of [0, -1, 1.5]) {
    assert.throws(() => iwae.build(data, { s, rng }), InputError);
  }
  assert.throws(() => iwae.build(data, { estimator: "x" as "dreg", rng }), InputError);
});
