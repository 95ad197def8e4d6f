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
  await t.step("unknown names are a one-line InputError", async () => {
    await assert.rejects(() => initBackend("gpu"), InputError);
  });
});
