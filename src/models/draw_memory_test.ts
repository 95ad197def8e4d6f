import assert from "node:assert/strict";
import { DrawMemory } from "./draw_memory.ts";

Deno.test("DrawMemory: visit 0 is the latest, older visits follow, the ring keeps `depth`", () => {
  const mem = new DrawMemory(2, { s: 1, depth: 3 });
  for (let v = 1; v <= 5; v++) mem.record(0, [v], [0]);
  mem.record(1, [9], [0]);
  assert.deepEqual([...mem.rows()], [0, 1]);
  assert.equal(mem.remembered(), 1);
  assert.deepEqual([0, 1, 2].map((v) => mem.index[mem.offset(0, v)]), [5, 4, 3]);
  assert.equal(mem.index[mem.offset(1, 0)], 9);
});
