/**
 * A budget case's params, checked once: the profile's settings plus the
 * case's data set, method and budget kind.
 *
 * @module
 */

import { paramReader } from "../../harness/params.ts";
import type { CaseSpec } from "../../harness/suite.ts";
import type { BudgetSettings } from "./budget_settings.ts";

/** What one budget case reads (the settings it records, less the lists). */
export type BudgetParams =
  & Omit<
    BudgetSettings,
    "datasets" | "methods" | "budgetChoice" | "passesByDataset"
  >
  & {
    /** Data set. */
    dataset: string;
    /** Method trained. */
    method: string;
    /** Which budget this case reads the runs at. */
    budgetKind: "passes" | "seconds";
  };

/** The checked, typed params of a budget case; throws naming a missing or mistyped key. */
export function budgetParams(spec: CaseSpec): BudgetParams {
  const r = paramReader(spec.params, `budget/${spec.name}`);
  return {
    dataset: r.string("dataset"),
    method: r.string("method"),
    budgetKind: r.oneOf("budgetKind", ["passes", "seconds"] as const),
    n: r.number("n"),
    nValidation: r.number("nValidation"),
    nTest: r.number("nTest"),
    draws: r.number("draws"),
    restarts: r.number("restarts"),
    passes: r.number("passes"),
    seconds: r.number("seconds"),
    learningRate: r.number("learningRate"),
    // Cases recorded before the schedule option trained at a constant step size.
    schedule: spec.params.schedule === undefined
      ? "constant"
      : r.oneOf("schedule", ["constant", "cosine"] as const),
    scheduleFloor: r.optionalNumber("scheduleFloor") ?? 1,
    k: r.number("k"),
    s: r.number("s"),
    checkpoints: r.numbers("checkpoints"),
    crossCheckPoints: r.number("crossCheckPoints"),
  };
}
