import assert from "node:assert/strict";
import { klAxis } from "./budget_charts.ts";

Deno.test("klAxis: 0 (or the lowest mean) to twice the largest mean, two significant digits", () => {
  const range = (m: (number | null)[]) => {
    const a = klAxis(m);
    return [a.min, a.max];
  };
  assert.deepEqual(range([6.06, 1.6, null]), [0, 13]);
  assert.deepEqual(range([0.0613, 0.02]), [0, 0.13]);
  assert.deepEqual(range([0.05, -0.3]), [-1, 0.1]);
  assert.deepEqual(range([17.5]), [0, 35]);
  assert.deepEqual(range([-1, -2]), [-2, undefined]);
  assert.deepEqual(range([null]), [undefined, undefined]);
});
