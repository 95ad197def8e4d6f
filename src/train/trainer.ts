/**
 * Training under one fixed compute budget: each restart of a method runs
 * Adam steps until its budget is spent, a non-finite loss or bound marks that
 * restart failed (the run goes on), and the restart with the best validation
 * bound is kept and exported as plain data. The trainer never names a method.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import type { Method, MethodModel, MethodOptions, TrainingData } from "../models/method.ts";
import type { Passes } from "../models/passes.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix, MlpWeights } from "../types.ts";
import { EpochBatches, InterruptedError, StepLoop } from "./step_loop.ts";
import {
  type Budget,
  budgetFraction,
  checkBudget,
  type CheckpointMark,
  markReached,
  scheduleFraction,
} from "./budget.ts";
import { checkSchedule, type LearningRateSchedule, scheduledRate } from "./lr_schedule.ts";

export { InterruptedError } from "./step_loop.ts";

/** Progress of a training run. */
export interface TrainProgress {
  /** Restart index (0-based). */
  restart: number;
  /** Restarts in the run. */
  restarts: number;
  /** Fraction of the whole run done, in [0, 1]. */
  fraction: number;
  /** Steps done in this restart. */
  step: number;
  /** The latest loss (minus the bound). */
  loss: number;
}

/** Options of {@linkcode train}; the method's own options ride along beside them. */
export interface TrainOptions {
  /** The per-restart budget. */
  budget: Budget;
  /** Random restarts R (default 1). */
  restarts?: number;
  /** Rows per gradient step (default 100, or N when smaller). */
  batchSize?: number;
  /** Adam learning rate (default 1e-3): the base of `schedule`. */
  learningRate?: number;
  /**
   * How the step size moves over each restart's budget (default constant).
   * With a `passes_and_seconds` budget it follows the pass budget and holds
   * its final value while the time budget runs on.
   */
  schedule?: LearningRateSchedule;
  /** Base seed (default 0); restart r draws from stream `train/<method>/<r>`. */
  seed?: number;
  /** Held-out rows for the validation bound (default: up to 1000 training rows). */
  validation?: Matrix;
  /** A cap on steps per restart, on top of the budget. */
  maxSteps?: number;
  /** Called about every 0.25 s and at each restart's end. */
  onProgress?: (p: TrainProgress) => void;
  /**
   * Budget fractions in (0, 1) at which every restart also exports its model
   * (for curves of a metric against budget spent); the export's time is not
   * charged to a time budget. Default none.
   */
  checkpoints?: number[];
  /**
   * Further points (passes spent or training seconds) at which every restart
   * exports its model, in any order; with a `passes_and_seconds` budget these
   * are the only checkpoints. Default none.
   */
  marks?: CheckpointMark[];
  /** Stops training at the next step with an Error("interrupted") (e.g. Ctrl-C). */
  signal?: AbortSignal;
  /**
   * Whether the result's `metrics` include the method's end-of-training
   * diagnostics (default true). They can cost more than training itself
   * (MAPA's tail probe on exact rows at N = 30,000 took 78 s against 84 s of
   * training), so a caller that reads them from its marks, or not at all,
   * turns them off.
   */
  finalDiagnostics?: boolean;
}

/** A restart's model exported part-way through its budget. */
export interface Checkpoint {
  /** The budget fraction asked for (NaN for a mark given as `marks`). */
  fraction: number;
  /** The mark asked for (the step that crossed it). */
  mark: CheckpointMark;
  /** Steps taken. */
  steps: number;
  /** Passes spent. */
  passes: Passes;
  /** Training seconds spent (exports excluded). */
  seconds: number;
  /** The model at that point. */
  model: GenerativeModel;
  /** The method's metrics and diagnostics at that point (marks asking for them only). */
  metrics?: Record<string, number>;
}

/** How one restart went. */
export interface RestartResult {
  /** Restart index. */
  restart: number;
  /** `ok`, or `failed` with the reason in `error`. */
  status: "ok" | "failed";
  /** Why the restart failed. */
  error?: string;
  /** Gradient steps taken. */
  steps: number;
  /** Training passes spent. */
  passes: Passes;
  /** Wall-clock seconds. */
  seconds: number;
  /** The last training loss. */
  finalLoss: number;
  /** The method's bound on the validation rows (NaN when failed). */
  validationBound: number;
  /** tf.memory().numTensors after the last step minus after the first (0: flat). */
  tensorGrowth: number;
  /** Models exported at `options.checkpoints`, in order (absent without checkpoints). */
  checkpoints?: Checkpoint[];
}

