import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { exactRowsWithStats } from "./exact/mod.ts";
import { hnswRowsWithStats } from "./hnsw.ts";
import { findBuilder } from "./row_builder.ts";
import { exactBuilder, hnswBuilder, hnswKnnBuilder, ROW_BUILDERS } from "./row_builders.ts";
import { randomData } from "./test_util.ts";

Deno.test("row builders: one exact reference, unique names, exact first", () => {
  assert.deepEqual(ROW_BUILDERS.map((b) => b.name), ["exact", "hnsw"]);
  assert.equal(ROW_BUILDERS.filter((b) => b.exact).length, 1);
  assert.ok(ROW_BUILDERS.every((b) => !b.peer));
  assert.equal(findBuilder(ROW_BUILDERS, "hnsw"), hnswBuilder);
  assert.throws(() => findBuilder(ROW_BUILDERS, "faiss"), /unknown builder "faiss".*exact, hnsw/);
});

Deno.test("exact builder: the rows and stats of exactRowsWithStats, no summary", async () => {
  const x = randomData(300, 3, 4);
  const options = { k: 5, sigma2: 0.05, seed: 9, kPrime: 40, m: 8 };
  const labels = new Set<string>();
  const built = await exactBuilder.build(x, { ...options, onProgress: (_, l) => labels.add(l) });
  const direct = await exactRowsWithStats(x, { k: 5, sigma2: 0.05 });
  assert.deepEqual(built.rows, direct.rows);
  assert.deepEqual(built.stats, {
    workers: direct.stats.workers,
    gridCutoff: direct.stats.usesGrid,
    gridFallbackRows: direct.stats.fallbackRows,
  });
  assert.equal(built.summary, null);
  assert.equal(built.buildSeconds, 0);
  assert.deepEqual([...labels], ["rows"]);
  const predicted = await exactBuilder.predictSeconds!(x, options);
  assert.ok(Number.isFinite(predicted) && predicted >= 0);
  await assert.rejects(() => exactBuilder.build(x, { k: 0, sigma2: 0.05 }), InputError);
});

Deno.test("hnsw builder: the rows of hnswRowsWithStats, its settings and a summary", async () => {
  const x = randomData(400, 2, 5);
  const options = { k: 6, sigma2: 0.02, seed: 3, kPrime: 30 };
  const built = await hnswBuilder.build(x, options);
  const direct = await hnswRowsWithStats(x, options);
  assert.deepEqual(built.rows, direct.rows);
  assert.equal(built.stats.kPrime, 30);
  assert.equal(built.stats.hnswM, direct.params.m);
  assert.equal(built.stats.leftOutSampledMean, direct.leftOut.sampledMean);
  assert.match(
    built.summary!,
    /^hnsw: k'=30, M=16, efConstruction=200, ef=64, seed=3, shards=1, left-out posterior mass/,
  );
});

Deno.test("hnsw k-NN builder reports the index settings it used", async () => {
  const x = randomData(500, 2, 6);
  const t = await hnswKnnBuilder.knn(x, { k: 4, kPrime: 10, workers: 1 });
  assert.deepEqual(t.stats, {
    queryWorkers: 1,
    m: 16,
    efConstruction: 200,
    kPrime: 10,
    ef: 64,
    shards: 1,
  });
  assert.ok(t.buildSeconds > 0 && t.querySeconds > 0);
});
