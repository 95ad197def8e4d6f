import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { DATASET_NAMES, datasetDescriptions, getSyntheticDataset } from "./registry.ts";

Deno.test("registry lists the five examples, manifold64 and mnist", () => {
  assert.deepEqual([...DATASET_NAMES], [
    "figure8",
    "circle",
    "absolute_value",
    "clusters",
    "spiral_dots",
    "manifold64",
    "mnist",
  ]);
  const desc = datasetDescriptions();
  for (const n of DATASET_NAMES) assert.ok(desc[n].length > 10);
  const ds = getSyntheticDataset("clusters");
  assert.equal(ds.name, "clusters");
  assert.equal(ds.l, 1);
  assert.equal(ds.likelihood, "gaussian");
  assert.equal(getSyntheticDataset("clusters"), ds);
});

Deno.test("registry rejects unknown names and mnist with one-line InputErrors", () => {
  assert.throws(() => getSyntheticDataset("moons"), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /unknown data set "moons"; known: figure8, circle/);
    return true;
  });
  assert.throws(() => getSyntheticDataset("mnist"), /mnist is not a synthetic data set/);
});
