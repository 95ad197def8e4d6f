import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "./backend.ts";
import { InputError } from "./errors.ts";

Deno.test("initBackend", async (t) => {
  await t.step("forced wasm and cpu", async () => {
    assert.equal((await initBackend("cpu")).backend, "cpu");
    assert.equal(tf.getBackend(), "cpu");
    const info = await initBackend("wasm");
    assert.equal(info.backend, "wasm");
    assert.equal(tf.getBackend(), "wasm");
  });
  await t.step("auto takes WebGPU only for a real adapter", async () => {
    const info = await initBackend("auto");
    if (info.backend === "webgpu") assert.equal(info.fallbackAdapter, false);
    else assert.equal(info.backend, "wasm");
    assert.ok(info.adapter.length > 0);
    await initBackend("wasm");
  });
  await t.step(
    "a fallback or missing adapter keeps the GPU driver out of this process",
    async () => {
      const info = await initBackend("auto");
      await initBackend("wasm");
      // A real GPU needs its driver here; elsewhere only Linux shows what is loaded.
      if (info.backend === "webgpu" || Deno.build.os !== "linux") return;
      const loaded = new Set(
        Deno.readTextFileSync("/proc/self/maps").split("\n")
          .map((line) => line.split(/\s+/)[5] ?? "")
          .filter((path) => /\/lib(EGL|GLX|vulkan|LLVM)[^/]*\.so|_dri\.so/.test(path)),
      );
      // Loaded once, llvmpipe stays until exit and can crash it (.ci/exit_crash/README.md).
      assert.deepEqual([...loaded], []);
    },
  );
  await t.step("unknown names are a one-line InputError", async () => {
    await assert.rejects(() => initBackend("gpu"), InputError);
  });
});
