import assert from "node:assert/strict";
import { hnswKnnSeconds } from "../../../src/mapa/hnsw.ts";
import { randomData } from "../../../src/mapa/test_util.ts";
import { scalingSuite } from "./scaling.ts";

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
