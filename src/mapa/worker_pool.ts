/**
 * One Worker per job, for the row builders that split their work over
 * cores (exact rows, the HNSW shards' build and queries), started per call
 * or taken from a {@linkcode WorkerPool} the caller keeps across calls.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Module Workers kept between calls, so that a caller making many calls
 * (a benchmark's rounds) pays a Worker's start and module loading (about
 * 0.05-0.1 s per call on a 2-core machine) once. A pooled Worker keeps its
 * loaded modules (the exact rows' compiled WebAssembly; each job makes its
 * own instance and memory, so results do not depend on the pool) and, until
 * its garbage collector runs, the last job's memory; an idle Worker keeps
 * the process alive: close the pool when done (`using pool = new
 * WorkerPool()` does). Every Worker script that `runWorkers` starts waits
 * for the next job after `"done"`; the caller ends it. A Worker that fails
 * while idle is dropped from the pool.
 */
export class WorkerPool {
  #idle = new Map<string, Worker[]>();
  #closed = false;

  /** An idle Worker of `url`, or a new one. */
  take(url: URL): Worker {
    if (this.#closed) throw new Error("WorkerPool used after close()");
    return this.#idle.get(url.href)?.pop() ?? new Worker(url, { type: "module" });
  }

  /** Keeps `worker` (of `url`, done with its job) for the next call; ends it once closed. */
  give(url: URL, worker: Worker): void {
    if (this.#closed) {
      worker.terminate();
      return;
    }
    worker.onmessage = null;
    const list = this.#idle.get(url.href) ?? [];
    // A Worker that fails while idle (an uncaught error in a timer it left) is dropped: unhandled,
    // its error would end this process, and a later job posted to it would wait for ever.
    worker.onerror = (e) => {
      e.preventDefault();
      const at = list.indexOf(worker);
      if (at >= 0) list.splice(at, 1);
      worker.terminate();
    };
    list.push(worker);
    this.#idle.set(url.href, list);
  }

  /** Idle Workers held, over all scripts. */
  get idle(): number {
    let n = 0;
    for (const list of this.#idle.values()) n += list.length;
    return n;
  }

  /** Ends every idle Worker; Workers still running a job end when they finish. */
  close(): void {
    this.#closed = true;
    for (const list of this.#idle.values()) for (const w of list) w.terminate();
    this.#idle.clear();
  }

  /** {@linkcode WorkerPool.close}, for `using`. */
  [Symbol.dispose](): void {
    this.close();
  }
}

/**
 * Runs one module Worker of `url` per job; `onReply` sees each message,
 * `"done"` ends a worker (or returns it to `pool`) and `"error"` (with
 * `message`) rejects, naming `what`; an error the worker marks
 * `input: true` stays an InputError. A Worker that failed is never pooled.
 */
export function runWorkers<J, R extends { type: string }>(
  url: URL,
  jobs: J[],
  options: { what: string; onReply: (r: R) => void; pool?: WorkerPool },
): Promise<void> {
  // Workers still on a job; one that finished may already be back in the pool.
  const running = new Set<Worker>();
  const pool = options.pool;
  const all = Promise.all(jobs.map((job) => {
    const w = pool ? pool.take(url) : new Worker(url, { type: "module" });
    running.add(w);
    const end = () => {
      running.delete(w);
      w.terminate();
    };
    return new Promise<void>((resolve, reject) => {
      w.onmessage = (e: MessageEvent<R>) => {
        const r = e.data;
        if (r.type === "error") {
          end();
          const e = r as { message?: string; input?: boolean };
          reject(
            e.input
              ? new InputError(e.message ?? "bad input")
              : new Error(`${options.what} worker failed: ${e.message}`),
          );
          return;
        }
        try {
          options.onReply(r);
        } catch (err) {
          // A caller's handler that throws fails the call rather than leaving it waiting.
          end();
          reject(err);
          return;
        }
        if (r.type === "done") {
          running.delete(w);
          if (pool) pool.give(url, w);
          else w.terminate();
          resolve();
        }
      };
      w.onerror = (e) => {
        e.preventDefault();
        end();
        reject(new Error(`${options.what} worker failed: ${e.message}`));
      };
      w.postMessage(job);
    });
  }));
  // On the first failure the others stop too: they would go on writing shared arrays (and
  // reading files) the caller is about to drop.
  return all.then(() => {}, (e) => {
    for (const w of running) w.terminate();
    running.clear();
    throw e;
  });
}
