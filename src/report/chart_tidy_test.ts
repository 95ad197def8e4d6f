import assert from "node:assert/strict";
import { tidyChart } from "./chart_tidy.ts";
import type { ChartSpec, JsonValue } from "./results.ts";

const line = (label: string, ys: (number | null)[], extra: Record<string, JsonValue> = {}) => ({
  label,
  data: ys.map((y, i) => ({ x: (i + 1) * 1000, y })),
  ...extra,
});
const chart = (datasets: JsonValue[]): ChartSpec => ({
  title: "passes",
  config: { type: "scatter", data: { datasets }, options: {} },
});
type Ds = { label: string; data: { x: number; y: number }[]; legend?: boolean; fill?: JsonValue };
const sets = (c: ChartSpec | null) => (c!.config.data as { datasets: Ds[] }).datasets;

Deno.test("tidyChart merges three or more series on one line into a mean with a range band", () => {
  const input = chart([
    line("MAPA figure8", [9.42, 15.29, 22.75]),
    line("MAPA circle", [9.55, 15.5, 22.48]),
    line("MAPA clusters", [9.35, 15.47, 22.34]),
    line("IWAE S=20", [20, 20, 20], { borderWidth: 3 }),
  ]);
  const before = JSON.stringify(input);
  const { chart: out, notes } = tidyChart(input);
  assert.equal(JSON.stringify(input), before, "input unchanged");
  const ds = sets(out);
  assert.deepEqual(ds.map((d) => d.label), [
    "MAPA figure8, circle, clusters: range",
    "MAPA figure8, circle, clusters: range over the 3 (within 5%)",
    "MAPA figure8, circle, clusters (mean)",
    "IWAE S=20",
  ]);
  assert.deepEqual(ds[0].data.map((p) => p.y), [9.35, 15.29, 22.34]);
  assert.deepEqual(ds[1].data.map((p) => p.y), [9.55, 15.5, 22.75]);
  assert.equal(ds[0].legend, false);
  assert.equal(ds[1].fill, "-1");
  assert.ok(Math.abs(ds[2].data[0].y - (9.42 + 9.55 + 9.35) / 3) < 1e-9);
  assert.match(notes.join(" "), /drawn as one line/);
  // Every series has a colour once one has (chart.js would otherwise colour none).
  for (const d of ds) assert.ok((d as Record<string, unknown>).borderColor);
});

Deno.test("tidyChart keeps series apart when they differ, are two, or share no label words", () => {
  const apart = chart([
    line("MAPA a", [1, 2, 3]),
    line("MAPA b", [1, 2, 3.5]),
    line("MAPA c", [1, 2, 3]),
  ]);
  // b is 17% off at the last point: a and c alone are two, below the three needed.
  assert.equal(sets(tidyChart(apart).chart).length, 3);
  const rivals = chart([
    line("MAPA log q", [1, 2, 3]),
    line("empiricalized posterior", [1, 2, 3]),
    line("original posterior", [1, 2, 3]),
  ]);
  assert.equal(sets(tidyChart(rivals).chart).length, 3);
  assert.equal(sets(tidyChart(apart, { mergeTolerance: 0.2 }).chart).length, 3);
});

Deno.test("tidyChart leaves out empty charts and series, and lists a band once", () => {
  const empty = tidyChart(chart([line("x", [null, null])]));
  assert.equal(empty.chart, null);
  assert.match(empty.notes[0], /left out/);
  const partial = tidyChart(chart([line("hnsw", [0.9, 1]), line("exact", [null, null])]));
  assert.deepEqual(sets(partial.chart).map((d) => d.label), ["hnsw"]);
  assert.match(partial.notes[0], /exact left out/);
  // Floating bars ([low, high]) are values, and never merge.
  const bars = tidyChart(chart([
    { label: "interval a", data: [[1, 2], [2, 3]] },
    { label: "interval b", data: [[1, 2], [2, 3]] },
    { label: "interval c", data: [[1, 2], [2, 3]] },
  ]));
  assert.equal(sets(bars.chart).length, 3);
  assert.deepEqual(bars.notes, []);
  const band = tidyChart(chart([
    line("vae 95% interval (low)", [1, 2], { fill: false, borderWidth: 0 }),
    line("vae 95% interval", [2, 3], { fill: "-1", borderWidth: 0 }),
    line("vae", [1.5, 2.5], { fill: false }),
  ]));
  assert.deepEqual(sets(band.chart).map((d) => d.legend), [false, undefined, undefined]);
});
