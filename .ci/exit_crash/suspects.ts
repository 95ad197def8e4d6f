/**
 * Loop reproducer for the other suspects of the crash at exit: one short process
 * that loads the parts named by its arguments, does a little work with each and
 * exits (naturally, or by `Deno.exit` with `exit`).
 *
 *   hnsw     hnswlib-node (N-API addon): build an index, query it
 *   workers  exactRows on 2 Workers (src/mapa/exact/mod.ts), terminated when done
 *   wasm     initBackend("wasm") (tfjs-wasm)
 *   auto     initBackend("auto")
 *   gpu      navigator.gpu.requestAdapter() on the main thread (`device`: also a device)
 *
 *   .ci/exit_crash/loop.sh 100 run .ci/exit_crash/suspects.ts hnsw workers auto wasm
 *
 * Counts measured with this script and its earlier one-suspect versions are in
 * README.md: none of these crashed when run on the main thread.
 *
 * @module
 */

import { exactRows } from "../../src/mapa/exact/mod.ts";
import { hnswRowsWithStats } from "../../src/mapa/hnsw.ts";
import { randomData } from "../../src/mapa/test_util.ts";

const parts = new Set(Deno.args);
const x = randomData(200, 3, 1);
if (parts.has("gpu")) {
  const adapter = await navigator.gpu?.requestAdapter();
  if (!adapter) throw new Error("navigator.gpu offers no adapter here");
  if (parts.has("device")) await adapter.requestDevice();
}
if (parts.has("wasm") || parts.has("auto")) {
  const { initBackend } = await import("../../src/backend.ts");
  if (parts.has("auto")) await initBackend("auto");
  if (parts.has("wasm")) await initBackend("wasm");
}
if (parts.has("workers")) await exactRows(x, { k: 5, sigma2: 0.1, workers: 2 });
if (parts.has("hnsw")) {
  await hnswRowsWithStats(x, { k: 5, sigma2: 0.1, restDraws: 256, restDrawsMin: 256 });
}
if (parts.has("exit")) Deno.exit(0);
