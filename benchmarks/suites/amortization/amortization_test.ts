import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import {
  AMORTIZATION_METHODS,
  amortizationSuite,
  BUDGET_KINDS,
  caseEstimator,
  lossCurve,
  summarizeAmortization,
} from "./amortization.ts";
import type { CaseResult, CaseSpec, JsonValue } from "../../harness/suite.ts";

function result(
  dataset: string,
  method: string,
  perPoint: number[],
  secs: number,
  kind = "steps",
): CaseResult {
  const ll = perPoint.reduce((a, b) => a + b, 0) / perPoint.length;
  return {
    suite: "amortization",
    name: `${dataset}/${kind}/${method}`,
    params: { dataset, method, budgetKind: kind },
    status: "ok",
    metrics: {
      testLogLik: ll,
      testLogLikPerPoint: perPoint,
      testLogLikEstimator: `est-${dataset}`,
      inferenceSecondsPerPoint: secs,
      amortizationGap: 0.1,
    },
    seconds: 1,
  };
}

Deno.test("amortization cases: every method and both budget kinds per data set, unique names", () => {
  for (const profile of ["quick", "standard", "full"] as const) {
    const cases = amortizationSuite.cases(profile);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    const datasets = new Set(cases.map((c) => c.params.dataset as string));
    assert.ok(datasets.has("mnist") && datasets.size >= 2, profile);
    for (const ds of datasets) {
      for (const kind of BUDGET_KINDS) {
        for (const m of AMORTIZATION_METHODS) {
          const c = cases.filter((c) =>
            c.params.dataset === ds && c.params.budgetKind === kind && c.params.method === m
          );
          assert.equal(c.length, 1, `${profile} ${ds} ${kind} ${m}`);
          assert.ok(kind === "steps" ? c[0].params.budgetSteps : c[0].params.budgetPasses);
        }
      }
    }
  }
});

Deno.test("every method of a data set is scored by one estimator (from params, every profile)", () => {
  for (const profile of ["quick", "standard", "full"] as const) {
    const byDataset = new Map<string, Set<string>>();
    for (const c of amortizationSuite.cases(profile)) {
      const ds = c.params.dataset as string;
      if (!byDataset.has(ds)) byDataset.set(ds, new Set());
      byDataset.get(ds)!.add(caseEstimator(c.params));
    }
    for (const [ds, names] of byDataset) {
      assert.equal(names.size, 1, `${profile} ${ds}: ${[...names].join(" | ")}`);
      const [name] = names;
      assert.match(name, ds === "mnist" ? /^importance sampling/ : /^quadrature/);
    }
  }
});

function tinyCase(c: CaseSpec, mnist: boolean): CaseSpec {
  const params: Record<string, JsonValue> = {
    ...c.params,
    nTrain: mnist ? 100 : 80,
    nTest: mnist ? 3 : 6,
    batch: 20,
    llSamples: 40,
    llFitSteps: 5,
    ownQSamples: 20,
    gapSteps: 5,
    evalSamples: 10,
  };
  if (c.params.budgetKind === "steps") params.budgetSteps = 3;
  else params.budgetPasses = 60;
  return { ...c, params };
}

Deno.test("amortization run(): tiny cases report one estimator per data set and both budgets", async () => {
  const cases = amortizationSuite.cases("quick");
  const synth = cases.filter((c) => c.params.dataset === "figure8");
  const mnist = cases.filter((c) =>
    c.params.dataset === "mnist" && c.params.budgetKind === "steps" &&
    (c.params.method === "vae" || c.params.method === "gp_rf")
  );
  const results: CaseResult[] = [];
  for (const c of [...synth, ...mnist]) {
    const spec = tinyCase(c, c.params.dataset === "mnist");
    const metrics = await amortizationSuite.run(spec, fakeContext());
    results.push({ ...spec, status: "ok", metrics, seconds: 0 });
    assert.equal(metrics.testLogLikEstimator, caseEstimator(spec.params), spec.name);
    assert.ok(Number.isFinite(metrics.testLogLik as number), spec.name);
    assert.equal((metrics.testLogLikPerPoint as number[]).length, spec.params.nTest);
    assert.ok(Number.isFinite(metrics.amortizationGap as number), spec.name);
    if (spec.params.budgetKind === "steps") assert.equal(metrics.trainSteps, 3, spec.name);
    else assert.ok((metrics.decoderPasses as number) >= 60, spec.name);
  }
  // Equal passes: SA-VAE pays 21 decoder passes per row per step, so it takes fewer steps.
  const steps = (m: string) =>
    results.find((r) => r.params.budgetKind === "passes" && r.params.method === m)!.metrics
      .trainSteps as number;
  assert.equal(steps("vae"), 3);
  assert.equal(steps("sa_vae"), 1);
  for (const ds of ["figure8", "mnist"]) {
    const names = new Set(
      results.filter((r) => r.params.dataset === ds).map((r) => r.metrics.testLogLikEstimator),
    );
    assert.equal(names.size, 1, ds);
  }
  const s = summarizeAmortization(results);
  assert.equal(s.oneEstimatorPerDataset, true);
  const per = s.perCase as Record<string, Record<string, JsonValue>>;
  assert.ok(per["figure8/steps"].best && per["figure8/passes"].best);
  const section = amortizationSuite.report!(results, s);
  assert.ok(section.tables[0].rows.length === results.length);
});

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

Deno.test("loss curve: window means and the change over the last half", () => {
  const losses = Array.from({ length: 100 }, (_, i) => 100 - i);
  const c = lossCurve(losses, 10);
  assert.equal(c.curve.length, 10);
  assert.equal(c.curve[0], 95.5);
  assert.equal(c.changeLastHalf, c.curve[4] - c.curve[9]);
  assert.equal(c.changeLastHalf, 50);
  assert.deepEqual(lossCurve([3, 1], 10).curve, [3, 1]);
});

Deno.test("amortization report: paired 95% whiskers on the log-likelihood-minus-VAE bars", () => {
  const rs = [
    result("a", "vae", [-10, -11, -9, -10], 1e-5),
    result("a", "gp_rf", [-8, -9.1, -6.9, -8], 2e-5),
  ];
  const section = amortizationSuite.report!(rs, summarizeAmortization(rs));
  const chart = section.charts!.find((c) => /minus the VAE/.test(c.title))!;
  const sets = (chart.config.data as { datasets: { label: string; errorBars: JsonValue[] }[] })
    .datasets;
  const gp = sets.find((d) => d.label === "gp_rf")!;
  const bar = gp.errorBars.find((b) => b !== null) as [number, number];
  // Differences 2, 1.9, 2.1, 2: an interval around 2 that excludes 0.
  assert.ok(bar[0] > 1.7 && bar[0] < 2 && bar[1] > 2 && bar[1] < 2.3, `${bar}`);
  assert.ok(sets.find((d) => d.label === "vae")!.errorBars.every((b) => b === null));
});
