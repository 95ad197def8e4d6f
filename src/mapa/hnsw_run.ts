/**
 * Running HNSW work on Workers: the shards built side by side
 * (src/mapa/hnsw_build_worker.ts) and saved to a temporary directory, then
 * the rows formed (or only the k'-NN searched) by Workers that each load
 * every shard (src/mapa/hnsw_worker.ts).
 *
 * @module
 */

import type { Matrix } from "../types.ts";
import type { RestCells } from "./rest_cells.ts";
import type { RowArrays, RowParams } from "./hnsw_query.ts";
import { shardPath, type ShardSettings } from "./hnsw_shards.ts";
import type { HnswBuildJob, HnswBuildReply } from "./hnsw_build_worker.ts";
import type { HnswJob, HnswReply } from "./hnsw_worker.ts";
import { runWorkers } from "./worker_pool.ts";

/**
 * Builds the `shards` shards of `x` on min(`workers`, `shards`) Workers
 * (Worker w builds shards w, w + W, ...) and saves them in `dir`; returns
 * their paths in shard order. `data` is `x.data` already in shared memory.
 */
export async function buildShardFiles(
  x: Matrix,
  options: ShardSettings & {
    shards: number;
    workers: number;
    dir: string;
    data: SharedArrayBuffer;
    onRows?: (rows: number) => void;
  },
): Promise<string[]> {
  const { shards, dir } = options;
  const w = Math.max(1, Math.min(options.workers, shards));
  const settings = { m: options.m, efConstruction: options.efConstruction, seed: options.seed };
  const jobs: HnswBuildJob[] = Array.from({ length: w }, (_, i) => ({
    data: options.data,
    n: x.rows,
    d: x.cols,
    shards,
    mine: Array.from({ length: shards }, (_, s) => s).filter((s) => s % w === i),
    settings,
    dir,
  }));
  await runWorkers<HnswBuildJob, HnswBuildReply>(
    new URL("./hnsw_build_worker.ts", import.meta.url),
    jobs,
    {
      what: "HNSW build",
      onReply: (r) => {
        if (r.type === "progress") options.onRows?.(r.rows);
      },
    },
  );
  return Array.from({ length: shards }, (_, s) => shardPath(dir, s));
}

/**
 * Starts `workers` Workers that each load the saved shards at `indexPaths`
 * and form blocks of rows into the shared `out` (or only search, `knnOnly`).
 */
export async function queryInWorkers(
  indexPaths: string[],
  x: Matrix,
  opts: {
    data: SharedArrayBuffer;
    params: RowParams;
    ef: number;
    workers: number;
    out: RowArrays;
    progress: (fraction: number, label: string) => void;
    knnOnly?: boolean;
    cells?: RestCells;
  },
): Promise<void> {
  const buffers = Object.fromEntries(
    Object.entries(opts.out).map(([name, a]) => [name, (a as Int32Array).buffer]),
  ) as Record<keyof RowArrays, SharedArrayBuffer>;
  const job: HnswJob = {
    indexPaths,
    data: opts.data,
    n: x.rows,
    d: x.cols,
    ef: opts.ef,
    params: opts.params,
    buffers,
    counter: new SharedArrayBuffer(4),
    knnOnly: opts.knnOnly,
    cells: opts.cells,
  };
  let done = 0;
  await runWorkers<HnswJob, HnswReply>(
    new URL("./hnsw_worker.ts", import.meta.url),
    Array.from({ length: opts.workers }, () => job),
    {
      what: "HNSW query",
      onReply: (r) => {
        if (r.type !== "progress") return;
        done += r.rows;
        opts.progress(done / x.rows, "query");
      },
    },
  );
}

/** `x.data` copied into shared memory, for Workers. */
export function sharedData(x: Matrix): SharedArrayBuffer {
  const data = new SharedArrayBuffer(Math.max(8, x.data.byteLength));
  new Float64Array(data).set(x.data);
  return data;
}

/**
 * Runs `work` with a fresh temporary directory for saved shards, removed
 * afterwards whatever happens: the shards of a large N are hundreds of MB.
 * A process that ends by `Deno.exit` mid-build (the bench's second Ctrl-C,
 * the mapa CLI's Ctrl-C) removes it on `unload`; one killed by a signal
 * it does not handle cannot.
 */
export async function withShardDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await Deno.makeTempDir({ prefix: "mapa-hnsw-" });
  const onExit = () => {
    try {
      Deno.removeSync(dir, { recursive: true });
    } catch {
      // Exiting anyway: nothing left to report it to.
    }
  };
  globalThis.addEventListener("unload", onExit);
  let result: T;
  try {
    result = await work(dir);
  } catch (e) {
    try {
      await Deno.remove(dir, { recursive: true });
      globalThis.removeEventListener("unload", onExit);
    } catch (removal) {
      // A Worker stopped inside a native save or load may still hold a file. The work's own
      // error is the one to throw; the leftover is named, and exit tries again.
      console.error(
        `warning: could not remove the HNSW shards at ${dir} (${(removal as Error).message})`,
      );
    }
    throw e;
  }
  globalThis.removeEventListener("unload", onExit);
  await Deno.remove(dir, { recursive: true });
  return result;
}
