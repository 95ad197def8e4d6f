import assert from "node:assert/strict";
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { exactRows } from "../../../src/mapa/exact/mod.ts";
import { splitExtras } from "../../../src/mapa/split_extras.ts";
import { rowsTailSampler } from "../../../src/mapa/tail_sampler.ts";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { runBound } from "./scaling_bound.ts";
import { boundGap } from "./scaling_metrics.ts";

Deno.test("bound case: the issue's gap (own estimators) and the one-estimator gap, each consistent", async () => {
  const m = await runBound({
    study: "bound",
    dataset: "figure8",
    method: "hnsw",
    n: 1200,
    d: 2,
    k: 16,
    s: 16,
    restProposal: "cells",
  }, fakeContext(4));
  const num = (key: string) => m[key] as number;
  for (const key of ["boundGapNats", "boundGapSameEstimatorNats", "boundExactNats"]) {
    assert.ok(Number.isFinite(num(key)), key);
  }
  assert.ok(Math.abs(num("boundHnswNats") - num("boundExactNats") - num("boundGapNats")) < 1e-9);
  assert.ok(
    Math.abs(
      num("boundHnswNats") - num("boundExactMixtureNats") - num("boundGapSameEstimatorNats"),
    ) < 1e-9,
  );
  for (const g of ["boundGap", "boundGapSameEstimator"]) {
    assert.ok(num(`${g}CiLow`) <= num(`${g}Nats`) && num(`${g}Nats`) <= num(`${g}CiHigh`), g);
  }
  assert.ok(num("boundKPrime") > 16);
  // A bound at the true decoder sits below 0 nats per point on figure8 (log p about -0.6).
  assert.ok(num("boundExactNats") < 0 && num("boundHnswNats") < 0);
});

Deno.test("one-estimator gap: 0 for the same rows, negative when the index misses neighbours", async () => {
  const ds = getSyntheticDataset("figure8");
  const { x, z } = ds.draw(600, 3);
  const k = 8, s = 8;
  const rows = splitExtras(await exactRows(x, { k: 40, sigma2: ds.sigma2, workers: 0 }), k);
  // The same rows as an index that missed each row's 7 nearest other points: they leave the
  // found set (their slots hold points from outside it), so only the rest proposal reaches them.
  const e = rows.extraK!;
  const lossy = { ...rows, neighbors: rows.neighbors.slice() };
  for (let m = 0; m < rows.n; m++) {
    const found = new Set([
      ...rows.neighbors.subarray(m * k, (m + 1) * k),
      ...rows.extraNeighbors!.subarray(m * e, (m + 1) * e),
    ]);
    let j = 0;
    for (let i = 1; i < k; i++) {
      while (found.has(j)) j++;
      lossy.neighbors[m * k + i] = j++;
    }
  }
  const queries = new Int32Array(200).map((_, i) => 3 * i);
  const fx = ds.trueDecoder(z);
  const gap = (a: typeof rows) =>
    boundGap(x, fx, {
      queries,
      topA: (m) => a.neighbors.subarray(m * k, (m + 1) * k),
      samplerA: rowsTailSampler(x, a, { s }),
      topB: (m) => rows.neighbors.subarray(m * k, (m + 1) * k),
      samplerB: rowsTailSampler(x, rows, { s }),
      sigma2: ds.sigma2,
      seed: 1,
    });
  assert.equal(gap(rows).gapNats, 0);
  const lost = gap(lossy);
  assert.ok(lost.gapCiHigh < 0, `gap ${lost.gapNats} [${lost.gapCiLow}, ${lost.gapCiHigh}]`);
});
