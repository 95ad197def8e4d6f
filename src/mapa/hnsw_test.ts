import assert from "node:assert/strict";
import { exactRows } from "./exact/mod.ts";
import { BUILD_SHARE, hnswRowsWithStats } from "./hnsw.ts";
import { loadHnswlib, releaseIndex } from "./hnsw_query.ts";
import { buildShard } from "./hnsw_shards.ts";
import { makeTailPool } from "./tail.ts";
import { rowsTailSampler } from "./tail_sampler.ts";
import { Rng } from "../rng.ts";
import { randomData } from "./test_util.ts";

Deno.test("hnsw rows", async (t) => {
  const x = randomData(1500, 2, 21);
  const k = 8, sigma2 = 0.01;
  const exact = await exactRows(x, { k, sigma2 });
  // A fixed U below N - k', so the rest is estimated, not summed.
  const r = await hnswRowsWithStats(x, { k, sigma2, seed: 1, restDraws: 1024, restDrawsMin: 1024 });
  const rows = r.rows;
  await t.step("recall@K against exact rows, self first", () => {
    let hit = 0;
    for (let m = 0; m < x.rows; m++) {
      assert.equal(rows.neighbors[m * k], m);
      const truth = new Set(Array.from(exact.neighbors.subarray(m * k, (m + 1) * k)));
      for (let i = 0; i < k; i++) if (truth.has(rows.neighbors[m * k + i])) hit++;
    }
    assert.ok(hit / (x.rows * k) >= 0.99, `recall ${hit / (x.rows * k)}`);
  });
  await t.step(
    "k' rows hold the top K plus extra neighbours with one normaliser over all N",
    () => {
      const e = rows.extraK!;
      assert.equal(e, r.params.kPrime - k);
      for (let m = 0; m < 20; m++) {
        let s = 0;
        for (let i = 0; i < k; i++) s += Math.exp(rows.logq[m * k + i]);
        for (let i = 0; i < e; i++) s += Math.exp(rows.extraLogq![m * e + i]);
        s += Math.exp(rows.logRestSum![m] - rows.logNormalizer[m]);
        assert.ok(Math.abs(s - 1) < 1e-12, "found q plus the estimated rest sum to 1");
        assert.ok(rows.extraLogq![m * e] <= rows.logq[m * k + k - 1]);
      }
      assert.ok(
        r.leftOut.boundMean >= 0 && r.leftOut.boundMax < 1 && r.leftOut.sampledRows === 1500,
      );
    },
  );
  await t.step("the full normaliser: an estimate of the rest within its standard error", () => {
    // The k' found alone miss about 8% of Z here: 0.08 nats, above the 0.05 asserted below.
    let missing = 0, outside = 0, zErr = 0;
    for (let m = 0; m < x.rows; m++) {
      let found = 0;
      for (let i = 0; i < k; i++) found += Math.exp(rows.logq[m * k + i]);
      for (let i = 0; i < rows.extraK!; i++) {
        found += Math.exp(rows.extraLogq![m * rows.extraK! + i]);
      }
      missing += 1 - found;
      const err = rows.logNormalizer[m] - exact.logNormalizer[m];
      zErr += Math.abs(err);
      assert.ok(rows.logNormalizerSe![m] > 0);
      if (Math.abs(err) > 3 * rows.logNormalizerSe![m] + 1e-9) outside++;
    }
    assert.ok(missing / x.rows > 0.05, `mass outside k' ${missing / x.rows}`);
    assert.ok(zErr / x.rows < 0.05, `mean |log Z error| ${zErr / x.rows}`);
    // The standard error comes from the draws themselves, so a row whose few near
    // outside points the draws missed reports too small an error: coverage, not 99.7%.
    assert.ok(outside / x.rows < 0.05, `rows outside 3 se: ${outside}`);
    assert.ok(Math.abs(r.normalizerError.seMean - mean(rows.logNormalizerSe!)) < 1e-12);
  });
  await t.step(
    "uniform draws on the rest: also within the standard error, with more error",
    async () => {
      const u = await hnswRowsWithStats(x, {
        k,
        sigma2,
        seed: 1,
        restDraws: 1024,
        restDrawsMin: 1024,
        restProposal: "uniform",
      });
      let outside = 0, errU = 0, errC = 0;
      for (let m = 0; m < x.rows; m++) {
        const err = u.rows.logNormalizer[m] - exact.logNormalizer[m];
        errU += Math.abs(err);
        errC += Math.abs(rows.logNormalizer[m] - exact.logNormalizer[m]);
        if (Math.abs(err) > 3 * u.rows.logNormalizerSe![m] + 1e-9) outside++;
      }
      assert.equal(u.params.restProposal, "uniform");
      assert.equal(r.params.restProposal, "cells");
      assert.ok(outside / x.rows < 0.05, `rows outside 3 se: ${outside}`);
      // The cells propose where the kernel mass of R is: less error for the same draws.
      assert.ok(errC < errU, `cells ${errC / x.rows} vs uniform ${errU / x.rows}`);
      await assert.rejects(
        () => hnswRowsWithStats(x, { k, sigma2, restProposal: "gaussian" as "cells" }),
        /unknown rest proposal "gaussian"; use cells or uniform/,
      );
    },
  );
  await t.step("with U >= N - k' the rest is summed exactly", async () => {
    const full =
      (await hnswRowsWithStats(x, { k, sigma2, seed: 1, restDraws: x.rows, restDrawsMin: x.rows }))
        .rows;
    for (let m = 0; m < x.rows; m++) {
      assert.ok(Math.abs(full.logNormalizer[m] - exact.logNormalizer[m]) < 1e-9);
      assert.equal(full.logNormalizerSe![m], 0);
    }
  });
  await t.step("bad U is refused", async () => {
    await assert.rejects(() => hnswRowsWithStats(x, { k, sigma2, restDraws: 0 }), /restDraws/);
    await assert.rejects(
      () => hnswRowsWithStats(x, { k, sigma2, restDraws: 64, restDrawsMin: 65 }),
      /restDrawsMin/,
    );
    await assert.rejects(
      () => hnswRowsWithStats(x, { k, sigma2, restTolerance: 0 }),
      /restTolerance/,
    );
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

function mean(v: Float64Array): number {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

Deno.test("hnsw rows are the same bits inline and on 1 or 2 query workers", async () => {
  // N = 2,500 spans three blocks of rows, so two workers split them.
  const x = randomData(2500, 2, 5);
  const opts = { k: 6, sigma2: 0.02, seed: 3, restDraws: 600, restDrawsMin: 300 };
  const inline = await hnswRowsWithStats(x, { ...opts, workers: 0 });
  for (const workers of [0, 1, 2]) {
    const seen: [number, string][] = [];
    const w = await hnswRowsWithStats(x, {
      ...opts,
      workers,
      onProgress: (f, label) => seen.push([f, label]),
    });
    // One bar for the whole call: the queries carry on from the build's share, up to 1.
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i][0] >= seen[i - 1][0], `${seen[i]}`);
    const lastBuild = seen.findLast(([, label]) => label === "build");
    assert.equal(lastBuild?.[0], BUILD_SHARE);
    assert.deepEqual(seen.at(-1), [1, "query"]);
    assert.deepEqual(w.rows, inline.rows, `${workers} workers`);
    assert.deepEqual(w.leftOut, inline.leftOut);
    assert.deepEqual(w.normalizerError, inline.normalizerError);
  }
  await assert.rejects(() => hnswRowsWithStats(x, { ...opts, workers: -1 }), /workers/);
});

Deno.test("releaseIndex leaves an empty index in place of the graph", async () => {
  const HNSW = await loadHnswlib();
  const x = randomData(2000, 2, 5);
  const index = buildShard(HNSW, x, { m: 16, efConstruction: 50, seed: 1, shard: 0, shards: 1 });
  assert.equal(index.getCurrentCount(), 2000);
  releaseIndex(index);
  assert.equal(index.getCurrentCount(), 0);
  // Still a usable index, so a late call fails softly rather than on freed memory.
  index.addPoint([0.5, 0.5], 7);
  assert.deepEqual(index.searchKnn([0.5, 0.5], 1).neighbors, [7]);
});

Deno.test("HNSW rows leave out the squared distances nothing reads", async () => {
  const x = randomData(300, 2, 9);
  const rows = (await hnswRowsWithStats(x, { k: 4, sigma2: 0.01, seed: 1 })).rows;
  assert.equal(rows.sqdist, undefined);
});

Deno.test("f32 extras: the same rows but the extras' log q rounded, and tail weights within 1e-5", async () => {
  const x = randomData(1500, 2, 13);
  const opts = { k: 6, sigma2: 0.01, seed: 2, restDraws: 600, restDrawsMin: 300 };
  const wide = (await hnswRowsWithStats(x, opts)).rows;
  const r = await hnswRowsWithStats(x, { ...opts, extraPrecision: "f32" });
  const narrow = r.rows;
  assert.equal(r.params.extraPrecision, "f32");
  assert.ok(narrow.extraLogq instanceof Float32Array);
  assert.ok(wide.extraLogq instanceof Float64Array);
  for (
    const key of ["neighbors", "logq", "logNormalizer", "extraNeighbors", "logRestSum"] as const
  ) {
    assert.deepEqual(narrow[key], wide[key], key);
  }
  assert.deepEqual(narrow.extraLogq, Float32Array.from(wide.extraLogq!));
  // Query Workers write the float32 extras into shared memory: the same bits.
  const onWorkers = (await hnswRowsWithStats(x, { ...opts, extraPrecision: "f32", workers: 2 }))
    .rows;
  assert.deepEqual(onWorkers.extraLogq, narrow.extraLogq);
  // The tail sampler on each, same streams: the weights move by the rounding alone.
  const s = 8;
  const samplers = [wide, narrow].map((rows) => rowsTailSampler(x, rows, { s }));
  const outs = [0, 1].map(() => ({
    indices: new Int32Array(s),
    logWeight: new Float64Array(s),
    offset: 0,
  }));
  let worst = 0, moved = 0;
  for (let m = 0; m < x.rows; m++) {
    samplers.forEach((sampler, i) => sampler.draw(m, Rng.stream(4, `row/${m}`), outs[i]));
    for (let j = 0; j < s; j++) {
      if (outs[0].indices[j] !== outs[1].indices[j]) moved++;
      else worst = Math.max(worst, Math.abs(outs[0].logWeight[j] - outs[1].logWeight[j]));
    }
  }
  assert.ok(worst > 0 && worst < 1e-5, `largest weight change ${worst}`);
  assert.ok(moved <= x.rows * s * 1e-3, `${moved} draws moved`);
});

Deno.test("hnsw rows refuse an unknown extra precision", async () => {
  await assert.rejects(
    // @ts-expect-error: a caller without types may pass anything
    hnswRowsWithStats(randomData(50, 2, 1), { k: 2, sigma2: 0.1, extraPrecision: "f16" }),
    /unknown extra precision "f16"; use f64 or f32/,
  );
});

Deno.test("f32 extras below float32's range are stored finite, so tail weights stay numbers", async () => {
  // A bandwidth so small that every extra's log q is about -1e40, beyond float32.
  const x = randomData(200, 2, 3);
  const rows = (await hnswRowsWithStats(x, { k: 2, sigma2: 1e-42, extraPrecision: "f32" })).rows;
  const e = rows.extraK!;
  for (let i = 0; i < rows.n * e; i++) {
    if (rows.extraNeighbors![i] >= 0) assert.ok(Number.isFinite(rows.extraLogq![i]), `extra ${i}`);
  }
  const sampler = rowsTailSampler(x, rows, { s: 4 });
  const out = { indices: new Int32Array(4), logWeight: new Float64Array(4), offset: 0 };
  sampler.draw(0, Rng.stream(1, "row"), out);
  assert.ok(out.logWeight.every((w) => !Number.isNaN(w)));
});
