import assert from "node:assert/strict";
import { Rng } from "../../rng.ts";
import { makePartial, PairScan } from "./_pair_tiles.ts";
import { HammingRows, isBinary, tileFits } from "./_hamming.ts";
import { sha256Hex } from "../wasm/source_hash.ts";
import { PAIR_TILES_WAT_SHA256 } from "../wasm/pair_tiles_wasm.ts";

Deno.test("HammingRows counts differing bits, any D, any run", () => {
  const rng = Rng.stream(2, "hamming");
  for (const d of [1, 63, 64, 65, 784, 64 * 63]) {
    const n = 12;
    const data = new Float64Array(n * d);
    for (let i = 0; i < data.length; i++) data[i] = rng.int(2);
    const rows = new HammingRows(data, { n, d, maxRun: n });
    let varying = 0;
    for (let t = 0; t < d; t++) {
      if (Array.from({ length: n }, (_, r) => data[r * d + t]).some((v) => v !== data[t])) {
        varying++;
      }
    }
    assert.equal(rows.words, Math.max(1, Math.ceil(varying / 64)));
    // Runs of every length mod 4: the kernel takes four rows at a time, then one.
    for (const j0 of [0, 1, 2, 3, 11]) {
      for (let i = 0; i < n; i++) {
        const h = Array.from(rows.run(i, j0, n));
        const want = [];
        for (let j = j0; j < n; j++) {
          let c = 0;
          for (let t = 0; t < d; t++) c += data[i * d + t] !== data[j * d + t] ? 1 : 0;
          want.push(c);
        }
        assert.deepEqual(h.slice(0, n - j0), want, `d=${d} i=${i} j0=${j0}`);
      }
    }
  }
});

Deno.test("HammingRows packs only the columns that vary, with the same distances", () => {
  // MNIST-like: a border of pixels that are 0 in every row, and a column that is 1 in all.
  const rng = Rng.stream(4, "hamming-constant-columns");
  const d = 200, n = 21;
  const data = new Float64Array(n * d);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < d; t++) data[r * d + t] = t === 7 ? 1 : t < 60 ? 0 : rng.int(2);
  }
  const rows = new HammingRows(data, { n, d, maxRun: n });
  assert.equal(rows.words, 3); // 140 varying columns, not 200 (4 words)
  for (let i = 0; i < n; i++) {
    const want = Array.from({ length: n }, (_, j) => {
      let c = 0;
      for (let t = 0; t < d; t++) c += data[i * d + t] !== data[j * d + t] ? 1 : 0;
      return c;
    });
    assert.deepEqual(Array.from(rows.run(i, 0, n)), want, `i=${i}`);
  }
  // All rows equal: no column varies, and every distance is 0.
  const same = new HammingRows(new Float64Array(3 * d).fill(1), { n: 3, d, maxRun: 3 });
  assert.deepEqual(Array.from(same.run(0, 0, 3)), [0, 0, 0]);
});

Deno.test("HammingRows at the byte-lane limit: 62 words, every bit different", () => {
  // 62 words is the widest the four-row loop takes: a byte lane then counts 31 x 8 = 248 bits.
  const d = 64 * 62, n = 9;
  const data = new Float64Array(n * d);
  for (let r = 0; r < n; r++) if (r % 2) data.fill(1, r * d, (r + 1) * d);
  const rows = new HammingRows(data, { n, d, maxRun: n });
  for (let i = 0; i < n; i++) {
    const want = Array.from({ length: n }, (_, j) => (i + j) % 2 ? d : 0);
    assert.deepEqual(Array.from(rows.run(i, 0, n)), want, `i=${i}`);
  }
});

Deno.test("a full-length run leaves the tile's table intact", () => {
  // The distances of a run sit just before the tile's table: a write past the run would
  // change table[0], which every row's own pair (distance 0) reads.
  const rng = Rng.stream(3, "hamming-run-end");
  const d = 128, n = 16;
  const data = new Float64Array(n * d).map(() => rng.int(2));
  const table = new Float64Array(d + 1).map((_, h) => Math.exp(-h / 7));
  const rows = new HammingRows(data, { n, d, maxRun: n, tile: { table, k: 1 } });
  rows.state!.worst.fill(-Infinity);
  for (let i = 0; i < n; i++) {
    const h = Array.from(rows.run(i, 0, n));
    let want = 0;
    for (const v of h) want += table[v];
    rows.state!.col.fill(0);
    assert.equal(rows.tileRow(i, 0, n, 0).sum, want, `i=${i}`);
  }
});

Deno.test("the pair scan takes the bit path for 0/1 data with D >= 8 only", () => {
  const opts = { n: 4, k: 2, scale: 1, block: 4 };
  const bits = new Float64Array(4 * 8).map((_, i) => i % 3 === 0 ? 1 : 0);
  assert.ok(isBinary(bits));
  assert.ok(new PairScan(bits, { ...opts, d: 8 }, makePartial(4, 2)).bitPacked);
  assert.ok(!new PairScan(bits.subarray(0, 8), { ...opts, d: 2 }, makePartial(4, 2)).bitPacked);
  const notBits = bits.slice();
  notBits[5] = 0.5;
  assert.ok(!isBinary(notBits));
  assert.ok(!new PairScan(notBits, { ...opts, d: 8 }, makePartial(4, 2)).bitPacked);
});

Deno.test("every embedded module was assembled from its committed .wat", async () => {
  const dir = new URL("../wasm/", import.meta.url);
  const want: Record<string, string> = {
    pair_tiles: PAIR_TILES_WAT_SHA256,
  };
  const wats = [...Deno.readDirSync(dir)].filter((e) => e.name.endsWith(".wat")).map((e) =>
    e.name.slice(0, -4)
  ).sort();
  assert.deepEqual(wats, Object.keys(want).sort(), "a .wat without a generated module");
  for (const name of wats) {
    const source = await Deno.readTextFile(new URL(`${name}.wat`, dir));
    assert.equal(
      await sha256Hex(source),
      want[name],
      `${name}.wat changed: run deno task build-wasm`,
    );
  }
});

Deno.test("whole tiles fit the module up to 2 GiB of state, then the float path takes over", () => {
  // MNIST at N = 10^6, K = 16: 112 + 180 + 24 + 8 bytes a row, about 324 MB.
  assert.ok(tileFits(1e6, 784, { maxRun: 512, k: 16 }));
  // 10^7 rows, K = 16: about 3.2 GB.
  assert.ok(!tileFits(1e7, 784, { maxRun: 512, k: 16 }));
  assert.ok(!tileFits(1e6, 784, { maxRun: 512, k: 200 }));
});
