import assert from "node:assert/strict";
import { EQUAL_TV_GAP, equalByTv } from "./posterior_summary.ts";

Deno.test("TV verdict: equal inside the margin, different beyond it, else not resolved", () => {
  const g = (ciLow: number | null, ciHigh: number | null) => ({ mean: 0, ciLow, ciHigh, n: 8 });
  assert.equal(equalByTv(g(-0.01, 0.02)), true);
  assert.equal(equalByTv(g(EQUAL_TV_GAP + 0.01, 0.2)), false);
  assert.equal(equalByTv(g(-0.3, -EQUAL_TV_GAP - 0.01)), false);
  // Covers 0 but too wide to call equal: the old "interval contains 0" rule would say equal.
  assert.equal(equalByTv(g(-0.2, 0.2)), null);
  assert.equal(equalByTv(g(null, null)), null);
});
