import assert from "node:assert/strict";
import { matrixChecksum, sha256Hex } from "./checksum.ts";

Deno.test("sha256Hex matches the FIPS 180-2 test vectors", () => {
  assert.equal(
    sha256Hex("abc"),
    "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
  );
  assert.equal(
    sha256Hex(new Uint8Array(0)),
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
  );
  assert.equal(sha256Hex(new TextEncoder().encode("abc")), sha256Hex("abc"));
});

Deno.test("matrixChecksum depends on values and shape only", () => {
  const a = { rows: 2, cols: 3, data: new Float64Array([1, 2, 3, 4, 5, 6]) };
  const same = { rows: 2, cols: 3, data: Float64Array.from(a.data) };
  assert.equal(matrixChecksum(a), matrixChecksum(same));
  assert.match(matrixChecksum(a), /^[0-9a-f]{64}$/);
  assert.notEqual(matrixChecksum(a), matrixChecksum({ ...a, rows: 3, cols: 2 }));
  const changed = Float64Array.from(a.data);
  changed[5] = 6 + 1e-12;
  assert.notEqual(matrixChecksum(a), matrixChecksum({ ...a, data: changed }));
  // A view into a larger buffer hashes only its own values.
  const big = new Float64Array([9, 1, 2, 3, 4, 5, 6, 9]);
  assert.equal(matrixChecksum({ rows: 2, cols: 3, data: big.subarray(1, 7) }), matrixChecksum(a));
  assert.throws(() => matrixChecksum({ rows: 2, cols: 2, data: a.data }), RangeError);
});

Deno.test("matrixChecksum is SHA-256 of the shape and the little-endian float64 bytes", () => {
  const m = { rows: 1, cols: 3, data: new Float64Array([1.5, -2, 0.1]) };
  const bytes = new Uint8Array(3 * 8);
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < 3; i++) view.setFloat64(i * 8, m.data[i], true);
  const head = new TextEncoder().encode("1x3;");
  const all = new Uint8Array(head.length + bytes.length);
  all.set(head);
  all.set(bytes, head.length);
  assert.equal(matrixChecksum(m), sha256Hex(all));
});
