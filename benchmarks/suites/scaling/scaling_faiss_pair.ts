/**
 * The faiss peer case, paired: exact MAPA rows of the case's data and
 * faiss IndexFlatL2 k-NN of a draw of the same shape, timed in alternating
 * rounds, so load on a shared machine falls on both sides of a round. The
 * ratio of pairs per second (ours over faiss's) is taken per round and its
 * median reported, beside faiss's own median figures.
 *
 * @module
 */

import { exactBuilder } from "../../../src/mapa/row_builders.ts";
import type { JsonValue } from "../../harness/suite.ts";
import type { RowsParams } from "./scaling_params.ts";
import { faissFlatBuilder } from "./scaling_peers.ts";
import { kernelFor, loadData } from "./scaling_rows.ts";
import { median } from "../../../src/eval/stats.ts";

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
    pairedRounds: ratios.length,
    pairedRatio: median(ratios),
    pairedRatioMin: Math.min(...ratios),
    pairedRatioMax: Math.max(...ratios),
    pairedRatios: ratios,
    pairedExactPairsPerSecond: median(ourSeconds.map((s) => n * n / s)),
  };
}

/**
 * Runs the faiss case: {@linkcode FAISS_PAIR_ROUNDS} rounds of exact rows
 * then faiss. A missing faiss skips the case (before any exact rows run).
 */
export async function runFaissPaired(
  p: RowsParams,
  options: { seed: number; progress: (fraction: number, label: string) => void },
): Promise<Record<string, JsonValue>> {
  const x = loadData(p.dataset, p.n, options.seed);
  const rowOptions = { k: p.k, ...kernelFor(p.dataset), seed: options.seed };
  const ours: number[] = [], pairs: number[] = [], seconds: number[] = [];
  let threads = 0;
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
    options.progress((r + 1) / FAISS_PAIR_ROUNDS, "faiss");
  }
  return {
    buildSeconds: 0,
    querySeconds: median(seconds),
    totalSeconds: median(seconds),
    totalSecondsSamples: seconds,
    pairsPerSecond: median(pairs),
    threads,
    ...pairedPairsRatio(ours, pairs, { n: p.n }),
  };
}
