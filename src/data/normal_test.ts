import assert from "node:assert/strict";
import { normalCdf, normalQuantile } from "./normal.ts";

Deno.test("normalCdf matches reference values", () => {
  const cases: [number, number][] = [
    [0, 0.5],
    [1, 0.8413447460685429],
    [-1.96, 0.024997895148220435],
    [3, 0.9986501019683699],
    [-5, 2.866515718791939e-7],
    [-8, 6.220960574271785e-16],
  ];
  for (const [x, p] of cases) {
    assert.ok(Math.abs(normalCdf(x) - p) <= 1e-14 + 1e-9 * p, `Phi(${x}) = ${normalCdf(x)}`);
  }
  // Symmetry.
  for (const x of [0.3, 1.7, 4.2]) assert.ok(Math.abs(normalCdf(x) + normalCdf(-x) - 1) < 1e-15);
});

Deno.test("normalQuantile inverts normalCdf", () => {
  for (const p of [1e-10, 0.001, 0.02, 0.125, 0.2, 0.5, 0.6, 0.875, 0.99, 1 - 1e-9]) {
    const x = normalQuantile(p);
    assert.ok(Math.abs(normalCdf(x) - p) < 1e-13 * Math.max(1, p / Math.min(p, 1 - p)), `p ${p}`);
  }
  assert.ok(Math.abs(normalQuantile(0.975) - 1.959963984540054) < 1e-12);
  assert.equal(normalQuantile(0), -Infinity);
  assert.equal(normalQuantile(1), Infinity);
  assert.throws(() => normalQuantile(1.5), RangeError);
});
