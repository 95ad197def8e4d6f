import assert from "node:assert/strict";
import { lossCurve } from "./fit.ts";

Deno.test("loss curve: window means and the change over the last half", () => {
  const losses = Array.from({ length: 100 }, (_, i) => 100 - i);
  const c = lossCurve(losses, 10);
  assert.equal(c.curve.length, 10);
  assert.equal(c.curve[0], 95.5);
  assert.equal(c.changeLastHalf, c.curve[4] - c.curve[9]);
  assert.equal(c.changeLastHalf, 50);
  assert.deepEqual(lossCurve([3, 1], 10).curve, [3, 1]);
});
