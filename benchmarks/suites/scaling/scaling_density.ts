/**
 * The density study of the scaling suite (issue 12, item 4): MAPA trained on
 * exact rows and on HNSW rows of the same data draw, under the same pass
 * budget, at each N of a grid, on figure8 and circle; test KL to the truth
 * (quadrature, L = 1) on the same held-out points for all.
 *
 * Three series (`DENSITY_SERIES`): exact rows with the paper's tail
 * estimator (draws from q~ by a scan of all N; `params.tail = "scan"`),
 * exact rows with the mixture estimator (computed with K = k' and split,
 * src/mapa/split_extras.ts; `"mixture"`) and HNSW rows (always the
 * mixture). The last two differ only in the rows, so their gap is what the
 * sparsification costs the model; the first two differ only in the
 * estimator.
 *
 * Training noise dominates: a pilot on circle at N = 30,000 (1e6 passes,
 * constant step size) gave exact rows (mixture) 0.51 and 3.01 from training
 * seeds 0 and 1, HNSW rows 1.09 and 2.88; the cosine schedule
 * (`DensitySettings.schedule`) narrows it. So the mixture series train from several seeds
 * (`params.trainSeed`), HNSW seed s is paired with exact seed s (same
 * initialisation and batches), and the target is read on a
 * Student-t interval over seeds (`summarizeDensity`). Each HNSW case also
 * reports `testKlGapVsExact`, its test KL minus the exact (mixture) run of
 * its seed, with a paired interval over test points, when that run ran
 * earlier in the same process (the default order; a sharded or resumed run
 * may lack it, and then leaves those metrics out).
 *
 * @module
 */

import { groundTruthModel, testKl } from "../../../src/eval/held_out_kl.ts";
import { summarizeMean } from "../../../src/eval/stats.ts";
import { InputError } from "../../../src/errors.ts";
import { findBuilder } from "../../../src/mapa/row_builder.ts";
import { splitExtras } from "../../../src/mapa/split_extras.ts";
import type { MapaRows } from "../../../src/mapa/types.ts";
import { passCost } from "../../../src/models/passes.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { scheduleOf } from "../../../src/train/lr_schedule.ts";
import { train } from "../../../src/train/trainer.ts";
import { drawData } from "../../experiment/draws.ts";
import type { CaseContext, CaseResult, CaseSpec, JsonValue, Profile } from "../../harness/suite.ts";
import { useBackend } from "../../harness/tfjs_backend.ts";
import { type DensityParams, paramsOf } from "./scaling_params.ts";
import { DENSITY_PROFILES } from "./scaling_density_settings.ts";
import { SCALING_ROW_BUILDERS } from "./scaling_rows.ts";

/**
 * The series compared: exact rows with the paper's scan estimator, exact
 * rows with the mixture estimator (computed with K = k' and split), and
 * HNSW rows (always the mixture). Exact and HNSW under the mixture differ
 * only in the rows: that pair answers what the sparsification costs.
 */
export const DENSITY_SERIES = ["exact", "exact_mixture", "hnsw"] as const;

/** A density case's series (see {@linkcode DENSITY_SERIES}). */
export function seriesOf(p: DensityParams): string {
  return p.rows === "exact" && p.tail === "mixture" ? "exact_mixture" : p.rows;
}

/**
 * The density cases of a profile: data set x N x series. At each N up to
 * `scanMaxN`: exact rows with the scan estimator (training seed 0; their
 * runs cost up to 8x the others), then exact rows with the mixture and
 * HNSW rows from `trainSeeds` (or `seedsAt`) training seeds (`params.trainSeed`), each
 * HNSW run after the exact run of its seed, which it is paired with.
 */
export function densityCases(profile: Profile): CaseSpec[] {
  const { grids, choice: _, trainSeeds, seedsAt, scanMaxN, ...rest } = DENSITY_PROFILES[profile];
  const out: CaseSpec[] = [];
  const add = (
    dataset: string,
    n: number,
    rows: string,
    tail: "scan" | "mixture",
    trainSeed: number,
  ) =>
    out.push({
      suite: "scaling",
      name:
        `${dataset}_density_${rows}${rows === "exact" && tail === "mixture" ? "_mixture" : ""}` +
        `_n${n}${trainSeed ? `_seed${trainSeed}` : ""}`,
      params: {
        study: "density",
        dataset,
        rows,
        tail,
        method: "mapa",
        n,
        trainSeed,
        ...rest,
        costModel: "encoder_decoder",
      },
    });
  for (const [dataset, ns] of Object.entries(grids)) {
    for (const n of ns) {
      if (n <= scanMaxN) add(dataset, n, "exact", "scan", 0);
      const seeds = seedsAt?.[dataset]?.[n] ?? trainSeeds;
      for (let seed = 0; seed < seeds; seed++) {
        add(dataset, n, "exact", "mixture", seed);
        add(dataset, n, "hnsw", "mixture", seed);
      }
    }
  }
  return out;
}

