import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { bound, type MogProposal } from "./_mog_bound.ts";
import { gaussianModel, randomTanhDecoder } from "./_test_models.ts";

Deno.test("MoG IWAE bound gradient matches finite differences", async (t) => {
  const priors = {
    standard_normal: { kind: "standard_normal" as const },
    gmm: {
      kind: "gmm" as const,
      weights: new Float64Array([0.4, 0.6]),
      means: new Float64Array([-1, 0.5, 1, -0.5]),
      variances: new Float64Array([0.5, 1, 2, 0.3]),
    },
  };
  for (const [name, prior] of Object.entries(priors)) {
    await t.step(name, () => {
      const model = gaussianModel(randomTanhDecoder(2, 3, 5, 11), 0.3, prior);
      const x: Matrix = { rows: 1, cols: 3, data: new Float64Array([0.2, -0.4, 0.7]) };
      const rng = Rng.stream(1, "grad-test");
      const mix: MogProposal = {
        mu: rng.fillNormal(new Float64Array(6)),
        rho: rng.fillNormal(new Float64Array(6)).map((v) => -0.5 + 0.3 * v),
        alpha: rng.fillNormal(new Float64Array(3)),
      };
      const eps = rng.fillNormal(new Float64Array(3 * 4 * 2));
      const r = bound(model, x, 0, mix, eps, 4, "grad");
      const groups: [Float64Array, Float64Array][] = [
        [mix.mu, r.gMu!],
        [mix.rho, r.gRho!],
        [mix.alpha, r.gAlpha!],
      ];
      for (const [p, g] of groups) {
        for (let k = 0; k < p.length; k++) {
          const h = 1e-6;
          const keep = p[k];
          p[k] = keep + h;
          const up = bound(model, x, 0, mix, eps, 4, "value").value;
          p[k] = keep - h;
          const down = bound(model, x, 0, mix, eps, 4, "value").value;
          p[k] = keep;
          const fd = (up - down) / (2 * h);
          assert.ok(Math.abs(fd - g[k]) < 1e-5 * Math.max(1, Math.abs(fd)), `${fd} vs ${g[k]}`);
        }
      }
    });
  }
});

Deno.test("MoG IWAE bound gradient matches finite differences for the copula prior", () => {
  const prior = {
    kind: "copula" as const,
    knotsU: new Float64Array([-3, -1, 0.5, 3]),
    knotsZ: new Float64Array([-2, -1.5, 0.2, 4]),
  };
  const model = gaussianModel(randomTanhDecoder(1, 2, 5, 12), 0.2, prior);
  const x: Matrix = { rows: 1, cols: 2, data: new Float64Array([0.3, -0.2]) };
  const rng = Rng.stream(2, "grad-test");
  const mix: MogProposal = {
    mu: new Float64Array([-0.7, 1.1]),
    rho: new Float64Array([-0.3, -0.8]),
    alpha: new Float64Array([0.2, -0.1]),
  };
  const eps = rng.fillNormal(new Float64Array(2 * 5));
  const r = bound(model, x, 0, mix, eps, 5, "grad");
  for (const [p, g] of [[mix.mu, r.gMu!], [mix.rho, r.gRho!], [mix.alpha, r.gAlpha!]]) {
    for (let k = 0; k < p.length; k++) {
      const h = 1e-7;
      const keep = p[k];
      p[k] = keep + h;
      const up = bound(model, x, 0, mix, eps, 5, "value").value;
      p[k] = keep - h;
      const down = bound(model, x, 0, mix, eps, 5, "value").value;
      p[k] = keep;
      const fd = (up - down) / (2 * h);
      assert.ok(Math.abs(fd - g[k]) < 1e-5 * Math.max(1, Math.abs(fd)), `${fd} vs ${g[k]}`);
    }
  }
});
