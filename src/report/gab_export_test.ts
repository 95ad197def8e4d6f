import assert from "node:assert/strict";
import { formatGab, toGabEntries } from "./gab_export.ts";
import { makeResults, okCase } from "./test_fixtures.ts";

Deno.test("toGabEntries exports times and memory of ok cases", () => {
  const results = makeResults([
    okCase("a", { fitSecondsSamples: [3, 1, 2, 5, 4], totalSeconds: 7, peakRssBytes: 100, kl: 1 }),
    { ...okCase("b", { totalSeconds: 1 }), status: "failed", error: "x" },
  ]);
  results.cases[0].calibrationSeconds = 0.05;
  const entries = toGabEntries(results);
  assert.deepEqual(entries, [
    {
      name: "s/a fitSecondsSamples",
      unit: "s",
      value: 3,
      range: "± 2",
      extra: "median of 5 samples; calibration 0.0500 s",
    },
    { name: "s/a totalSeconds", unit: "s", value: 7 },
    { name: "s/a peakRssBytes", unit: "bytes", value: 100 },
  ]);
  const parsed = JSON.parse(formatGab(results));
  assert.ok(Array.isArray(parsed));
  for (const e of parsed) {
    assert.equal(typeof e.name, "string");
    assert.equal(typeof e.unit, "string");
    assert.equal(typeof e.value, "number");
  }
});
