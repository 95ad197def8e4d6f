import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import type { GaussianPosterior } from "../models/method.ts";
import type { Matrix } from "../types.ts";
import { gaussianModel, linearDecoder } from "./_test_models.ts";
import { amortizationGap } from "./amortization_gap.ts";
import { gaussianElbo, importanceLogLikelihood } from "./gaussian_q.ts";

await tf.setBackend("wasm");

// x = a z + b + noise, z ~ N(0, 1): p(x) and p(z | x) are Gaussian in closed form.
const a = [1.5, -0.8], b = [0.2, 0.1], s2 = 0.05;
const model = gaussianModel(linearDecoder(1, 2, a, b), s2);
const x: Matrix = {
  rows: 5,
  cols: 2,
  data: new Float64Array([1, -0.5, -2, 1, 0, 0, 0.5, 0.4, 3, -1.6]),
};
const aa = a[0] ** 2 + a[1] ** 2;

function exact(): { logPx: number[]; posterior: GaussianPosterior } {
  const logPx: number[] = [], mean = new Float64Array(x.rows), logVar = new Float64Array(x.rows);
  const precision = 1 + aa / s2;
  for (let i = 0; i < x.rows; i++) {
    const r = [x.data[2 * i] - b[0], x.data[2 * i + 1] - b[1]];
    const ar = a[0] * r[0] + a[1] * r[1];
    const quad = (r[0] ** 2 + r[1] ** 2 - ar * ar / (s2 + aa)) / s2;
    logPx.push(-0.5 * (quad + Math.log(s2 * (s2 + aa)) + 2 * Math.log(2 * Math.PI)));
    mean[i] = ar / s2 / precision;
    logVar[i] = -Math.log(precision);
  }
  const m = (d: Float64Array) => ({ rows: x.rows, cols: 1, data: d });
  return { logPx, posterior: { mean: m(mean), logVariance: m(logVar) } };
}

const prior: GaussianPosterior = {
  mean: { rows: 5, cols: 1, data: new Float64Array(5) },
  logVariance: { rows: 5, cols: 1, data: new Float64Array(5) },
};

Deno.test("the exact posterior's ELBO and importance estimate are log p(x)", async () => {
  const { logPx, posterior } = exact();
  const elbo = await gaussianElbo(model, { x, q: posterior }, { samples: 4000 });
  const is = await importanceLogLikelihood(model, { x, proposals: [posterior] }, { samples: 10 });
  for (let i = 0; i < x.rows; i++) {
    assert.ok(Math.abs(elbo[i] - logPx[i]) < 0.05, `elbo ${elbo[i]} vs ${logPx[i]}`);
    assert.ok(Math.abs(is[i] - logPx[i]) < 1e-3, `is ${is[i]} vs ${logPx[i]}`);
  }
  // A poor proposal (the prior) still converges with many draws, and the mixture with it too.
  const wide = await importanceLogLikelihood(model, { x, proposals: [prior, posterior] }, {
    samples: 2000,
  });
  for (let i = 0; i < x.rows; i++) assert.ok(Math.abs(wide[i] - logPx[i]) < 0.02);
});

Deno.test("gap of a poor amortized q is large and closes the inference gap", async () => {
  const { logPx } = exact();
  const r = await amortizationGap(model, { x, posterior: prior }, {
    samples: 32,
    evalSamples: 4000,
  });
  assert.equal(r.logPxMethod, "quadrature");
  for (let i = 0; i < x.rows; i++) {
    assert.ok(r.gap[i] > 0, `gap ${r.gap[i]}`);
    // L = 1: the optimal Gaussian is the exact posterior, so the optimised ELBO reaches log p(x).
    assert.ok(Math.abs(r.optimizedElbo[i] - logPx[i]) < 0.05, `${r.optimizedElbo[i]} ${logPx[i]}`);
    assert.ok(Math.abs(r.logPx![i] - logPx[i]) < 1e-3);
    assert.ok(Math.abs(r.inferenceGap![i] - (logPx[i] - r.amortizedElbo[i])) < 1e-3);
    assert.ok(r.gap[i] <= r.inferenceGap![i] + 0.05);
  }
});

Deno.test("gap of the exact posterior is zero up to noise", async () => {
  const { posterior } = exact();
  const r = await amortizationGap(model, { x, posterior }, {
    evalSamples: 4000,
    logPx: "importance",
    importanceSamples: 200,
  });
  for (let i = 0; i < x.rows; i++) {
    assert.ok(Math.abs(r.gap[i]) < 0.05, `gap ${r.gap[i]}`);
    assert.ok(r.inferenceGap![i] > -0.05, `inference gap ${r.inferenceGap![i]}`);
  }
});

Deno.test("amortization gap bad input", async () => {
  const bad = { ...prior, mean: { rows: 4, cols: 1, data: new Float64Array(4) } };
  await assert.rejects(() => amortizationGap(model, { x, posterior: bad }), InputError);
  await assert.rejects(
    () => amortizationGap(model, { x, posterior: prior }, { steps: 1.5 }),
    InputError,
  );
  await assert.rejects(
    () => amortizationGap(model, { x, posterior: prior }, { learningRate: NaN }),
    InputError,
  );
  const gmm = {
    ...model,
    prior: {
      kind: "copula" as const,
      knotsU: new Float64Array([0, 1]),
      knotsZ: new Float64Array([0, 1]),
    },
  };
  await assert.rejects(() => gaussianElbo(gmm, { x, q: prior }), InputError);
});
