import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { logLikelihoodQuadrature } from "./log_likelihood_quadrature.ts";
import {
  absDecoder,
  gaussianModel,
  layer,
  linearDecoder,
  randomTanhDecoder,
} from "./_test_models.ts";

function column(values: number[]): Matrix {
  return { rows: values.length, cols: 1, data: new Float64Array(values) };
}

/** Trapezoid integral of exp(logp) over a uniform grid of step h. */
function integrate(logp: Float64Array, h: number): number {
  let s = 0;
  for (let i = 0; i < logp.length; i++) {
    const w = i === 0 || i === logp.length - 1 ? 0.5 : 1;
    s += w * Math.exp(logp[i]);
  }
  return s * h;
}

Deno.test("quadrature matches the closed form of a linear Gaussian model", () => {
  const a = 1.7;
  const b = -0.4;
  const sigma2 = 0.3;
  const model = gaussianModel(linearDecoder(1, 1, [a], [b]), sigma2);
  const xs = [-3, -0.4, 0, 1.2, 5];
  const res = logLikelihoodQuadrature(model, column(xs));
  const v = a * a + sigma2;
  for (let i = 0; i < xs.length; i++) {
    const exact = -0.5 * Math.log(2 * Math.PI * v) - (xs[i] - b) ** 2 / (2 * v);
    assert.ok(Math.abs(res.logPx[i] - exact) < 1e-6, `x=${xs[i]}: ${res.logPx[i]} vs ${exact}`);
  }
  assert.equal(res.grid.space, "z");
  assert.ok(res.grid.levels >= 2);
});

Deno.test("quadrature matches the closed form for L = 2, D = 2 linear model", () => {
  // x = A^T z + b with A = [[1, 0.5], [0, 2]]: cov = A^T A + sigma2 I.
  const model = gaussianModel(linearDecoder(2, 2, [1, 0.5, 0, 2], [0.3, -1]), 0.2);
  const x: Matrix = { rows: 2, cols: 2, data: new Float64Array([0, 0, 1.5, 2]) };
  const res = logLikelihoodQuadrature(model, x);
  const c00 = 1 + 0.2, c01 = 0.5, c11 = 0.25 + 4 + 0.2;
  const det = c00 * c11 - c01 * c01;
  for (let i = 0; i < 2; i++) {
    const d0 = x.data[2 * i] - 0.3, d1 = x.data[2 * i + 1] + 1;
    const q = (c11 * d0 * d0 - 2 * c01 * d0 * d1 + c00 * d1 * d1) / det;
    const exact = -Math.log(2 * Math.PI) - 0.5 * Math.log(det) - 0.5 * q;
    assert.ok(Math.abs(res.logPx[i] - exact) < 1e-6, `${res.logPx[i]} vs ${exact}`);
  }
});

Deno.test("quadrature density integrates to 1 over x (L = 1, D = 1, bimodal |z|)", () => {
  const model = gaussianModel(absDecoder(), 0.05);
  const h = 0.01;
  const xs: number[] = [];
  for (let v = -1; v <= 9 + 1e-9; v += h) xs.push(v);
  const res = logLikelihoodQuadrature(model, column(xs));
  assert.ok(Math.abs(integrate(res.logPx, h) - 1) < 1e-3);
});

Deno.test("quadrature density integrates to 1 over x (L = 1, D = 2 tanh MLP)", () => {
  const model = gaussianModel(randomTanhDecoder(1, 2, 8, 3), 0.05);
  const h = 0.05;
  const lo = -4, n = 161;
  const data = new Float64Array(n * n * 2);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      data[2 * (i * n + j)] = lo + i * h;
      data[2 * (i * n + j) + 1] = lo + j * h;
    }
  }
  const res = logLikelihoodQuadrature(model, { rows: n * n, cols: 2, data });
  let s = 0;
  for (let t = 0; t < n * n; t++) s += Math.exp(res.logPx[t]);
  assert.ok(Math.abs(s * h * h - 1) < 1e-3, `integral ${s * h * h}`);
});

