import assert from "node:assert/strict";
import { pairedKnnRatios, pairedPairsRatio } from "./scaling_paired.ts";

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

Deno.test("pairedKnnRatios: per round, our seconds over the peer's, for the whole, build and queries", () => {
  const ours = [{ buildSeconds: 2, querySeconds: 2 }, { buildSeconds: 6, querySeconds: 2 }, {
    buildSeconds: 3,
    querySeconds: 1,
  }];
  const peer = [{ buildSeconds: 1, querySeconds: 1 }, { buildSeconds: 4, querySeconds: 4 }, {
    buildSeconds: 1,
    querySeconds: 1,
  }];
  const out = pairedKnnRatios(ours, peer);
  assert.deepEqual(out.pairedRatios, [2, 1, 2]);
  assert.equal(out.pairedRatio, 2);
  assert.equal(out.pairedRatioMin, 1);
  assert.equal(out.pairedRatioMax, 2);
  assert.equal(out.pairedBuildRatio, 2);
  assert.equal(out.pairedQueryRatio, 1);
  assert.equal(out.pairedPeerSeconds, 2);
});
