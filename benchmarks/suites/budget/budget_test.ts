import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { groundTruthModel } from "../../../src/eval/held_out_kl.ts";
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { budgetCases, budgetSuite } from "./budget.ts";
import { BUDGET_PROFILES } from "./budget_settings.ts";
import { estimatorCrossCheck, testFigures } from "../../experiment/test_figures.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";

Deno.test("budget cases cover every Gaussian method of the registry per data set and budget", () => {
  const cases = budgetSuite.cases("quick");
  const q = BUDGET_PROFILES.quick;
  assert.equal(cases.length % (q.datasets.length * 2), 0);
  const methods = new Set(cases.map((c) => c.params.method));
  for (const m of ["vae", "iwae", "mapa", "mapa_gt", "mapa_naive"]) assert.ok(methods.has(m), m);
  assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
  assert.equal(budgetSuite.cases("standard").length, budgetCases(BUDGET_PROFILES.standard).length);
});

Deno.test("budget cases record their own data set's pass budget, the default elsewhere", () => {
  const settings = {
    ...BUDGET_PROFILES.quick,
    datasets: ["absolute_value", "figure8"],
    passes: 1000,
    passesByDataset: { figure8: 4000 },
  };
  const cases = budgetCases(settings);
  assert.ok(cases.length > 0);
  for (const c of cases) {
    assert.equal(c.params.passes, c.params.dataset === "figure8" ? 4000 : 1000, c.name);
    assert.equal("passesByDataset" in c.params, false);
  }
});

Deno.test("budget run(): tiny end-to-end case per method gives finite figures, a curve and a summary", async () => {
  const tiny = {
    ...BUDGET_PROFILES.quick,
    datasets: ["absolute_value"],
    n: 60,
    nValidation: 30,
    nTest: 40,
    draws: 2,
    restarts: 1,
    passes: 3000,
    seconds: 0.2,
    k: 4,
    s: 3,
    checkpoints: [0.5],
    crossCheckPoints: 3,
  };
  const results: CaseResult[] = [];
  for (const spec of budgetCases(tiny)) {
    if (!["vae", "iwae", "mapa", "mapa_gt", "mapa_naive"].includes(spec.params.method as string)) {
      continue;
    }
    const metrics = await budgetSuite.run(spec, fakeContext());
    for (
      const key of ["testKl", "testKlCiLow", "testKlCiHigh", "testLogLik", "trainSeconds", "passes"]
    ) {
      assert.ok(Number.isFinite(metrics[key] as number), `${spec.name} ${key}: ${metrics[key]}`);
    }
    assert.ok((metrics.testKlCiLow as number) <= (metrics.testKl as number));
    assert.ok((metrics.testKl as number) <= (metrics.testKlCiHigh as number));
    assert.equal(metrics.estimator, "quadrature");
    if (spec.params.budgetKind === "passes") {
      assert.equal(metrics.crossCheckPoints, 3);
      assert.ok(Number.isFinite(metrics.estimatorGapNats as number), `${spec.name} gap`);
    }
    assert.ok(Number.isFinite(metrics.klChangeLastHalf as number), `${spec.name} klChange`);
    if ((spec.params.method as string).startsWith("mapa")) {
      const overfit = metrics.tailOverfitNats as number;
      assert.ok(Number.isFinite(overfit), `${spec.name} tailOverfitNats ${overfit}`);
    } else {
      assert.equal(metrics.tailOverfitNats, undefined);
    }
    assert.equal((metrics.testKlPerDraw as number[]).length, 2);
    const curve = metrics.curve as { fraction: number; testKl: number | null }[];
    assert.deepEqual(curve.map((c) => c.fraction), [0.5, 1]);
    assert.equal(curve[1].testKl, metrics.testKl);
    assert.equal((curve[1] as unknown as { perDraw: number[] }).perDraw.length, 2);
    if (spec.params.budgetKind === "passes") {
      assert.ok((metrics.passes as number) >= 3000, `${spec.name}: ${metrics.passes}`);
    }
    results.push({ ...spec, status: "ok", metrics, seconds: 0 });
  }
  assert.equal(results.length, 10);
  const summary = budgetSuite.summarize!(results);
  const passes = summary.passes as Record<string, JsonValue>;
  const judged = (passes.perDataset as Record<string, Record<string, JsonValue>>).absolute_value;
  assert.equal((judged.ranking as string[]).length, 5);
  assert.ok(["agrees", "disagrees", "not resolved"].includes(judged.fig2a as string));
  assert.equal(passes.judgedDatasets, 1);
  const section = budgetSuite.report!(results, summary);
  assert.equal(section.charts.length, 2 + 2);
  assert.equal(section.tables.find((t) => t.title.startsWith("Per case"))!.rows.length, 10);
  JSON.stringify(section);
});

Deno.test("estimator cross-check: quadrature and IWAE-MoG agree on the truth", () => {
  const ds = getSyntheticDataset("absolute_value");
  const truth = groundTruthModel(ds);
  const r = estimatorCrossCheck(truth, ds.draw(6, 2).x, { points: 4, seed: 1 });
  assert.equal(r.crossCheckPoints, 4);
  assert.ok(Math.abs(r.estimatorGapNats as number) < 0.05, `gap ${r.estimatorGapNats}`);
  assert.deepEqual(estimatorCrossCheck(truth, ds.draw(6, 2).x, { points: 0, seed: 1 }), {});
});

Deno.test("evaluation that cannot be done is 'not available', never a number", () => {
  const ds = getSyntheticDataset("absolute_value");
  const x = ds.draw(20, 1).x;
  const truth = groundTruthModel(ds);
  const noTruth = testFigures(truth, { x, truth: null });
  assert.match(
    (noTruth.kl as { unavailable: string }).unavailable,
    /^not available: .*ground-truth/,
  );
  // deno-lint-ignore no-explicit-any
  const noPrior = testFigures({ ...truth, prior: undefined as any }, { x, truth });
  assert.match((noPrior.kl as { unavailable: string }).unavailable, /no prior/);
  const coarse = testFigures(truth, { x, truth }, { quadrature: { initialNodes: 3, maxNodes: 5 } });
  assert.match((coarse.kl as { unavailable: string }).unavailable, /grid too coarse/);
  assert.equal(testFigures(truth, { x, truth }).kl, 0);
});
