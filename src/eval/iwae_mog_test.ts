import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { iwaeMogLogLikelihood } from "./iwae_mog.ts";
import { logLikelihoodQuadrature } from "./log_likelihood_quadrature.ts";
import { absDecoder, gaussianModel, randomTanhDecoder } from "./_test_models.ts";

function drawFrom(model: GenerativeModel, n: number, seed: number): Matrix {
  const rng = Rng.stream(seed, "iwae-test/draw");
  const z = rng.fillNormal(new Float64Array(n * model.l));
  const f = mlpForward(model.decoder, { rows: n, cols: model.l, data: z });
  for (let i = 0; i < f.data.length; i++) f.data[i] += Math.sqrt(model.sigma2) * rng.normal();
  return f;
}

Deno.test("IWAE-MoG agrees with quadrature on 1-D models with bimodal posteriors", async (t) => {
  const models = {
    abs: gaussianModel(absDecoder(), 0.01),
    tanh: gaussianModel(randomTanhDecoder(1, 1, 8, 3, 3), 0.01),
  };
  for (const [name, model] of Object.entries(models)) {
    await t.step(name, () => {
      const x = drawFrom(model, 20, 4);
      const q = logLikelihoodQuadrature(model, x);
      const w = iwaeMogLogLikelihood(model, x, { seed: 3 });
      assert.ok(Math.abs(q.mean - w.mean) < 0.05, `${q.mean} vs ${w.mean}`);
      for (let i = 0; i < x.rows; i++) {
        assert.ok(Math.abs(q.logPx[i] - w.logPx[i]) < 0.05, `point ${i}`);
      }
    });
  }
});

Deno.test("IWAE-MoG with the Adam fit is a valid (looser) estimator", () => {
  const model = gaussianModel(absDecoder(), 0.01);
  const x = drawFrom(model, 10, 5);
  const q = logLikelihoodQuadrature(model, x);
  const w = iwaeMogLogLikelihood(model, x, { seed: 3, fit: "iwae", fitSteps: 50 });
  assert.ok(Math.abs(q.mean - w.mean) < 0.1, `${q.mean} vs ${w.mean}`);
});

Deno.test("IWAE-MoG is deterministic per seed and per point", () => {
  const model = gaussianModel(randomTanhDecoder(2, 2, 6, 8), 0.05);
  const x = drawFrom(model, 4, 6);
  const opts = { seed: 9, samples: 400, fitSteps: 3 };
  const a = iwaeMogLogLikelihood(model, x, opts);
  const b = iwaeMogLogLikelihood(model, x, opts);
  assert.deepEqual(a.logPx, b.logPx);
  const last: Matrix = { rows: 1, cols: 2, data: x.data.slice(6, 8) };
  const alone = iwaeMogLogLikelihood(model, last, opts);
  assert.notEqual(alone.logPx[0], a.logPx[3]); // point index keys the stream
  const c = iwaeMogLogLikelihood(model, x, { ...opts, seed: 10 });
  assert.notDeepEqual(a.logPx, c.logPx);
});

Deno.test("IWAE-MoG works for L = 3 and rejects bad input", () => {
  const model = gaussianModel(randomTanhDecoder(3, 2, 6, 8), 0.1);
  const x = drawFrom(model, 3, 7);
  const r = iwaeMogLogLikelihood(model, x, { seed: 1, samples: 500, fitSteps: 3 });
  assert.ok(r.logPx.every(Number.isFinite));
  const noPrior = { ...model, prior: undefined } as unknown as GenerativeModel;
  assert.throws(() => iwaeMogLogLikelihood(noPrior, x), InputError);
  const bad: Matrix = { rows: 1, cols: 2, data: new Float64Array([0, NaN]) };
  assert.throws(() => iwaeMogLogLikelihood(model, bad), InputError);
  assert.throws(() => iwaeMogLogLikelihood(model, x, { samples: 0 }), InputError);
  assert.throws(() => iwaeMogLogLikelihood(model, x, { defensiveWeight: 1 }), InputError);
});
