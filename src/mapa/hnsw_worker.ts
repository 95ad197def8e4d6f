/**
 * Worker side of the HNSW queries (src/mapa/hnsw.ts): loads the saved shards,
 * claims blocks of rows from a shared atomic counter and forms them into the
 * shared row arrays.
 *
 * @module
 */

import {
  extraLogqArray,
  type HnswIndex,
  loadHnswlib,
  releaseIndex,
  REST_BLOCK,
  type RowArrays,
  RowFormer,
  type RowParams,
} from "./hnsw_query.ts";
import type { RestCells } from "./rest_cells.ts";
import { shardedSearch } from "./hnsw_shards.ts";
import { type RowsReply, serveRowsJob } from "./worker_serve.ts";

/** The one message an HNSW query worker receives. */
export interface HnswJob {
  /** The shards saved by the build Workers (src/mapa/hnsw_shards.ts), in shard order. */
  indexPaths: string[];
  /** Shared N x D data. */
  data: SharedArrayBuffer;
  n: number;
  d: number;
  /** Query beam. */
  ef: number;
  params: RowParams;
  /** The shared row arrays' buffers, by array name. */
  buffers: Record<keyof RowArrays, SharedArrayBuffer>;
  /** Shared Int32 counter: the next unclaimed block. */
  counter: SharedArrayBuffer;
  /** Only the k'-NN searches, no rows formed (the like-for-like timing against other bindings). */
  knnOnly?: boolean;
  /** The data's cells when the rest is proposed by cells (copied to each Worker). */
  cells?: RestCells;
}

/** What a query worker posts: rows done per block, then `done`. */
export type HnswReply = RowsReply;

serveRowsJob<HnswJob>(async (job, progress) => {
  const HNSW = await loadHnswlib();
  const shards: HnswIndex[] = [];
  try {
    for (const path of job.indexPaths) {
      const index = new HNSW("l2", job.d);
      shards.push(index);
      index.readIndexSync(path);
      index.setEf(Math.max(job.ef, job.params.kPrime));
    }
    const search = shardedSearch(shards);
    const b = job.buffers;
    const out: RowArrays = {
      neighbors: new Int32Array(b.neighbors),
      logq: new Float64Array(b.logq),
      logNormalizer: new Float64Array(b.logNormalizer),
      logNormalizerSe: new Float64Array(b.logNormalizerSe),
      logRestSum: new Float64Array(b.logRestSum),
      extraNeighbors: new Int32Array(b.extraNeighbors),
      extraLogq: extraLogqArray(b.extraLogq, job.params),
      boundFrac: new Float64Array(b.boundFrac),
      sampledFrac: new Float64Array(b.sampledFrac),
      draws: new Int32Array(b.draws),
    };
    const x = { rows: job.n, cols: job.d, data: new Float64Array(job.data) };
    const former = new RowFormer(x, search, {
      params: job.params,
      out,
      cells: job.cells,
    });
    const counter = new Int32Array(job.counter);
    const blocks = RowFormer.blocks(job.n);
    const point = new Array<number>(job.d);
    for (;;) {
      const block = Atomics.add(counter, 0, 1);
      if (block >= blocks) break;
      if (job.knnOnly) {
        const from = block * REST_BLOCK, to = Math.min(job.n, from + REST_BLOCK);
        for (let i = from; i < to; i++) {
          for (let t = 0; t < job.d; t++) point[t] = x.data[i * job.d + t];
          search(point, job.params.kPrime);
        }
        progress(to - from);
      } else progress(former.block(block));
    }
  } finally {
    for (const index of shards) releaseIndex(index);
  }
});
