/**
 * Worker side of gpu_worker_exit.ts: requests the adapter (skipped with
 * `NO_ADAPTER=1`, the control) and says so.
 *
 * @module
 */

const adapter = Deno.env.get("NO_ADAPTER") ? {} : await navigator.gpu?.requestAdapter();
(self as unknown as Worker).postMessage(adapter ? "ready" : "none");
