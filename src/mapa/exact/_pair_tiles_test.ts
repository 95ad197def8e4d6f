import assert from "node:assert/strict";
import { Rng } from "../../rng.ts";
import type { Matrix } from "../../types.ts";
import { exactRowsFor, exactRowsWithStats } from "./mod.ts";
import { addExact, exactTotal } from "./_exact_sum.ts";
import { makePartial, PairScan, tileBlocks, tileCount, tilePairs } from "./_pair_tiles.ts";
import { defaultBlockSize } from "./_row_scan.ts";
import { gauss2Fits } from "./_gauss2.ts";
import { bruteRows, randomData } from "../test_util.ts";
import { WorkerPool } from "../worker_pool.ts";

/** Points on a small integer lattice (many equal distances) with some exact duplicates. */
function tiedData(n: number, d: number, seed: number): Matrix {
  const rng = Rng.stream(seed, "mapa-sym-test");
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const src = i > 10 && rng.uniform() < 0.2 ? rng.int(i) : -1;
    for (let t = 0; t < d; t++) data[i * d + t] = src >= 0 ? data[src * d + t] : rng.int(5) * 0.25;
  }
  return { rows: n, cols: d, data };
}

/** `x` scaled by `f`. */
function spread(x: Matrix, f: number): Matrix {
  return { ...x, data: x.data.map((v) => v * f) };
}

/** 0/1 data with duplicate rows: the bit-packed Hamming path. */
function binaryData(n: number, d: number, seed: number): Matrix {
  const rng = Rng.stream(seed, "mapa-sym-binary");
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const src = i > 5 && rng.uniform() < 0.1 ? rng.int(i) : -1;
    for (let t = 0; t < d; t++) data[i * d + t] = src >= 0 ? data[src * d + t] : rng.int(2);
  }
  return { rows: n, cols: d, data };
}

Deno.test("symmetric pass", async (t) => {
  await t.step("tiles cover every unordered pair once", () => {
    for (const [n, block] of [[1, 4], [7, 3], [50, 16], [64, 16]]) {
      const nb = Math.ceil(n / block);
      const seen = new Set<string>();
      let pairs = 0;
      for (let tt = 0; tt < tileCount(nb); tt++) {
        const [bi, bj] = tileBlocks(tt, nb);
        assert.ok(bi <= bj && bj < nb);
        seen.add(`${bi},${bj}`);
        pairs += tilePairs(tt, n, block);
      }
      assert.equal(seen.size, tileCount(nb));
      assert.equal(pairs, (n * (n - 1)) / 2);
    }
  });

  const cases: [string, Matrix, Record<string, unknown>][] = [
    ["gaussian D=2 lattice with duplicates", tiedData(203, 2, 1), { sigma2: 0.05 }],
    ["gaussian D=3 lattice", tiedData(150, 3, 2), { sigma2: 0.2, blockSize: 16 }],
    ["gaussian D=5 normal", randomData(97, 5, 3), { sigma2: 0.5, blockSize: 10 }],
    ["gaussian D=1 with ties", tiedData(61, 1, 4), { bandwidth: 0.3, blockSize: 7 }],
    ["gaussian D=2 spread: exps underflow to subnormals and 0", spread(randomData(151, 2, 7), 30), {
      sigma2: 0.05,
      blockSize: 32,
    }],
    ["bernoulli D=20 bit-packed", binaryData(90, 20, 5), { kernel: "bernoulli", blockSize: 16 }],
    ["gaussian D=130 bit-packed, 3 words", binaryData(70, 130, 6), { sigma2: 4, blockSize: 9 }],
  ];
  for (const [name, x, kopts] of cases) {
    await t.step(`equals the row-wise scan bit for bit: ${name}`, async () => {
      for (const k of [1, 2, 9]) {
        const opts = { k, cutoff: "off" as const, ...kopts };
        const rows = await exactRowsWithStats(x, { ...opts, symmetric: false, workers: 0 });
        assert.equal(rows.stats.pass, "rows");
        for (const workers of [0, 1, 2]) {
          const sym = await exactRowsWithStats(x, { ...opts, workers });
          assert.equal(sym.stats.pass, "pairs");
          assert.equal(sym.stats.workers, workers);
          assert.deepEqual(sym.rows.neighbors, rows.rows.neighbors);
          assert.deepEqual(sym.rows.sqdist, rows.rows.sqdist);
          // Exact-limb sums make the bits independent of tile order and worker count.
          assert.deepEqual(sym.rows.logNormalizer, rows.rows.logNormalizer);
          assert.deepEqual(sym.rows.logq, rows.rows.logq);
        }
        // And a subset of rows, scanned row-wise, equals the same rows.
        const q = new Int32Array([x.rows - 1, 0, 5, 5]);
        const sub = await exactRowsFor(x, q, opts);
        for (let p = 0; p < q.length; p++) {
          assert.equal(sub.logNormalizer[p], rows.rows.logNormalizer[q[p]]);
        }
      }
    });
  }

  await t.step(
    "matches dense brute force on tied data (self first, then lower index)",
    async () => {
      const x = tiedData(120, 2, 5);
      const scale = 1 / (2 * 0.1);
      const b = bruteRows(x, scale, 6);
      const r = await exactRowsWithStats(x, { k: 6, bandwidth: 0.1, workers: 2, blockSize: 32 });
      assert.equal(r.stats.pass, "pairs");
      for (let m = 0; m < x.rows; m++) {
        assert.deepEqual(Array.from(r.rows.neighbors.subarray(m * 6, m * 6 + 6)), b.neighbors[m]);
        assert.ok(Math.abs(r.rows.logNormalizer[m] - b.logZ[m]) <= 1e-12 * Math.max(1, b.logZ[m]));
      }
    },
  );

  await t.step("progress ends at 1", async () => {
    const x = randomData(80, 2, 6);
    for (const workers of [0, 2]) {
      const seen: number[] = [];
      await exactRowsWithStats(x, {
        k: 3,
        sigma2: 0.1,
        workers,
        onProgress: (f) => seen.push(f),
      });
      assert.equal(seen.at(-1), 1);
      for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1]);
    }
  });
});

