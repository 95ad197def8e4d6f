import assert from "node:assert/strict";
import { curveOf, klAxis, reportBudget, summarizeBudget } from "./budget_report.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";

const T2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025); // Student t 97.5% quantile, 2 df

type Draws = (number | null)[];

/** A budget case as the training side will write it: a curve at 1/2 and the full budget. */
function budgetCase(
  dataset: string,
  method: string,
  draws: { half: Draws; full: Draws },
  extra: Record<string, JsonValue> = {},
  params: Record<string, JsonValue> = {},
): CaseResult {
  const mean = (v: Draws) => {
    const ok = v.filter((x): x is number => x !== null);
    return ok.reduce((a, b) => a + b, 0) / ok.length;
  };
  const point = (fraction: number, perDraw: Draws) => ({
    fraction,
    budget: fraction * 1000,
    testKl: mean(perDraw),
    ciLow: mean(perDraw) - 1,
    ciHigh: mean(perDraw) + 1,
    perDraw,
  });
  return {
    suite: "budget",
    name: `${dataset}/passes/${method}`,
    params: {
      dataset,
      method,
      budgetKind: "passes",
      costModel: "encoder_decoder",
      n: 1000,
      draws: 3,
      passes: 1000,
      seconds: 2,
      checkpoints: [0.5],
      deterministic: true,
      ...params,
    },
    status: "ok",
    seconds: 1,
    metrics: {
      testKl: mean(draws.full),
      testKlCiLow: mean(draws.full) - 1,
      testKlCiHigh: mean(draws.full) + 1,
      testKlPerDraw: draws.full,
      curve: [point(0.5, draws.half), point(1, draws.full)],
      ...extra,
    },
  };
}

/**
 * Two data sets with the same numbers. At 1/2 the VAE is clearly best; at the full
 * budget MAPA has the lowest mean but IWAE's paired interval covers 0. Convergence:
 * vae and mapa pass, iwae fails, mapa_gt reports none; tails: mapa ok, mapa_gt not,
 * mapa_naive reports none.
 */
function fixture(params: Record<string, JsonValue> = {}): CaseResult[] {
  const out: CaseResult[] = [];
  for (const ds of ["figure8", "clusters"]) {
    const c = (m: string, half: Draws, full: Draws, extra: Record<string, JsonValue>) =>
      out.push(budgetCase(ds, m, { half, full }, extra, params));
    c("vae", [1, 2, 3], [12, 52, 93], { klChangeLastHalf: 0.01, tailOverfitNats: 0.5 });
    c("iwae", [2, 3, 4.5], [11, 49, 92], { klChangeLastHalf: 0.2 });
    c("mapa", [5, 6, 7], [10, 50, 90], { klChangeLastHalf: 0.04, tailOverfitNats: 0.005 });
    c("mapa_gt", [4, 6, 8], [10.5, 50.5, 90.5], { klChangeLastHalf: null, tailOverfitNats: 0.02 });
    c("mapa_naive", [9, 9, 9], [12, 52, 93], { klChangeLastHalf: 0.5 });
  }
  // Results of an older run without a curve: one level at the full budget, from testKlPerDraw.
  for (const [m, kl] of [["vae", [2, 3, 4]], ["mapa", [1, 2, 3.5]]] as const) {
    out.push({
      suite: "budget",
      name: `figure8/seconds/${m}`,
      params: { dataset: "figure8", method: m, budgetKind: "seconds", passes: 1000, seconds: 2 },
      status: "ok",
      seconds: 1,
      metrics: { testKl: 0, testKlPerDraw: [...kl] },
    });
  }
  out.push({
    suite: "budget",
    name: "figure8/passes/gp_rf",
    params: { dataset: "figure8", method: "gp_rf", budgetKind: "passes" },
    status: "failed",
    error: "boom",
    seconds: 0,
    metrics: {},
  });
  return out;
}

const levels = (s: Record<string, JsonValue>) =>
  s.levels as unknown as {
    dataset: string;
    fraction: number;
    budget: number;
    winner: string | null;
    tiedWithBest: string[];
    verdict: string;
  }[];

