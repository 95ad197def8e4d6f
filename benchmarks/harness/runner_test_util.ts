/**
 * Test helper: runner options for tests, with a fixed environment, a stub
 * chart.js, no progress output and no calibration.
 *
 * @module
 */

import type { RunOptions } from "./runner.ts";
import type { CaseContext } from "./suite.ts";
import { Rng } from "../../src/rng.ts";

/** Quiet, machine-independent runner options for tests. */
export const QUIET_RUN: RunOptions = {
  environment: {
    commit: "test",
    deno: "0",
    v8: "0",
    typescript: "0",
    tfjs: "0",
    hnswlibNode: "0",
    chartJs: "0",
    cpu: "test cpu",
    cores: 1,
    memoryBytes: 0,
    os: "test",
  },
  chartJs: "window.Chart = function () {};",
  progress: { write: () => {}, isTty: false },
  calibrate: false,
};

/** A case context for running one suite case directly in a test (quick profile, wasm, no output). */
export function fakeContext(seed = 3): CaseContext {
  return {
    seed,
    profile: "quick",
    backend: "wasm",
    rng: (key) => Rng.stream(seed, key),
    progress: () => {},
    log: () => {},
    signal: new AbortController().signal,
    reportBackend: () => {},
  };
}
