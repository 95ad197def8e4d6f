import assert from "node:assert/strict";
import { pairedRoundsSummary } from "./paired_rounds.ts";

Deno.test("pairedRoundsSummary: the median round's ratio and the range, rounds kept in order", () => {
  assert.deepEqual(pairedRoundsSummary([1.2, 0.7, 3.0, 0.8]), {
    pairedRounds: 4,
    pairedRatio: 1.0,
    pairedRatioMin: 0.7,
    pairedRatioMax: 3.0,
    pairedRatios: [1.2, 0.7, 3.0, 0.8],
  });
});
