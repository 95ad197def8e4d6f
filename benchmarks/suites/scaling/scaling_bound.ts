/**
 * The bound study of the scaling suite (`params.study = "bound"`): MAPA's
 * L_{K,S} at figure8's true decoder and codes, per row, on the same seeded
 * stream per row and round for every estimator (common random numbers):
 *
 * - `boundGapNats`: HNSW rows minus exact rows under one estimator, the
 *   mixture proposal of methods.md section 11 (exact rows computed with
 *   K = k' and split by src/mapa/split_extras.ts, so both draw from their
 *   k' - K extras and the rest proposal). Same draws wherever the index
 *   found the same neighbours: this is what the sparsification costs.
 * - `boundGapScanNats`: HNSW rows minus exact rows with the paper's own tail
 *   estimator (draws from q~ by a scan of all N). This adds the difference
 *   between the two estimators' variances (a lower-variance estimate of
 *   log p sits higher: Jensen), so it is positive where the mixture
 *   proposal fits the tail better than q~ does.
 *
 * Both are nats per point with a 95% interval over rows.
 *
 * @module
 */

import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { exactRowsFor, type RowBlock } from "../../../src/mapa/exact/mod.ts";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import { findBuilder } from "../../../src/mapa/row_builder.ts";
import { splitExtras } from "../../../src/mapa/split_extras.ts";
import type { MapaRows } from "../../../src/mapa/types.ts";
import { rowsTailSampler, scanTailSampler } from "../../../src/mapa/tail_sampler.ts";
import type { CaseContext, JsonValue } from "../../harness/suite.ts";
import type { BoundParams } from "./scaling_params.ts";
import { boundGap, scoreAccuracy } from "./scaling_metrics.ts";
import { kernelFor, SCALING_ROW_BUILDERS } from "./scaling_rows.ts";

/** Tail draws S per row in the bound study (training's scale). */
export const BOUND_S = 16;
/** Rounds of fresh draws per row in the bound study, averaged per row. */
export const BOUND_ROUNDS = 4;
/** Rows on which the bound gap is measured (all when N is smaller). */
export const BOUND_ROWS = 1000;

/** Runs one bound case: the builder `p.method`'s rows against exact rows at figure8's truth. */
export async function runBound(
  p: BoundParams,
  ctx: CaseContext,
): Promise<Record<string, JsonValue>> {
  const { n, k } = p;
  const builder = findBuilder(SCALING_ROW_BUILDERS, p.method);
  ctx.progress(0, "data");
  const ds = getSyntheticDataset(p.dataset);
  const { x, z } = ds.draw(n, ctx.seed);
  const kopts = kernelFor(p.dataset);
  const scale = resolveKernel(kopts).scale;
  ctx.progress(0.1, `${builder.name} rows`);
  const h = await builder.build(x, { k, ...kopts, seed: ctx.seed });
  const rng = ctx.rng("bound-rows");
  const q = Math.min(n, BOUND_ROWS);
  const queries = new Int32Array(q).map((_, i) => (q === n ? i : rng.int(n)));
  ctx.progress(0.4, "exact rows");
  const kPrime = k + (h.rows.extraK ?? 0);
  const wide = await exactRowsFor(x, queries, { k: kPrime, ...kopts });
  const exactSplit = splitExtras(scatterRows(h.rows, wide), k);
  const topExact = exactSplit.neighbors;
  const d = x.cols;
  const exactSampler = scanTailSampler({ n, k, neighbors: topExact }, (m, out) => {
    for (let j = 0; j < n; j++) {
      let d2 = 0;
      for (let t = 0; t < d; t++) d2 += (x.data[j * d + t] - x.data[m * d + t]) ** 2;
      out[j] = -scale * d2;
    }
  }, { s: p.s });
  ctx.progress(0.5, "bounds");
  const fx = ds.trueDecoder(z);
  const common = { queries, sigma2: ds.sigma2, seed: ctx.seed, rounds: BOUND_ROUNDS };
  const hnsw = {
    topA: (m: number) => h.rows.neighbors.subarray(m * k, (m + 1) * k),
    samplerA: rowsTailSampler(x, h.rows, { s: p.s, restProposal: p.restProposal }),
  };
  const topB = (m: number) => topExact.subarray(m * k, (m + 1) * k);
  const g = boundGap(x, fx, {
    ...common,
    ...hnsw,
    topB,
    samplerB: rowsTailSampler(x, exactSplit, { s: p.s, restProposal: p.restProposal }),
  });
  ctx.progress(0.7, "bounds (scan)");
  const scan = boundGap(x, fx, { ...common, ...hnsw, topB, samplerB: exactSampler });
  // scoreAccuracy reads the first K of each wide row.
  const acc = scoreAccuracy(x, h.rows, wide);
  return {
    boundGapNats: g.gapNats,
    boundGapCiLow: g.gapCiLow,
    boundGapCiHigh: g.gapCiHigh,
    boundGapScanNats: scan.gapNats,
    boundGapScanCiLow: scan.gapCiLow,
    boundGapScanCiHigh: scan.gapCiHigh,
    boundExactNats: g.exactBoundNats,
    boundExactScanNats: scan.exactBoundNats,
    boundHnswNats: g.hnswBoundNats,
    boundKPrime: kPrime,
    boundRows: q,
    boundRounds: BOUND_ROUNDS,
    recallAtKTies: acc.recallAtKTies,
    logZErrMean: acc.logZErrMean,
    kPrime: h.stats.kPrime,
    restDraws: h.stats.restDraws,
    leftOutSampledMean: h.stats.leftOutSampledMean,
  };
}

/**
 * Exact rows of all N in which only the query rows are filled (the bound is
 * read on those alone), with `like`'s kernel and data checksum.
 */
function scatterRows(
  like: MapaRows,
  wide: RowBlock,
): MapaRows {
  const { n } = like, kp = wide.k;
  const neighbors = new Int32Array(n * kp), logq = new Float64Array(n * kp);
  const logNormalizer = new Float64Array(n);
  wide.queries.forEach((m, i) => {
    neighbors.set(wide.neighbors.subarray(i * kp, (i + 1) * kp), m * kp);
    logq.set(wide.logq.subarray(i * kp, (i + 1) * kp), m * kp);
    logNormalizer[m] = wide.logNormalizer[i];
  });
  return {
    n,
    k: kp,
    d: like.d,
    kernel: like.kernel,
    bandwidth: like.bandwidth,
    method: "exact",
    neighbors,
    logq,
    logNormalizer,
    dataChecksum: like.dataChecksum,
  };
}