Deno.test("exact limb sums do not depend on the order of the parts", () => {
  const rng = Rng.stream(8, "exact-sum-test");
  const parts = Array.from({ length: 500 }, (_, i) => rng.uniform() * (i % 3 ? 1e-9 : 300));
  const acc = new Float64Array(6);
  for (const v of parts) addExact(acc, 0, v);
  for (const v of rng.shuffle(parts.slice())) addExact(acc, 1, v);
  assert.equal(exactTotal(acc, 0), exactTotal(acc, 1));
  // Close to the true sum: compare with a compensated (Neumaier) sum.
  let s = 0, c = 0;
  for (const v of parts) {
    const t = s + v;
    c += Math.abs(s) >= Math.abs(v) ? (s - t) + v : (v - t) + s;
    s = t;
  }
  assert.ok(Math.abs(exactTotal(acc, 0) - (s + c)) <= 2.3e-16 * (s + c));
});

Deno.test("0/1 rows take blocks sized by their packed bytes, the same in both passes", async () => {
  // 784 floats are 6,272 bytes a point (blocks of 20); packed, 112 bytes (blocks up to 512).
  assert.equal(defaultBlockSize(400, 784), 20);
  assert.equal(defaultBlockSize(400, 784, { bitPacked: true }), 50);
  assert.equal(defaultBlockSize(10000, 784, { bitPacked: true }), 512);
  // Rows near eight prototypes: close pairs with large kernel values, whose sums' last bits
  // depend on how they are split into blocks.
  const rng = Rng.stream(9, "mapa-sym-blocks");
  const protos = Array.from({ length: 8 }, () => Array.from({ length: 784 }, () => rng.int(2)));
  const data = new Float64Array(400 * 784);
  for (let i = 0; i < 400; i++) {
    const p = protos[rng.int(8)];
    for (let t = 0; t < 784; t++) data[i * 784 + t] = rng.uniform() < 0.01 ? 1 - p[t] : p[t];
  }
  const x: Matrix = { rows: 400, cols: 784, data };
  const opts = { k: 5, kernel: "bernoulli" as const, cutoff: "off" as const };
  const rows = await exactRowsWithStats(x, { ...opts, symmetric: false, workers: 0 });
  const pairs = await exactRowsWithStats(x, { ...opts, workers: 2 });
  assert.equal(pairs.stats.pass, "pairs");
  assert.deepEqual(pairs.rows.logNormalizer, rows.rows.logNormalizer);
  assert.deepEqual(pairs.rows.logq, rows.rows.logq);
  // The same bits as with the packed block given explicitly, not the float one's.
  const given = await exactRowsWithStats(x, { ...opts, workers: 0, blockSize: 50 });
  assert.deepEqual(given.rows.logNormalizer, pairs.rows.logNormalizer);
  const float = await exactRowsWithStats(x, { ...opts, workers: 0, blockSize: 20 });
  assert.notDeepEqual(float.rows.logNormalizer, pairs.rows.logNormalizer);
});

type ScanOptions = ConstructorParameters<typeof PairScan>[1];

/**
 * The partials of two scans of `x` that take the same tiles in one shuffled
 * order: `whole` (whole tiles in WebAssembly) and `js` (the JavaScript tiles).
 */
