/**
 * The posterior suite (paper sections 6.3 and 6.4, Fig. 3): for chosen
 * training points x_m, the dense MAPA row log q(n | x_m) over all N (exact,
 * K = N) against the ground-truth empiricalized posterior (Eq. 7), scored by
 * total variation (mass-weighted; mean over the points with a 95% interval
 * over the points), and by Spearman rank correlation restricted to the codes
 * holding the reference's top mass (with Eq. 7 and with the original
 * posterior at the true codes z*_n). TV is also reported at the other
 * reading of MAPA's bandwidth (h = sigma2 instead of 2 sigma2) and for a
 * uniform q (MAPA-naive), so the page shows the measure responding.
 * The non-identifiability study: on absolute_value and circle, a VAE-learned
 * decoder with its encoder means as codes is a second "truth" with (nearly)
 * the same p(x), and MAPA's q, which never sees a decoder, is scored against
 * both, with the TV between the two references themselves as the yardstick.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import { SYNTHETIC_NAMES } from "../../../src/data/analytic.ts";
import {
  DEFAULT_TOP_MASS,
  posteriorTrend,
  totalVariation,
  type TrendScores,
  type TruthPosterior,
  truthPosteriors,
} from "../../../src/eval/posterior_trend.ts";
import { spearman } from "../../../src/eval/spearman.ts";
import { logSumExp } from "../../../src/eval/stats.ts";
import { exactRowsFor } from "../../../src/mapa/exact/mod.ts";
import { mlpForward } from "../../../src/mlp_forward.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { Rng } from "../../../src/rng.ts";
import { train } from "../../../src/train/trainer.ts";
import type { GenerativeModel, Matrix } from "../../../src/types.ts";
import { type DrawData, drawData } from "../../experiment/draws.ts";
import { testFigures } from "../../experiment/test_figures.ts";
import { type DrawValue, summarizeDraws } from "../../experiment/draw_stats.ts";
import { reportPosterior } from "./posterior_report.ts";
import { summarizePosterior } from "./posterior_summary.ts";
import { paramReader } from "../../harness/params.ts";
import type { CaseContext, CaseSpec, JsonValue, Profile, Suite } from "../../harness/suite.ts";

/** A profile's settings. */
export interface PosteriorSettings {
  /** Data sets of the trend study. */
  trendDatasets: readonly string[];
  /** Data sets of the non-identifiability study (the paper: absolute_value and circle). */
  nonidentDatasets: readonly string[];
  /** Training points N (q is dense over all of them). */
  n: number;
  /** Points x_m scored per data set. */
  points: number;
  /** The VAE's pass budget per restart (encoder + decoder passes). */
  vaePasses: number;
  /** The VAE's restarts. */
  vaeRestarts: number;
  /** Test points for the VAE's test KL (how close its p(x) is to the truth's). */
  nTest: number;
  /**
   * Share of the reference's mass whose codes the Spearman correlations rank
   * (the smallest set holding it); default {@linkcode DEFAULT_TOP_MASS}.
   */
  topMass: number;
}

/** Settings per profile; quick cuts the trend study to 2 sets and N to 300. */
export const POSTERIOR_PROFILES: Record<Profile, PosteriorSettings> = {
  quick: {
    trendDatasets: ["absolute_value", "figure8"],
    nonidentDatasets: ["absolute_value", "circle"],
    n: 300,
    points: 16,
    vaePasses: 2e5,
    vaeRestarts: 1,
    nTest: 300,
    topMass: DEFAULT_TOP_MASS,
  },
  standard: {
    trendDatasets: SYNTHETIC_NAMES,
    nonidentDatasets: ["absolute_value", "circle"],
    n: 1000,
    points: 32,
    vaePasses: 1e6,
    vaeRestarts: 2,
    nTest: 1000,
    topMass: DEFAULT_TOP_MASS,
  },
  full: {
    trendDatasets: SYNTHETIC_NAMES,
    nonidentDatasets: ["absolute_value", "circle"],
    n: 2000,
    points: 64,
    vaePasses: 3e6,
    vaeRestarts: 3,
    nTest: 2000,
    topMass: DEFAULT_TOP_MASS,
  },
};

/** A posterior case's params: the study, its data set and the profile's settings. */
export type PosteriorParams =
  & {
    /** Which study. */
    study: "trend" | "nonident";
    /** Data set. */
    dataset: string;
  }
  & Omit<PosteriorSettings, "trendDatasets" | "nonidentDatasets">;

/** The checked, typed params of a posterior case. */
export function posteriorParams(spec: CaseSpec): PosteriorParams {
  const r = paramReader(spec.params, `posterior/${spec.name}`);
  return {
    study: r.oneOf("study", ["trend", "nonident"] as const),
    dataset: r.string("dataset"),
    n: r.number("n"),
    points: r.number("points"),
    vaePasses: r.number("vaePasses"),
    vaeRestarts: r.number("vaeRestarts"),
    nTest: r.number("nTest"),
    topMass: r.number("topMass"),
  };
}

