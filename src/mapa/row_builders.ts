/**
 * The row builders of this library: exact rows (src/mapa/exact/) and HNSW
 * rows on hnswlib-node (hnsw.ts), plus hnswlib-node's bare k'-NN search for
 * comparisons with other libraries. A new ANN library is one more
 * {@linkcode RowBuilder} here; the scaling suite adds its Python peers.
 *
 * @module
 */

import { exactRowsFor, exactRowsWithStats } from "./exact/mod.ts";
import { type HnswResult, hnswRowsWithStats } from "./hnsw.ts";
import { hnswKnnSeconds } from "./hnsw_knn.ts";
import type { KnnBuilder, RowBuilder } from "./row_builder.ts";

/** Rows probed to predict the time of exact rows. */
const PROBE_ROWS = 64;

/** Exact rows: every pair once (pair tiles), or a row scan on the D <= 3 grid. */
export const exactBuilder: RowBuilder = {
  name: "exact",
  description: "exact rows (every pair once; normaliser summed exactly)",
  peer: false,
  exact: true,
  async build(x, options) {
    const t0 = performance.now();
    const r = await exactRowsWithStats(x, {
      ...options,
      onProgress: (f) => options.onProgress?.(f, "rows"),
    });
    return {
      rows: r.rows,
      buildSeconds: 0,
      querySeconds: (performance.now() - t0) / 1000,
      stats: {
        workers: r.stats.workers,
        gridCutoff: r.stats.usesGrid,
        gridFallbackRows: r.stats.fallbackRows,
      },
      summary: null,
    };
  },
  /**
   * Times 64 evenly spaced rows on the calling thread and scales by N / 64,
   * halved: the all-rows pass visits each unordered pair once.
   */
  async predictSeconds(x, options) {
    const n = x.rows;
    const probe = new Int32Array(Math.min(PROBE_ROWS, n)).map((_, i) =>
      Math.floor((i * n) / PROBE_ROWS)
    );
    const t0 = performance.now();
    await exactRowsFor(x, probe, { ...options, onProgress: undefined, workers: 0 });
    return ((performance.now() - t0) / 1000) * (n / probe.length) / 2;
  },
};

/** The CLI's line on HNSW rows: k' and how much mass the index left out. */
function hnswSummary(r: HnswResult): string {
  const p = r.params;
  return `hnsw: k'=${p.kPrime}, M=${p.m}, efConstruction=${p.efConstruction}, ef=${p.ef}, ` +
    `seed=${p.seed}, shards=${p.shards}, left-out posterior mass: bound ${
      r.leftOut.boundMean.toExponential(2)
    } mean / ${r.leftOut.boundMax.toExponential(2)} max (assumes the index found the true ` +
    `k' nearest), estimate ${r.leftOut.sampledMean.toExponential(2)} ` +
    `(${Math.round(r.leftOut.drawsPerRow)} ${r.params.restProposal} draws per row on average, ` +
    `pilot included); log normaliser ` +
    `standard error ${r.normalizerError.seMean.toExponential(2)} mean / ` +
    `${r.normalizerError.seMax.toExponential(2)} max nats`;
}

/** HNSW rows on hnswlib-node: k' found by the index plus an estimate of the rest. */
export const hnswBuilder: RowBuilder = {
  name: "hnsw",
  description: "approximate neighbours (hnswlib-node); normaliser = sum over the k' found + " +
    "estimate of the rest, with its standard error",
  peer: false,
  exact: false,
  async build(x, options) {
    const h = await hnswRowsWithStats(x, options);
    return {
      rows: h.rows,
      buildSeconds: h.buildSeconds,
      querySeconds: h.querySeconds,
      stats: {
        logZSeMean: h.normalizerError.seMean,
        restDraws: h.params.restDraws,
        restCells: h.params.restProposal === "cells",
        drawsPerRow: h.leftOut.drawsPerRow,
        kPrime: h.params.kPrime,
        hnswM: h.params.m,
        efConstruction: h.params.efConstruction,
        ef: h.params.ef,
        shards: h.params.shards,
        leftOutBoundMean: h.leftOut.boundMean,
        leftOutBoundMax: h.leftOut.boundMax,
        leftOutSampledMean: h.leftOut.sampledMean,
      },
      summary: hnswSummary(h),
    };
  },
};

/**
 * hnswlib-node's build plus k'-NN of every point (shards built side by
 * side, queries on one Worker per core), at `options.kPrime` (default K).
 */
export const hnswKnnBuilder: KnnBuilder = {
  name: "hnsw_knn",
  description: "hnswlib-node build plus k'-NN of every point",
  peer: false,
  async knn(x, options) {
    const r = await hnswKnnSeconds(x, { ...options, kPrime: options.kPrime ?? options.k });
    return {
      buildSeconds: r.buildSeconds,
      querySeconds: r.querySeconds,
      stats: { queryWorkers: r.workers, ...r.params },
    };
  },
};

/** The row builders, in the order a user is offered them (the first is the default). */
export const ROW_BUILDERS: readonly RowBuilder[] = [exactBuilder, hnswBuilder];

/** The k-NN builders of this library (the scaling suite adds its Python peers). */
export const KNN_BUILDERS: readonly KnnBuilder[] = [hnswKnnBuilder];
