/**
 * Compute budgets (methods.md section 6): a number of network passes under
 * one of the two cost models, or a wall-clock time. Every method trains until
 * its budget is spent, so methods are compared at equal cost.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { type CostModel, passCost, type Passes } from "../models/passes.ts";

/** A per-restart compute budget. */
export type Budget =
  | {
    kind: "passes";
    /** Passes allowed. */
    passes: number;
    /** `decoder`: decoder passes count; `encoder_decoder`: both count. */
    costModel: CostModel;
  }
  | {
    kind: "seconds";
    /** Wall-clock seconds allowed. */
    seconds: number;
  };

/** Throws a one-line InputError unless `budget` is a usable budget. */
export function checkBudget(budget: Budget): void {
  if (budget.kind === "passes") {
    if (!(budget.passes > 0) || !Number.isFinite(budget.passes)) {
      throw new InputError(`a pass budget must be a finite number > 0, got ${budget.passes}`);
    }
    if (budget.costModel !== "decoder" && budget.costModel !== "encoder_decoder") {
      throw new InputError(
        `unknown cost model "${budget.costModel}"; use decoder or encoder_decoder`,
      );
    }
  } else if (budget.kind === "seconds") {
    if (!(budget.seconds > 0) || !Number.isFinite(budget.seconds)) {
      throw new InputError(
        `a time budget must be a finite number of seconds > 0, got ${budget.seconds}`,
      );
    }
  } else {
    throw new InputError(
      `unknown budget kind "${(budget as { kind: string }).kind}"; use passes or seconds`,
    );
  }
}

/** The fraction of `budget` spent after `passes` and `seconds` (1 or more: spent). */
export function budgetFraction(budget: Budget, passes: Passes, seconds: number): number {
  return budget.kind === "passes"
    ? passCost(passes, budget.costModel) / budget.passes
    : seconds / budget.seconds;
}
