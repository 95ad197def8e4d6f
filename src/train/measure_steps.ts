/**
 * Times gradient steps and reads the pass counters, for the passes suite.
 *
 * @module
 */

import type { TrainingData } from "../models/method.ts";
import { getMethod, type KnownMethodOptions } from "../models/registry.ts";
import { Rng } from "../rng.ts";
import { StepLoop } from "./step_loop.ts";
import { median } from "../eval/stats.ts";

/** What {@linkcode measureSteps} measured. */
export interface StepMeasurement {
  /** Encoder passes per data point per gradient step. */
  encoderPassesPerPoint: number;
  /** Decoder passes per data point per gradient step. */
  decoderPassesPerPoint: number;
  /** Median wall-clock seconds per gradient step. */
  stepSeconds: number;
  /** Each timed step's seconds, for the noise-aware regression check. */
  stepSecondsSamples: number[];
}

/**
 * Runs `options.steps` Adam steps of method `name` on batches of
 * `options.batchSize` random rows (after one untimed warm-up step) and
 * returns the passes per point per step, counted by the method's own
 * counters, and the seconds per step (samples in step order).
 */
export async function measureSteps(
  name: string,
  data: TrainingData,
  options: KnownMethodOptions & {
    steps: number;
    seed: number;
    batchSize?: number;
    signal?: AbortSignal;
    /**
     * Called after each round of timed steps (see `roundSizes`) with the
     * round's index, outside the timed steps (a peer can time its own
     * blocks there).
     */
    betweenRounds?: (round: number) => Promise<void>;
    /** Timed steps of each round of `betweenRounds`; default one round of all of them. */
    roundSizes?: number[];
  },
): Promise<StepMeasurement> {
  const rng = Rng.stream(options.seed, `passes/${name}`);
  const model = getMethod(name).build(data, { ...options, rng: rng.fork("init") });
  const loop = new StepLoop(model, { learningRate: 1e-3, signal: options.signal });
  const n = data.x.rows;
  const batchSize = options.batchSize ?? 100;
  const samples: number[] = [];
  const sizes = options.roundSizes ?? [options.steps];
  let round = 0, roundEnd = sizes[0];
  try {
    for (let step = 0; step <= options.steps; step++) {
      const batch = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) batch[i] = rng.int(n);
      const t0 = performance.now();
      const { pausedMs } = await loop.step(batch, rng);
      // Step 0 warms up kernels and is not timed or counted; the event loop's turns are not timed.
      if (step === 0) {
        model.passes.encoder = 0;
        model.passes.decoder = 0;
      } else {
        samples.push((performance.now() - t0 - pausedMs) / 1000);
        if (options.betweenRounds && step === roundEnd) {
          await options.betweenRounds(round);
          roundEnd += sizes[++round] ?? 0;
        }
      }
    }
    const per = options.steps * batchSize;
    return {
      encoderPassesPerPoint: model.passes.encoder / per,
      decoderPassesPerPoint: model.passes.decoder / per,
      stepSeconds: median(samples),
      stepSecondsSamples: samples,
    };
  } finally {
    loop.dispose();
    model.dispose();
  }
}
