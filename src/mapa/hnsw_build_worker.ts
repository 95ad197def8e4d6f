/**
 * Worker side of the sharded HNSW build (src/mapa/hnsw_shards.ts): builds
 * the shards it is given, each from its own range of the shared data, and
 * saves each to `${dir}/shard-${s}.bin` for the query Workers to load.
 *
 * @module
 */

import { loadHnswlib, releaseIndex } from "./hnsw_query.ts";
import { buildShard, shardPath, type ShardSettings } from "./hnsw_shards.ts";
import { type RowsReply, serveRowsJob } from "./worker_serve.ts";

/** The one message a build Worker receives. */
export interface HnswBuildJob {
  /** Shared N x D data. */
  data: SharedArrayBuffer;
  /** Rows N. */
  n: number;
  /** Columns D. */
  d: number;
  /** Shards in all. */
  shards: number;
  /** The shards this Worker builds, in order. */
  mine: number[];
  /** Index settings. */
  settings: ShardSettings;
  /** Where the shards are saved ({@linkcode shardPath}). */
  dir: string;
}

/** What a build Worker posts: rows added, then `done`. */
export type HnswBuildReply = RowsReply;

serveRowsJob<HnswBuildJob>(async (job, progress) => {
  const HNSW = await loadHnswlib();
  const x = { rows: job.n, cols: job.d, data: new Float64Array(job.data) };
  for (const s of job.mine) {
    const index = buildShard(HNSW, x, {
      ...job.settings,
      shard: s,
      shards: job.shards,
      onRows: progress,
    });
    try {
      index.writeIndexSync(shardPath(job.dir, s));
    } finally {
      releaseIndex(index);
    }
  }
});
