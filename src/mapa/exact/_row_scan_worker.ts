/**
 * Worker side of {@linkcode exactRows}: takes chunks of query rows from a
 * shared atomic counter and writes their rows into shared buffers. It
 * waits for the next job after `"done"` (a `WorkerPool`, worker_pool.ts,
 * keeps it); the caller ends it.
 *
 * @module
 */

import { type CutoffMode, ExactCore } from "./_row_scan.ts";

/** The message a worker receives, once per job. */
export interface ExactJob {
  /** Shared N x D data. */
  data: SharedArrayBuffer;
  /** Shared query indices, or null for all rows. */
  queries: SharedArrayBuffer | null;
  /** Output buffers (Int32 neighbours, Float64 logq, sqdist, logNormalizer). */
  neighbors: SharedArrayBuffer;
  logq: SharedArrayBuffer;
  sqdist: SharedArrayBuffer;
  logNormalizer: SharedArrayBuffer;
  /** Shared Int32 counter: the next unclaimed query slot. */
  counter: SharedArrayBuffer;
  n: number;
  d: number;
  k: number;
  scale: number;
  nQueries: number;
  chunk: number;
  cutoff: CutoffMode;
  /** Block size of the kernel sums. */
  block: number;
}

/** What a worker posts: progress after each chunk, then a final `done`. */
export type ExactReply =
  | { type: "progress"; rows: number }
  | { type: "done"; fallbackRows: number; usesGrid: boolean }
  | { type: "error"; message: string };

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<ExactJob>) => void) | null;
  postMessage(m: ExactReply): void;
};

scope.onmessage = (e: MessageEvent<ExactJob>) => {
  const job = e.data;
  try {
    const core = new ExactCore({
      data: new Float64Array(job.data),
      n: job.n,
      d: job.d,
      k: job.k,
      scale: job.scale,
      queries: job.queries === null ? null : new Int32Array(job.queries),
      block: job.block,
    }, job.cutoff);
    const out = {
      neighbors: new Int32Array(job.neighbors),
      logq: new Float64Array(job.logq),
      sqdist: new Float64Array(job.sqdist),
      logNormalizer: new Float64Array(job.logNormalizer),
    };
    const counter = new Int32Array(job.counter);
    for (;;) {
      const from = Atomics.add(counter, 0, job.chunk);
      if (from >= job.nQueries) break;
      const to = Math.min(job.nQueries, from + job.chunk);
      core.run(from, to, out);
      scope.postMessage({ type: "progress", rows: to - from });
    }
    scope.postMessage({ type: "done", fallbackRows: core.fallbackRows, usesGrid: core.usesGrid });
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message });
  }
};
