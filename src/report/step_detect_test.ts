import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { detectSteps, noiseScale, runningMedian3 } from "./step_detect.ts";

Deno.test("detectSteps: a constant or empty series has no step", () => {
  assert.deepEqual(detectSteps([]), { segments: [], steps: [] });
  assert.deepEqual(detectSteps([5, 5, 5, 5]).steps, []);
  assert.deepEqual(detectSteps([5]).segments, [{ start: 0, end: 1, level: 5 }]);
});

Deno.test("detectSteps: a deterministic metric steps on any real change, not on round-off", () => {
  const v = [1200, 1200, 1200, 1250, 1250, 1250];
  assert.deepEqual(detectSteps(v).steps, [{ index: 3, from: 1200, to: 1250 }]);
  assert.deepEqual(detectSteps([0.5, 0.5 + 1e-13, 0.5, 0.5 - 1e-13]).steps, []);
  // Large constants: sums of squares must not cancel into spurious steps.
  assert.deepEqual(detectSteps(Array(8).fill(3e6)).steps, []);
  assert.deepEqual(detectSteps(Array(8).fill(-0.5672927446102269)).steps, []);
  assert.deepEqual(detectSteps(Array(8).fill(1136.25)).steps, []);
});

Deno.test("detectSteps: a 2x shift in noisy timings is found, the noise alone is not", () => {
  const rng = Rng.stream(3, "steps");
  const noisy = (c: number) => c * (1 + 0.1 * (rng.uniform() - 0.5));
  const flat = Array.from({ length: 30 }, () => noisy(1));
  assert.deepEqual(detectSteps(flat).steps, []);
  const shifted = [
    ...Array.from({ length: 15 }, () => noisy(1)),
    ...Array.from({ length: 15 }, () => noisy(2)),
  ];
  const { steps, segments } = detectSteps(shifted);
  assert.equal(steps.length, 1);
  assert.equal(steps[0].index, 15);
  assert.ok(Math.abs(steps[0].to / steps[0].from - 2) < 0.1);
  assert.equal(segments.length, 2);
});

Deno.test("detectSteps: one odd run is an outlier until the next confirms it (despike)", () => {
  const base = [1, 1.05, 0.97, 1.02, 0.99, 1.03, 0.98, 1.01];
  assert.deepEqual(detectSteps([...base, 3, ...base]).steps, []);
  assert.deepEqual(detectSteps([...base, 3]).steps, []);
  assert.deepEqual(detectSteps([...base, 3, 3.1]).steps.map((s) => s.index), [8]);
  assert.deepEqual(detectSteps([...base, 3], { despike: false }).steps.map((s) => s.index), [8]);
  // Values at or below zero are fitted as they are.
  assert.deepEqual(detectSteps([-1, -1, -1, -2, -2, -2]).steps.map((s) => s.index), [3]);
});

Deno.test("runningMedian3 removes one-run spikes and keeps two-run shifts", () => {
  assert.deepEqual(runningMedian3([1, 1, 9, 1, 1]), [1, 1, 1, 1, 1]);
  assert.deepEqual(runningMedian3([1, 1, 1, 9, 9]), [1, 1, 1, 9, 9]);
  assert.deepEqual(runningMedian3([1, 1, 1, 1, 9]), [1, 1, 1, 1, 1]);
  assert.deepEqual(runningMedian3([2, 1]), [2, 1]);
});

Deno.test("noiseScale reads neighbour differences, not the level", () => {
  assert.equal(noiseScale([3]), 0);
  assert.equal(noiseScale([1, 1, 1, 100, 100, 100]), 0);
});