/** Per-point test KL of the exact-row model, by (dataset, n, seed, settings), for the paired gap. */
const exactPerPoint = new Map<string, Float64Array>();

/** Rows built for the current N, by draw and row settings (see runDensity). */
const builtRows = new Map<
  string,
  { rows: MapaRows; stats: Record<string, JsonValue>; seconds: number }
>();

/** The row builder's figures a density case records, where the builder reports them. */
const ROW_STATS = ["kPrime", "logZSeMean", "leftOutSampledMean"];

function pairKey(p: DensityParams, at: { seed: number; tail: string }): string {
  const { seed, tail } = at;
  return JSON.stringify([
    p.dataset,
    p.n,
    seed,
    p.trainSeed,
    tail,
    p.kPrime,
    p.restProposal,
    p.passes,
    p.k,
    p.s,
    p.nTest,
    p.nValidation,
    p.learningRate,
    p.schedule,
    p.scheduleFloor,
  ]);
}

/**
 * Runs one density case: draw (shared by both row kinds), rows, training
 * under the pass budget, test KL on the held-out points.
 */
export async function runDensity(
  p: DensityParams,
  ctx: CaseContext,
): Promise<Record<string, JsonValue>> {
  await useBackend(ctx);
  const { n, k, s } = p;
  const builder = findBuilder(SCALING_ROW_BUILDERS, p.rows);
  ctx.progress(0, "data");
  // Index 0 and the run seed only: both row kinds see the same points.
  const draw = drawData(p.dataset, {
    n,
    nValidation: p.nValidation,
    nTest: p.nTest,
    runSeed: ctx.seed,
    index: 0,
  });
  const x = draw.data.x, sigma2 = draw.data.sigma2;
  ctx.progress(0.02, `${builder.name} rows`);
  const t0 = performance.now();
  // Exact rows under the mixture estimator keep k' neighbours, as the HNSW rows do.
  const split = builder.exact && p.tail === "mixture";
  if (!builder.exact && p.tail === "scan") {
    throw new InputError(
      `${builder.name} rows know q on k' points only; tail "scan" needs exact rows`,
    );
  }
  if (split && !(p.kPrime > k)) {
    throw new InputError(`the mixture tail on exact rows needs kPrime > K, got ${p.kPrime}`);
  }
  const kPrime = Math.min(n, p.kPrime);
  // The rows depend on the draw and the row settings, not on the training seed: the seeds of
  // one N reuse them, and report the seconds of the build that made them.
  const rowsKey = JSON.stringify([
    p.dataset,
    n,
    p.nValidation,
    p.nTest,
    ctx.seed,
    builder.name,
    split,
    k,
    kPrime,
  ]);
  let made = builtRows.get(rowsKey);
  const reused = made !== undefined;
  if (!made) {
    const built = await builder.build(x, { k: split ? kPrime : k, sigma2, seed: ctx.seed, kPrime });
    const stats: Record<string, JsonValue> = {};
    for (const key of ROW_STATS) if (key in built.stats) stats[key] = built.stats[key];
    made = {
      rows: split ? splitExtras(built.rows, k) : built.rows,
      stats,
      seconds: (performance.now() - t0) / 1000,
    };
    builtRows.set(rowsKey, made);
    // Two entries: the exact and the HNSW rows of the N running now.
    if (builtRows.size > 2) builtRows.delete(builtRows.keys().next().value!);
  }
  const { rows, seconds: rowsSeconds } = made;
  const extra: Record<string, JsonValue> = { ...made.stats, rowsReused: reused };
  const passes = p.passes;
  const r = await train(getMethod("mapa"), draw.data, {
    rows,
    k,
    s,
    budget: { kind: "passes", passes, costModel: "encoder_decoder" },
    learningRate: p.learningRate,
    schedule: scheduleOf(p.schedule, p.scheduleFloor),
    restProposal: p.restProposal,
    // trainSeed 0 is the draw's own seed, as in the budget suite.
    seed: draw.seed + p.trainSeed,
    validation: draw.validation,
    // Not reported by this study, and on exact rows the tail probe scans all N per draw.
    finalDiagnostics: false,
    signal: ctx.signal,
    onProgress: (q) => ctx.progress(0.1 + 0.8 * q.fraction, "training"),
  });
  const best = r.restarts[r.best];
  ctx.progress(0.9, "test KL");
  const t1 = performance.now();
  const kl = testKl(r.model, { x: draw.test.x, truth: groundTruthModel(draw.dataset) });
  if (!kl.available) throw new Error(kl.reason);
  const evalSeconds = (performance.now() - t1) / 1000;
  const gap: Record<string, JsonValue> = {};
  if (builder.exact) {
    exactPerPoint.set(pairKey(p, { seed: ctx.seed, tail: p.tail }), kl.perPoint);
    // Only the latest few are read back: the hnsw case of the same N comes next.
    if (exactPerPoint.size > 8) exactPerPoint.delete(exactPerPoint.keys().next().value!);
  } else {
    // Paired with exact rows under the same estimator and training seed.
    const ref = exactPerPoint.get(pairKey(p, { seed: ctx.seed, tail: "mixture" }));
    if (ref && ref.length === kl.perPoint.length) {
      const d = kl.perPoint.map((v, i) => v - ref[i]);
      const g = summarizeMean(d);
      Object.assign(gap, {
        testKlGapVsExact: g.mean,
        testKlGapCiLow: g.ci95Low,
        testKlGapCiHigh: g.ci95High,
      });
    }
  }
  return {
    testKl: kl.mean,
    testKlCiLow: kl.ci95Low,
    testKlCiHigh: kl.ci95High,
    testKlInterval: "test points",
    ...gap,
    testLogLik: kl.meanLogPModel,
    testLogLikTruth: kl.meanLogPTrue,
    estimator: kl.estimator,
    rowsSeconds,
    trainSeconds: best.seconds,
    evalSeconds,
    steps: best.steps,
    passes: passCost(best.passes, "encoder_decoder"),
    ...extra,
  };
}

