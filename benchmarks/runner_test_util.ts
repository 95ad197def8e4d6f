/**
 * Test helper: runner options for tests, with a fixed environment, a stub
 * chart.js, no progress output and no calibration.
 *
 * @module
 */

import type { RunOptions } from "./runner.ts";

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
