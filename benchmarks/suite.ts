/**
 * The one shape every benchmark suite has. The runner owns seeds, progress,
 * the result file, sharding and resume; a suite only lists its cases per
 * profile, runs one case, and says how its section of the report looks.
 *
 * @module
 */

import type { Rng } from "../src/rng.ts";

/** How big a run is: `quick` fits CI, `full` is the paper's scale. */
export type Profile = "quick" | "standard" | "full";

/** A JSON-safe value for params and metrics. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** One case of a suite: (suite, name, params). `name` is unique within the suite. */
export interface CaseSpec {
  /** Suite name. */
  suite: string;
  /** Case name, unique within the suite and stable across runs (resume and compare key on it). */
  name: string;
  /** The case's parameters, as recorded in the results. */
  params: Record<string, JsonValue>;
}

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
}

/** Outcome of one case. */
export type CaseStatus = "ok" | "failed" | "skipped";

/** One case's result as stored in `results.json`. */
export interface CaseResult extends CaseSpec {
  /** ok, failed (error holds why) or skipped (error holds why, e.g. a missing peer). */
  status: CaseStatus;
  /** Measured numbers and small records. */
  metrics: Record<string, JsonValue>;
  /** The error message when status is not ok. */
  error?: string;
  /** Wall-clock seconds the case took. */
  seconds: number;
}

/** A chart in a report section: a chart.js configuration as plain JSON data. */
export interface ChartSpec {
  /** Chart title shown above the canvas. */
  title: string;
  /** chart.js config (`type`, `data`, `options`); no functions, so it survives JSON. */
  config: { [key: string]: JsonValue };
}

/** A table in a report section. */
export interface TableSpec {
  /** Table caption. */
  title: string;
  /** Column headers. */
  columns: string[];
  /** Rows of cells; numbers are formatted by the report. */
  rows: JsonValue[][];
}

/** What a suite contributes to the report page. */
export interface ReportSection {
  /** Section heading. */
  title: string;
  /** Paragraphs of plain text (escaped by the report). */
  notes: string[];
  /** Charts. */
  charts: ChartSpec[];
  /** Tables. */
  tables: TableSpec[];
}

/** A benchmark suite. */
export interface Suite {
  /** Name used with `--suite`. */
  name: string;
  /** One line for `--help`. */
  description: string;
  /** The deterministic case list for a profile. */
  cases(profile: Profile): CaseSpec[];
  /** Runs one case; a thrown error marks that case failed and the run goes on. */
  run(spec: CaseSpec, ctx: CaseContext): Promise<Record<string, JsonValue>>;
  /** Whole-suite figures computed from its case results (fitted slopes, crossovers, ratios). */
  summarize?(results: CaseResult[]): Record<string, JsonValue>;
  /** The suite's report section from its results and summary. */
  report?(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection;
}