/** One series' (see {@linkcode DENSITY_SERIES}) seed-0 points on one data set, sorted by N. */
export function densitySeries(
  results: CaseResult[],
  dataset: string,
  series: string,
): { n: number; metrics: Record<string, JsonValue> }[] {
  return densityResults(results)
    .filter(({ r, p }) =>
      r.status === "ok" && p.dataset === dataset && seriesOf(p) === series && !p.trainSeed
    )
    .map(({ r, p }) => ({ n: p.n, metrics: r.metrics }))
    .sort((a, b) => a.n - b.n);
}

/** The density cases among `results`, each with its typed params. */
export function densityResults(results: CaseResult[]): { r: CaseResult; p: DensityParams }[] {
  const out: { r: CaseResult; p: DensityParams }[] = [];
  for (const r of results) {
    const p = paramsOf(r.params, "density");
    if (p) out.push({ r, p });
  }
  return out;
}

/** The data sets of the density cases, in the order they ran. */
export function datasetsOf(results: CaseResult[]): string[] {
  return [...new Set(densityResults(results).map(({ p }) => p.dataset))];
}

/** The target's verdict at one N (see {@linkcode summarizeDensity}). */
export type DensityVerdict = "no cost" | "costs" | "not resolved";

/**
 * Seeds from which a density point lists the seeds that change its verdict:
 * with fewer, leaving one out loses so much of the t-interval (t = 12.7 on
 * two values) that every clear verdict would be listed as fragile.
 */
export const FLIP_MIN_SEEDS = 5;

/** Issue 12's one-sided reading of a gap's 95% interval [lo, hi] against 0.05 nats. */
function densityVerdict(lo: number, hi: number): DensityVerdict {
  return hi <= 0.05 ? "no cost" : lo > 0.05 ? "costs" : "not resolved";
}

