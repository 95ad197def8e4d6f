import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { testKl } from "./held_out_kl.ts";
import { gaussianModel, randomTanhDecoder } from "./_test_models.ts";

function drawFrom(model: GenerativeModel, n: number, seed: number): Matrix {
  const rng = Rng.stream(seed, "kl-test/draw");
  const z = rng.fillNormal(new Float64Array(n * model.l));
  const f = mlpForward(model.decoder, { rows: n, cols: model.l, data: z });
  for (let i = 0; i < f.data.length; i++) f.data[i] += Math.sqrt(model.sigma2) * rng.normal();
  return f;
}

function shifted(model: GenerativeModel, by: number): GenerativeModel {
  const layers = model.decoder.layers.map((l) => ({ ...l, bias: l.bias.slice() }));
  const last = layers[layers.length - 1];
  for (let k = 0; k < last.bias.length; k++) last.bias[k] += by;
  return { ...model, decoder: { layers } };
}

const truth = gaussianModel(randomTanhDecoder(1, 2, 8, 21), 0.02);
const x = drawFrom(truth, 200, 1);

Deno.test("test KL of the truth against itself is exactly 0", async (t) => {
  for (const estimator of ["quadrature", "iwae_mog"] as const) {
    await t.step(estimator, () => {
      const r = testKl(truth, { x, truth }, { estimator, iwae: { samples: 300, fitSteps: 2 } });
      assert.ok(r.available);
      assert.equal(r.estimator, estimator);
      assert.equal(r.mean, 0);
      assert.ok(r.perPoint.every((v) => v === 0));
    });
  }
});

Deno.test("a shifted decoder has positive test KL, with a sensible interval", () => {
  const r = testKl(shifted(truth, 0.15), { x, truth });
  assert.ok(r.available);
  assert.equal(r.estimator, "quadrature");
  assert.ok(r.mean > 0.1, `mean ${r.mean}`);
  assert.ok(r.ci95Low > 0 && r.ci95Low < r.mean && r.mean < r.ci95High);
  assert.ok(r.stdError > 0 && r.n === 200);
  // A smaller shift is closer to the truth.
  const small = testKl(shifted(truth, 0.03), { x, truth });
  assert.ok(small.available && small.mean > 0 && small.mean < r.mean);
});

Deno.test("test KL without ground truth is not available, never a number", () => {
  const r = testKl(truth, { x, truth: null });
  assert.equal(r.available, false);
  assert.ok(!("mean" in r));
  assert.match((r as { reason: string }).reason, /not available/);
});

Deno.test("test KL rejects a model without a prior and mismatched data", () => {
  const noPrior = { ...truth, prior: undefined } as unknown as GenerativeModel;
  assert.throws(
    () => testKl(noPrior, { x, truth }),
    (e: unknown) => e instanceof InputError && /no prior/.test(e.message),
  );
  assert.throws(() => testKl(noPrior, { x, truth: null }), InputError);
  const x1: Matrix = { rows: 1, cols: 1, data: new Float64Array([0]) };
  assert.throws(() => testKl(truth, { x: x1, truth }), InputError);
});
