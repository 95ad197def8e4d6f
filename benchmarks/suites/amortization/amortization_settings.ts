/**
 * The amortization suite's settings: budget kinds, batch, timing repeats and
 * the sizes per profile, and the methods it compares (every registered
 * method with a Gaussian q(z | x) at test time that trains on a data set's
 * observation model).
 *
 * @module
 */

import { SYNTHETIC_NAMES } from "../../../src/data/analytic.ts";
import type { LikelihoodKind } from "../../../src/models/likelihood.ts";
import { METHODS } from "../../../src/models/registry.ts";
import type { Profile } from "../../harness/suite.ts";

/**
 * The methods compared on data of `likelihood`, in registry order: those
 * whose models give the Gaussian q the gaps are measured on.
 */
export function amortizationMethods(likelihood: LikelihoodKind): string[] {
  return METHODS.filter((m) => m.gaussianPosterior && m.likelihoods.includes(likelihood))
    .map((m) => m.name);
}

/** Every method with a Gaussian q(z | x), in report order (the charts' series). */
export const AMORTIZATION_METHODS: readonly string[] = METHODS.filter((m) => m.gaussianPosterior)
  .map((m) => m.name);
/** The budget kinds, one case each per data set and method. */
export const BUDGET_KINDS = ["passes", "steps"] as const;
/** A budget kind. */
export type BudgetKind = typeof BUDGET_KINDS[number];
/** MNIST's latent dimension in this suite. */
export const MNIST_L = 10;
/** The synthetic sets' latent dimension. */
export const SYNTHETIC_L = 1;
/** Rows per Adam step. */
export const BATCH = 100;
/** Decoder passes budget per unit of the step budget: P = PASS_FACTOR * T * B. */
export const PASS_FACTOR = 1;
/**
 * Timed passes of inference over the test set; the fastest is reported: on a
 * shared machine other processes only ever add time (medians of 5 moved 5x
 * between two runs of the same GP-RF model here).
 */
export const TIMING_REPEATS = 7;
/** Windows of the reported training-loss curve. */
export const CURVE_WINDOWS = 10;

/** Sizes of one group of data sets (MNIST, or the synthetic sets). */
export interface GroupSizes {
  /** Training points. */
  train: number;
  /** Test points. */
  test: number;
  /** Step budget T; the pass budget is PASS_FACTOR * T * BATCH decoder passes. */
  steps: number;
  /** Adam learning rate. */
  learningRate: number;
}

/** A profile's sizes. */
export interface Sizes {
  /** MNIST's group. */
  mnist: GroupSizes;
  /** The synthetic sets' group and their names. */
  synthetic: GroupSizes & { names: readonly string[] };
  /** Shared estimator for L > 2: its importance samples. */
  llSamples: number;
  /** Adam steps of the shared estimator's per-point fit. */
  llFitSteps: number;
  /** Importance samples of `testLogLikOwnQ`. */
  ownQSamples: number;
  /** Most Adam steps of the amortization gap's per-point optimisation. */
  gapSteps: number;
  /** ELBO draws of the amortization gap. */
  evalSamples: number;
}

/**
 * Settings per profile. T comes from training curves measured with this
 * suite's code (wasm, 2 busy cores, Adam lr 3e-3, batch 100, N = 1000):
 * - figure8, VAE: test log-lik by quadrature -5.45 at 300 steps (a plateau
 *   every method sits on first), -1.89 at 600, -1.38 at 1200, -1.00 at 2400
 *   (the truth: -0.62); GP-RF -2.80, -1.64, -1.38 at 300, 600, 900 steps.
 *   When a run leaves the plateau is random: in another VAE run (the
 *   standard profile's seed) it stayed there for all 1200 steps while
 *   SA-VAE left it near step 600. Standard's T = 1000 is past the plateau
 *   for most runs, not converged; the passes cases of the VAE and GP-RF
 *   repeat their steps cases with other random streams, so the page shows
 *   whether a ranking rests on one lucky or unlucky run.
 * - MNIST, VAE: training loss 298, 198, 165, 150 nats per digit at 25, 50,
 *   100, 150 steps; steps cost 0.2 s (VAE) to 1 s (SA-VAE) on a busy core,
 *   so T = 150 is what fits the time limit, not convergence. At T = 150
 *   (standard) the VAE's loss fell from 346 to 144 over the tenths and
 *   SA-VAE's from 341 to 172: both train, both still improve (about 28
 *   nats over the last half).
 * - Time (wasm, 2 shared cores): MNIST's four equal-steps cases took 253 s
 *   together (VAE 30 s, IWAE 70 s, SA-VAE 118 s, GP-RF 34 s; scoring the 30
 *   test digits about 18 s of each), figure8's four 112 s and its four
 *   equal-passes cases 50 s. Standard (MNIST and figure8, 16 cases) is about
 *   9 minutes from those case times; circle (measured at T = 1000:
 *   the VAE's and GP-RF's losses were still falling by about 20 nats over
 *   the last half) is left to the full profile.
 * Quick is a smoke test (about 80 s): its T leaves figure8 on the plateau
 * and MNIST at 10 steps.
 */
export const AMORTIZATION_PROFILES: Record<Profile, Sizes> = {
  quick: {
    mnist: { train: 300, test: 8, steps: 10, learningRate: 3e-3 },
    synthetic: { names: ["figure8"], train: 1000, test: 100, steps: 250, learningRate: 3e-3 },
    llSamples: 200,
    llFitSteps: 50,
    ownQSamples: 200,
    gapSteps: 100,
    evalSamples: 100,
  },
  standard: {
    mnist: { train: 2000, test: 30, steps: 150, learningRate: 3e-3 },
    synthetic: {
      names: ["figure8"],
      train: 1000,
      test: 200,
      steps: 1000,
      learningRate: 3e-3,
    },
    llSamples: 1000,
    llFitSteps: 150,
    ownQSamples: 500,
    gapSteps: 150,
    evalSamples: 300,
  },
  full: {
    mnist: { train: 8000, test: 500, steps: 5000, learningRate: 1e-3 },
    synthetic: {
      names: SYNTHETIC_NAMES,
      train: 5000,
      test: 1000,
      steps: 20000,
      learningRate: 1e-3,
    },
    llSamples: 5000,
    llFitSteps: 500,
    ownQSamples: 5000,
    gapSteps: 500,
    evalSamples: 1000,
  },
};