/** Points shown in the scatter plots (the first ones scored). */
const SCATTER_POINTS = 2;
/** At most this many codes per scatter series, evenly thinned. */
const SCATTER_MAX = 400;

/** The cases of a profile. */
export function posteriorCases(settings: PosteriorSettings): CaseSpec[] {
  const { trendDatasets, nonidentDatasets, ...rest } = settings;
  const spec = (study: PosteriorParams["study"], dataset: string): CaseSpec => {
    const params: PosteriorParams = { study, dataset, ...rest };
    return { suite: "posterior", name: `${study}/${dataset}`, params };
  };
  return [
    ...trendDatasets.map((dataset) => spec("trend", dataset)),
    ...nonidentDatasets.map((dataset) => spec("nonident", dataset)),
  ];
}

/**
 * Dense log q_MAPA(n | x_m) over all n for each of `queries`, from exact rows
 * with K = N; the bandwidth is MAPA's default 2 sigma2 unless `bandwidth` is given.
 */
export async function denseMapaRows(
  x: Matrix,
  queries: Int32Array,
  sigma2: number,
  options: { bandwidth?: number } = {},
): Promise<Float64Array[]> {
  const n = x.rows;
  const block = await exactRowsFor(x, queries, {
    k: n,
    sigma2,
    bandwidth: options.bandwidth,
    cutoff: "off",
    workers: 0,
  });
  return Array.from(queries, (_, p) => {
    const dense = new Float64Array(n).fill(-Infinity);
    for (let i = 0; i < n; i++) dense[block.neighbors[p * n + i]] = block.logq[p * n + i];
    return dense;
  });
}

/** `count` distinct training indices in [0, n), in increasing order. */
export function choosePoints(n: number, count: number, rng: Rng): Int32Array {
  const all = Int32Array.from({ length: n }, (_, i) => i);
  rng.shuffle(all);
  return all.slice(0, Math.min(count, n)).sort();
}

const round4 = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(4)) : null);

function thin(n: number): number[] {
  const step = Math.max(1, Math.ceil(n / SCATTER_MAX));
  return Array.from({ length: Math.ceil(n / step) }, (_, i) => i * step);
}

function normalised(v: Float64Array): Float64Array {
  const z = logSumExp(v);
  return v.map((x) => x - z);
}

/** Scatter data of one point: per thinned code, its value and the three log posteriors. */
function scatter(code: Matrix, logQ: Float64Array, ref: TruthPosterior): Record<string, JsonValue> {
  const idx = thin(code.rows);
  const post = normalised(ref.logPosterior);
  return {
    code: idx.map((i) => round4(code.data[i * code.cols])),
    logQMapa: idx.map((i) => round4(logQ[i])),
    logQGt: idx.map((i) => round4(ref.logQGt[i])),
    logPosterior: idx.map((i) => round4(post[i])),
  };
}

function spread(values: DrawValue[]): Record<string, JsonValue> {
  const s = summarizeDraws(values);
  return { mean: s.mean, ciLow: s.ciLow, ciHigh: s.ciHigh, n: s.draws, note: s.note };
}

/** `name`, `nameCiLow`, `nameCiHigh`: mean over the points and its 95% interval over the points. */
function withInterval(name: string, values: number[]): Record<string, JsonValue> {
  const s = summarizeDraws(values);
  return { [name]: s.mean, [`${name}CiLow`]: s.ciLow, [`${name}CiHigh`]: s.ciHigh };
}

