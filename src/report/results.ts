/**
 * The results file (`results.json`) a benchmark run writes and the report
 * reads: its types, its schema version and a validating reader.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** The schema version this code writes and reads. */
export const SCHEMA_VERSION = 1;

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
  /**
   * Median seconds of the calibration workload in the session that ran this case (a resumed or
   * merged run mixes sessions and machines); compare divides this case's times by it.
   */
  calibrationSeconds?: number;
}

/** A fixed CPU-bound workload timed repeatedly in a run, so times compare across machines. */
export interface Calibration {
  /** Names the workload and its version; runs with different names are not comparable. */
  name: string;
  /** Every timing of the workload, in seconds, over all sessions of the run. */
  samplesSeconds: number[];
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

/** Where and how a run was made. */
export interface RunMeta {
  /** `git rev-parse HEAD`, or "unknown" outside a git checkout. */
  commit: string;
  /** Deno version. */
  deno: string;
  /** V8 version. */
  v8: string;
  /** TypeScript version bundled with Deno. */
  typescript: string;
  /** Version of the `@tensorflow/tfjs` package. */
  tfjs: string;
  /** hnswlib-node version. */
  hnswlibNode: string;
  /** chart.js version inlined into the report. */
  chartJs: string;
  /** The tfjs backend in use (the requested one until a case reports the real one). */
  backend: string;
  /** The backend's adapter description, or "not initialised" when no case set up a backend. */
  adapter: string;
  /** CPU model. */
  cpu: string;
  /** Logical cores. */
  cores: number;
  /** Total memory in bytes (0 when unknown). */
  memoryBytes: number;
  /** Operating system, release and architecture. */
  os: string;
  /** The run's base seed. */
  seed: number;
  /** The run's profile (`quick | standard | full`). */
  profile: string;
  /** The suites selected for the run. */
  suites: string[];
  /** `i/n` when the run is one shard of a sharded run, else null. */
  shard: string | null;
  /** ISO time the run started. */
  startedAt: string;
  /** ISO time the run ended, or null while it is still running or was interrupted. */
  endedAt: string | null;
  /** Wall-clock seconds spent so far (summed over resumed sessions). */
  durationSeconds: number;
  /** The calibration workload's timings (absent in runs made without calibration). */
  calibration?: Calibration;
}

/** The whole results file. */
export interface ResultsFile {
  /** Always {@linkcode SCHEMA_VERSION}. */
  schemaVersion: number;
  /** Where and how the run was made. */
  meta: RunMeta;
  /** One entry per finished case, in run order. */
  cases: CaseResult[];
  /** Per suite, what its `summarize()` returned. */
  summaries: Record<string, Record<string, JsonValue>>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/**
 * Parses and validates the text of a results file; `source` names it in
 * error messages.
 */
export function parseResults(text: string, source: string): ResultsFile {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (e) {
    const why = (e as Error).message.split("\n")[0];
    throw new InputError(
      `${source} is not valid JSON (${why}); re-run the benchmark to rewrite it`,
    );
  }
  if (!isRecord(data)) {
    throw new InputError(`${source} does not hold a JSON object; it is not a results file`);
  }
  if (data.schemaVersion !== SCHEMA_VERSION) {
    throw new InputError(
      `${source} has schemaVersion ${
        JSON.stringify(data.schemaVersion)
      }, this version reads ${SCHEMA_VERSION}; re-run the benchmark to rewrite it`,
    );
  }
  if (!isRecord(data.meta)) {
    throw new InputError(`${source} has no "meta" object; re-run the benchmark to rewrite it`);
  }
  if (!Array.isArray(data.cases)) {
    throw new InputError(`${source} has no "cases" list; re-run the benchmark to rewrite it`);
  }
  data.cases.forEach((c, i) => {
    const ok = isRecord(c) && typeof c.suite === "string" && typeof c.name === "string" &&
      (c.status === "ok" || c.status === "failed" || c.status === "skipped") &&
      isRecord(c.params) && isRecord(c.metrics);
    if (!ok) {
      throw new InputError(
        `${source}: case ${i} lacks suite, name, params, metrics or a valid status; re-run the benchmark`,
      );
    }
  });
  if (data.summaries !== undefined && !isRecord(data.summaries)) {
    throw new InputError(
      `${source} has a "summaries" field that is not an object; re-run the benchmark`,
    );
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: data.meta as unknown as RunMeta,
    cases: data.cases as CaseResult[],
    summaries: (data.summaries ?? {}) as Record<string, Record<string, JsonValue>>,
  };
}

/** Reads and validates the results file at `path`; bad input throws a one-line {@linkcode InputError}. */
export function readResults(path: string): ResultsFile {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new InputError(
        `results file ${path} does not exist; run \`deno task bench --out <dir>\` first`,
      );
    }
    if (e instanceof Deno.errors.IsADirectory) {
      throw new InputError(
        `${path} is a folder, not a results file; pass the run's folder as --in`,
      );
    }
    throw e;
  }
  return parseResults(text, path);
}
