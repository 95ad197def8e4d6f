/**
 * The calibration workload: a fixed, CPU-bound, plain-TypeScript job timed a
 * few times at the start of every run session. Compare divides each case's
 * times by the session's calibration median, so a baseline made on one
 * machine stays comparable with a run on a faster or slower one (the idea of
 * asv's machine-normalised timings).
 *
 * @module
 */

import type { Calibration } from "../../src/report/results.ts";

/**
 * Name and version of {@linkcode calibrationWorkload}; change the version when
 * the workload changes, since old and new timings are then not comparable.
 */
export const CALIBRATION_NAME = "matmul200+exp-v1";

/**
 * One run of the workload: a 200x200 dense matrix product on Float64Arrays
 * (memory and multiply-add, like the exact MAPA rows) and a loop of exp/log
 * (like the kernels and log-sum-exps). Returns a checksum so the JIT cannot
 * drop the work.
 */
export function calibrationWorkload(): number {
  const n = 200;
  const a = new Float64Array(n * n);
  const b = new Float64Array(n * n);
  const c = new Float64Array(n * n);
  let state = 12345;
  for (let i = 0; i < n * n; i++) {
    // A fixed LCG, not src/rng.ts: the input must be the same in every version of the project.
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    a[i] = state / 4294967296 - 0.5;
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    b[i] = state / 4294967296 - 0.5;
  }
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k];
      for (let j = 0; j < n; j++) c[i * n + j] += aik * b[k * n + j];
    }
  }
  let sum = 0;
  for (let i = 0; i < 600_000; i++) sum += Math.log1p(Math.exp(-((i % 1000) / 100)));
  for (let i = 0; i < n * n; i += 97) sum += c[i];
  return sum;
}

/**
 * Times {@linkcode calibrationWorkload} `repeats` times (default 7) after one
 * untimed warm-up run that lets the JIT compile it.
 */
export function measureCalibration(repeats = 7): Calibration {
  let sink = calibrationWorkload();
  const samplesSeconds: number[] = [];
  for (let r = 0; r < repeats; r++) {
    const t0 = performance.now();
    sink += calibrationWorkload();
    samplesSeconds.push((performance.now() - t0) / 1000);
  }
  if (!Number.isFinite(sink)) throw new Error("calibration workload lost its checksum");
  return { name: CALIBRATION_NAME, samplesSeconds };
}