/**
 * Per data set and N where exact rows under the mixture estimator and HNSW
 * rows both ran from the same training seeds: the paired gap (HNSW minus
 * exact test KL, per seed) and issue 12's target, read one-sided (HNSW rows
 * must not cost test KL): "no cost" when the 95% interval of the mean gap
 * lies at or below 0.05 nats, "costs" when it lies above 0.05, else "not
 * resolved". The interval is a Student-t interval over training seeds, so
 * it holds the training noise that dominates at this budget; with one seed
 * it is the paired interval over test points, which leaves that noise out
 * (`interval` says which), and the verdict is "not resolved".
 * `verdictFlipsWithout` lists the seeds whose leaving out alone changes the
 * verdict (null under {@linkcode FLIP_MIN_SEEDS} seeds). Far from the 0.05
 * edge only an outlying run can change it; near the edge leaving out
 * almost any seed on the favourable side does, as the smaller sample
 * widens the interval. Either way the list says the verdict is fragile.
 * `met` is true
 * when every N has "no cost". `gapVsScan` compares HNSW rows with exact
 * rows under the paper's scan estimator (training seed 0 only).
 */
export function summarizeDensity(results: CaseResult[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const ok = densityResults(results).filter(({ r }) =>
    r.status === "ok" && typeof r.metrics.testKl === "number"
  );
  for (const ds of datasetsOf(results)) {
    const mine = ok.filter(({ p }) => p.dataset === ds);
    const ns = [...new Set(mine.filter(({ p }) => p.rows === "hnsw").map(({ p }) => p.n))]
      .sort((a, b) => a - b);
    const points: JsonValue[] = [];
    let met = true;
    for (const n of ns) {
      const at = (series: string) =>
        new Map(
          mine.filter(({ p }) => p.n === n && seriesOf(p) === series).map((
            { r, p },
          ) => [p.trainSeed, r]),
        );
      const ex = at("exact_mixture"), hn = at("hnsw"), scan = at("exact").get(0);
      const seeds = [...hn.keys()].filter((s) => ex.has(s)).sort((a, b) => a - b);
      if (seeds.length === 0) continue;
      const kl = (r: CaseResult) => r.metrics.testKl as number;
      const gaps = seeds.map((s) => kl(hn.get(s)!) - kl(ex.get(s)!));
      let lo: number, hi: number;
      const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
      if (gaps.length > 1) {
        const g = summarizeMean(gaps);
        lo = g.ci95Low;
        hi = g.ci95High;
      } else {
        const m = hn.get(seeds[0])!.metrics;
        lo = typeof m.testKlGapCiLow === "number" ? m.testKlGapCiLow : NaN;
        hi = typeof m.testKlGapCiHigh === "number" ? m.testKlGapCiHigh : NaN;
      }
      // One seed's test-point interval leaves out the training noise that dominates: no verdict.
      const verdict = gaps.length < 2 ? "not resolved" : densityVerdict(lo, hi);
      const flips = gaps.length < FLIP_MIN_SEEDS ? null : seeds.filter((_, i) => {
        const rest = summarizeMean(gaps.filter((_, j) => j !== i));
        return densityVerdict(rest.ci95Low, rest.ci95High) !== verdict;
      });
      met &&= verdict === "no cost";
      const mean0 = (m: Map<number, CaseResult>) =>
        seeds.reduce((a, s) => a + kl(m.get(s)!), 0) / seeds.length;
      points.push({
        n,
        seeds,
        exactTestKl: mean0(ex),
        exactTestKlSeeds: seeds.map((s) => kl(ex.get(s)!)),
        hnswTestKl: mean0(hn),
        hnswTestKlSeeds: seeds.map((s) => kl(hn.get(s)!)),
        gap: mean,
        gapCiLow: lo,
        gapCiHigh: hi,
        interval: gaps.length > 1 ? "training seeds" : "test points",
        verdict,
        verdictFlipsWithout: flips,
        // Every seed's pair ended at the same test KL: the index found every row's k' nearest
        // and both kinds split S alike between the extras and the rest (the stratified mixture
        // reads the normaliser only through round(a S)), so "no cost" holds by construction.
        identicalModels: gaps.length > 1 && gaps.every((g) => g === 0),
        exactScanTestKl: scan ? kl(scan) : null,
        // HNSW's mean over seeds against the paper's estimator on exact rows (seed 0 only).
        gapVsScan: scan ? mean0(hn) - kl(scan) : null,
        exactRowsSeconds: ex.get(seeds[0])!.metrics.rowsSeconds,
        hnswRowsSeconds: hn.get(seeds[0])!.metrics.rowsSeconds,
        withinTarget: verdict === "no cost",
      });
    }
    if (points.length > 0) out[`density_${ds}`] = { points, met };
  }
  return out;
}
