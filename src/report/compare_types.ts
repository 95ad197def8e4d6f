/**
 * What a comparison holds: its options, its rows, status changes and case
 * coverage. Shared by the comparison, its confirmation and its formats.
 *
 * @module
 */

import type { MetricRow } from "./compare_metric.ts";
import type { CaseStatus, JsonValue } from "./results.ts";

/** Options of `compareResults`. */
export interface CompareOptions {
  /** Slowdown ratio of a suite's geometric mean over its timed cases that may flag it (default 1.5). */
  threshold?: number;
  /** Slowdown ratio (normalised current median / baseline median) that may flag one case (default 3). */
  caseThreshold?: number;
  /** Significance level of the two-sided Mann-Whitney test (default 0.01). */
  alpha?: number;
  /** Fewest timing samples on each side for a time to be gated (default 5). */
  minSamples?: number;
  /** Growth ratio that flags a memory metric (default 1.5). */
  memoryThreshold?: number;
  /** Smallest growth in bytes that flags a memory metric (default 256 MiB). */
  memoryMinBytes?: number;
  /**
   * Whether a case times another library (a peer) rather than this project:
   * its figures are shown, never gated, and left out of its suite's time
   * gate (default: no case is a peer's). A peer's machine setting (its BLAS,
   * say) moves its times, and that is no regression of this project.
   */
  peerCase?: (c: { suite: string; name: string; params: Record<string, JsonValue> }) => boolean;
}

/** A case whose status differs between the runs. */
export interface StatusChange {
  /** `suite/case`. */
  case: string;
  /** Baseline status. */
  from: CaseStatus;
  /** Current status. */
  to: CaseStatus;
  /** The current error, if any. */
  error?: string;
  /** True when a case that worked now fails. */
  regression: boolean;
}

/** How many cases the comparison covered. */
export interface CaseCoverage {
  /** Cases in the baseline. */
  baseline: number;
  /** Cases in the current run. */
  current: number;
  /** Current cases matched in the baseline by suite, name and params whose status or metrics were compared. */
  compared: number;
  /** Current cases skipped (or failed) in both runs: matched, nothing to compare. */
  notRun: number;
}

/** The whole comparison. */
export interface Comparison {
  /** Compared metrics of cases in both runs. */
  rows: MetricRow[];
  /** Cases only in the current run (`suite/case`). */
  newCases: string[];
  /** Cases only in the baseline. */
  vanishedCases: string[];
  /** Cases whose status changed. */
  statusChanges: StatusChange[];
  /** Cases whose params changed, so their metrics were not compared (`suite/case: keys`). */
  paramChanges: string[];
  /** Run-level notes (different seed, backend, calibration...). */
  warnings: string[];
  /** Number of regressions (rows plus status changes). */
  regressions: number;
  /** Number of improved rows. */
  improvements: number;
  /** How many cases were compared. */
  coverage: CaseCoverage;
  /** Calibration medians in seconds (null when a run has none). */
  calibration: { baseline: number | null; current: number | null };
}
