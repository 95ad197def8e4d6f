import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { averageRanks, spearman } from "./spearman.ts";

Deno.test("averageRanks gives tied values their mean rank", () => {
  assert.deepEqual(Array.from(averageRanks([10, 20, 20, 5, -Infinity, -Infinity])), [
    4,
    5.5,
    5.5,
    3,
    1.5,
    1.5,
  ]);
});

Deno.test("spearman on known vectors", () => {
  assert.equal(spearman([1, 2, 3, 4], [1, 4, 9, 16]), 1);
  assert.equal(spearman([1, 2, 3, 4], [4, 3, 2, 1]), -1);
  // Textbook example without ties: d = [0, -1, 1, 0, 0] -> 1 - 6*2/(5*24) = 0.9.
  assert.ok(Math.abs(spearman([1, 2, 3, 4, 5], [1, 3, 2, 4, 5]) - 0.9) < 1e-12);
  // With ties: ranks a = [1, 2.5, 2.5, 4], b = [1, 2, 3, 4]; Pearson of ranks = 0.9486833.
  assert.ok(Math.abs(spearman([1, 2, 2, 3], [1, 2, 3, 4]) - 3 / Math.sqrt(10)) < 1e-12);
  assert.ok(Number.isNaN(spearman([1, 1, 1], [1, 2, 3])));
  assert.throws(() => spearman([1, NaN], [1, 2]), InputError);
  assert.throws(() => spearman([1, 2], [1, 2, 3]), InputError);
});
