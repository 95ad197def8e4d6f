/**
 * The data of one draw of a synthetic set, shared by every method the
 * benchmarks train on it (so methods are compared on the same points): the
 * training set with its ground truth, validation and test points, cached
 * per draw. What a method derives from a draw (MAPA's rows) it makes itself
 * (`Method.prepare`).
 *
 * @module
 */

import { getSyntheticDataset } from "../../src/data/registry.ts";
import type { SyntheticDataset } from "../../src/data/types.ts";
import { groundTruthModel, type TestSet } from "../../src/eval/held_out_kl.ts";
import type { TrainingData } from "../../src/models/method.ts";
import { Rng } from "../../src/rng.ts";
import type { Matrix } from "../../src/types.ts";

/** Sizes of one draw. */
export interface DrawSizes {
  /** Training points N. */
  n: number;
  /** Validation points (restart selection). */
  nValidation: number;
  /** Test points (test KL). */
  nTest: number;
}

/** One draw of a data set. */
export interface DrawData {
  /** The data set. */
  dataset: SyntheticDataset;
  /** The seed every part of the draw derives from. */
  seed: number;
  /** Training data with the true codes and decoder. */
  data: TrainingData;
  /** Held-out points for choosing the best restart. */
  validation: Matrix;
  /** Held-out points and the true model, for test KL. */
  test: TestSet;
}

const draws = new Map<string, DrawData>();

/** The numeric seed of draw `index` of `dataset` under the run seed `runSeed`. */
export function drawSeed(runSeed: number, dataset: string, index: number): number {
  return Rng.stream(runSeed, `draw/${dataset}/${index}`).int(2 ** 31 - 1);
}

/** Draw `index` of `dataset` at `sizes` (cached per dataset, sizes and seed). */
export function drawData(
  dataset: string,
  sizes: DrawSizes & { runSeed: number; index: number },
): DrawData {
  const seed = drawSeed(sizes.runSeed, dataset, sizes.index);
  const key = `${dataset}/${sizes.n}/${sizes.nValidation}/${sizes.nTest}/${seed}`;
  let hit = draws.get(key);
  if (!hit) {
    const ds = getSyntheticDataset(dataset);
    const train = ds.draw(sizes.n, seed);
    hit = {
      dataset: ds,
      seed,
      data: {
        x: train.x,
        l: ds.l,
        likelihood: "gaussian",
        sigma2: ds.sigma2,
        groundTruth: { codes: train.z, decoder: ds.surrogate },
      },
      validation: ds.draw(sizes.nValidation, seed + 1).x,
      test: { x: ds.draw(sizes.nTest, seed + 2).x, truth: groundTruthModel(ds) },
    };
    // Keep memory bounded across long runs: a suite only revisits recent draws.
    if (draws.size >= 32) draws.delete(draws.keys().next().value!);
    draws.set(key, hit);
  }
  return hit;
}
