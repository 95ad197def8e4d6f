import assert from "node:assert/strict";
import { budgetFraction, scheduleFraction } from "./budget.ts";

const spent = { encoder: 300, decoder: 900 };

Deno.test("a schedule follows the pass budget whenever there is one, else the time budget", () => {
  const passes = { kind: "passes" as const, passes: 2400, costModel: "encoder_decoder" as const };
  assert.equal(scheduleFraction(passes, spent, 99), 0.5);
  const both = { ...passes, kind: "passes_and_seconds" as const, seconds: 10 };
  // The run goes on until both budgets are spent; the schedule ends with the passes.
  assert.equal(scheduleFraction(both, spent, 1), 0.5);
  assert.equal(budgetFraction(both, spent, 1), 0.1);
  assert.equal(scheduleFraction({ ...both, passes: 600 }, spent, 1), 2);
  const decoderOnly = { ...passes, costModel: "decoder" as const };
  assert.equal(scheduleFraction(decoderOnly, spent, 0), 900 / 2400);
  assert.equal(scheduleFraction({ kind: "seconds", seconds: 8 }, spent, 2), 0.25);
});
