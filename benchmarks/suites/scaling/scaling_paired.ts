/**
 * The scaling suite's peer comparisons, paired: each side is timed in
 * alternating rounds, so load on a shared machine falls on both sides of a
 * round, and the median of the rounds' ratios is the paired figure.
 *
 * - The faiss case: exact MAPA rows of the case's data against faiss
 *   IndexFlatL2 k-NN of a draw of the same shape (pairs per second).
 * - The hnsw_knn case: hnswlib-node's build plus k'-NN of every point
 *   against Python hnswlib's on the same data (seconds).
 *
 * @module
 */

import { exactBuilder } from "../../../src/mapa/row_builders.ts";
import { WorkerPool } from "../../../src/mapa/worker_pool.ts";
import type { JsonValue } from "../../harness/suite.ts";
import type { RowsParams } from "./scaling_params.ts";
import { faissFlatBuilder, hnswlibPyBuilder } from "./scaling_peers.ts";
import { kernelFor, KNN, loadData } from "./scaling_rows.ts";
import { CaseSkipped } from "../../harness/suite.ts";
import { hnswKnnBuilder } from "../../../src/mapa/row_builders.ts";
import { median } from "../../../src/eval/stats.ts";
import { pairedRoundsSummary } from "../../harness/paired_rounds.ts";

/** Rounds of (exact rows, faiss) the paired case times. */
export const FAISS_PAIR_ROUNDS = 5;

/**
 * The paired figures of rounds of exact rows (`ourSeconds`) and faiss
 * (`peerPairsPerSecond`) over `n` points: per round, our pairs per second
 * over faiss's.
 */
export function pairedPairsRatio(
  ourSeconds: number[],
  peerPairsPerSecond: number[],
  options: { n: number },
): Record<string, JsonValue> {
  const n = options.n;
  const ratios = ourSeconds.map((s, r) => (n * n / s) / peerPairsPerSecond[r]);
  return {
    ...pairedRoundsSummary(ratios),
    pairedExactPairsPerSecond: median(ourSeconds.map((s) => n * n / s)),
  };
}

/**
 * Runs the faiss case: {@linkcode FAISS_PAIR_ROUNDS} rounds of exact rows
 * then faiss, our rows' Workers kept across the rounds. A missing faiss
 * skips the case (before any exact rows run).
 */
export async function runFaissPaired(
  p: RowsParams,
  options: { seed: number; progress: (fraction: number, label: string) => void },
): Promise<Record<string, JsonValue>> {
  const x = loadData(p.dataset, p.n, options.seed);
  // Workers kept across the rounds, as faiss keeps its threads: from round 1 on our rows pay
  // no Worker start or module load (round 0 does; the median is over rounds).
  using pool = new WorkerPool();
  const rowOptions = { k: p.k, ...kernelFor(p.dataset), seed: options.seed, pool };
  const ours: number[] = [], pairs: number[] = [], seconds: number[] = [];
  let threads = 0, blas = "unknown";
  for (let r = 0; r < FAISS_PAIR_ROUNDS; r++) {
    // faiss first in round 0, so a missing faiss skips the case before any other work.
    const peer = await faissFlatBuilder.knn(x, { k: p.k, seed: options.seed });
    options.progress((r + 0.5) / FAISS_PAIR_ROUNDS, "exact rows");
    const t0 = performance.now();
    await exactBuilder.build(x, rowOptions);
    ours.push((performance.now() - t0) / 1000);
    pairs.push(peer.stats.pairsPerSecond as number);
    seconds.push(peer.querySeconds);
    threads = peer.stats.threads as number;
    blas = peer.blas;
    options.progress((r + 1) / FAISS_PAIR_ROUNDS, "faiss");
  }
  return {
    buildSeconds: 0,
    querySeconds: median(seconds),
    totalSeconds: median(seconds),
    totalSecondsSamples: seconds,
    pairsPerSecond: median(pairs),
    threads,
    blas,
    ...pairedPairsRatio(ours, pairs, { n: p.n }),
  };
}

/** Rounds of (Python hnswlib, hnswlib-node) the paired k'-NN case times. */
export const KNN_PAIR_ROUNDS = 3;

/** Seconds of one round's build and queries. */
interface KnnTiming {
  buildSeconds: number;
  querySeconds: number;
}

/**
 * The paired figures of rounds of hnswlib-node (`ours`) and Python hnswlib
 * (`peer`): per round, our seconds over the peer's, for the whole, the
 * build and the queries.
 */
export function pairedKnnRatios(ours: KnnTiming[], peer: KnnTiming[]): Record<string, JsonValue> {
  const total = (t: KnnTiming) => t.buildSeconds + t.querySeconds;
  const ratios = ours.map((t, r) => total(t) / total(peer[r]));
  return {
    ...pairedRoundsSummary(ratios),
    pairedBuildRatio: median(ours.map((t, r) => t.buildSeconds / peer[r].buildSeconds)),
    pairedQueryRatio: median(ours.map((t, r) => t.querySeconds / peer[r].querySeconds)),
    pairedPeerSeconds: median(peer.map(total)),
  };
}

/**
 * Runs the hnsw_knn case: {@linkcode KNN_PAIR_ROUNDS} rounds of Python
 * hnswlib then hnswlib-node at the index settings KNN. Without the peer it
 * (or with a peer that fails) it times hnswlib-node once and says why it
 * is unpaired. The first round's
 * timings are the case's own figures, as when it ran alone.
 */
export async function runKnnPaired(
  p: RowsParams,
  options: { seed: number; progress: (fraction: number, label: string) => void },
): Promise<Record<string, JsonValue>> {
  const x = loadData(p.dataset, p.n, options.seed);
  const knnOptions = { k: p.k, ...KNN, seed: options.seed };
  const ours: KnnTiming[] = [], peer: KnnTiming[] = [];
  let stats: Record<string, JsonValue> = {}, note: string | undefined;
  for (let r = 0; r < KNN_PAIR_ROUNDS && note === undefined; r++) {
    try {
      peer.push(await hnswlibPyBuilder.knn(x, knnOptions));
    } catch (e) {
      // Our timings stand without the peer; its own case records any failure as a failure.
      note = `not paired: ${e instanceof CaseSkipped ? "" : "Python hnswlib failed: "}${
        (e as Error).message
      }`;
    }
    options.progress((r + 0.5) / KNN_PAIR_ROUNDS, "hnswlib-node");
    const t = await hnswKnnBuilder.knn(x, knnOptions);
    ours.push(t);
    if (r === 0) stats = t.stats as Record<string, JsonValue>;
    options.progress((r + 1) / KNN_PAIR_ROUNDS, "Python hnswlib");
  }
  const first = ours[0];
  return {
    buildSeconds: first.buildSeconds,
    querySeconds: first.querySeconds,
    totalSeconds: first.buildSeconds + first.querySeconds,
    totalSecondsSamples: ours.map((t) => t.buildSeconds + t.querySeconds),
    ...stats,
    ...(note ? { pairedPeer: note } : pairedKnnRatios(ours, peer)),
  };
}
