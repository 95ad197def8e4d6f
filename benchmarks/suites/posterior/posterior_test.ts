import assert from "node:assert/strict";
import { Rng } from "../../../src/rng.ts";
import type { Matrix } from "../../../src/types.ts";
import {
  choosePoints,
  denseMapaRows,
  nearestUniform,
  POSTERIOR_PROFILES,
  posteriorCases,
  posteriorParams,
  posteriorSuite,
} from "./posterior.ts";
import { fakeContext } from "../../harness/runner_test_util.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";

const ctx = fakeContext(5);

Deno.test("dense MAPA rows are the normalised Gaussian kernel over all n", async () => {
  const x: Matrix = { rows: 4, cols: 1, data: new Float64Array([0, 0.1, 0.5, 2]) };
  const [row] = await denseMapaRows(x, Int32Array.from([1]), 0.05);
  // k(a, b) = exp(-(a - b)^2 / (2 h)), h = 2 sigma2 = 0.1
  const k = Array.from(x.data, (v) => Math.exp(-((v - 0.1) ** 2) / 0.2));
  const z = k.reduce((a, b) => a + b, 0);
  for (let n = 0; n < 4; n++) assert.ok(Math.abs(row[n] - Math.log(k[n] / z)) < 1e-9, `${n}`);
  // The other bandwidth reading, h = sigma2.
  const [narrow] = await denseMapaRows(x, Int32Array.from([1]), 0.05, { bandwidth: 0.05 });
  const k1 = Array.from(x.data, (v) => Math.exp(-((v - 0.1) ** 2) / 0.1));
  const z1 = k1.reduce((a, b) => a + b, 0);
  for (let n = 0; n < 4; n++) assert.ok(Math.abs(narrow[n] - Math.log(k1[n] / z1)) < 1e-9);
  const pts = choosePoints(10, 3, Rng.stream(1, "p"));
  assert.equal(new Set(pts).size, 3);
  assert.ok(pts.every((p, i) => p >= 0 && p < 10 && (i === 0 || p > pts[i - 1])));
});

Deno.test("posterior cases carry params that read back typed, and a bad one is refused", () => {
  const specs = posteriorCases(POSTERIOR_PROFILES.quick);
  assert.deepEqual(specs.map((s) => posteriorParams(s).study), [
    "trend",
    "trend",
    "nonident",
    "nonident",
  ]);
  assert.deepEqual(posteriorParams(specs[0]), {
    study: "trend",
    dataset: "absolute_value",
    ...{
      n: 300,
      points: 16,
      vaePasses: 2e5,
      vaeRestarts: 1,
      nTest: 300,
      topMass: POSTERIOR_PROFILES.quick.topMass,
    },
  });
  assert.throws(
    () => posteriorParams({ ...specs[0], params: { ...specs[0].params, n: "300" } }),
    /param n must be a finite number, got "300"/,
  );
});

Deno.test("posterior run(): tiny trend and non-identifiability cases, summary and report", async () => {
  const tiny = {
    ...POSTERIOR_PROFILES.quick,
    trendDatasets: ["figure8"],
    nonidentDatasets: ["absolute_value"],
    n: 80,
    points: 3,
    vaePasses: 4000,
    nTest: 40,
  };
  const results: CaseResult[] = [];
  for (const spec of posteriorCases(tiny)) {
    const metrics = await posteriorSuite.run(spec, ctx);
    results.push({ ...spec, status: "ok", metrics, seconds: 0 });
  }
  assert.deepEqual(results.map((r) => r.name), ["trend/figure8", "nonident/absolute_value"]);
  const [trend, ni] = results.map((r) => r.metrics);
  const inRange = (v: JsonValue) => typeof v === "number" && v >= -1 && v <= 1;
  const tv = (v: JsonValue) => typeof v === "number" && v >= 0 && v <= 1;
  assert.ok(inRange(trend.spearmanTopMassMean) && inRange(trend.spearmanPosteriorTopMassMean));
  for (const k of ["tvToGt", "tvToGtBandwidthSigma2", "tvToGtUniform"]) {
    assert.ok(tv(trend[k]), k);
    const lo = trend[`${k}CiLow`] as number, hi = trend[`${k}CiHigh`] as number;
    assert.ok(lo <= (trend[k] as number) && (trend[k] as number) <= hi, k);
  }
  // MAPA's q is a kernel on x: clearly closer to q_GT than a q that ignores x_m.
  assert.ok(
    (trend.tvToGt as number) < (trend.tvToGtUniform as number) - 0.2,
    `${trend.tvToGt} vs ${trend.tvToGtUniform}`,
  );
  assert.equal(trend.intervalOver, "points");
  assert.equal((trend.perPoint as JsonValue[]).length, 3);
  const sc = (trend.scatter as Record<string, JsonValue>[])[0];
  assert.equal((sc.code as number[]).length, 80);
  assert.equal((sc.logQMapa as number[]).length, 80);
  assert.ok(inRange(ni.spearmanTopMassTruthMean) && inRange(ni.spearmanTopMassVaeMean));
  assert.ok(tv(ni.tvToGt) && tv(ni.tvToVae) && tv(ni.tvGtToVae));
  const gap = ni.tvTruthMinusVae as { mean: number };
  assert.ok(Math.abs(gap.mean - ((ni.tvToGt as number) - (ni.tvToVae as number))) < 1e-12);
  assert.ok(Number.isFinite(ni.vaeTestKl as number));
  assert.ok(inRange(ni.codesRankCorrelation));
  // The true codes reconstruct x to the noise level: residual / sigma2 near 1.
  const r = ni.truthResidualOverSigma2 as number;
  assert.ok(r > 0.5 && r < 1.6, `${r}`);
  assert.ok((ni.vaeResidualOverSigma2 as number) > 0);
  const summary = posteriorSuite.summarize!(results);
  const nonident = summary.nonident as Record<string, Record<string, JsonValue>>;
  assert.ok([true, false, null].includes(nonident.absolute_value.equallyGood as boolean | null));
  const tr = summary.trend as Record<string, Record<string, JsonValue>>;
  assert.equal(tr.figure8.capturesTrend, true);
  assert.equal(nonident.absolute_value.tvToGt, ni.tvToGt);
  const section = posteriorSuite.report!(results, summary);
  // Two TV interval charts; trend: Fig. 3 scatter + q-vs-GT scatter + data set; nonident: two variants.
  assert.equal(section.charts.length, 7);
  assert.deepEqual(section.tables.map((t) => t.rows.length), [1, 1, 1]);
  assert.ok(section.notes.some((n) => n.includes("TV = (1/2) sum_n")));
  JSON.stringify(section);
});

Deno.test("nearestUniform: uniform over as many of the top points as q's perplexity", () => {
  // q = (1/2, 1/4, 1/8, 1/8): entropy 1.75 bits, perplexity 2^1.75 = 3.36 -> 3 points.
  const logQ = Float64Array.from([1 / 8, 1 / 2, 1 / 8, 1 / 4].map(Math.log));
  const u = nearestUniform(logQ);
  // The top three by q: index 1, 3, then the tie 0 / 2 goes to the lower index.
  assert.deepEqual(Array.from(u), [-Math.log(3), -Math.log(3), -Infinity, -Math.log(3)]);
  // A point mass keeps one point; a flat q keeps them all.
  assert.equal(nearestUniform(Float64Array.from([0, -800, -800])).filter(isFinite).length, 1);
  assert.equal(nearestUniform(new Float64Array(5).fill(-3)).filter(isFinite).length, 5);
});