/** The outcome of a run: every restart, and the best one's model as plain data. */
export interface TrainResult {
  /** The method's name. */
  method: string;
  /** Index of the best restart. */
  best: number;
  /** Every restart. */
  restarts: RestartResult[];
  /** The best restart's generative model. */
  model: GenerativeModel;
  /** The best restart's encoder weights (for amortized evaluation). */
  encoder: MlpWeights;
  /** The best restart's method-specific metrics. */
  metrics: Record<string, number>;
}

/** The checkpoints of a run: fractions of the budget first, then explicit marks. */
function checkpointMarks(
  options: TrainOptions,
): { fraction: number; mark: CheckpointMark; done: boolean; withMetrics: boolean }[] {
  const b = options.budget;
  const fractions = [...(options.checkpoints ?? [])].sort((x, y) => x - y);
  for (const f of fractions) {
    if (!(f > 0 && f < 1)) throw new InputError(`checkpoints must lie in (0, 1), got ${f}`);
  }
  if (fractions.length > 0 && b.kind === "passes_and_seconds") {
    throw new InputError("a passes_and_seconds budget takes checkpoint marks, not fractions");
  }
  const out = fractions.map((f) => ({
    fraction: f,
    mark: b.kind === "seconds"
      ? { kind: "seconds" as const, at: f * b.seconds }
      : { kind: "passes" as const, at: f * (b as { passes: number }).passes },
    done: false,
    withMetrics: false,
  }));
  for (const mark of options.marks ?? []) {
    if (
      (mark.kind !== "passes" && mark.kind !== "seconds") || !(mark.at > 0) ||
      !Number.isFinite(mark.at)
    ) {
      throw new InputError(
        `a checkpoint mark needs kind passes|seconds and a finite at > 0, got ${
          JSON.stringify(mark)
        }`,
      );
    }
    out.push({ fraction: NaN, mark, done: false, withMetrics: mark.diagnostics === true });
  }
  return out;
}

/** A model's extra metrics and, unless `diagnostics` is false, its end-of-training diagnostics. */
async function methodMetrics(
  model: MethodModel,
  rng: Rng,
  diagnostics = true,
): Promise<Record<string, number>> {
  return {
    ...model.extraMetrics(),
    ...(diagnostics ? await model.diagnostics?.(rng.fork("diagnostics")) ?? {} : {}),
  };
}

function firstRows(x: Matrix, n: number): Matrix {
  const r = Math.min(n, x.rows);
  return { rows: r, cols: x.cols, data: x.data.slice(0, r * x.cols) };
}

/**
 * Trains `method` on `data` under `options.budget` with R restarts and keeps
 * the best by validation bound; `options` also carries the method's own
 * options (`O`). Throws InputError on bad options, and an Error when every
 * restart failed.
 */
