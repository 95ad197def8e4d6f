import assert from "node:assert/strict";
import { exactRows } from "./exact/mod.ts";
import { hnswRowsWithStats } from "./hnsw.ts";
import { hnswKnnSeconds } from "./hnsw_knn.ts";
import { mergeNearest, SHARD_ROWS, shardCount, shardRange, shardSeed } from "./hnsw_shards.ts";
import { randomData } from "./test_util.ts";

Deno.test("shard ranges cover every row once, in order", () => {
  for (const [n, shards] of [[10, 3], [7, 7], [10_001, 2], [5, 1]]) {
    let next = 0;
    for (let shard = 0; shard < shards; shard++) {
      const { lo, hi } = shardRange(n, { shard, shards });
      assert.equal(lo, next);
      assert.ok(hi - lo >= Math.floor(n / shards) && hi - lo <= Math.ceil(n / shards));
      next = hi;
    }
    assert.equal(next, n);
  }
});

Deno.test("shard count: 2 from SHARD_ROWS rows, 1 below, a request checked", () => {
  assert.equal(shardCount(SHARD_ROWS - 1), 1);
  assert.equal(shardCount(SHARD_ROWS), 2);
  assert.equal(shardCount(50, 3), 3);
  assert.throws(() => shardCount(50, 0), /shards/);
  assert.throws(() => shardCount(50, 51), /shards/);
  assert.throws(() => shardCount(50, 1.5), /shards/);
});

Deno.test("mergeNearest keeps the k nearest, nearest first, the lower shard first on ties", () => {
  const a = { neighbors: [1, 2, 3], distances: [0, 0.5, 2] };
  const b = { neighbors: [7, 8, 9], distances: [0.25, 0.5, 1] };
  assert.deepEqual(mergeNearest([a, b], 4), {
    neighbors: [1, 7, 2, 8],
    distances: [0, 0.25, 0.5, 0.5],
  });
  // Fewer than k in all: every one, in order.
  assert.deepEqual(mergeNearest([a, { neighbors: [5], distances: [1.5] }], 10).neighbors, [
    1,
    2,
    5,
    3,
  ]);
  assert.equal(mergeNearest([a], 2), a);
});

Deno.test("sharded hnsw rows: the same bits inline and on Workers, recall against exact rows", async () => {
  const x = randomData(2500, 2, 9);
  const k = 6;
  const opts = { k, sigma2: 0.02, seed: 3, restDraws: 600, restDrawsMin: 300, shards: 3 };
  const inline = await hnswRowsWithStats(x, { ...opts, workers: 0 });
  assert.equal(inline.params.shards, 3);
  for (const workers of [1, 2]) {
    const w = await hnswRowsWithStats(x, { ...opts, workers });
    assert.deepEqual(w.rows, inline.rows, `${workers} workers`);
    assert.deepEqual(w.leftOut, inline.leftOut);
  }
  const exact = await exactRows(x, { k, sigma2: 0.02 });
  let hit = 0;
  for (let m = 0; m < x.rows; m++) {
    assert.equal(inline.rows.neighbors[m * k], m);
    const truth = new Set(Array.from(exact.neighbors.subarray(m * k, (m + 1) * k)));
    for (let i = 0; i < k; i++) if (truth.has(inline.rows.neighbors[m * k + i])) hit++;
  }
  assert.ok(hit / (x.rows * k) >= 0.99, `recall ${hit / (x.rows * k)}`);
  // One shard is the single index.
  const one = await hnswRowsWithStats(x, { ...opts, shards: 1, workers: 0 });
  assert.equal(one.params.shards, 1);
  await assert.rejects(() => hnswRowsWithStats(x, { ...opts, shards: 0 }), /shards/);
});

Deno.test("hnswKnnSeconds searches every shard and says how many", async () => {
  const x = randomData(600, 2, 4);
  const r = await hnswKnnSeconds(x, { k: 5, kPrime: 12, workers: 2, shards: 2 });
  assert.equal(r.params.shards, 2);
  assert.equal(r.workers, 2);
  assert.ok(r.buildSeconds > 0 && r.querySeconds > 0);
});

Deno.test("shards smaller than k' answer with all their points, the same inline and on Workers", async () => {
  const x = randomData(60, 2, 2);
  for (const shards of [6, 60]) {
    const opts = { k: 5, kPrime: 20, sigma2: 0.05, seed: 1, shards };
    const inline = await hnswRowsWithStats(x, { ...opts, workers: 0 });
    const w = await hnswRowsWithStats(x, { ...opts, workers: 2 });
    assert.deepEqual(w.rows, inline.rows, `${shards} shards`);
    // With every point found, each row's top K is the exact one.
    const exact = await exactRows(x, { k: 5, sigma2: 0.05 });
    assert.deepEqual(inline.rows.neighbors, exact.neighbors);
  }
});

Deno.test("shard seeds: shard 0 keeps the seed, the others do not collide with nearby seeds", () => {
  assert.equal(shardSeed(7, 0), 7);
  const seen = new Set<number>();
  for (let seed = 0; seed < 50; seed++) {
    for (let shard = 0; shard < 4; shard++) seen.add(shardSeed(seed, shard));
  }
  assert.equal(seen.size, 200);
});
