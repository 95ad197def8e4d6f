import assert from "node:assert/strict";
import { budgetCases } from "./budget.ts";
import { budgetParams } from "./budget_params.ts";
import { BUDGET_PROFILES } from "./budget_settings.ts";

Deno.test("every budget case of every profile converts; a bad one is named", () => {
  for (const profile of ["quick", "standard", "full"] as const) {
    for (const spec of budgetCases(BUDGET_PROFILES[profile])) {
      const p = budgetParams(spec);
      assert.equal(p.dataset, spec.params.dataset);
      assert.deepEqual(p.checkpoints, BUDGET_PROFILES[profile].checkpoints);
    }
  }
  const spec = budgetCases(BUDGET_PROFILES.quick)[0];
  assert.throws(
    () => budgetParams({ ...spec, params: { ...spec.params, schedule: "cosin" } }),
    /param schedule must be one of constant, cosine, got "cosin"/,
  );
  assert.throws(
    () => budgetParams({ ...spec, params: { ...spec.params, checkpoints: [0.5, "1"] } }),
    /param checkpoints must be an array of finite numbers/,
  );
  // A case recorded before the schedule option trained at a constant step size.
  const { schedule: _, scheduleFloor: __, ...old } = spec.params;
  assert.equal(budgetParams({ ...spec, params: old }).schedule, "constant");
});
