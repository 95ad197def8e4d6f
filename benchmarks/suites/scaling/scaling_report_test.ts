import assert from "node:assert/strict";
import { boundTarget, report, summarize } from "./scaling_report.ts";

/** A figure8 rows case of `method` at `n` that took `totalSeconds`. */
const rows = (method: string, n: number, totalSeconds: number) => ({
  suite: "scaling",
  name: `figure8_${method}_n${n}`,
  params: { dataset: "figure8", method, n, d: 2, k: 16 },
  status: "ok" as const,
  seconds: 0,
  metrics: { totalSeconds },
});

Deno.test("the bound-gap target is judged on the interval, not the point estimate", () => {
  assert.equal(boundTarget(-0.004, 0.008).verdict, "met");
  // The 3,000-point interval of a reference run: its point estimate is inside, the interval not.
  assert.equal(boundTarget(-0.020, 0.012).verdict, "not resolved");
  assert.equal(boundTarget(0.021, 0.052).verdict, "missed");
  assert.equal(boundTarget(-0.05, -0.011).verdict, "missed");
  assert.equal(boundTarget(0.000, 0.033).verdict, "not resolved");
  assert.equal(boundTarget(null, 0.005).met, false);
});

Deno.test("the crossover is reported with the grid point before it", () => {
  const s = summarize([
    rows("exact", 3000, 1),
    rows("hnsw", 3000, 2),
    rows("exact", 30000, 4),
    rows("hnsw", 30000, 5),
    rows("exact", 100000, 40),
    rows("hnsw", 100000, 27),
  ]);
  assert.equal(s.figure8_crossover_n, 100000);
  assert.equal(s.figure8_last_exact_faster_n, 30000);
  const first = summarize([rows("exact", 3000, 3), rows("hnsw", 3000, 2)]);
  assert.equal(first.figure8_crossover_n, 3000);
  assert.equal(first.figure8_last_exact_faster_n, null);
});

Deno.test("both bound gaps are judged: the one-estimator (same-draws) gap beside the paper-estimator gap", () => {
  const bound = (n: number, metrics: Record<string, number>) => ({
    suite: "scaling",
    name: `figure8_bound_n${n}`,
    params: {
      study: "bound",
      dataset: "figure8",
      method: "hnsw",
      n,
      d: 2,
      k: 16,
      s: 16,
      restProposal: "cells",
    },
    status: "ok" as const,
    seconds: 0,
    metrics,
  });
  const s = summarize([
    bound(20000, {
      boundGapNats: 0.029,
      boundGapCiLow: 0.021,
      boundGapCiHigh: 0.037,
      boundGapSameEstimatorNats: 0,
      boundGapSameEstimatorCiLow: -0.001,
      boundGapSameEstimatorCiHigh: 0.001,
    }),
    bound(3000, { boundGapNats: 0, boundGapCiLow: -0.014, boundGapCiHigh: 0.003 }),
  ]) as Record<string, Record<string, unknown>>;
  assert.equal(s.bound_gap_n20000.verdict, "missed");
  assert.equal(s.bound_gap_n20000.sameEstimatorVerdict, "met");
  // A run before the one-estimator comparison has no verdict for it.
  assert.equal(s.bound_gap_n3000.sameEstimatorVerdict, null);
  // The page says how much of the gap the estimators make on exact rows alone.
  const withShare = [
    bound(20000, {
      boundGapNats: 0.029,
      boundGapCiLow: 0.021,
      boundGapCiHigh: 0.037,
      boundExactNats: -0.706,
      boundExactMixtureNats: -0.68,
    }),
  ];
  const page = JSON.stringify(report(withShare, summarize(withShare)));
  assert.match(page, /scan to the mixture estimator accounts for .*N = 20000: 0\.026 of 0\.029/);
  const without = [bound(20000, { boundGapNats: 0.029, boundGapCiLow: 0, boundGapCiHigh: 0.04 })];
  assert.doesNotMatch(JSON.stringify(report(without, summarize(without))), /accounts for/);
});

Deno.test("the k'-NN line says how hnswlib-node built its index: shards or one thread", () => {
  const knnCase = (method: string, metrics: Record<string, number>) => ({
    suite: "scaling",
    name: `figure8_${method}_n20000`,
    params: { dataset: "figure8", method, n: 20000, d: 2, k: 16 },
    status: "ok" as const,
    seconds: 0,
    metrics: { buildSeconds: 1, querySeconds: 1, totalSeconds: 2, ...metrics },
  });
  const py = knnCase("hnswlib_py", {});
  const text = (shards?: number) => {
    const cases = [knnCase("hnsw_knn", shards === undefined ? {} : { shards }), py];
    return JSON.stringify(report(cases, summarize(cases)));
  };
  assert.match(text(2), /2 shards built side by side on Workers, every query searching all/);
  // A case from before shards existed: one index.
  assert.match(text(), /one index built on one thread/);
  assert.match(text(), /one thread; queries on one Worker per core\) against Python/);
  assert.doesNotMatch(text(), /shards built side by side on Workers, every query searching all/);
});

Deno.test("the paired faiss line names faiss's BLAS, and calls the reference one flattering", () => {
  const text = (blas?: string) => {
    const cases = [{
      suite: "scaling",
      name: "figure8_faiss_flat_n20000",
      params: { dataset: "figure8", method: "faiss_flat", n: 20000, d: 2, k: 16 },
      status: "ok" as const,
      seconds: 0,
      metrics: {
        buildSeconds: 0,
        querySeconds: 1,
        totalSeconds: 1,
        pairsPerSecond: 4e8,
        pairedRatio: 0.9,
        pairedRatioMin: 0.8,
        pairedRatioMax: 1.1,
        pairedRounds: 5,
        pairedExactPairsPerSecond: 3.6e8,
        ...(blas === undefined ? {} : { blas }),
      },
    }];
    return JSON.stringify(report(cases, summarize(cases)));
  };
  assert.match(text("openblas"), /exact rows at 0\.90x faiss's pairs\/s.*faiss's BLAS: openblas/);
  assert.match(text("reference"), /faiss ran on the netlib reference BLAS.*flatters this project/);
  // A run from before peers said: nothing claimed.
  assert.doesNotMatch(text(), /BLAS/);
});

Deno.test("the section opens with its answer: the crossover and what HNSW rows cost a model", () => {
  const cases = [rows("exact", 3000, 1), rows("hnsw", 3000, 2), rows("exact", 30000, 9)];
  cases.push(rows("hnsw", 30000, 5));
  const summary = {
    ...summarize(cases),
    density_figure8: {
      points: [{ n: 3000, gap: 0.017, gapCiLow: -0.035, gapCiHigh: 0.07, verdict: "not resolved" }],
      met: false,
    },
  };
  const first = report(cases, summary).notes![0];
  assert.match(first, /^Answer\. figure8 \(D = 2\): crossover between N = 3000 .* and N = 30000/);
  assert.match(
    first,
    /N = 30000 \(HNSW faster\), the grid points either side \(one timing per kind/,
  );
  assert.match(first, /figure8: N = 3,000: 0\.017 \[-0\.035, 0\.070\] \(not resolved\)\.$/);
  // A data set whose rows did not run (here MNIST and manifold64) is not claimed either way.
  assert.doesNotMatch(first, /MNIST|manifold64/);
  // Without a density study the answer stops at the crossovers.
  assert.doesNotMatch(report(cases, summarize(cases)).notes![0], /costs a model/);
});
