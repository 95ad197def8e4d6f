import assert from "node:assert/strict";
import { formatGab, toGabEntries } from "./gab_export.ts";
import { readResults } from "./results.ts";
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

/**
 * github-action-benchmark's custom tools (`customSmallerIsBetter`,
 * `customBiggerIsBetter`) read a JSON array of its `BenchmarkResult`:
 * `{ name: string; value: number; unit: string; range?: string; extra?: string }`
 * (src/extract.ts, `extractCustomBenchmarkResult`, which keeps exactly those five
 * fields). Charts are keyed by name, so names must be unique.
 */
function checkGabCustomFormat(text: string): string[] {
  const problems: string[] = [];
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    return [`not JSON: ${(e as Error).message}`];
  }
  if (!Array.isArray(data)) return ["not a JSON array"];
  const names = new Set<string>();
  data.forEach((e, i) => {
    if (e === null || typeof e !== "object" || Array.isArray(e)) {
      problems.push(`${i}: not an object`);
      return;
    }
    const o = e as Record<string, unknown>;
    for (const k of Object.keys(o)) {
      if (!["name", "value", "unit", "range", "extra"].includes(k)) {
        problems.push(`${i}: unknown field ${k}`);
      }
    }
    if (typeof o.name !== "string" || o.name === "") problems.push(`${i}: name not a string`);
    if (typeof o.value !== "number" || !Number.isFinite(o.value)) {
      problems.push(`${i}: value not a finite number`);
    }
    if (typeof o.unit !== "string") problems.push(`${i}: unit not a string`);
    for (const k of ["range", "extra"]) {
      if (k in o && typeof o[k] !== "string") problems.push(`${i}: ${k} not a string`);
    }
    if (names.has(String(o.name))) problems.push(`${i}: duplicate name ${o.name}`);
    names.add(String(o.name));
  });
  return problems;
}

Deno.test("formatGab writes github-action-benchmark's documented custom format", () => {
  // The checker itself rejects what the action would misread.
  assert.deepEqual(checkGabCustomFormat('[{"name":"a","value":1,"unit":"s"}]'), []);
  assert.ok(checkGabCustomFormat('{"name":"a"}').length > 0);
  assert.ok(checkGabCustomFormat('[{"name":"a","value":"1","unit":"s"}]').length > 0);
  assert.ok(checkGabCustomFormat('[{"name":"a","value":1,"unit":"s","range":3}]').length > 0);
  assert.ok(checkGabCustomFormat('[{"name":"a","value":1,"unit":"s","extra":"x","x":1}]').length);
  assert.ok(
    checkGabCustomFormat('[{"name":"a","value":1,"unit":"s"},{"name":"a","value":2,"unit":"s"}]')
      .length,
  );

  const fixture = makeResults([
    okCase("a", { fitSecondsSamples: [3, 1, 2, 5, 4], totalSeconds: 7, peakRssBytes: 100, kl: 1 }),
    okCase("b", { fitSecondsSamples: [0.5], note: "x", curve: [1, 2] }),
  ]);
  fixture.cases[0].calibrationSeconds = 0.05;
  assert.deepEqual(checkGabCustomFormat(formatGab(fixture)), []);
  // And the committed baselines, real runs of every suite.
  for (const profile of ["quick", "standard"]) {
    const path = new URL(`../../reports/baseline/${profile}.json`, import.meta.url).pathname;
    const text = formatGab(readResults(path));
    assert.deepEqual(checkGabCustomFormat(text), [], profile);
    assert.ok(JSON.parse(text).length > 50, `${profile}: few entries`);
  }
});
