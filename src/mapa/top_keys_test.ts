import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { offerTopKey } from "./top_keys.ts";

Deno.test("offerTopKey keeps the cap largest keys with their indices", () => {
  const rng = Rng.stream(3, "keys");
  const all = Array.from({ length: 200 }, () => rng.normal());
  const heap = { keys: new Float64Array(7), who: new Int32Array(7) };
  let size = 0;
  all.forEach((key, index) => size = offerTopKey(heap, size, { key, index }));
  assert.equal(size, 7);
  const want = all.map((k, i) => [k, i]).sort((a, b) => b[0] - a[0]).slice(0, 7);
  const got = Array.from(heap.keys, (k, i) => [k, heap.who[i]]).sort((a, b) => b[0] - a[0]);
  assert.deepEqual(got, want);
  // The smallest kept key sits at the root.
  assert.equal(heap.keys[0], want[6][0]);
});
