/**
 * One Worker per job, for the row builders that split their work over
 * cores (exact rows, the HNSW shards' build and queries).
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Runs one module Worker of `url` per job; `onReply` sees each message,
 * `"done"` ends a worker and `"error"` (with `message`) rejects, naming
 * `what`; an error the worker marks `input: true` stays an InputError.
 */
export function runWorkers<J, R extends { type: string }>(
  url: URL,
  jobs: J[],
  options: { what: string; onReply: (r: R) => void },
): Promise<void> {
  const workers: Worker[] = [];
  const all = Promise.all(jobs.map((job) => {
    const w = new Worker(url, { type: "module" });
    workers.push(w);
    return new Promise<void>((resolve, reject) => {
      w.onmessage = (e: MessageEvent<R>) => {
        const r = e.data;
        if (r.type === "error") {
          w.terminate();
          const e = r as { message?: string; input?: boolean };
          reject(
            e.input
              ? new InputError(e.message ?? "bad input")
              : new Error(`${options.what} worker failed: ${e.message}`),
          );
          return;
        }
        options.onReply(r);
        if (r.type === "done") {
          w.terminate();
          resolve();
        }
      };
      w.onerror = (e) => {
        e.preventDefault();
        w.terminate();
        reject(new Error(`${options.what} worker failed: ${e.message}`));
      };
      w.postMessage(job);
    });
  }));
  // On the first failure the others stop too: they would go on writing shared arrays (and
  // reading files) the caller is about to drop.
  return all.then(() => {}, (e) => {
    for (const w of workers) w.terminate();
    throw e;
  });
}
