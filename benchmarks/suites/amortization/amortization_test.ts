import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { amortizationSuite } from "./amortization.ts";
import { amortizationParams, caseEstimator } from "./amortization_params.ts";
import { AMORTIZATION_METHODS, BUDGET_KINDS } from "./amortization_settings.ts";
import { summarizeAmortization } from "./amortization_summary.ts";
import type { CaseResult, CaseSpec, JsonValue } from "../../harness/suite.ts";

Deno.test("amortization cases: every method and both budget kinds per data set, unique names", () => {
  // Every registered method with a Gaussian test-time q, in registry order.
  assert.deepEqual([...AMORTIZATION_METHODS], ["vae", "iwae", "sa_vae", "gp_rf"]);
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
      byDataset.get(ds)!.add(caseEstimator(amortizationParams(c.params)));
    }
    for (const [ds, names] of byDataset) {
      assert.equal(names.size, 1, `${profile} ${ds}: ${[...names].join(" | ")}`);
      const [name] = names;
      assert.match(name, ds === "mnist" ? /^importance sampling/ : /^quadrature/);
    }
  }
});

Deno.test("amortization params: every case's params convert, and a bad one names its key", () => {
  for (const profile of ["quick", "standard", "full"] as const) {
    for (const c of amortizationSuite.cases(profile)) {
      assert.deepEqual(amortizationParams(c.params), c.params, c.name);
    }
  }
  const [c] = amortizationSuite.cases("quick");
  assert.throws(
    () => amortizationParams({ ...c.params, nTrain: "many" }, c.name),
    new RegExp(`${c.name}: param nTrain must be a finite number`),
  );
  assert.throws(() => amortizationParams({ ...c.params, budgetKind: "hours" }), /budgetKind/);
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
    assert.equal(
      metrics.testLogLikEstimator,
      caseEstimator(amortizationParams(spec.params)),
      spec.name,
    );
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