Deno.test("quadrature handles GMM and copula priors", async (t) => {
  await t.step("GMM prior with linear decoder is a Gaussian mixture in x", () => {
    const prior = {
      kind: "gmm" as const,
      weights: new Float64Array([0.3, 0.7]),
      means: new Float64Array([-5, 12]),
      variances: new Float64Array([0.25, 4]),
    };
    const model = gaussianModel(linearDecoder(1, 1, [2], [1]), 0.1, prior);
    const xs = [-9, 0, 25];
    const res = logLikelihoodQuadrature(model, column(xs));
    for (let i = 0; i < xs.length; i++) {
      let p = 0;
      for (let k = 0; k < 2; k++) {
        const m = 2 * prior.means[k] + 1, v = 4 * prior.variances[k] + 0.1;
        p += prior.weights[k] * Math.exp(-((xs[i] - m) ** 2) / (2 * v)) /
          Math.sqrt(2 * Math.PI * v);
      }
      assert.ok(Math.abs(res.logPx[i] - Math.log(p)) < 1e-6);
    }
    assert.ok(res.grid.lower[0] <= -9 && res.grid.upper[0] >= 28);
  });
  await t.step("copula prior with identity knots equals the standard normal prior", () => {
    const knots = new Float64Array([-10, 10]);
    const copula = { kind: "copula" as const, knotsU: knots, knotsZ: knots };
    const dec = randomTanhDecoder(1, 1, 6, 5);
    const a = logLikelihoodQuadrature(gaussianModel(dec, 0.1, copula), column([0.2, -0.7]));
    const b = logLikelihoodQuadrature(gaussianModel(dec, 0.1), column([0.2, -0.7]));
    assert.equal(a.grid.space, "u");
    for (let i = 0; i < 2; i++) assert.ok(Math.abs(a.logPx[i] - b.logPx[i]) < 1e-9);
  });
  await t.step("copula prior that doubles z matches N(0, 4) for a linear decoder", () => {
    const copula = {
      kind: "copula" as const,
      knotsU: new Float64Array([-9, 0, 9]),
      knotsZ: new Float64Array([-18, 0, 18]),
    };
    const model = gaussianModel(linearDecoder(1, 1, [1], [0]), 0.5, copula);
    const res = logLikelihoodQuadrature(model, column([1.3]));
    const v = 4 + 0.5;
    const exact = -0.5 * Math.log(2 * Math.PI * v) - 1.3 ** 2 / (2 * v);
    assert.ok(Math.abs(res.logPx[0] - exact) < 1e-6);
  });
});

Deno.test("quadrature of a Bernoulli model sums to 1 over {0,1}^D", () => {
  const decoder = {
    layers: [layer(1, 3, [2, -1, 0.5], [0, 0.3, -0.2], "tanh"), {
      ...layer(3, 3, [1, 2, 0, -1, 0.5, 1, 0, 1, -2], [0.1, 0, -0.1], "linear"),
    }],
  };
  const model: GenerativeModel = {
    l: 1,
    d: 3,
    likelihood: "bernoulli",
    sigma2: 0,
    prior: { kind: "standard_normal" },
    decoder,
  };
  const data = new Float64Array(8 * 3);
  for (let m = 0; m < 8; m++) for (let k = 0; k < 3; k++) data[3 * m + k] = (m >> k) & 1;
  const res = logLikelihoodQuadrature(model, { rows: 8, cols: 3, data });
  let s = 0;
  for (const v of res.logPx) s += Math.exp(v);
  assert.ok(Math.abs(s - 1) < 1e-9, `sum ${s}`);
});

Deno.test("quadrature grid check fails clearly when the grid cannot be refined enough", () => {
  const model = gaussianModel(randomTanhDecoder(1, 1, 8, 7, 6), 1e-4);
  assert.throws(
    () => logLikelihoodQuadrature(model, column([0.1, 0.5, -0.3]), { maxNodes: 257 }),
    (e: unknown) =>
      e instanceof InputError && /^grid too coarse for the latent range \[-8\.000, 8\.000\]/
        .test(e.message),
  );
});

Deno.test("quadrature rejects bad inputs with InputError", () => {
  const ok = gaussianModel(linearDecoder(1, 1, [1], [0]), 0.1);
  const x = column([0.5]);
  const noPrior = { ...ok, prior: undefined } as unknown as GenerativeModel;
  assert.throws(() => logLikelihoodQuadrature(noPrior, x), InputError);
  const l3 = gaussianModel(linearDecoder(3, 1, [1, 1, 1], [0]), 0.1);
  assert.throws(() => logLikelihoodQuadrature(l3, x), /L <= 2/);
  assert.throws(() => logLikelihoodQuadrature(ok, column([NaN])), InputError);
  assert.throws(
    () => logLikelihoodQuadrature(ok, { rows: 1, cols: 2, data: new Float64Array(2) }),
    InputError,
  );
  assert.throws(() => logLikelihoodQuadrature({ ...ok, sigma2: 0 }, x), InputError);
});
