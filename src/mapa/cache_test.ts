import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import { decodeRows, encodeRows, loadRows, saveRows } from "./cache.ts";
import { exactRows } from "./exact/mod.ts";
import { hnswRows } from "./hnsw.ts";
import { randomData } from "./test_util.ts";

Deno.test("rows cache", async (t) => {
  const x = randomData(50, 3, 31);
  const rows = await exactRows(x, { k: 5, sigma2: 0.2 });
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/rows.bin`;
  await t.step("round trip (exact and hnsw)", async () => {
    saveRows(path, rows);
    const back = loadRows(path, { dataChecksum: matrixChecksum(x), k: 5, bandwidth: 0.4 });
    assert.deepEqual(back, rows);
    const h = await hnswRows(x, { k: 5, sigma2: 0.2 });
    assert.deepEqual(decodeRows(encodeRows(h)), h);
    // Float32 extras, an odd count of them (51 x 3), so the padding after them is exercised.
    const y = randomData(51, 3, 33);
    const f = await hnswRows(y, { k: 5, kPrime: 8, sigma2: 0.2, extraPrecision: "f32" });
    const fBack = decodeRows(encodeRows(f));
    assert.ok(fBack.extraLogq instanceof Float32Array);
    assert.deepEqual(fBack, f);
  });
  await t.step("refuses mismatched, stale or corrupt files", () => {
    const other = randomData(50, 3, 32);
    assert.throws(() => loadRows(path, { dataChecksum: matrixChecksum(other) }), /dataChecksum/);
    assert.throws(() => loadRows(path, { k: 6 }), /k = 5, not 6/);
    assert.throws(() => loadRows(path, { bandwidth: 0.5 }), /bandwidth/);
    assert.throws(() => loadRows(path, { method: "hnsw" }), InputError);
    assert.throws(() => loadRows(path, { kernel: "bernoulli" }), InputError);
    const bytes = Deno.readFileSync(path);
    assert.throws(() => decodeRows(bytes.subarray(0, bytes.length - 8)), /truncated/);
    const junk = bytes.slice();
    junk[0] = 88;
    assert.throws(() => decodeRows(junk), /not a MAPA rows file/);
    assert.throws(() => loadRows(`${dir}/missing.bin`), InputError);
  });
  Deno.removeSync(dir, { recursive: true });
});
