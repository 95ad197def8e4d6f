import assert from "node:assert/strict";
import { exactRows, exactRowsFor } from "../../../src/mapa/exact/mod.ts";
import { rowsTailSampler } from "../../../src/mapa/tail_sampler.ts";
import { Rng } from "../../../src/rng.ts";
import type { Matrix } from "../../../src/types.ts";
import { boundGap, mapaBoundAt, scoreAccuracy } from "./scaling_metrics.ts";

function data(n: number): Matrix {
  const rng = Rng.stream(2, "scaling-metrics");
  return { rows: n, cols: 2, data: rng.fillNormal(new Float64Array(n * 2)) };
}

Deno.test("exact rows score perfectly against themselves; a wrong normaliser shows", async () => {
  const x = data(80);
  const rows = await exactRows(x, { k: 5, sigma2: 0.05, workers: 0 });
  const all = new Int32Array(80).map((_, i) => i);
  const block = await exactRowsFor(x, all, { k: 5, sigma2: 0.05, workers: 0 });
  const a = scoreAccuracy(x, rows, block);
  assert.equal(a.recallAtKTies, 1);
  assert.ok(a.logZErrMean < 1e-12 && a.topMassErrMean < 1e-12);
  const off = { ...rows, logNormalizer: rows.logNormalizer.map((v, i) => v + (i === 3 ? 0.5 : 0)) };
  const b = scoreAccuracy(x, off, block);
  assert.ok(Math.abs(b.logZErrMean - 0.5 / 80) < 1e-12 && Math.abs(b.logZErrMax - 0.5) < 1e-12);
  // Swap a true neighbour for the farthest point: recall drops by one in 80 * 5.
  const nb = rows.neighbors.slice();
  let far = 0, best = -1;
  for (let j = 0; j < 80; j++) {
    const d2 = (x.data[2 * j] - x.data[6]) ** 2 + (x.data[2 * j + 1] - x.data[7]) ** 2;
    if (d2 > best) [best, far] = [d2, j];
  }
  nb[3 * 5 + 4] = far;
  assert.equal(scoreAccuracy(x, { ...rows, neighbors: nb }, block).recallAtKTies, 1 - 1 / 400);
});

Deno.test("the bound at K = N is log p exactly; the gap of a row set with itself is 0", async () => {
  const x = data(30);
  const fx = data(30);
  const sigma2 = 0.3;
  const full = await exactRows(x, { k: 30, sigma2, workers: 0 });
  const sampler = rowsTailSampler(x, full, { s: 2 });
  const m = 4;
  let want = 0;
  for (let j = 0; j < 30; j++) {
    const d2 = (x.data[2 * m] - fx.data[2 * j]) ** 2 +
      (x.data[2 * m + 1] - fx.data[2 * j + 1]) ** 2;
    want += Math.exp(-d2 / (2 * sigma2)) / (2 * Math.PI * sigma2) / 30;
  }
  const top = full.neighbors.subarray(m * 30, m * 30 + 30);
  const got = mapaBoundAt(x, fx, { m, top, sampler, rng: Rng.stream(1, "b"), sigma2 });
  assert.ok(Math.abs(got - Math.log(want)) < 1e-12, `${got} vs ${Math.log(want)}`);
  const rows = await exactRows(x, { k: 4, sigma2, workers: 0 });
  const s = rowsTailSampler(x, rows, { s: 3 });
  const topOf = (r: number) => rows.neighbors.subarray(r * 4, r * 4 + 4);
  const g = boundGap(x, fx, {
    queries: new Int32Array([0, 5, 9]),
    topA: topOf,
    samplerA: s,
    topB: topOf,
    samplerB: s,
    sigma2,
    seed: 3,
  });
  assert.equal(g.gapNats, 0);
  assert.ok(g.exactBoundNats < 0 && g.exactBoundNats === g.hnswBoundNats);
});
