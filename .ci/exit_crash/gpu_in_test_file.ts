/**
 * Reproducer in the shape of the test suite: one `deno test` file (run off the main
 * thread, torn down before the runner exits) that loads tfjs-wasm and requests the
 * WebGPU adapter in the test process, as src/backend_test.ts did through
 * `initBackend("auto")` before the adapter probe moved to a child process. Named
 * without `_test` so that the suite does not pick it up.
 *
 *   .ci/exit_crash/loop.sh 100 test .ci/exit_crash/gpu_in_test_file.ts
 *
 * `NO_ADAPTER=1` skips the adapter (the control).
 *
 * Counts are in .ci/exit_crash/README.md.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";

Deno.test("tfjs-wasm and a WebGPU adapter in the test process", async () => {
  await tf.setBackend("wasm");
  await tf.ready();
  if (!Deno.env.get("NO_ADAPTER")) {
    const adapter = await navigator.gpu?.requestAdapter();
    if (!adapter) throw new Error("navigator.gpu offers no adapter here");
  }
  const s = tf.tidy(() => tf.ones([64, 64]).matMul(tf.ones([64, 64])).sum());
  const v = (await s.data())[0];
  s.dispose();
  if (v !== 64 ** 3) throw new Error(`sum ${v}`);
});
