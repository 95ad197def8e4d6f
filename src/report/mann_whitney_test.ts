import assert from "node:assert/strict";
import { mannWhitneyU } from "./mann_whitney.ts";

const close = (a: number, b: number, tol = 1e-12) =>
  assert.ok(Math.abs(a - b) <= tol, `${a} vs ${b}`);

// Reference p-values from scipy.stats.mannwhitneyu (two-sided).
Deno.test("mannWhitneyU matches scipy", () => {
  const sep = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10]);
  assert.equal(sep.u, 0);
  assert.equal(sep.exact, true);
  close(sep.pValue, 0.007936507936507936); // method="exact": 2 / C(10, 5)
  const approx = mannWhitneyU([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], { exactLimit: 0 });
  assert.equal(approx.exact, false);
  close(approx.pValue, 0.012185780355344813, 1e-9); // method="asymptotic"
  const mixed = mannWhitneyU([1, 3, 5, 7, 9], [2, 4, 6, 8, 10]);
  assert.equal(mixed.u, 10);
  close(mixed.pValue, 0.6904761904761905);
  const ties = mannWhitneyU([1, 2, 2, 3], [2, 3, 4, 5]);
  assert.equal(ties.u, 2.5);
  assert.equal(ties.exact, false);
  close(ties.pValue, 0.1366582477381475, 1e-9); // asymptotic with tie correction
});

Deno.test("mannWhitneyU is symmetric and handles degenerate samples", () => {
  const a = [3.1, 2.2, 5.4, 1.9, 4.4, 3.3], b = [6.1, 5.5, 7.2, 4.9, 8.0];
  const ab = mannWhitneyU(a, b), ba = mannWhitneyU(b, a);
  close(ab.pValue, ba.pValue);
  assert.equal(ab.u + ba.u, a.length * b.length);
  assert.equal(mannWhitneyU([1, 1, 1], [1, 1, 1]).pValue, 1);
  assert.equal(mannWhitneyU([1], [2]).pValue, 1);
  assert.throws(() => mannWhitneyU([], [1]), RangeError);
});