export async function train<O extends MethodOptions>(
  method: Method<O>,
  data: TrainingData,
  options: TrainOptions & O,
): Promise<TrainResult> {
  checkBudget(options.budget);
  const restarts = options.restarts ?? 1;
  if (!Number.isInteger(restarts) || restarts < 1) {
    throw new InputError(`restarts must be an integer >= 1, got ${restarts}`);
  }
  const n = data.x.rows;
  const batchSize = Math.min(options.batchSize ?? 100, n);
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new InputError(`batch size must be an integer >= 1, got ${options.batchSize}`);
  }
  const lr = options.learningRate ?? 1e-3;
  if (!(lr > 0)) throw new InputError(`learning rate must be > 0, got ${lr}`);
  const schedule = options.schedule ?? { kind: "constant" };
  checkSchedule(schedule);
  const validation = options.validation ?? firstRows(data.x, 1000);
  const seed = options.seed ?? 0;
  const marks = checkpointMarks(options);
  const results: RestartResult[] = [];
  let best: Omit<TrainResult, "method" | "restarts"> | undefined;
  let bestBound = -Infinity;

  for (let r = 0; r < restarts; r++) {
    const rng = Rng.stream(seed, `train/${method.name}/${r}`);
    const model = method.build(data, { ...options, rng: rng.fork("init") });
    const loop = new StepLoop(model, { learningRate: lr, signal: options.signal });
    const batches = new EpochBatches(n, batchSize);
    const start = performance.now();
    let lastReport = start;
    let steps = 0, finalLoss = NaN, afterFirst = 0;
    let result: RestartResult | undefined;
    let paused = 0;
    const seconds = () => (performance.now() - start - paused) / 1000;
    const saved: Checkpoint[] = [];
    const markRng = (mark: CheckpointMark) =>
      Rng.stream(seed, `train/${method.name}/${r}/${mark.kind}@${mark.at}`);
    for (const m of marks) m.done = false;
    const report = (loss: number) =>
      options.onProgress?.({
        restart: r,
        restarts,
        fraction: (r + Math.min(1, budgetFraction(options.budget, model.passes, seconds()))) /
          restarts,
        step: steps,
        loss,
      });
    try {
      while (
        budgetFraction(options.budget, model.passes, seconds()) < 1 &&
        steps < (options.maxSteps ?? Infinity)
      ) {
        const batch = batches.next(rng);
        if (schedule.kind !== "constant") {
          loop.setLearningRate(
            scheduledRate(lr, scheduleFraction(options.budget, model.passes, seconds()), {
              schedule,
            }),
          );
        }
        try {
          const step = await loop.step(batch, rng);
          paused += step.pausedMs; // the event loop's turn is not training time
        } finally {
          steps = loop.steps;
          finalLoss = loop.lastLoss;
          afterFirst = loop.tensorsAfterFirst;
        }
        for (const m of marks) {
          if (
            m.done || !markReached(m.mark, { ...options, passes: model.passes, seconds: seconds() })
          ) {
            continue;
          }
          m.done = true;
          const t0 = performance.now();
          saved.push({
            fraction: m.fraction,
            mark: m.mark,
            steps,
            passes: model.passes.snapshot(),
            seconds: seconds(),
            // Its own stream, keyed by the mark: a checkpoint reached at a time-dependent
            // step never shifts the training draws or another checkpoint's.
            model: await model.exportModel(markRng(m.mark).fork("export")),
            ...(m.withMetrics ? { metrics: await methodMetrics(model, markRng(m.mark)) } : {}),
          });
          paused += performance.now() - t0;
        }
        if (performance.now() - lastReport > 250) {
          lastReport = performance.now();
          report(finalLoss);
        }
      }
      const growth = tf.memory().numTensors - afterFirst;
      const bound = await model.validationBound(validation, rng.fork("validation"));
      if (!Number.isFinite(bound)) throw new Error(`non-finite validation bound ${bound}`);
      result = {
        restart: r,
        status: "ok",
        steps,
        passes: model.passes.snapshot(),
        seconds: seconds(),
        finalLoss,
        validationBound: bound,
        tensorGrowth: growth,
        ...(marks.length > 0 ? { checkpoints: saved } : {}),
      };
      if (bound > bestBound) {
        bestBound = bound;
        best = {
          best: r,
          model: await model.exportModel(rng.fork("export")),
          encoder: await model.encoderWeights(),
          metrics: await methodMetrics(model, rng, options.finalDiagnostics ?? true),
        };
      }
    } catch (e) {
      if (e instanceof InputError || e instanceof InterruptedError) throw e;
      result = {
        restart: r,
        status: "failed",
        error: (e as Error).message,
        steps,
        passes: model.passes.snapshot(),
        seconds: seconds(),
        finalLoss,
        validationBound: NaN,
        tensorGrowth: tf.memory().numTensors - afterFirst,
      };
    } finally {
      loop.dispose();
      model.dispose();
    }
    results.push(result!);
    report(finalLoss);
  }
  if (!best) {
    throw new Error(
      `all ${restarts} restarts of ${method.name} failed: ${
        results.map((x) => x.error).join("; ")
      }`,
    );
  }
  return { method: method.name, restarts: results, ...best };
}
