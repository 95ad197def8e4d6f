import assert from "node:assert/strict";
import { Rng } from "../src/rng.ts";
import type { Matrix } from "../src/types.ts";
import {
  choosePoints,
  denseMapaRows,
  POSTERIOR_PROFILES,
  posteriorCases,
  posteriorSuite,
} from "./posterior.ts";
import type { CaseContext, CaseResult, JsonValue } from "./suite.ts";

const ctx: CaseContext = {
  seed: 5,
  profile: "quick",
  backend: "wasm",
  rng: (key) => Rng.stream(5, key),
  progress: () => {},
  log: () => {},
  signal: new AbortController().signal,
  reportBackend: () => {},
};

Deno.test("dense MAPA rows are the normalised Gaussian kernel over all n", async () => {
  const x: Matrix = { rows: 4, cols: 1, data: new Float64Array([0, 0.1, 0.5, 2]) };
  const [row] = await denseMapaRows(x, Int32Array.from([1]), 0.05);
  // k(a, b) = exp(-(a - b)^2 / (2 h)), h = 2 sigma2 = 0.1
  const k = Array.from(x.data, (v) => Math.exp(-((v - 0.1) ** 2) / 0.2));
  const z = k.reduce((a, b) => a + b, 0);
  for (let n = 0; n < 4; n++) assert.ok(Math.abs(row[n] - Math.log(k[n] / z)) < 1e-9, `${n}`);
  const pts = choosePoints(10, 3, Rng.stream(1, "p"));
  assert.equal(new Set(pts).size, 3);
  assert.ok(pts.every((p, i) => p >= 0 && p < 10 && (i === 0 || p > pts[i - 1])));
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
  assert.ok(inRange(trend.spearmanGtMean) && inRange(trend.spearmanPosteriorMean));
  // MAPA's q is a kernel on x: it must rank codes like the true posterior does, clearly.
  assert.ok((trend.spearmanGtMean as number) > 0.5, `${trend.spearmanGtMean}`);
  assert.equal((trend.perPoint as JsonValue[]).length, 3);
  const sc = (trend.scatter as Record<string, JsonValue>[])[0];
  assert.equal((sc.code as number[]).length, 80);
  assert.equal((sc.logQMapa as number[]).length, 80);
  assert.ok(inRange(ni.spearmanTruthMean) && inRange(ni.spearmanVaeMean));
  assert.ok(Number.isFinite(ni.vaeTestKl as number));
  assert.ok(inRange(ni.codesRankCorrelation));
  const summary = posteriorSuite.summarize!(results);
  const nonident = summary.nonident as Record<string, Record<string, JsonValue>>;
  assert.equal(typeof nonident.absolute_value.equallyGood, "boolean");
  const section = posteriorSuite.report!(results, summary);
  // trend: Fig. 3 scatter + q-vs-GT scatter + data set; nonident: two variants.
  assert.equal(section.charts.length, 5);
  assert.equal(section.tables[0].rows.length, 1);
  assert.equal(section.tables[1].rows.length, 1);
  JSON.stringify(section);
});
