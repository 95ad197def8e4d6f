import assert from "node:assert/strict";
import type { JsonValue } from "../../harness/suite.ts";
import { summarizeAmortization } from "./amortization_summary.ts";
import { fakeResult as result } from "./fixtures.ts";

Deno.test("amortization summary: best per data set and budget with paired intervals, both claims", () => {
  const s = summarizeAmortization([
    result("a", "vae", [-10, -11, -9, -10], 1e-5),
    result("a", "iwae", [-10.5, -11.5, -9.5, -10.5], 1e-5),
    result("a", "sa_vae", [-9.5, -10.4, -8.6, -9.5], 1e-3),
    result("a", "gp_rf", [-8, -9.1, -6.9, -8], 2e-5),
    result("b", "vae", [-5, -4, -6], 1e-5, "passes"),
    result("b", "sa_vae", [-6, -5, -7], 1e-4, "passes"),
    result("b", "gp_rf", [-5.5, -4.4, -6.6], 2e-5, "passes"),
  ]);
  const per = s.perCase as Record<string, Record<string, JsonValue>>;
  assert.equal(per["a/steps"].best, "gp_rf");
  assert.equal(per["a/steps"].runnerUp, "sa_vae");
  assert.ok(Math.abs((per["a/steps"].bestMinusRunnerUp as number) - 1.5) < 1e-12);
  assert.equal(per["a/steps"].clearWinner, true);
  assert.equal(per["a/steps"].logLikClaim, "agrees");
  assert.equal(per["a/steps"].speedClaimHolds, true);
  assert.equal(per["b/passes"].best, "vae");
  assert.equal(per["b/passes"].logLikClaim, "disagrees");
  assert.equal(per["b/passes"].speedClaimHolds, false);
  assert.equal(s.logLikClaim, "agrees on 1 of 2 (data set, budget) pairs");
  assert.equal(s.oneEstimatorPerDataset, true);
  const claims = s.claims as Record<string, JsonValue>[];
  assert.deepEqual(claims.map((c) => [c.dataset, c.outcome]), [
    ["a", "agrees"],
    ["a", "agrees"],
    ["b", "disagrees"],
    ["b", "disagrees"],
  ]);
  assert.match(String(claims[0].evidence), /GP-RF - VAE 2\.00 \[/);
  const mixed = summarizeAmortization([
    result("a", "vae", [-1, -2], 1),
    { ...result("a", "gp_rf", [-1, -2], 1), metrics: { testLogLikEstimator: "other" } },
  ]);
  assert.equal(mixed.oneEstimatorPerDataset, false);
});
