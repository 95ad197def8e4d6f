import assert from "node:assert/strict";
import { hnswKnnSeconds } from "../../../src/mapa/hnsw_knn.ts";
import { randomData } from "../../../src/mapa/test_util.ts";
import { scalingSuite } from "./scaling.ts";
import { paramsOf, type RowsParams, scalingParams } from "./scaling_params.ts";
import { SCALING_KNN_BUILDERS, SCALING_ROW_BUILDERS } from "./scaling_rows.ts";

Deno.test("scaling cases: the hnswlib-node k'-NN timing and its Python hnswlib peer at one N", () => {
  for (const profile of ["quick", "standard"] as const) {
    const cases = scalingSuite.cases(profile);
    const knn = cases.find((c) => c.params.method === "hnsw_knn");
    const py = cases.find((c) => c.params.method === "hnswlib_py");
    assert.ok(knn && py, profile);
    assert.equal(knn.params.n, py.params.n);
  }
  assert.equal(
    scalingSuite.cases("standard").find((c) => c.params.method === "hnsw_knn")!.params.n,
    100000,
  );
});

Deno.test("hnswKnnSeconds builds and searches every point on the workers it is given", async () => {
  const x = randomData(1500, 2, 9);
  const r = await hnswKnnSeconds(x, { k: 4, kPrime: 8, workers: 2 });
  assert.equal(r.workers, 2);
  assert.ok(r.buildSeconds > 0 && r.querySeconds > 0);
  await assert.rejects(() => hnswKnnSeconds(x, { k: 4, kPrime: 2000 }), /k'/);
});

Deno.test("scaling params: every case of every profile converts to its study's type", () => {
  for (const profile of ["quick", "standard", "full"] as const) {
    for (const c of scalingSuite.cases(profile)) {
      const p = scalingParams(c.params);
      assert.equal(p.study, c.params.study ?? "rows", c.name);
      assert.equal(p.n, c.params.n, c.name);
      // Every rows case names a builder the suite has.
      if (p.study === "rows") {
        const names = [...SCALING_ROW_BUILDERS, ...SCALING_KNN_BUILDERS].map((b) => b.name);
        assert.ok(names.includes(p.method), c.name);
      }
    }
  }
  assert.throws(
    () => scalingParams({ dataset: "figure8", n: "10", k: 16 }),
    /param n must be a finite number/,
  );
  assert.throws(() => scalingParams({ study: "nope", dataset: "x", n: 1, k: 1 }), /unknown/);
  assert.equal(paramsOf({ dataset: "figure8", method: "hnsw", n: 9, d: 2, k: 3 }, "sweep"), null);
});

Deno.test("scaling rows cases: every row builder at each N, exact rows up to the cap", () => {
  const cases = scalingSuite.cases("standard").map((c) => scalingParams(c.params));
  const rows = cases.filter((p) => p.study === "rows");
  const at = (ds: string, method: string) =>
    rows.filter((p) => p.dataset === ds && p.method === method).map((p) => p.n);
  assert.deepEqual(at("figure8", "exact"), at("figure8", "hnsw"));
  assert.ok(at("manifold64", "exact").length < at("manifold64", "hnsw").length);
});

Deno.test("scaling rows cases: float32 extras only where memory is the question (10^6)", () => {
  const f32 = scalingSuite.cases("full").filter((c) => c.params.extraPrecision !== undefined);
  assert.deepEqual(f32.map((c) => c.name), ["figure8_hnsw_n1000000"]);
  assert.equal((scalingParams(f32[0].params) as RowsParams).extraPrecision, "f32");
  assert.ok(scalingSuite.cases("standard").every((c) => c.params.extraPrecision === undefined));
  assert.throws(
    () =>
      scalingParams({
        dataset: "figure8",
        method: "hnsw",
        n: 9,
        d: 2,
        k: 3,
        extraPrecision: "f16",
      }),
    /extraPrecision/,
  );
});