Deno.test("summarizeBudget: a verdict per data set and budget level from paired intervals", () => {
  const summary = summarizeBudget(fixture());
  assert.deepEqual(Object.keys(summary), ["passes", "seconds"]);
  const p = summary.passes as Record<string, JsonValue>;
  assert.equal(p.budget, 1000);
  const ls = levels(p);
  assert.deepEqual(ls.map((l) => [l.dataset, l.fraction, l.budget, l.winner]), [
    ["figure8", 0.5, 500, "vae"],
    ["figure8", 1, 1000, null],
    ["clusters", 0.5, 500, "vae"],
    ["clusters", 1, 1000, null],
  ]);
  // iwae - vae at 1/2 = 1, 1, 1.5: mean 7/6, standard error 1/6.
  assert.equal(
    ls[0].verdict,
    `vae wins: next best iwae is 1.17 nats worse, 95% interval [${
      Number(((7 - T2) / 6).toPrecision(3))
    }, ${Number(((7 + T2) / 6).toPrecision(3))}]`,
  );
  assert.deepEqual(ls[1].tiedWithBest, ["mapa", "iwae"]);
  assert.match(ls[1].verdict, /^no clear winner: mapa, iwae tied with the lowest mean/);
  assert.equal(p.levelsJudged, 4);
  assert.equal(p.clearWinnerLevels, 2);

  const per = p.perDataset as Record<string, Record<string, JsonValue>>;
  assert.deepEqual(per.figure8.ranking, ["mapa", "mapa_gt", "iwae", "vae", "mapa_naive"]);
  assert.equal(per.figure8.lowestMean, "mapa");
  assert.equal(per.figure8.winner, null);
  assert.equal(per.figure8.fig2a, "not resolved");
  assert.deepEqual([per.figure8.paperSaysMapaBeats, per.clusters.paperSaysMapaBeats], [
    true,
    false,
  ]);
  assert.equal(per.clusters.fig2a, "disagrees");
  const checks = per.figure8.checks as Record<string, JsonValue>[];
  assert.deepEqual(checks.map((c) => c.outcome), [
    "agrees",
    "not resolved",
    "agrees",
    "agrees",
  ]);
  // vae and mapa converged, iwae and mapa_naive did not, mapa_gt reports no figure.
  assert.deepEqual(checks.map((c) => c.curvesConverged), [true, false, null, false]);
  assert.deepEqual(
    [p.judgedDatasets, p.agreeingDatasets, p.disagreeingDatasets, p.unresolvedDatasets],
    [2, 0, 1, 1],
  );
  assert.equal(
    p.verdict,
    "Fig. 2a (MAPA below the VAE and IWAE on every set but clusters): agrees on 0, disagrees " +
      "on 1, not resolved on 1 of 2 data sets; a clear winner at 2 of 4 (data set, budget " +
      "level) pairs",
  );
  // Convergence per case, and the tail check only on the MAPA family (vae's 0.5 is ignored).
  assert.deepEqual(
    [
      p.convergedCases,
      p.convergenceCheckedCases,
      p.convergenceMissingCases,
      p.requiredConvergedCases,
      p.requiredCases,
    ],
    [4, 8, 2, 4, 6],
  );
  assert.deepEqual(
    [p.tailOverfitOkCases, p.tailOverfitCheckedCases, p.tailOverfitMissingCases],
    [2, 4, 2],
  );

  // The curve-less cases give one level at the full budget from testKlPerDraw;
  // vae - mapa = 1, 1, 0.5 (standard error 1/6) lies above 0, so mapa wins.
  const s = summary.seconds as Record<string, JsonValue>;
  assert.equal(s.budget, 2);
  assert.deepEqual(curveOf(fixture().find((r) => r.name === "figure8/seconds/vae")!), [
    { fraction: 1, budget: 2, testKl: 0, perDraw: [2, 3, 4] },
  ]);
  assert.deepEqual(levels(s).map((l) => [l.fraction, l.budget, l.winner]), [[1, 2, "mapa"]]);
  // A curve point at the full budget without perDraw takes the draws from testKlPerDraw.
  const bare = budgetCase("circle", "vae", { half: [1], full: [4, 5] });
  const cv = bare.metrics.curve as Record<string, JsonValue>[];
  delete cv[1].perDraw;
  delete cv[0].perDraw;
  assert.deepEqual(curveOf(bare).map((p) => p.perDraw), [[], [4, 5]]);
  assert.equal(s.judgedDatasets, 0);
  assert.match(s.verdict as string, /^Fig\. 2a not available/);
  assert.equal(s.convergenceMissingCases, 2);
});

