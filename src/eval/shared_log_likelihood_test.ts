import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { logLikelihoodQuadrature } from "./log_likelihood_quadrature.ts";
import { sharedEstimatorName, sharedLogLikelihood } from "./shared_log_likelihood.ts";
import { absDecoder, gaussianModel, linearDecoder } from "./_test_models.ts";

function drawFrom(model: GenerativeModel, n: number, seed: number): Matrix {
  const rng = Rng.stream(seed, "shared-ll-test/draw");
  const z = rng.fillNormal(new Float64Array(n * model.l));
  const f = mlpForward(model.decoder, { rows: n, cols: model.l, data: z });
  for (let i = 0; i < f.data.length; i++) f.data[i] += Math.sqrt(model.sigma2) * rng.normal();
  return f;
}

/** Exact log N(x; b, A^T A + sigma2 I) for x = z A + b + noise (A is L x D row-major). */
function exactLinearLogPx(a: number[], b: number[], l: number, sigma2: number, x: Matrix) {
  const d = x.cols;
  const cov = Array.from({ length: d }, (_, i) =>
    Array.from({ length: d }, (_, j) => {
      let s = i === j ? sigma2 : 0;
      for (let k = 0; k < l; k++) s += a[k * d + i] * a[k * d + j];
      return s;
    }));
  // Cholesky.
  const c = cov.map((r) => r.map(() => 0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = cov[i][j];
      for (let k = 0; k < j; k++) s -= c[i][k] * c[j][k];
      c[i][j] = i === j ? Math.sqrt(s) : s / c[j][j];
    }
  }
  let logDet = 0;
  for (let i = 0; i < d; i++) logDet += 2 * Math.log(c[i][i]);
  const out = new Float64Array(x.rows);
  for (let r = 0; r < x.rows; r++) {
    const y = new Float64Array(d);
    let q = 0;
    for (let i = 0; i < d; i++) {
      let s = x.data[r * d + i] - b[i];
      for (let k = 0; k < i; k++) s -= c[i][k] * y[k];
      y[i] = s / c[i][i];
      q += y[i] * y[i];
    }
    out[r] = -0.5 * (q + logDet + d * Math.log(2 * Math.PI));
  }
  return out;
}

Deno.test("shared log-likelihood is quadrature for L <= 2", async () => {
  const model = gaussianModel(absDecoder(), 0.05);
  const x = drawFrom(model, 8, 1);
  const r = await sharedLogLikelihood(model, x, { seed: 2 });
  const q = logLikelihoodQuadrature(model, x);
  assert.deepEqual(Array.from(r.logPx), Array.from(q.logPx));
  assert.match(r.estimator, /^quadrature/);
  assert.equal(r.estimator, sharedEstimatorName(1, { seed: 9 }));
});

Deno.test("shared log-likelihood for L > 2 matches the exact linear-Gaussian log p(x)", async () => {
  const l = 3, d = 5, sigma2 = 0.1;
  const rng = Rng.stream(4, "shared-ll-test/weights");
  const a = Array.from({ length: l * d }, () => rng.normal());
  const b = Array.from({ length: d }, () => 0.5 * rng.normal());
  const model = gaussianModel(linearDecoder(l, d, a, b), sigma2);
  const x = drawFrom(model, 6, 5);
  const exact = exactLinearLogPx(a, b, l, sigma2, x);
  const r = await sharedLogLikelihood(model, x, { seed: 3, samples: 2000, fitSteps: 300 });
  for (let i = 0; i < x.rows; i++) {
    assert.ok(Math.abs(r.logPx[i] - exact[i]) < 0.05, `point ${i}: ${r.logPx[i]} vs ${exact[i]}`);
  }
  assert.match(r.estimator, /^importance sampling \(S = 2000\)/);
  // Without fitting, the proposal is the prior (and its 2x-sd twin): a far looser bound.
  const unfit = await sharedLogLikelihood(model, x, { seed: 3, samples: 2000, fitSteps: 0 });
  assert.ok(unfit.mean < r.mean - 0.1, `${unfit.mean} vs ${r.mean}`);
});

Deno.test("shared estimator names depend on L and settings only; bad options throw", () => {
  assert.equal(
    sharedEstimatorName(10, { samples: 500 }),
    sharedEstimatorName(10, { samples: 500 }),
  );
  assert.notEqual(sharedEstimatorName(10, { samples: 500 }), sharedEstimatorName(10));
  assert.match(sharedEstimatorName(10, { largeL: "iwae_mog" }), /^IWAE-MoG/);
  assert.throws(() => sharedEstimatorName(10, { samples: 1 }), InputError);
  assert.throws(
    () => sharedEstimatorName(10, { largeL: "bogus" as "iwae_mog" }),
    InputError,
  );
});
