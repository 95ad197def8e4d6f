import assert from "node:assert/strict";
import { checkSchedule, scheduledRate } from "./lr_schedule.ts";
import { InputError } from "../errors.ts";

Deno.test("constant schedule keeps the step size", () => {
  for (const f of [0, 0.3, 1, 2]) {
    assert.equal(scheduledRate(3e-3, f, { schedule: { kind: "constant" } }), 3e-3);
  }
});

Deno.test("cosine schedule runs from lr to floor*lr, halfway at the middle, then holds", () => {
  const schedule = { kind: "cosine" as const, floor: 0.1 };
  assert.equal(scheduledRate(1, 0, { schedule }), 1);
  assert.ok(Math.abs(scheduledRate(1, 0.5, { schedule }) - 0.55) < 1e-12);
  assert.ok(Math.abs(scheduledRate(1, 1, { schedule }) - 0.1) < 1e-12);
  assert.ok(Math.abs(scheduledRate(1, 3, { schedule }) - 0.1) < 1e-12);
  let prev = Infinity;
  for (let f = 0; f <= 1; f += 0.05) {
    const r = scheduledRate(1, f, { schedule });
    assert.ok(r <= prev);
    prev = r;
  }
  assert.ok(scheduledRate(1, 1, { schedule: { kind: "cosine", floor: 0 } }) > 0);
});

Deno.test("bad schedules are named", () => {
  assert.throws(() => checkSchedule({ kind: "cosine", floor: 2 }), InputError);
  assert.throws(() => checkSchedule({ kind: "cosine", floor: NaN }), InputError);
  assert.throws(() => checkSchedule({ kind: "linear" } as never), /use "constant" or "cosine"/);
});
