import assert from "node:assert/strict";
import { bandDatasets, intervalChart, PALETTE, paletteColour } from "./charts.ts";
import type { JsonValue } from "./results.ts";

Deno.test("intervalChart: a floating bar per interval with both ends, the means as points", () => {
  const chart = intervalChart("T", [
    { label: "a", low: 1, high: 3, mean: 2 },
    { label: "b", low: null, high: 3, mean: 2.5 },
  ], { intervalLabel: "95%", meanLabel: "mean", y: { min: 0 } });
  const config = chart.config as Record<string, Record<string, JsonValue>>;
  const sets = config.data.datasets as Record<string, JsonValue>[];
  assert.deepEqual(config.data.labels, ["a", "b"]);
  assert.deepEqual(sets[0].data, [[1, 3], null]);
  assert.deepEqual(sets[1].data, [2, 2.5]);
  assert.deepEqual([sets[0].label, sets[1].label], ["95%", "mean"]);
  assert.deepEqual(config.options, { scales: { y: { min: 0 } } });
});

Deno.test("bandDatasets: the lower edge, then the upper edge filling down to it", () => {
  const [low, high] = bandDatasets(
    { low: [{ x: 1, y: 0 }], high: [{ x: 1, y: 2 }] },
    { colour: [1, 2, 3], lowLabel: "lo", highLabel: "band" },
  ) as Record<string, JsonValue>[];
  assert.deepEqual([low.label, low.fill, low.data], ["lo", false, [{ x: 1, y: 0 }]]);
  assert.deepEqual([high.label, high.fill, high.data], ["band", "-1", [{ x: 1, y: 2 }]]);
  assert.equal(high.backgroundColor, "rgba(1, 2, 3, 0.15)");
  assert.equal(paletteColour(PALETTE.length + 1), PALETTE[1]);
});