Deno.test("reportBudget: opening counts from the data, tables, log-x curves with bands", () => {
  const results = fixture();
  // The summary reaches the report through results.json.
  const summary = JSON.parse(JSON.stringify(summarizeBudget(results)));
  const section = reportBudget(results, summary);
  const open = section.notes[0];
  assert.match(open, /^This run's params do not record how the budgets were chosen\./);
  assert.match(
    open,
    /Budgets per restart in this run: 1,000 passes \(encoder_decoder cost model\) and 2 s, with N = 1,000 and 3 data draws; test KL is also measured at 1\/2 fractions/,
  );
  assert.match(
    open,
    /at equal passes, 4 of 10 cases \(vae, iwae and mapa: 4 of 6; 2 report no klChangeLastHalf\), and tailOverfitNats <= 0\.01 on 2 of 6 MAPA-family cases; 2 report no tailOverfitNats; at equal seconds, 0 of 2 cases \(vae, iwae and mapa: 0 of 2; 2 report no klChangeLastHalf\), and tailOverfitNats <= 0\.01 on 0 of 1 MAPA-family cases; 1 reports no tailOverfitNats\./,
  );
  assert.match(open, /Not every vae, iwae and mapa curve converged/);
  // mapa - vae = -2, -2, -3 on clusters, where the paper has MAPA lose; both curves converged.
  assert.ok(section.notes.includes(
    'At equal passes this run disagrees with the paper on: clusters: "Fig. 2a: MAPA has higher ' +
      `test KL than the VAE on clusters" (mapa - vae = -2.33 nats, 95% interval [${
        Number((-(7 + T2) / 3).toPrecision(3))
      }, ${Number((-(7 - T2) / 3).toPrecision(3))}]).`,
  ));
  assert.ok(section.notes.some((n) => n.includes("figure8/passes/gp_rf: failed (boom)")));
  // The same disagreement when the VAE's curve was still moving carries a caveat.
  const moving = results.map((r) =>
    r.name === "clusters/passes/vae"
      ? { ...r, metrics: { ...r.metrics, klChangeLastHalf: 0.3 } }
      : r
  );
  assert.ok(
    reportBudget(moving, summarizeBudget(moving)).notes.some((n) =>
      n.includes("; a curve had not converged, so this may be under-training).")
    ),
  );

  const [conv, level, claims, perCase] = section.tables;
  assert.equal(conv.rows.length, 12);
  const row = (m: string) => conv.rows.find((r) => r[0] === "figure8" && r[2] === m)!;
  assert.deepEqual(row("iwae").slice(3, 8), [0.2, "FAIL", "yes", "", ""]);
  assert.deepEqual(row("mapa").slice(3, 8), [0.04, "pass", "yes", 0.005, "pass"]);
  assert.deepEqual(row("mapa_gt").slice(3, 8), [null, "not available", "no", 0.02, "FAIL"]);
  assert.deepEqual(row("mapa_naive").slice(6, 8), [null, "not available"]);
  assert.equal(level.rows.length, 5);
  assert.deepEqual(level.rows[0].slice(0, 7), ["figure8", "passes", "1/2", 500, "vae", 2, "iwae"]);
  assert.equal(claims.rows.length, 2 * 4 + 4);
  assert.deepEqual(claims.rows[0].slice(8), ["agrees", "yes"]);
  assert.deepEqual(claims.rows[1].slice(8), ["not resolved", "no"]);
  assert.equal(perCase.rows.length, 12);

  assert.equal(section.charts.length, 2 + 3);
  const curve = section.charts[2].config as Record<string, Record<string, JsonValue>>;
  assert.equal(
    (curve.options.scales as Record<string, Record<string, JsonValue>>).x.type,
    "logarithmic",
  );
  const sets = curve.data.datasets as Record<string, JsonValue>[];
  assert.equal(sets.length, 5 * 3);
  assert.deepEqual(sets.slice(0, 3).map((d) => [d.label, d.fill]), [
    ["vae 95% interval (low)", false],
    ["vae 95% interval", "-1"],
    ["vae", false],
  ]);
  assert.deepEqual(sets[2].data, [{ x: 500, y: 2 }, { x: 1000, y: 157 / 3 }]);
  JSON.stringify(section);
});

Deno.test("reportBudget: the budget choice comes from params; all converged is said so", () => {
  const results = fixture({ budgetChoice: "Chosen from pilot curves." }).map((r) =>
    r.params.budgetKind === "passes" && r.status === "ok"
      ? { ...r, metrics: { ...r.metrics, klChangeLastHalf: 0.01 } }
      : r
  ).filter((r) => r.params.budgetKind === "passes");
  const open = reportBudget(results, summarizeBudget(results)).notes[0];
  assert.match(open, /^Chosen from pilot curves\. Budgets per restart/);
  assert.match(open, /10 of 10 cases \(vae, iwae and mapa: 6 of 6\)/);
  assert.match(open, /Every vae, iwae and mapa curve converged\./);
});

Deno.test("klAxis: 0 (or the lowest mean) to twice the largest mean, two significant digits", () => {
  const range = (m: (number | null)[]) => {
    const a = klAxis(m);
    return [a.min, a.max];
  };
  assert.deepEqual(range([6.06, 1.6, null]), [0, 13]);
  assert.deepEqual(range([0.0613, 0.02]), [0, 0.13]);
  assert.deepEqual(range([0.05, -0.3]), [-1, 0.1]);
  assert.deepEqual(range([17.5]), [0, 35]);
  assert.deepEqual(range([-1, -2]), [-2, undefined]);
  assert.deepEqual(range([null]), [undefined, undefined]);
});
