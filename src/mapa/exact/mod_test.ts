import assert from "node:assert/strict";
import { InputError } from "../../errors.ts";
import { exactRows, exactRowsFor, exactRowsWithStats } from "./mod.ts";
import { bruteRows, randomData } from "../test_util.ts";
import type { MapaRows } from "../types.ts";
import type { Matrix } from "../../types.ts";

function assertMatches(rows: MapaRows, x: Matrix, scale: number, tol: number) {
  const b = bruteRows(x, scale, rows.k);
  for (let m = 0; m < rows.n; m++) {
    assert.deepEqual(
      Array.from(rows.neighbors.subarray(m * rows.k, (m + 1) * rows.k)),
      b.neighbors[m],
    );
    assert.ok(
      Math.abs(rows.logNormalizer[m] - b.logZ[m]) <= tol * Math.max(1, Math.abs(b.logZ[m])),
    );
    for (let i = 0; i < rows.k; i++) {
      const got = rows.logq[m * rows.k + i], want = b.logq[m][i];
      assert.ok(Math.abs(got - want) <= tol * Math.max(1, Math.abs(want)), `row ${m} slot ${i}`);
    }
  }
}

Deno.test("exact rows", async (t) => {
  await t.step("match dense brute force (gaussian, inline and 2 workers)", async () => {
    const x = randomData(150, 3, 1);
    const sigma2 = 0.05;
    for (const workers of [0, 2]) {
      const r = await exactRowsWithStats(x, { k: 7, sigma2, workers, cutoff: "off" });
      assert.equal(r.stats.workers, workers);
      assertMatches(r.rows, x, 1 / (4 * sigma2), 1e-9);
      assert.equal(r.rows.method, "exact");
      assert.equal(r.rows.bandwidth, 2 * sigma2);
    }
  });
  await t.step("bandwidth option overrides 2 sigma2", async () => {
    const x = randomData(40, 2, 2);
    const rows = await exactRows(x, { k: 5, sigma2: 0.3, bandwidth: 0.07 });
    assertMatches(rows, x, 1 / (2 * 0.07), 1e-9);
  });
  await t.step("K = N gives the full normalised posterior", async () => {
    const x = randomData(30, 2, 3);
    const rows = await exactRows(x, { k: 30, sigma2: 0.5 });
    for (let m = 0; m < 30; m++) {
      let s = 0;
      for (let i = 0; i < 30; i++) s += Math.exp(rows.logq[m * 30 + i]);
      assert.ok(Math.abs(s - 1) < 1e-12);
      assert.equal(rows.neighbors[m * 30], m);
    }
  });
  await t.step("grid cutoff is exact to roundoff and used", async () => {
    const x = randomData(600, 2, 4, 30);
    const r = await exactRowsWithStats(x, { k: 6, bandwidth: 0.5, cutoff: "on", workers: 0 });
    assert.ok(r.stats.usesGrid);
    assertMatches(r.rows, x, 1, 1e-12);
  });
  await t.step("self first on ties, then lower index", async () => {
    const x = { rows: 4, cols: 1, data: new Float64Array([0.5, 0.5, 0.5, 0.9]) };
    const rows = await exactRows(x, { k: 3, sigma2: 1 });
    assert.deepEqual(Array.from(rows.neighbors), [0, 1, 2, 1, 0, 2, 2, 0, 1, 3, 0, 1]);
    assert.equal(rows.logq[3], rows.logq[4]);
  });
  await t.step("bernoulli kernel equals the Hamming form", async () => {
    const n = 60, d = 12, eps = 0.01;
    const data = new Float64Array(n * d);
    const src = randomData(n, d, 5).data;
    for (let i = 0; i < data.length; i++) data[i] = src[i] > 0.3 ? 1 : 0;
    const x = { rows: n, cols: d, data };
    const rows = await exactRows(x, { k: 8, kernel: "bernoulli", eps });
    const w = Math.log((1 - eps) / eps);
    for (let m = 0; m < n; m++) {
      let z = 0;
      for (let j = 0; j < n; j++) {
        let ham = 0;
        for (let t = 0; t < d; t++) ham += data[j * d + t] !== data[m * d + t] ? 1 : 0;
        z += Math.pow(eps / (1 - eps), ham);
      }
      assert.ok(Math.abs(rows.logNormalizer[m] - Math.log(z)) < 1e-12);
      const j = rows.neighbors[m * 8 + 1];
      let ham = 0;
      for (let t = 0; t < d; t++) ham += data[j * d + t] !== data[m * d + t] ? 1 : 0;
      assert.ok(Math.abs(rows.logq[m * 8 + 1] - (-ham * w - Math.log(z))) < 1e-9);
    }
  });
  await t.step("subset rows equal the full rows", async () => {
    const x = randomData(90, 2, 6);
    const full = await exactRows(x, { k: 4, sigma2: 0.1 });
    const q = new Int32Array([5, 0, 89, 5]);
    const sub = await exactRowsFor(x, q, { k: 4, sigma2: 0.1 });
    for (let p = 0; p < q.length; p++) {
      assert.deepEqual(
        sub.neighbors.subarray(p * 4, p * 4 + 4),
        full.neighbors.subarray(q[p] * 4, q[p] * 4 + 4),
      );
      assert.equal(sub.logNormalizer[p], full.logNormalizer[q[p]]);
    }
  });
  await t.step("every row in order, as queries, takes the symmetric pass", async () => {
    const x = randomData(70, 2, 8);
    const every = new Int32Array(70).map((_, i) => i);
    const full = await exactRows(x, { k: 5, sigma2: 0.1 });
    // On one thread the row-wise scan reports progress once per 1,024 rows, the symmetric
    // pass after its tiles (15 of them here).
    const calls = async (q: Int32Array) => {
      let n = 0;
      await exactRowsFor(x, q, { k: 5, sigma2: 0.1, workers: 0, onProgress: () => n++ });
      return n;
    };
    assert.ok(await calls(every) > 1);
    assert.equal(await calls(every.subarray(0, 69)), 1);
    const all = await exactRowsFor(x, every, { k: 5, sigma2: 0.1 });
    assert.deepEqual(all.neighbors, full.neighbors);
    assert.deepEqual(all.logq, full.logq);
    assert.deepEqual(all.sqdist, full.sqdist);
    assert.deepEqual(all.logNormalizer, full.logNormalizer);
    // And on 0/1 data, bit-packed, on two Workers.
    const bits: Matrix = {
      ...x,
      cols: 16,
      data: new Float64Array(70 * 16).map((_, i) => (i * 7) % 5 < 2 ? 1 : 0),
    };
    const b = { k: 5, kernel: "bernoulli" as const, workers: 2 };
    assert.deepEqual((await exactRowsFor(bits, every, b)).logq, (await exactRows(bits, b)).logq);
  });
  await t.step("bad input is an InputError", async () => {
    const x = randomData(10, 2, 7);
    const bad = [
      () => exactRows(x, { k: 11, sigma2: 1 }),
      () => exactRows(x, { k: 0, sigma2: 1 }),
      () => exactRows(x, { k: 2, sigma2: 0 }),
      () => exactRows(x, { k: 2, sigma2: 1, bandwidth: Infinity }),
      () => exactRows(x, { k: 2 }),
      () => exactRows(x, { k: 2, kernel: "bernoulli" }),
      () =>
        exactRows({ ...x, data: x.data.map((v, i) => (i === 7 ? NaN : v)) }, { k: 2, sigma2: 1 }),
    ];
    for (const f of bad) await assert.rejects(f, InputError);
    await assert.rejects(
      () =>
        exactRows({ ...x, data: x.data.map((v, i) => (i === 7 ? NaN : v)) }, { k: 2, sigma2: 1 }),
      /row 4 \(0-based 3\)/,
    );
  });
});