/** A restricted Spearman value, or why there is none (a top-mass set under 3 codes). */
function ranked(value: number, size: number): DrawValue {
  return size < 3 ? { unavailable: `top-mass set of ${size} code(s), too few to rank` } : value;
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;

/**
 * Log weights of a q uniform over the P points with the largest `logQ`
 * (MAPA's nearest), P = round(exp(entropy of q)), its perplexity, at least 1;
 * ties go to the lower index.
 */
export function nearestUniform(logQ: Float64Array): Float64Array {
  const z = logSumExp(logQ);
  let h = 0;
  for (const v of logQ) {
    const p = Math.exp(v - z);
    if (p > 0) h -= p * (v - z);
  }
  const size = Math.min(logQ.length, Math.max(1, Math.round(Math.exp(h))));
  const order = Array.from(logQ.keys()).sort((a, b) => logQ[b] - logQ[a] || a - b);
  const out = new Float64Array(logQ.length).fill(-Infinity);
  for (let t = 0; t < size; t++) out[order[t]] = -Math.log(size);
  return out;
}

async function setup(p: PosteriorParams, ctx: CaseContext) {
  const draw: DrawData = drawData(p.dataset, {
    n: p.n,
    nValidation: Math.min(500, p.n),
    nTest: p.nTest,
    runSeed: ctx.seed,
    index: 0,
  });
  const x = draw.data.x;
  const points = choosePoints(x.rows, p.points, Rng.stream(draw.seed, "points"));
  const pointsX: Matrix = {
    rows: points.length,
    cols: x.cols,
    data: Float64Array.from(
      Array.from(points).flatMap((m) => Array.from(x.data.subarray(m * x.cols, (m + 1) * x.cols))),
    ),
  };
  ctx.progress(0.05, "MAPA rows");
  const logQ = await denseMapaRows(x, points, draw.data.sigma2);
  return { draw, x, points, pointsX, logQ };
}

async function runTrend(
  p: PosteriorParams,
  ctx: CaseContext,
): Promise<Record<string, JsonValue>> {
  const { draw, x, points, pointsX, logQ } = await setup(p, ctx);
  const topMass = p.topMass;
  const codes = draw.data.groundTruth!.codes;
  const refs = truthPosteriors(draw.test.truth!, codes, pointsX);
  const trends: TrendScores[] = refs.map((ref, i) => posteriorTrend(logQ[i], ref, { topMass }));
  // The other reading of MAPA's bandwidth (methods.md 4, choice): does TV respond to it?
  ctx.progress(0.5, "MAPA rows at h = sigma2");
  const logQSigma2 = await denseMapaRows(x, points, draw.data.sigma2, {
    bandwidth: draw.data.sigma2,
  });
  const tv = trends.map((t) => t.tvToGt);
  const tvSigma2 = refs.map((ref, i) => totalVariation(logQSigma2[i], ref.logQGt));
  // MAPA-naive's uniform q: the TV of a q that knows nothing about x_m.
  const uniform = new Float64Array(x.rows).fill(-Math.log(x.rows));
  const tvUniform = refs.map((ref) => totalVariation(uniform, ref.logQGt));
  // A sterner baseline: uniform over as many of x_m's nearest points as MAPA's q effectively
  // covers. It knows where x_m is but not the kernel's weights, so beating it says the
  // weighting, not only the neighbourhood, follows the true posterior.
  const tvNearest = refs.map((ref, i) => totalVariation(nearestUniform(logQ[i]), ref.logQGt));
  const sample = thin(x.rows).slice(0, 300);
  const spearmanTop = trends.map((t) => ranked(t.spearmanTopMass, t.topMassSize));
  const spearmanPost = trends.map((t) =>
    ranked(t.spearmanPosteriorTopMass, t.posteriorTopMassSize)
  );
  return {
    ...withInterval("tvToGt", tv),
    ...withInterval("tvToGtBandwidthSigma2", tvSigma2),
    ...withInterval("tvToGtUniform", tvUniform),
    ...withInterval("tvToGtNearestUniform", tvNearest),
    // Paired over points: how much farther (> 0) the nearest-uniform q is than MAPA's.
    tvNearestUniformMinusMapa: spread(tvNearest.map((v, i) => v - tv[i])),
    // Paired over points: how much worse (> 0) h = sigma2 is than the default 2 sigma2.
    tvSigma2MinusDefault: spread(tvSigma2.map((v, i) => v - tv[i])),
    spearmanTopMass: spread(spearmanTop),
    spearmanPosteriorTopMass: spread(spearmanPost),
    spearmanTopMassMean: summarizeDraws(spearmanTop).mean,
    spearmanPosteriorTopMassMean: summarizeDraws(spearmanPost).mean,
    topMassSizeMean: mean(trends.map((t) => t.topMassSize)),
    intervalOver: "points",
    points: Array.from(points),
    perPoint: trends.map((t, i) => ({
      tvToGt: t.tvToGt,
      tvToGtBandwidthSigma2: tvSigma2[i],
      spearmanTopMass: round4(t.spearmanTopMass),
      topMassSize: t.topMassSize,
      spearmanPosteriorTopMass: round4(t.spearmanPosteriorTopMass),
    })),
    scatter: refs.slice(0, SCATTER_POINTS).map((ref, i) => ({
      point: points[i],
      x: Array.from(pointsX.data.subarray(i * x.cols, (i + 1) * x.cols)),
      ...scatter(codes, logQ[i], ref),
    })),
    sample: {
      x: sample.map((i) => Array.from(x.data.subarray(i * x.cols, (i + 1) * x.cols), round4)),
      z: sample.map((i) => round4(codes.data[i])),
    },
  };
}

async function runNonident(
  p: PosteriorParams,
  ctx: CaseContext,
): Promise<Record<string, JsonValue>> {
  await useBackend(ctx);
  const { draw, x, points, pointsX, logQ } = await setup(p, ctx);
  ctx.progress(0.1, "VAE");
  const vae = await train(getMethod("vae"), draw.data, {
    budget: { kind: "passes", passes: p.vaePasses, costModel: "encoder_decoder" },
    restarts: p.vaeRestarts,
    learningRate: 3e-3,
    seed: draw.seed,
    validation: draw.validation,
    onProgress: (q) => ctx.progress(0.1 + 0.8 * q.fraction, "VAE"),
  });
  // Variant 2's codes: the means of the VAE's mean-field posteriors (the paper's footnote).
  const enc = mlpForward(vae.encoder, x);
  const l = draw.data.l;
  const vaeCodes: Matrix = { rows: x.rows, cols: l, data: new Float64Array(x.rows * l) };
  for (let i = 0; i < x.rows; i++) {
    for (let j = 0; j < l; j++) vaeCodes.data[i * l + j] = enc.data[i * enc.cols + j];
  }
  const trueCodes = draw.data.groundTruth!.codes;
  const truthRefs = truthPosteriors(draw.test.truth!, trueCodes, pointsX);
  const vaeRefs = truthPosteriors(vae.model, vaeCodes, pointsX);
  const topMass = p.topMass;
  const onTruth = truthRefs.map((r, i) => posteriorTrend(logQ[i], r, { topMass }));
  const onVae = vaeRefs.map((r, i) => posteriorTrend(logQ[i], r, { topMass }));
  const tvTruth = onTruth.map((t) => t.tvToGt), tvVae = onVae.map((t) => t.tvToGt);
  const rankTruth = onTruth.map((t) => ranked(t.spearmanTopMass, t.topMassSize));
  const rankVae = onVae.map((t) => ranked(t.spearmanTopMass, t.topMassSize));
  const rankGap = rankTruth.map((t, i) => {
    const v = rankVae[i];
    return typeof t === "number" && typeof v === "number" ? t - v : (typeof t === "number" ? v : t);
  });
  const fig = testFigures(vae.model, draw.test);
  // Why the two references differ: a decoder whose codes also carry the noise (residual well
  // below sigma2) puts f(code_n) at x_n, so its q over indices becomes MAPA's kernel itself.
  const residual = (model: GenerativeModel, codes: Matrix) => {
    const f = mlpForward(model.decoder, codes);
    let s = 0;
    for (let i = 0; i < x.data.length; i++) s += (x.data[i] - f.data[i]) ** 2;
    return s / x.data.length / draw.data.sigma2;
  };
  return {
    truthResidualOverSigma2: residual(draw.test.truth!, trueCodes),
    vaeResidualOverSigma2: residual(vae.model, vaeCodes),
    ...withInterval("tvToGt", tvTruth),
    ...withInterval("tvToVae", tvVae),
    // Paired over points: how much closer (< 0) MAPA's q is to the truth's posterior than to the VAE's.
    tvTruthMinusVae: spread(tvTruth.map((t, i) => t - tvVae[i])),
    // The yardstick: how far apart the two references are. Near 0, "equally good" is no test.
    ...withInterval(
      "tvGtToVae",
      truthRefs.map((r, i) => totalVariation(r.logQGt, vaeRefs[i].logQGt)),
    ),
    spearmanTopMassTruth: spread(rankTruth),
    spearmanTopMassVae: spread(rankVae),
    spearmanTopMassTruthMean: summarizeDraws(rankTruth).mean,
    spearmanTopMassVaeMean: summarizeDraws(rankVae).mean,
    spearmanTopMassTruthMinusVae: spread(rankGap),
    intervalOver: "points",
    vaeTestKl: typeof fig.kl === "number" ? fig.kl : null,
    vaeTestKlNote: typeof fig.kl === "number" ? "" : fig.kl.unavailable,
    // |rank correlation| of the two variants' codes; well below 1 means different decoders.
    codesRankCorrelation: Math.abs(spearman(trueCodes.data, vaeCodes.data)),
    points: Array.from(points),
    scatterTruth: scatter(trueCodes, logQ[0], truthRefs[0]),
    scatterVae: scatter(vaeCodes, logQ[0], vaeRefs[0]),
  };
}

/** The posterior suite. */
export const posteriorSuite: Suite = {
  name: "posterior",
  description: "MAPA's q vs the ground-truth posteriors, and non-identifiability (paper 6.3, 6.4)",
  cases: (profile) => posteriorCases(POSTERIOR_PROFILES[profile]),
  run: (spec, ctx) => {
    const p = posteriorParams(spec);
    return p.study === "nonident" ? runNonident(p, ctx) : runTrend(p, ctx);
  },
  summarize: summarizePosterior,
  report: reportPosterior,
};
