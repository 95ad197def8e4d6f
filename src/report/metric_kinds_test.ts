import assert from "node:assert/strict";
import { median } from "../eval/stats.ts";
import { metricKind, toleranceFor } from "./metric_kinds.ts";

Deno.test("metricKind follows the naming convention", () => {
  assert.equal(metricKind("fitSecondsSamples", [1, 2]), "timeSamples");
  assert.equal(metricKind("lossSamples", [1, 2]), "samples");
  assert.equal(metricKind("curve", [1, 2]), "ignored");
  assert.equal(metricKind("rowsReused", true), "ignored");
  assert.equal(metricKind("totalSeconds", 1), "time");
  assert.equal(metricKind("seconds", 1), "time");
  assert.equal(metricKind("pairsPerSecond", 1), "throughput");
  assert.equal(metricKind("peakRssBytes", 1), "memory");
  // Ratios of two sides' timings in one run move with load: shown, never gated as exact.
  assert.equal(metricKind("pairedRatio", 0.8), "time");
  assert.equal(metricKind("pairedBuildRatio", 2), "time");
  assert.equal(metricKind("pairedRatioMax", 1.2), "time");
  assert.equal(metricKind("pairedRounds", 10), "deterministic");
  assert.equal(metricKind("recallAtK", 0.9), "deterministic");
  assert.equal(metricKind("met", true), "deterministic");
  assert.equal(metricKind("label", "x"), "ignored");
  assert.equal(metricKind("nested", { a: 1 }), "ignored");
});

Deno.test("toleranceFor picks the first matching rule", () => {
  assert.deepEqual(toleranceFor("encoderPasses"), { absTol: 0, relTol: 0 });
  assert.deepEqual(toleranceFor("passes"), { absTol: 0, relTol: 0 });
  assert.deepEqual(toleranceFor("recallAtK"), { absTol: 0.005, relTol: 0 });
  assert.deepEqual(toleranceFor("testKl"), { absTol: 1e-3, relTol: 5e-3 });
  assert.deepEqual(toleranceFor("meanTv"), { absTol: 1e-9, relTol: 1e-3 });
  assert.deepEqual(toleranceFor("logZErrMean"), { absTol: 1e-9, relTol: 1e-3 });
});

Deno.test("median", () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.ok(Number.isNaN(median([])));
});
