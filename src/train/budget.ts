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
  }
  | {
    /**
     * Train until both the passes and the seconds are spent, so one run
     * serves a comparison at equal passes and one at equal seconds (read at
     * checkpoint marks).
     */
    kind: "passes_and_seconds";
    /** Passes to spend at least. */
    passes: number;
    /** Cost model of `passes`. */
    costModel: CostModel;
    /** Seconds to spend at least. */
    seconds: number;
  };

/** A point of a run (passes spent, or training seconds) at which the model is exported. */
export interface CheckpointMark {
  /** What is counted. */
  kind: "passes" | "seconds";
  /** Passes (under the budget's cost model) or seconds. */
  at: number;
  /** Also compute the method's end-of-training diagnostics here (default false: they cost time). */
  diagnostics?: boolean;
}

/** Throws a one-line InputError unless `budget` is a usable budget. */
export function checkBudget(budget: Budget): void {
  const checkPasses = (b: { passes: number; costModel: CostModel }) => {
    if (!(b.passes > 0) || !Number.isFinite(b.passes)) {
      throw new InputError(`a pass budget must be a finite number > 0, got ${b.passes}`);
    }
    if (b.costModel !== "decoder" && b.costModel !== "encoder_decoder") {
      throw new InputError(
        `unknown cost model "${b.costModel}"; use decoder or encoder_decoder`,
      );
    }
  };
  const checkSeconds = (b: { seconds: number }) => {
    if (!(b.seconds > 0) || !Number.isFinite(b.seconds)) {
      throw new InputError(
        `a time budget must be a finite number of seconds > 0, got ${b.seconds}`,
      );
    }
  };
  if (budget.kind === "passes") checkPasses(budget);
  else if (budget.kind === "seconds") checkSeconds(budget);
  else if (budget.kind === "passes_and_seconds") {
    checkPasses(budget);
    checkSeconds(budget);
  } else {
    throw new InputError(
      `unknown budget kind "${
        (budget as { kind: string }).kind
      }"; use passes, seconds or passes_and_seconds`,
    );
  }
}

/** The fraction of `budget` spent (for both: the smaller of the two). */
export function budgetFraction(budget: Budget, passes: Passes, seconds: number): number {
  switch (budget.kind) {
    case "passes":
      return passCost(passes, budget.costModel) / budget.passes;
    case "seconds":
      return seconds / budget.seconds;
    case "passes_and_seconds":
      return Math.min(passCost(passes, budget.costModel) / budget.passes, seconds / budget.seconds);
  }
}

/**
 * The fraction of `budget` a learning-rate schedule follows: the pass
 * budget's whenever there is one (a `passes_and_seconds` run's schedule ends
 * with its pass budget), else the time budget's. Not clamped.
 */
export function scheduleFraction(budget: Budget, passes: Passes, seconds: number): number {
  return budget.kind === "seconds"
    ? seconds / budget.seconds
    : passCost(passes, budget.costModel) / budget.passes;
}

/** Whether a run at (passes, seconds) has reached `mark`, counting passes as `budget` does. */
export function markReached(
  mark: CheckpointMark,
  state: { budget: Budget; passes: Passes; seconds: number },
): boolean {
  if (mark.kind === "seconds") return state.seconds >= mark.at;
  const model = state.budget.kind === "seconds" ? "encoder_decoder" : state.budget.costModel;
  return passCost(state.passes, model) >= mark.at;
}
