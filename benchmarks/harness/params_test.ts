import assert from "node:assert/strict";
import { readParams } from "./params.ts";

const SCHEMA = {
  study: ["trend", "nonident"],
  dataset: "string",
  n: "number",
  on: "boolean",
} as const;

Deno.test("readParams: the schema's keys, typed; others left out", () => {
  const p = readParams({ study: "trend", dataset: "circle", n: 3, on: false, extra: 1 }, SCHEMA);
  assert.deepEqual(p, { study: "trend", dataset: "circle", n: 3, on: false });
  const n: number = p.n, study: "trend" | "nonident" = p.study;
  assert.deepEqual([n, study], [3, "trend"]);
});

Deno.test("readParams: a missing or mistyped key is named", () => {
  const ok = { study: "trend", dataset: "circle", n: 3, on: true };
  assert.throws(() => readParams({ ...ok, n: "3" }, SCHEMA), /case param n is "3", not a number/);
  assert.throws(() => readParams({ ...ok, n: null }, SCHEMA), /case param n is null, not a number/);
  const { dataset: _, ...noDataset } = ok;
  assert.throws(() => readParams(noDataset, SCHEMA), /case param dataset is missing, not a string/);
  assert.throws(
    () => readParams({ ...ok, study: "other" }, SCHEMA),
    /case param study is "other", not one of trend, nonident/,
  );
});
