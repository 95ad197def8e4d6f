import assert from "node:assert/strict";
import { curveOf } from "./budget_results.ts";
import { summarizeBudget } from "./budget_summary.ts";
import { budgetCase, fixture, levels, T2 } from "./budget_test_util.ts";
import type { JsonValue } from "../../harness/suite.ts";

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
  // Judged on the interval: figure8's mapa passes, clusters' is not resolved (0.005 + 1.96 *
  // 0.004 > 0.01), both mapa_gt fail (0.02 - 1.96 * 0.002 > 0.01); two point estimates pass.
  assert.deepEqual(
    [
      p.tailOverfitOkCases,
      p.tailOverfitFailedCases,
      p.tailOverfitUnresolvedCases,
      p.tailOverfitPointOkCases,
      p.tailOverfitCheckedCases,
      p.tailOverfitMissingCases,
    ],
    [1, 2, 1, 2, 4, 2],
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
