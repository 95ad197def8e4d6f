/**
 * What each metric name means to the regression check: the one place that
 * says which metrics are times, memory, throughput or deterministic, and the
 * tolerance each deterministic one is held to. Suites follow these names.
 *
 * | name (first match wins)            | kind            | how compare treats it |
 * |------------------------------------|-----------------|------------------------|
 * | `*Reused`                           | `ignored`       | bookkeeping of how a run was laid out (whether a case found its rows already built in its process), not a result |
 * | `*SecondsSamples` (number[])       | `timeSamples`   | repeated timings of one thing: each divided by the run's calibration median, medians compared; a case is flagged when its ratio reaches the case threshold (default 3x) AND a Mann-Whitney U test says the samples differ (p < alpha, default 0.01), with at least 5 samples on each side; a suite is flagged when the geometric mean of its cases' ratios passes the threshold (default 1.5x) AND a sign test agrees |
 * | other `*Samples` (number[])        | `samples`       | shown as a median, never flagged |
 * | `*Seconds`, `*SecondsPer<X>` (number) | `time`       | one timing: ratio shown, never flagged (one sample cannot be tested) |
 * | `*PerSecond` (number)              | `throughput`    | ratio shown, never flagged |
 * | `paired*Ratio`, `paired*RatioMin`, `paired*RatioMax` (number) | `time` | a ratio of two sides' timings in one run (tfjs against a peer): ratio shown, never flagged |
 * | `*Bytes` (number)                  | `memory`        | flagged when it grows past the memory threshold (default 1.5x) and by more than 256 MiB (process-wide RSS moved by 100 MB between two runs of the same code) |
 * | boolean                            | `deterministic` | flagged when it differs |
 * | other numbers                      | `deterministic` | flagged when `abs(current - baseline) > absTol + relTol * abs(baseline)` in either direction (see {@linkcode TOLERANCES}) |
 * | strings, records, other arrays     | `ignored`       | labels and curves: not compared |
 *
 * Deterministic metrics are compared only when both runs used the same seed
 * and backend; otherwise they are shown and not flagged.
 *
 * @module
 */

import type { JsonValue } from "./results.ts";

/** How compare treats a metric; see the module table. */
export type MetricKind =
  | "timeSamples"
  | "samples"
  | "time"
  | "throughput"
  | "memory"
  | "deterministic"
  | "ignored";

/** Tolerance of a deterministic metric: equal when `|c - b| <= absTol + relTol * |b|`. */
export interface Tolerance {
  /** Absolute part. */
  absTol: number;
  /** Relative part. */
  relTol: number;
}

/**
 * Tolerances of deterministic metrics by name pattern, first match wins; the
 * last entry is the default. Counts are exact; recall allows one near-tie
 * neighbour in 200 to swap (HNSW graphs depend on the build's float
 * rounding); the normaliser error is held to the default's 0.1%, stated on
 * its own line; KL and log-likelihoods allow the float32 rounding
 * differences of tfjs across CPUs.
 */
export const TOLERANCES: { pattern: RegExp; tolerance: Tolerance; why: string }[] = [
  {
    pattern: /(^|[a-z])(passes|Passes|count|Count|steps|Steps|epochs|Epochs)$/,
    tolerance: { absTol: 0, relTol: 0 },
    why: "counts are exact at a fixed seed",
  },
  {
    pattern: /recall/i,
    tolerance: { absTol: 0.005, relTol: 0 },
    why: "recall: neighbours at near-equal distance may swap",
  },
  {
    pattern: /logZErr|normali[sz]er/i,
    tolerance: { absTol: 1e-9, relTol: 1e-3 },
    why: "normaliser error of HNSW rows: seeded draws, so it reproduces to float rounding",
  },
  {
    pattern: /kl|Kl|KL|logLik|LogLik|elbo|Elbo|ELBO|loss|Loss/,
    tolerance: { absTol: 1e-3, relTol: 5e-3 },
    why: "KL, log-likelihood, losses: float32 training rounding",
  },
  {
    pattern: /.*/,
    tolerance: { absTol: 1e-9, relTol: 1e-3 },
    why: "default for other deterministic numbers",
  },
];

/** The tolerance {@linkcode TOLERANCES} gives metric `name`. */
export function toleranceFor(name: string): Tolerance {
  return TOLERANCES.find((t) => t.pattern.test(name))!.tolerance;
}

function isNumberArray(value: JsonValue): value is number[] {
  return Array.isArray(value) && value.every((v) => typeof v === "number");
}

/** The kind of metric `name` holding `value`; see the module table. */
export function metricKind(name: string, value: JsonValue): MetricKind {
  // Which process ran which case (the reference run's parts) decides these, not the code.
  if (/Reused$/.test(name)) return "ignored";
  if (isNumberArray(value)) {
    if (/SecondsSamples$/.test(name)) return "timeSamples";
    if (/Samples$/.test(name)) return "samples";
    return "ignored";
  }
  if (typeof value === "boolean") return "deterministic";
  if (typeof value !== "number") return "ignored";
  if (/Seconds($|Per[A-Z])/.test(name) || name === "seconds") return "time";
  if (/^paired.*Ratio(Min|Max)?$/.test(name)) return "time";
  if (/PerSecond$/.test(name)) return "throughput";
  if (/Bytes$/.test(name)) return "memory";
  return "deterministic";
}
