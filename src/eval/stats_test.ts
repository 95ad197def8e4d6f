import assert from "node:assert/strict";
import { logAddExp, logSumExp, studentTQuantile, summarizeMean } from "./stats.ts";

Deno.test("Student t quantiles match tables", () => {
  const table: [number, number][] = [[1, 12.7062047], [2, 4.30265273], [10, 2.22813885], [
    100,
    1.98397152,
  ]];
  for (const [df, q] of table) assert.ok(Math.abs(studentTQuantile(0.975, df) - q) < 1e-6);
  assert.ok(Math.abs(studentTQuantile(0.025, 10) + 2.22813885) < 1e-6);
});

Deno.test("summarizeMean gives mean, standard error and t interval", () => {
  const s = summarizeMean([1, 2, 3, 4, 5]);
  assert.equal(s.mean, 3);
  assert.ok(Math.abs(s.stdError - Math.sqrt(2.5 / 5)) < 1e-12);
  const half = 2.7764451 * s.stdError;
  assert.ok(Math.abs(s.ci95Low - (3 - half)) < 1e-6 && Math.abs(s.ci95High - (3 + half)) < 1e-6);
  assert.ok(Number.isNaN(summarizeMean([7]).stdError));
});

Deno.test("logSumExp and logAddExp are stable", () => {
  assert.ok(Math.abs(logSumExp([1000, 1000]) - (1000 + Math.LN2)) < 1e-12);
  assert.equal(logSumExp([-Infinity, -Infinity]), -Infinity);
  assert.ok(Math.abs(logAddExp(-1000, -1000) - (-1000 + Math.LN2)) < 1e-12);
  assert.equal(logAddExp(-Infinity, 3), 3);
});
