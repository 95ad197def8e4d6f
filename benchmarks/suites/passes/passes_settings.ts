/**
 * The passes suite's settings: the sample counts, batch, MAPA's K, the cost
 * models, the N grid per profile, and the methods and shapes of the timed
 * training-step cases.
 *
 * @module
 */

import { SYNTHETIC_NAMES } from "../../../src/data/analytic.ts";
import type { Profile } from "../../harness/suite.ts";
import { BUDGET_PROFILES } from "../budget/budget_settings.ts";

/** Sample counts S measured at every N. */
export const S_VALUES = [1, 2, 5, 10, 20, 50, 100];
/** The S values of the headline crossover. */
export const HEADLINE_S = [20, 100];
/** Batch size B (the trainer's default). */
export const BATCH = 100;
/** Top-K of the MAPA rows in this suite (the budget suite's K). */
export const MAPA_K = 10;
/** The cost models (methods.md section 6). */
export const COST_MODELS = ["decoder", "encoder_decoder"] as const;
/** A cost model. */
export type CostModelName = typeof COST_MODELS[number];

/** A profile's settings; every case records the ones it used in its params. */
export interface PassesSettings {
  /** Data sets MAPA's passes are counted on. */
  datasets: readonly string[];
  /** Training-set sizes N (the budget suite's N is added, see {@linkcode nGrid}). */
  n: readonly number[];
  /** Batches counted per case. */
  steps: number;
  /** Timed steps of the IWAE tfjs/PyTorch step case. */
  timingSteps: number;
}

/**
 * Settings per profile. Quick (CI) counts two data sets whose posteriors
 * differ most in spread (figure8: broad rows; clusters: tight ones) at five
 * sizes spanning 1,000 to 100,000, 30 to 45 s on 2 cores; standard counts
 * all five sets at seven sizes, about 2.5 minutes.
 */
export const PASSES_PROFILES: Record<Profile, PassesSettings> = {
  quick: {
    datasets: ["figure8", "clusters"],
    n: [1000, 3000, 10_000, 30_000, 100_000],
    steps: 3,
    timingSteps: 100,
  },
  standard: {
    datasets: SYNTHETIC_NAMES,
    n: [1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000],
    steps: 5,
    timingSteps: 200,
  },
  full: {
    datasets: SYNTHETIC_NAMES,
    n: [1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000],
    steps: 10,
    timingSteps: 400,
  },
};

/** The N values of a profile: its grid plus the budget suite's N, ascending. */
export function nGrid(profile: Profile): number[] {
  const all = new Set([...PASSES_PROFILES[profile].n, BUDGET_PROFILES[profile].n]);
  return [...all].sort((a, b) => a - b);
}

/**
 * The step cases' methods and their shared sample settings (MAPA: K top
 * terms plus S tail draws; a method without a top K takes K + S samples,
 * so K is left out for IWAE and the VAE).
 */
export const STEP_METHODS: readonly { method: string; s: number; k?: number }[] = [
  { method: "vae", s: 1 },
  { method: "iwae", s: 20 },
  { method: "mapa", s: 10, k: 10 },
];
/**
 * Rounds the tfjs step case splits its timed steps into, each followed by
 * as many PyTorch steps: load on a shared machine then falls on both sides
 * of a round, and the median of the rounds' ratios is the paired figure.
 */
export const PAIRED_ROUNDS = 10;

/** Training points of the step cases. */
export const STEP_N = 1000;
/** Observation noise of the step cases' standard normal data. */
export const STEP_SIGMA2 = 0.01;
