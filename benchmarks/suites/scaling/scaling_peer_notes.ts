/**
 * The scaling report's sentences on the peers: hnswlib-node against Python
 * hnswlib at equal work, and exact rows against faiss, with the BLAS faiss
 * ran on.
 *
 * @module
 */

import { peerBlasNote } from "../../harness/peer_python.ts";
import type { JsonValue } from "../../harness/suite.ts";
import { KNN } from "./scaling_rows.ts";

/** The report's line on hnswlib-node against Python hnswlib at equal work. */
export function knnNote(v: JsonValue | undefined): string {
  const o = v as Record<string, number> | null | undefined;
  if (!o) {
    return "HNSW build + k'-NN against Python hnswlib: not measured (peer skipped or failed).";
  }
  const f = (x: number) => x.toFixed(2);
  return `HNSW build + k'-NN of every point (figure8, N = ${o.n.toLocaleString("en-US")}, M ` +
    `${KNN.m}, efConstruction ${KNN.efConstruction}, k' ${KNN.kPrime}, ef ${KNN.ef}${
      o.shards > 1 ? " per shard" : ""
    }): ` +
    `hnswlib-node ${f(o.seconds)} s (${
      o.shards > 1
        ? `${o.shards} shards built side by side on Workers, every query searching all`
        : "one index built on one thread"
    }; queries on one Worker per core) ` +
    `against Python hnswlib ${f(o.peerSeconds)} s on as many threads: ${f(o.ratio)}x ` +
    `(build ${f(o.buildRatio)}x, queries ${f(o.queryRatio)}x; one timing each from separate ` +
    `cases, not gated; ${
      o.shards > 1
        ? "the build includes starting its Workers and saving the shards, the queries " +
          "starting theirs and loading the shards in each"
        : "the queries include saving the index and loading it in each Worker"
    }).` +
    (typeof o.pairedRatio === "number"
      ? ` Paired (the hnsw_knn case times ${o.pairedRounds} alternating rounds of Python ` +
        `hnswlib and hnswlib-node, so load falls on both): ${f(o.pairedRatio)}x, median over ` +
        `rounds (rounds ${f(o.pairedRatioMin)}-${f(o.pairedRatioMax)}; build ` +
        `${f(o.pairedBuildRatio)}x, queries ${f(o.pairedQueryRatio)}x).`
      : "");
}

/** The paired exact-rows / faiss sentence, empty when the case ran unpaired. */
export function pairedFaissNote(v: JsonValue | undefined): string {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "";
  const r = v as Record<string, number>;
  const blas = (v as Record<string, JsonValue>).blas;
  return ` Paired (the faiss case times ${r.rounds} alternating rounds of faiss and our exact ` +
    `rows, so load falls on both): exact rows at ${r.ratio.toFixed(2)}x faiss's pairs/s, median ` +
    `over rounds (rounds ${r.min.toFixed(2)}-${r.max.toFixed(2)}; our rows ${
      (r.exactPairsPerSecond / 1e6).toFixed(0)
    } M pairs/s there). The figures before this sentence are single timings from separate cases.` +
    peerBlasNote("faiss", blas);
}