function shuffledPartials(x: Float64Array, whole: ScanOptions, js: ScanOptions, rng: Rng) {
  const pw = makePartial(whole.n, whole.k), pj = makePartial(js.n, js.k);
  const a = new PairScan(x, whole, pw), b = new PairScan(x, js, pj);
  assert.ok(a.wholeTiles && !b.wholeTiles);
  for (const t of rng.shuffle(Array.from({ length: a.tiles }, (_, t) => t))) {
    a.tile(t);
    b.tile(t);
  }
  a.finish();
  b.finish();
  return [pw, pj];
}

Deno.test("whole bit-packed tiles equal the float tiles in any tile order, ties included", () => {
  // Tiles in shuffled order offer rows lower indices after higher ones, which is when a tie on
  // distance must go to the lower index (the pass itself takes tiles in order).
  const rng = Rng.stream(123, "mapa-sym-shuffled");
  for (let it = 0; it < 60; it++) {
    const n = 2 + rng.int(60), d = [8, 20, 130, 784][rng.int(4)];
    const k = 1 + rng.int(Math.min(n, 12));
    const block = 1 + rng.int(n);
    const scale = [0.01, 1, 50][rng.int(3)];
    const x = binaryData(n, d, 100 + it).data;
    // Sparse rows: small Hamming distances, many of them equal.
    if (it % 2) { for (let i = 0; i < x.length; i++) x[i] = rng.uniform() < 0.03 ? 1 : 0; }
    const opts = { n, d, k, scale, block };
    const [pb, pf] = shuffledPartials(x, { ...opts, bits: true }, { ...opts, bits: false }, rng);
    assert.deepEqual(pb, pf, `n=${n} d=${d} k=${k} block=${block}`);
  }
});

Deno.test("whole D = 2 tiles equal the JavaScript tiles in any tile order, ties included", () => {
  const rng = Rng.stream(124, "mapa-sym-shuffled-2d");
  for (let it = 0; it < 60; it++) {
    const n = 2 + rng.int(80);
    const k = 1 + rng.int(Math.min(n, 12));
    const block = 1 + rng.int(n);
    // Lattice points with duplicates (equal distances), spread so some exps underflow.
    const x = it % 3 ? tiedData(n, 2, 200 + it).data : spread(randomData(n, 2, 200 + it), 30).data;
    const opts = { n, d: 2, k, scale: [0.5, 10, 200][rng.int(3)], block };
    const [pw, pj] = shuffledPartials(x, opts, { ...opts, wasm: false }, rng);
    assert.deepEqual(pw, pj, `n=${n} k=${k} block=${block}`);
  }
});

Deno.test("D = 2 rows whose whole-tile state would not fit the module stay in JavaScript", () => {
  assert.ok(gauss2Fits({ n: 1e6, block: 512, k: 16 }));
  assert.ok(!gauss2Fits({ n: 1e7, block: 512, k: 16 }));
});

Deno.test("0/1 rows whose whole-tile state would not fit the module take the float path", () => {
  // 10^6 rows with K = 200: about 2.4 GB of heaps. The float path's constructor reads no data.
  const x = new Float64Array(8 * 784);
  const opts = { n: 1e6, d: 784, k: 200, scale: 1, block: 512, bits: true };
  assert.ok(!new PairScan(x, opts, makePartial(1, 1)).bitPacked);
  assert.ok(new PairScan(x, { ...opts, n: 8, k: 2 }, makePartial(8, 2)).bitPacked);
});

Deno.test("Workers kept in a pool across calls give the same bits as fresh ones", async () => {
  // Calls of other sizes and both passes in between, so a reused Worker's module holds a
  // larger job's state when it takes a smaller one.
  type Opts = { k: number; bandwidth?: number; kernel?: "bernoulli"; symmetric?: boolean };
  const calls: [Matrix, Opts][] = [
    [randomData(300, 2, 21), { k: 7, bandwidth: 0.1 }],
    [binaryData(200, 64, 22), { k: 5, kernel: "bernoulli" }],
    [randomData(90, 3, 23), { k: 4, bandwidth: 0.5, symmetric: false }],
    [randomData(120, 2, 24), { k: 9, bandwidth: 0.05 }],
  ];
  using pool = new WorkerPool();
  for (let round = 0; round < 2; round++) {
    for (const [x, opts] of calls) {
      const fresh = await exactRowsWithStats(x, { ...opts, workers: 2, blockSize: 16 });
      const pooled = await exactRowsWithStats(x, { ...opts, workers: 2, blockSize: 16, pool });
      assert.equal(pooled.stats.workers, 2);
      assert.deepEqual(pooled.rows, fresh.rows);
    }
  }
  assert.equal(pool.idle, 4);
});
