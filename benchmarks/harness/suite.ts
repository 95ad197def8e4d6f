/**
 * The one shape every benchmark suite has. The runner owns seeds, progress,
 * the result file, sharding and resume; a suite only lists its cases per
 * profile, runs one case, and says how its section of the report looks.
 *
 * @module
 */

import type { Rng } from "../../src/rng.ts";
import type { CaseResult, CaseSpec, JsonValue, ReportSection } from "../../src/report/results.ts";

// The data types live with the results file; suites keep importing them from here.
export type {
  CaseResult,
  CaseSpec,
  CaseStatus,
  ChartSpec,
  JsonValue,
  ReportSection,
  TableSpec,
} from "../../src/report/results.ts";

/** How big a run is: `quick` fits CI, `full` is the paper's scale. */
export type Profile = "quick" | "standard" | "full";

/** What the runner hands a running case. */
export interface CaseContext {
  /** The run's base seed. */
  seed: number;
  /** The run's profile. */
  profile: Profile;
  /** The requested tfjs backend (`auto | webgpu | wasm | cpu`). */
  backend: string;
  /** An independent random stream for this case and `key`, derived from (seed, suite, case name, key). */
  rng(key: string): Rng;
  /** Reports progress in [0, 1] with an optional short label; the runner draws the bar. */
  progress(fraction: number, label?: string): void;
  /** Prints a line above the progress bar. */
  log(message: string): void;
  /** Aborted when the user interrupts the run (Ctrl-C); a long case may stop early. */
  signal: AbortSignal;
  /**
   * Records the tfjs backend actually in use and its adapter (e.g. from src/backend.ts) in the
   * results' `meta.backend` and `meta.adapter`; without a call they keep the requested backend
   * and "not initialised".
   */
  reportBackend(backend: string, adapter: string): void;
}

/**
 * Thrown by a case that cannot run here (e.g. a missing peer library): the runner records the
 * case as `skipped` with this message instead of `failed`.
 */
export class CaseSkipped extends Error {
  /** Makes a skip with a one-line reason. */
  constructor(reason: string) {
    super(reason);
    this.name = "CaseSkipped";
  }
}

/** A benchmark suite. */
export interface Suite {
  /** Name used with `--suite`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** The deterministic case list for a profile. */
  cases(profile: Profile): CaseSpec[];
  /**
   * Runs one case; a thrown error marks that case failed ({@linkcode CaseSkipped}: skipped) and
   * the run goes on.
   */
  run(spec: CaseSpec, ctx: CaseContext): Promise<Record<string, JsonValue>>;
  /** Whole-suite figures computed from its case results (fitted slopes, crossovers, ratios). */
  summarize?(results: CaseResult[]): Record<string, JsonValue>;
  /** The suite's report section from its results and summary. */
  report?(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection;
  /**
   * Whether the case with `params` times another library (a peer: PyTorch,
   * faiss, Python hnswlib) rather than this project; the regression check
   * shows such a case's figures and never gates them. Default: none is.
   */
  peerCase?(params: Record<string, JsonValue>): boolean;
}

/** A thrown value as one line for a case's `error` (a skip's reason without its class name). */
export function errorText(e: unknown): string {
  if (e instanceof Error) {
    const head = e.name && e.name !== "Error" && e.name !== "CaseSkipped" ? `${e.name}: ` : "";
    return head + e.message;
  }
  return String(e);
}
