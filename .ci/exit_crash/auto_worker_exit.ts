/**
 * Reproducer through the project's own code: `initBackend("auto")` on a Worker
 * thread (each `deno test` file also runs off the main thread), then the process
 * exits while that Worker is torn down.
 *
 *   .ci/exit_crash/loop.sh 60 run .ci/exit_crash/auto_worker_exit.ts
 *
 * Measured (Deno 2.9.6, llvmpipe, 2 shared cores): 3 crashes (SIGSEGV) in 60 runs
 * when initBackend probed the adapter in its own process; 0 in 60 once it probes in
 * a child process (src/backend.ts).
 *
 * @module
 */

const w = new Worker(new URL("./auto_worker_exit_child.ts", import.meta.url), { type: "module" });
const backend = await new Promise((resolve) => (w.onmessage = (e) => resolve(e.data)));
if (backend !== "wasm" && backend !== "webgpu") throw new Error(`unexpected backend ${backend}`);
w.terminate();
Deno.exit(0);
