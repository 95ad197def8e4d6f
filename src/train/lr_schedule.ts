/**
 * Learning-rate schedules over a run's budget. The papers train with Adam at
 * a constant step size, which stays the default everywhere; a cosine decay is
 * an option, tried because at a constant 3e-3 the pilot curves kept moving
 * (or rose again on spiral_dots) long after the hour's budget. Within that
 * budget it did not converge them either (README, "What convergence would
 * cost").
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** How the step size moves with the fraction of the budget spent. */
export type LearningRateSchedule =
  /** The same step size throughout (the papers' setting). */
  | { kind: "constant" }
  /**
   * Half a cosine from the base step size down to `floor` times it, reached
   * when the budget is spent, then held there.
   */
  | { kind: "cosine"; floor: number };

/**
 * The schedule a case's params name: `kind` as recorded, with `floor` (the
 * cosine's floor as a fraction of the rate; unused by a constant rate).
 */
export function scheduleOf(kind: "constant" | "cosine", floor: number): LearningRateSchedule {
  return kind === "cosine" ? { kind, floor } : { kind };
}

/** Throws InputError naming the problem when `schedule` is malformed. */
export function checkSchedule(schedule: LearningRateSchedule): void {
  if (schedule.kind === "constant") return;
  if (schedule.kind !== "cosine") {
    throw new InputError(
      `unknown learning-rate schedule ${JSON.stringify((schedule as { kind: unknown }).kind)}; ` +
        `use "constant" or "cosine"`,
    );
  }
  if (!(schedule.floor >= 0 && schedule.floor <= 1)) {
    throw new InputError(`cosine schedule floor must be in [0, 1], got ${schedule.floor}`);
  }
}

/**
 * The step size at `fraction` of the budget (clamped to [0, 1]) for base
 * step size `lr`. Never returns 0: a floor of 0 is held at a millionth of
 * `lr` so that Adam's step stays defined.
 */
export function scheduledRate(
  lr: number,
  fraction: number,
  options: { schedule: LearningRateSchedule },
): number {
  const s = options.schedule;
  if (s.kind === "constant") return lr;
  const f = Math.min(1, Math.max(0, fraction));
  const floor = Math.max(s.floor, 1e-6);
  return lr * (floor + 0.5 * (1 - floor) * (1 + Math.cos(Math.PI * f)));
}
