import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { fitCopula, fitGmm, normalQuantile, recoverPrior } from "./prior_recovery.ts";

Deno.test("normalQuantile matches known values", () => {
  assert.ok(Math.abs(normalQuantile(0.5)) < 1e-9);
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963985) < 1e-6);
  assert.ok(Math.abs(normalQuantile(0.001) + 3.090232306) < 1e-6);
});

Deno.test("copula: monotone map whose quantiles follow the codes", () => {
  const rng = Rng.stream(1, "c");
  const n = 2000;
  // Skewed codes: z = exp(g).
  const z = { rows: n, cols: 1, data: new Float64Array(n).map(() => Math.exp(rng.normal())) };
  const p = fitCopula(z);
  assert.equal(p.kind, "copula");
  if (p.kind !== "copula") return;
  for (let i = 1; i < p.knotsU.length; i++) {
    assert.ok(p.knotsU[i] > p.knotsU[i - 1] && p.knotsZ[i] >= p.knotsZ[i - 1]);
  }
  // The median knot maps u = 0 to the codes' median exp(0) = 1.
  const mid = p.knotsU.findIndex((u) => u >= 0);
  assert.ok(Math.abs(p.knotsZ[mid] - 1) < 0.1, `${p.knotsZ[mid]}`);
});

Deno.test("GMM by EM recovers two separated clusters", () => {
  const rng = Rng.stream(2, "g");
  const n = 600;
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    const c = i < 200 ? -3 : 3;
    data[2 * i] = c + 0.5 * rng.normal();
    data[2 * i + 1] = 0.5 * rng.normal();
  }
  const p = fitGmm({ rows: n, cols: 2, data }, { components: 2, rng: Rng.stream(0, "em") });
  const order = p.means[0] < p.means[2] ? [0, 1] : [1, 0];
  assert.ok(Math.abs(p.weights[order[0]] - 1 / 3) < 0.02);
  assert.ok(
    Math.abs(p.means[2 * order[0]] + 3) < 0.15 && Math.abs(p.means[2 * order[1]] - 3) < 0.15,
  );
  assert.ok(Math.abs(p.variances[2 * order[0]] - 0.25) < 0.07);
  assert.equal(recoverPrior({ rows: n, cols: 2, data }, { rng: Rng.stream(0, "r") }).kind, "gmm");
});
