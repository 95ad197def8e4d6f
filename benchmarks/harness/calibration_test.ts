import assert from "node:assert/strict";
import { CALIBRATION_NAME, calibrationWorkload, measureCalibration } from "./calibration.ts";
import { runBenchmarks } from "./runner.ts";
import type { Suite } from "./suite.ts";

Deno.test("the calibration workload is fixed and timed repeatedly", () => {
  assert.equal(calibrationWorkload(), calibrationWorkload());
  const cal = measureCalibration(3);
  assert.equal(cal.name, CALIBRATION_NAME);
  assert.equal(cal.samplesSeconds.length, 3);
  assert.ok(cal.samplesSeconds.every((s) => s > 0 && Number.isFinite(s)));
});

Deno.test("runBenchmarks records calibration in meta and on each case, per session", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "calibration_test_" });
  try {
    const suite = (names: string[]): Suite => ({
      name: "s",
      description: "s",
      cases: () => names.map((name) => ({ suite: "s", name, params: {} })),
      run: () => Promise.resolve({ v: 1 }),
    });
    const opts = { chartJs: "", progress: { write: () => {}, isTty: false } };
    const r = await runBenchmarks([suite(["a"])], dir, opts);
    assert.equal(r.results.meta.calibration?.name, CALIBRATION_NAME);
    assert.equal(r.results.meta.calibration?.samplesSeconds.length, 7);
    assert.ok(r.results.cases[0].calibrationSeconds! > 0);
    // A resumed session adds its own timings and stamps its own cases.
    const more = await runBenchmarks([suite(["a", "b"])], dir, { ...opts, resume: true });
    assert.equal(more.results.meta.calibration?.samplesSeconds.length, 14);
    assert.ok(more.results.cases[1].calibrationSeconds! > 0);
    // Nothing to run: no calibration spent.
    const none = await runBenchmarks([suite(["a", "b"])], dir, { ...opts, resume: true });
    assert.equal(none.results.meta.calibration?.samplesSeconds.length, 14);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
