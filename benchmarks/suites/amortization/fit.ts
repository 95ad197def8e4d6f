/**
 * The amortization suite's training: Adam steps on shuffled batches under a
 * step or decoder-pass budget, and the training-loss curve it reports.
 *
 * @module
 */

import type { MethodModel } from "../../../src/models/method.ts";
import type { Rng } from "../../../src/rng.ts";
import { budgetFraction } from "../../../src/train/budget.ts";
import { EpochBatches, StepLoop } from "../../../src/train/step_loop.ts";
import { CURVE_WINDOWS } from "./amortization_settings.ts";

/** A training budget: Adam steps, or decoder passes. */
export type AmortizationBudget = { kind: "steps"; steps: number } | {
  kind: "passes";
  passes: number;
};

/** What training did: steps, seconds and the loss per step. */
export interface FitResult {
  /** Adam steps taken. */
  steps: number;
  /** Training seconds (the event loop's turns excluded). */
  seconds: number;
  /** Minus the method's bound per row, at every step. */
  losses: Float64Array;
}

/** Adam steps on shuffled batches until the budget is spent; the model stays alive for scoring. */
export async function fit(
  model: MethodModel,
  data: { n: number; batch: number; learningRate: number },
  budget: AmortizationBudget,
  rng: Rng,
  progress: (f: number) => void,
  signal?: AbortSignal,
): Promise<FitResult> {
  const loop = new StepLoop(model, { learningRate: data.learningRate, signal });
  const batches = new EpochBatches(data.n, data.batch);
  const spent = () =>
    budget.kind === "steps" ? loop.steps / budget.steps : budgetFraction(
      { kind: "passes", passes: budget.passes, costModel: "decoder" },
      model.passes,
      0,
    );
  const start = performance.now();
  const losses: number[] = [];
  let paused = 0;
  try {
    while (spent() < 1) {
      const step = await loop.step(batches.next(rng), rng);
      paused += step.pausedMs; // the event loop's turns are not training time
      losses.push(step.loss);
      if (loop.steps % 10 === 0) progress(spent());
    }
  } finally {
    loop.dispose();
  }
  const steps = loop.steps;
  return {
    steps,
    seconds: (performance.now() - start - paused) / 1000,
    losses: Float64Array.from(losses),
  };
}

/**
 * The training-loss curve as the means over `windows` equal runs of steps
 * (fewer windows when there are fewer steps), and the mean loss over the
 * window ending at half the steps minus the last window's: > 0 while the
 * loss was still falling.
 */
export function lossCurve(
  losses: ArrayLike<number>,
  windows = CURVE_WINDOWS,
): { curve: number[]; changeLastHalf: number } {
  const n = losses.length;
  const w = Math.max(1, Math.min(windows, n));
  const curve: number[] = [];
  for (let k = 0; k < w; k++) {
    const a = Math.floor((k * n) / w), b = Math.floor(((k + 1) * n) / w);
    let s = 0;
    for (let i = a; i < b; i++) s += losses[i];
    curve.push(s / Math.max(1, b - a));
  }
  const half = curve[Math.max(0, Math.ceil(w / 2) - 1)];
  return { curve, changeLastHalf: half - curve[w - 1] };
}
