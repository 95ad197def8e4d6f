/**
 * Reproducer: the WebGPU adapter requested on a Worker thread, then the process
 * exits while that Worker is torn down. On a machine without a GPU the adapter is
 * Mesa's llvmpipe behind EGL; tearing it down off the main thread while the process
 * exits crashes it (SIGSEGV in an exit handler, or a glibc heap message and SIGABRT).
 *
 *   .ci/exit_crash/loop.sh 100 run .ci/exit_crash/gpu_worker_exit.ts
 *
 * Measured (Deno 2.9.6, llvmpipe (LLVM 15.0.6), 2 shared cores): 25 and 14 crashes in
 * 100 and 60 runs; 0 in 60 when the main thread waits 500 ms before exiting (argument
 * `500`); 0 in 100 with `NO_ADAPTER=1` (the same Worker without the adapter).
 *
 * @module
 */

const w = new Worker(new URL("./gpu_worker_exit_child.ts", import.meta.url), { type: "module" });
const msg = await new Promise((resolve) => (w.onmessage = (e) => resolve(e.data)));
if (msg !== "ready") throw new Error("navigator.gpu offers no adapter here");
w.terminate();
const waitMs = Number(Deno.args[0] ?? 0);
const start = performance.now();
while (performance.now() - start < waitMs) {
  // Busy-wait, so no event-loop turn lets the Worker's teardown finish any sooner.
}
Deno.exit(0);
