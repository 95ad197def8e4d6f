import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { EpochBatches } from "./step_loop.ts";

Deno.test("EpochBatches: each epoch covers every row once; reshuffles when a batch would not fit", () => {
  const rng = Rng.stream(1, "epochs");
  const b = new EpochBatches(10, 4);
  const first = [b.next(rng), b.next(rng)];
  assert.equal(new Set([...first[0], ...first[1]]).size, 8);
  // 8 of 10 used: the next batch starts a new shuffled epoch.
  const third = b.next(rng);
  assert.equal(third.length, 4);
  assert.equal(new EpochBatches(3, 5).next(rng).length, 3);
});
