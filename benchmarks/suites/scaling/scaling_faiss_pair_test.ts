import assert from "node:assert/strict";
import { pairedPairsRatio } from "./scaling_faiss_pair.ts";

Deno.test("pairedPairsRatio: per round, our pairs/s over faiss's; the median over rounds", () => {
  // N = 1,000: 1e6 pairs. Round 1 was loaded on both sides.
  const out = pairedPairsRatio([0.01, 0.04, 0.005], [2e8, 5e7, 1e8], { n: 1000 });
  assert.deepEqual(out.pairedRatios, [0.5, 0.5, 2]);
  assert.equal(out.pairedRatio, 0.5);
  assert.equal(out.pairedRatioMin, 0.5);
  assert.equal(out.pairedRatioMax, 2);
  assert.equal(out.pairedRounds, 3);
  assert.equal(out.pairedExactPairsPerSecond, 1e8);
});
