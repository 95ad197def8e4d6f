import assert from "node:assert/strict";
import { amortizationSuite, summarizeAmortization } from "./amortization.ts";
import type { CaseResult } from "./suite.ts";

function result(dataset: string, method: string, ll: number, secs: number): CaseResult {
  return {
    suite: "amortization",
    name: `${dataset}/${method}`,
    params: { dataset, method },
    status: "ok",
    metrics: { testLogLik: ll, inferenceSecondsPerPoint: secs, amortizationGap: 0.1 },
    seconds: 1,
  };
}

Deno.test("amortization cases: every method on MNIST and the synthetic sets, unique names", () => {
  const cases = amortizationSuite.cases("quick");
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  for (const m of ["vae", "iwae", "sa_vae", "gp_rf"]) {
    assert.ok(cases.some((c) => c.params.dataset === "mnist" && c.params.method === m));
  }
  assert.ok(cases.some((c) => c.params.dataset !== "mnist"));
});

Deno.test("amortization summary checks both claims per data set", () => {
  const s = summarizeAmortization([
    result("a", "vae", -10, 1e-5),
    result("a", "sa_vae", -9, 1e-3),
    result("a", "gp_rf", -8, 2e-5),
    result("b", "vae", -5, 1e-5),
    result("b", "sa_vae", -6, 1e-4),
    result("b", "gp_rf", -5.5, 2e-5),
  ]);
  const per = s.perDataset as Record<string, Record<string, number | boolean>>;
  assert.equal(per.a.logLikClaimHolds, true);
  assert.equal(per.a.speedClaimHolds, true);
  assert.equal(per.b.logLikClaimHolds, false);
  assert.ok(Math.abs((per.b.gpRfMinusVae as number) + 0.5) < 1e-12);
  assert.equal(per.b.speedClaimHolds, false);
  assert.equal(s.logLikClaim, "1 of 2 data sets");
  assert.equal(s.speedClaimHoldsEverywhere, false);
  const section = amortizationSuite.report!([], s);
  assert.equal(section.charts.length, 3);
});
