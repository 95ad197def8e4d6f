import assert from "node:assert/strict";
import { exactRows } from "./exact.ts";
import { hnswRowsWithStats } from "./hnsw.ts";
import { makeTailPool } from "./tail.ts";
import { randomData } from "./test_util.ts";

Deno.test("hnsw rows", async (t) => {
  const x = randomData(1500, 2, 21);
  const k = 8, sigma2 = 0.01;
  const exact = await exactRows(x, { k, sigma2 });
  const r = await hnswRowsWithStats(x, { k, sigma2, seed: 1 });
  const rows = r.rows;
  await t.step("recall@K against exact rows, self first", () => {
    let hit = 0;
    for (let m = 0; m < x.rows; m++) {
      assert.equal(rows.neighbors[m * k], m);
      const truth = new Set(Array.from(exact.neighbors.subarray(m * k, (m + 1) * k)));
      for (let i = 0; i < k; i++) if (truth.has(rows.neighbors[m * k + i])) hit++;
      assert.ok(rows.logNormalizer[m] <= exact.logNormalizer[m] + 1e-12);
    }
    assert.ok(hit / (x.rows * k) >= 0.99, `recall ${hit / (x.rows * k)}`);
  });
  await t.step("k' rows hold the top K plus extra neighbours with one normaliser", () => {
    const e = rows.extraK!;
    assert.equal(e, r.params.kPrime - k);
    for (let m = 0; m < 20; m++) {
      let s = 0;
      for (let i = 0; i < k; i++) s += Math.exp(rows.logq[m * k + i]);
      for (let i = 0; i < e; i++) s += Math.exp(rows.extraLogq![m * e + i]);
      assert.ok(Math.abs(s - 1) < 1e-12);
      assert.ok(rows.extraLogq![m * e] <= rows.logq[m * k + k - 1]);
    }
    assert.ok(r.leftOut.boundMean >= 0 && r.leftOut.boundMax < 1 && r.leftOut.sampledRows === 1000);
  });
  await t.step("tail pool draws from the extra neighbours only", () => {
    const pool = makeTailPool(x, rows, { s: 4, rounds: 2, seed: 5 });
    const e = rows.extraK!;
    for (let m = 0; m < x.rows; m += 97) {
      const extra = new Set(Array.from(rows.extraNeighbors!.subarray(m * e, (m + 1) * e)));
      for (let i = 0; i < 8; i++) assert.ok(extra.has(pool.indices[m * 8 + i]));
    }
  });
});
