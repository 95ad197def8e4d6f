/**
 * Small results files for the report tests (test-only helper).
 *
 * @module
 */

import { Rng } from "../rng.ts";
import { type CaseResult, type JsonValue, type ResultsFile, SCHEMA_VERSION } from "./results.ts";

/** A results file with `cases` and a fixed meta; `meta` overrides fields. */
export function makeResults(
  cases: CaseResult[],
  meta: Partial<ResultsFile["meta"]> = {},
): ResultsFile {
  return {
    schemaVersion: SCHEMA_VERSION,
    meta: {
      commit: "abc",
      deno: "2.9.6",
      v8: "0",
      typescript: "0",
      tfjs: "4.22.0",
      hnswlibNode: "3.0.0",
      chartJs: "4.6.1",
      backend: "wasm",
      adapter: "test",
      cpu: "test cpu",
      cores: 2,
      memoryBytes: 0,
      os: "test",
      seed: 1,
      profile: "quick",
      suites: [...new Set(cases.map((c) => c.suite))],
      shard: null,
      startedAt: "2026-01-01T00:00:00.000Z",
      endedAt: "2026-01-01T00:01:00.000Z",
      durationSeconds: 60,
      calibration: { name: "test-cal", samplesSeconds: [0.1, 0.1, 0.1, 0.1, 0.1] },
      ...meta,
    },
    cases,
    summaries: {},
  };
}

/** An ok case of suite `s` with `metrics`. */
export function okCase(name: string, metrics: Record<string, JsonValue>, suite = "s"): CaseResult {
  return { suite, name, params: { name }, status: "ok", metrics, seconds: 1 };
}

/** `n` timings around `center` with multiplicative noise of relative size `noise`, seeded. */
export function noisySamples(center: number, n: number, noise: number, key: string): number[] {
  const rng = Rng.stream(7, key);
  return Array.from({ length: n }, () => center * (1 + noise * (rng.uniform() - 0.5)));
}
