/**
 * Worker side of the symmetric pass (_pair_tiles.ts): takes tiles from a
 * shared atomic counter and accumulates into its own shared partial, which
 * the main thread merges once every worker is done. It waits for the next
 * job after `"done"` (a `WorkerPool`, worker_pool.ts, keeps it); the
 * caller ends it.
 *
 * @module
 */

import { makePartial, PairScan } from "./_pair_tiles.ts";

/** The message a pair worker receives, once per job. */
export interface PairJob {
  /** Shared N x D data. */
  data: SharedArrayBuffer;
  /** This worker's partial (see `makePartial`). */
  sums: SharedArrayBuffer;
  heapD: SharedArrayBuffer;
  heapI: SharedArrayBuffer;
  /** Shared Int32 counter: the next unclaimed tile. */
  counter: SharedArrayBuffer;
  n: number;
  d: number;
  k: number;
  scale: number;
  block: number;
  /** Whether the data take the bit-packed path (weighed once, by the caller). */
  bits: boolean;
}

/** What a pair worker posts: pairs done now and then, then a final `done`. */
export type PairReply =
  | { type: "progress"; pairs: number }
  | { type: "done" }
  | { type: "error"; message: string };

/** Pairs between progress messages: ~tens of ms of work. */
const REPORT_PAIRS = 1 << 22;

const scope = self as unknown as {
  onmessage: ((e: MessageEvent<PairJob>) => void) | null;
  postMessage(m: PairReply): void;
};

scope.onmessage = (e: MessageEvent<PairJob>) => {
  const job = e.data;
  try {
    const partial = makePartial(job.n, job.k, job);
    const scan = new PairScan(new Float64Array(job.data), job, partial);
    const counter = new Int32Array(job.counter);
    const tiles = scan.tiles;
    let pending = 0;
    for (;;) {
      const t = Atomics.add(counter, 0, 1);
      if (t >= tiles) break;
      pending += scan.tile(t);
      if (pending >= REPORT_PAIRS) {
        scope.postMessage({ type: "progress", pairs: pending });
        pending = 0;
      }
    }
    scan.finish();
    if (pending > 0) scope.postMessage({ type: "progress", pairs: pending });
    scope.postMessage({ type: "done" });
  } catch (err) {
    scope.postMessage({ type: "error", message: (err as Error).message });
  }
};
