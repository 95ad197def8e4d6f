import assert from "node:assert/strict";
import { EQUAL_TV_GAP, equalByTv, SAME_PX_KL, summarizePosterior } from "./posterior_summary.ts";

Deno.test("TV verdict: equal inside the margin, different beyond it, else not resolved", () => {
  const g = (ciLow: number | null, ciHigh: number | null) => ({ mean: 0, ciLow, ciHigh, n: 8 });
  assert.equal(equalByTv(g(-0.01, 0.02)), true);
  assert.equal(equalByTv(g(EQUAL_TV_GAP + 0.01, 0.2)), false);
  assert.equal(equalByTv(g(-0.3, -EQUAL_TV_GAP - 0.01)), false);
  // Covers 0 but too wide to call equal: the old "interval contains 0" rule would say equal.
  assert.equal(equalByTv(g(-0.2, 0.2)), null);
  assert.equal(equalByTv(g(null, null)), null);
});

Deno.test("§6.4 is judged only when the VAE's p(x) matches the truth's", () => {
  const nonident = (vaeTestKl: number) => ({
    suite: "posterior",
    name: "nonident/circle",
    params: { study: "nonident", dataset: "circle" },
    status: "ok" as const,
    seconds: 0,
    metrics: {
      tvToGt: 0.35,
      tvToVae: 0.24,
      tvTruthMinusVae: { mean: 0.11, ciLow: 0.09, ciHigh: 0.13, n: 32 },
      tvGtToVaeCiLow: 0.3,
      vaeTestKl,
    },
  });
  const at = (kl: number) =>
    (summarizePosterior([nonident(kl)]).nonident as Record<string, Record<string, unknown>>)
      .circle;
  // The gap lies beyond the margin: "different" either way, a disagreement only on premise.
  assert.equal(at(0.02).equallyGood, false);
  assert.equal(at(0.02).agreesWithPaper, false);
  assert.equal(at(SAME_PX_KL + 0.1).samePx, false);
  assert.equal(at(SAME_PX_KL + 0.1).equallyGood, false);
  assert.equal(at(SAME_PX_KL + 0.1).agreesWithPaper, null);
});

Deno.test("the nearest-uniform baseline is judged on the paired difference over points", () => {
  const trend = (ciLow: number, ciHigh: number) => ({
    suite: "posterior",
    name: "trend/clusters",
    params: { study: "trend", dataset: "clusters" },
    status: "ok" as const,
    seconds: 0,
    metrics: {
      tvToGt: 0.28,
      tvToGtCiLow: 0.24,
      tvToGtCiHigh: 0.32,
      tvToGtUniformCiLow: 0.8,
      tvToGtUniformCiHigh: 0.9,
      tvSigma2MinusDefault: { mean: 0.1, ciLow: 0.05, ciHigh: 0.15, n: 32 },
      // Overlapping intervals of the two TVs, yet a clear paired difference either way.
      tvToGtNearestUniform: 0.25,
      tvNearestUniformMinusMapa: { mean: (ciLow + ciHigh) / 2, ciLow, ciHigh, n: 32 },
    },
  });
  const at = (lo: number, hi: number) =>
    (summarizePosterior([trend(lo, hi)]).trend as Record<string, Record<string, unknown>>)
      .clusters;
  assert.equal(at(-0.05, -0.01).beatsNearestUniform, false);
  assert.equal(at(0.01, 0.05).beatsNearestUniform, true);
  assert.equal(at(-0.02, 0.03).beatsNearestUniform, null);
  assert.equal(at(-0.05, -0.01).capturesTrend, true);
});
