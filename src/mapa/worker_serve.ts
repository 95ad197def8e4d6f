/**
 * The Worker side of `runWorkers` (worker_pool.ts) for Workers that count rows
 * (the HNSW build and queries): per job, progress in rows, then `done`, or
 * the error, an InputError marked so the caller keeps its kind.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** What such a Worker posts: rows done, then `done`; or an error. */
export type RowsReply =
  | { type: "progress"; rows: number }
  | { type: "done" }
  | { type: "error"; message: string; input: boolean };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent) => void) | null;
  postMessage(m: RowsReply): void;
};

/**
 * Serves each job this Worker receives with `work`, which reports rows
 * through `progress`; posts `done` or the error. The Worker waits for the
 * next job: its caller ends it (or keeps it in a `WorkerPool`).
 */
export function serveRowsJob<J>(
  work: (job: J, progress: (rows: number) => void) => Promise<void>,
): void {
  scope.onmessage = async (e: MessageEvent<J>) => {
    try {
      await work(e.data, (rows) => scope.postMessage({ type: "progress", rows }));
      scope.postMessage({ type: "done" });
    } catch (err) {
      scope.postMessage({
        type: "error",
        message: (err as Error).message,
        input: err instanceof InputError,
      });
    }
  };
}
