/**
 * The bound study of the scaling suite (`params.study = "bound"`): MAPA's
 * L_{K,S} at figure8's true decoder and codes with approximate rows
 * (mixture-proposal tail) and with exact rows (tail drawn from q~ by a
 * scan), on the same draws (one seeded stream per row and round for both):
 * `boundGapNats` is the first minus the second, nats per point, with a 95%
 * interval over rows.
 *
 * @module
 */

import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { exactRowsFor } from "../../../src/mapa/exact/mod.ts";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import { findBuilder } from "../../../src/mapa/row_builder.ts";
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
  const exact = await exactRowsFor(x, queries, { k, ...kopts });
  const topExact = new Int32Array(n * k);
  queries.forEach((m, i) => topExact.set(exact.neighbors.subarray(i * k, (i + 1) * k), m * k));
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
  const g = boundGap(x, fx, {
    queries,
    topA: (m) => h.rows.neighbors.subarray(m * k, (m + 1) * k),
    samplerA: rowsTailSampler(x, h.rows, { s: p.s, restProposal: p.restProposal }),
    topB: (m) => topExact.subarray(m * k, (m + 1) * k),
    samplerB: exactSampler,
    sigma2: ds.sigma2,
    seed: ctx.seed,
    rounds: BOUND_ROUNDS,
  });
  const acc = scoreAccuracy(x, h.rows, exact);
  return {
    boundGapNats: g.gapNats,
    boundGapCiLow: g.gapCiLow,
    boundGapCiHigh: g.gapCiHigh,
    boundExactNats: g.exactBoundNats,
    boundHnswNats: g.hnswBoundNats,
    boundRows: q,
    boundRounds: BOUND_ROUNDS,
    recallAtKTies: acc.recallAtKTies,
    logZErrMean: acc.logZErrMean,
    kPrime: h.stats.kPrime,
    restDraws: h.stats.restDraws,
    leftOutSampledMean: h.stats.leftOutSampledMean,
  };
}
