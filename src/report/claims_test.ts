import assert from "node:assert/strict";
import { claimsTable } from "./claims.ts";
import type { JsonValue } from "./results.ts";

Deno.test("claimsTable: one row per claim and data set, outcomes and intervals from the summaries", () => {
  const t = claimsTable({
    budget: {
      passes: {
        perDataset: {
          figure8: {
            checks: [
              {
                id: "mapaVsVae",
                claim: "x",
                comparison: "mapa - vae",
                outcome: "disagrees",
                difference: 0.5,
                ciLow: 0.2,
                ciHigh: 0.8,
                draws: 3,
                curvesConverged: false,
              },
            ],
          },
        },
      },
    },
    passes: {
      budgetN: 1000,
      budgetPassRatio: { decoder: 0.43, encoder_decoder: 1.2 },
      crossover: { "s100/decoder": { status: "crossed", n: 60000 } },
    },
    posterior: {
      trend: {
        circle: { capturesTrend: true, tvToGt: 0.3, tvToGtCiLow: 0.28, tvToGtCiHigh: 0.32 },
      },
      nonident: { circle: { equallyGood: null, tvGap: 0.01, tvGapCiLow: -0.1, tvGapCiHigh: 0.12 } },
    },
  })!;
  assert.deepEqual(t.rows.map((r) => [r[1], r[2], r[3]]), [
    ["MAPA Fig. 2a", "figure8", "disagrees"],
    ["MAPA Fig. 2b", "all", "agrees"],
    ["MAPA Fig. 2b", "all", "disagrees"],
    ["MAPA §6.3", "circle", "agrees"],
    ["MAPA §6.4", "circle", "not resolved"],
  ]);
  assert.match(
    String(t.rows[0][4]),
    /0\.500 \[0\.200, 0\.800\] nats over 3 paired draws; a curve had not converged/,
  );
  assert.match(String(t.rows[1][4]), /N ≈ 60,000 \(S = 100\)/);
  assert.deepEqual(t.sections, ["budget", "passes", "passes", "posterior", "posterior"]);
  assert.equal(claimsTable({}), null);
});

Deno.test("claimsTable: where HNSW overtakes exact rows and the bound gap it costs", () => {
  const t = claimsTable({
    scaling: {
      figure8_exact_slope: 1.42,
      figure8_hnsw_slope: 1.23,
      figure8_crossover_n: 100000,
      figure8_last_exact_faster_n: 30000,
      mnist_exact_slope: 1.5,
      mnist_hnsw_slope: 1.1,
      mnist_crossover_n: null,
      bound_gap_n3000: { gapNats: -0.3, ciLow: -0.34, ciHigh: -0.27, verdict: "missed" },
      density_figure8: {
        points: [
          { n: 1000, gap: 0, gapCiLow: 0, gapCiHigh: 0, verdict: "no cost", identicalModels: true },
          { n: 10000, gap: -0.019, gapCiLow: -0.054, gapCiHigh: 0.017, verdict: "no cost" },
          { n: 30000, gap: 0.2, gapCiLow: 0.1, gapCiHigh: 0.3, verdict: "costs" },
        ],
        met: false,
      },
    },
  })!;
  assert.deepEqual(t.rows.map((r) => [r[2], r[3]]), [
    ["figure8", "measured"],
    ["mnist", "not resolved"],
    ["figure8", "disagrees"],
  ]);
  assert.match(String(t.rows[0][4]), /crossover between N = 30,000 \(exact faster\) and 100,000/);
  assert.match(
    String(t.rows[0][4]),
    /N = 3,000: -0\.300 \[-0\.340, -0\.270\] \(target \|gap\| <= 0\.01 missed\)/,
  );
  assert.match(String(t.rows[1][4]), /no crossover within the N run/);
  // The density study has a row of its own per data set, after the crossover rows.
  assert.match(
    String(t.rows[2][4]),
    /N = 1,000: 0 \(identical models, no cost by construction\), N = 10,000: -0\.019 \[-0\.054, 0\.017\] \(no cost\), N = 30,000: 0\.200 \[0\.100, 0\.300\] \(costs\)$/,
  );
  assert.doesNotMatch(String(t.rows[0][4]), /test KL/);
  assert.deepEqual(t.sections, ["scaling", "scaling", "scaling"]);
});

Deno.test("the page opens with its answers, before the first suite section", async () => {
  const { renderReport } = await import("./html.ts");
  const html = renderReport(
    {
      schemaVersion: 1,
      meta: { profile: "standard", seed: 1 } as never,
      cases: [],
      summaries: { posterior: { trend: { circle: { capturesTrend: true, tvToGt: 0.3 } } } },
    },
    [],
    { chartJs: "" },
  );
  const at = html.indexOf('id="answers"');
  assert.ok(at > 0 && at < html.indexOf("Environment"), "answers before the environment table");
  assert.match(html, /MAPA §6\.3/);
});

Deno.test("claimsTable: a density row agrees only on evidence, not on identical models alone", () => {
  const point = (n: number, verdict: string, identicalModels = false) => ({
    n,
    gap: identicalModels ? 0 : -0.01,
    gapCiLow: identicalModels ? 0 : -0.04,
    gapCiHigh: identicalModels ? 0 : 0.02,
    verdict,
    identicalModels,
  });
  const outcome = (points: JsonValue[]) =>
    claimsTable({ scaling: { density_circle: { points, met: false } } })!.rows[0][3];
  assert.equal(outcome([point(1000, "no cost", true), point(30000, "no cost")]), "agrees");
  assert.equal(outcome([point(1000, "no cost", true)]), "not resolved");
  assert.equal(
    outcome([point(1000, "no cost", true), point(3000, "not resolved")]),
    "not resolved",
  );
});
