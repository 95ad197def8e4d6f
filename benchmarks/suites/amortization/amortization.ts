/**
 * The amortization suite (Kim and Pavlovic 2021, seed 000; methods.md
 * section 9): VAE, IWAE, SA-VAE and GP-RF trained under two kinds of budget,
 * then scored on held-out points.
 *
 * Budgets (`params.budgetKind`), one case per (data set, kind, method):
 * - `steps`: every method takes the same number T of Adam steps (batch B),
 *   so each model gets the same data and the same optimiser; SA-VAE's 20 SVI
 *   steps per row are free.
 * - `passes`: every method spends the same number of decoder passes,
 *   P = T B (the VAE's and GP-RF's T steps, so their passes cases are a
 *   second training run of their steps cases with other random streams: a
 *   look at training noise); SA-VAE pays 21 passes per row per step and IWAE
 *   S = 5, so they take about T / 21 and T / 5 steps.
 * T is set per profile from measured training curves (every case reports its
 * training-loss curve and `trainLossChangeLastHalf`, so a reader can see
 * whether a method was still improving).
 *
 * Scores:
 * - `testLogLik`: the learned generative model's log p(x) on held-out points
 *   by ONE estimator per data set that never reads the method's q
 *   (src/eval/shared_log_likelihood.ts: quadrature for L <= 2, importance
 *   sampling with a per-point Gaussian fitted to the frozen model from the
 *   prior for MNIST, L = 10); `testLogLikEstimator` names it.
 * - `elbo` (the method's own amortized q), `amortizationGap` (ELBO of a
 *   per-point optimised Gaussian started at that q minus the amortized ELBO)
 *   and `inferenceGap` (testLogLik - elbo): these legitimately use the
 *   method's own q. `testLogLikOwnQ` (importance sampling with the method's
 *   own q) is kept to show how much the proposal alone moves the estimate.
 * - `inferenceSecondsPerPoint`: wall-clock test-time inference, the speed
 *   claim (GP-RF one feed-forward pass; SA-VAE 20 SVI steps).
 * - `trainLossCurve` (minus the bound per point, mean over each tenth of the
 *   steps) and `trainLossChangeLastHalf` (the fifth tenth's mean minus the
 *   last tenth's: > 0 while still improving); `testLogLikPerPoint` (for
 *   paired differences between methods); `truthTestLogLik` (synthetic sets:
 *   the ground truth's score by the same estimator, the ceiling).
 *
 * Data: binarised MNIST (`loadMnist()`, Bernoulli, L = 10 as in the SA-VAE
 * and amortization-gap papers' small-latent settings; MLPs 784-200-20 and
 * 10-200-784, tanh) and the synthetic sets (Gaussian, L = 1, the ground
 * truth's architecture). One data draw and one restart per case: intervals
 * are over test points (paired between methods on the same points), so they
 * hold the test-set and estimator noise but not the training noise.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import { SYNTHETIC_NAMES } from "../../../src/data/analytic.ts";
import { loadMnist } from "../../../src/data/mnist.ts";
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { amortizationGap } from "../../../src/eval/amortization_gap.ts";
import { importanceLogLikelihood } from "../../../src/eval/gaussian_q.ts";
import {
  sharedEstimatorName,
  sharedLogLikelihood,
  type SharedLogLikelihoodOptions,
} from "../../../src/eval/shared_log_likelihood.ts";
import { summarizeMean } from "../../../src/eval/stats.ts";
import { groundTruthModel } from "../../../src/eval/test_kl.ts";
import { logLikelihoodQuadrature } from "../../../src/eval/log_likelihood_quadrature.ts";
import type { MethodModel, MethodOptions, TrainingData } from "../../../src/models/method.ts";
import { getMethod, METHODS } from "../../../src/models/registry.ts";
import type { Rng } from "../../../src/rng.ts";
import { budgetFraction } from "../../../src/train/budget.ts";
import { EpochBatches, StepLoop } from "../../../src/train/step_loop.ts";
import type { Matrix } from "../../../src/types.ts";
import type {
  CaseResult,
  CaseSpec,
  JsonValue,
  Profile,
  ReportSection,
  Suite,
} from "../../harness/suite.ts";

/** The methods compared, in report order: every registered one with a Gaussian test-time q. */
export const AMORTIZATION_METHODS: readonly string[] = METHODS.filter((m) => m.gaussianPosterior)
  .map((m) => m.name);
/** The budget kinds, one case each per data set and method. */
export const BUDGET_KINDS = ["passes", "steps"] as const;
/** A budget kind. */
export type BudgetKind = typeof BUDGET_KINDS[number];
/** MNIST's latent dimension in this suite. */
export const MNIST_L = 10;
/** The synthetic sets' latent dimension. */
const SYNTHETIC_L = 1;
const BATCH = 100;
/** Decoder passes budget per unit of the step budget: P = PASS_FACTOR * T * B. */
export const PASS_FACTOR = 1;
/**
 * Timed passes of inference over the test set; the fastest is reported: on a
 * shared machine other processes only ever add time (medians of 5 moved 5x
 * between two runs of the same GP-RF model here).
 */
const TIMING_REPEATS = 7;
/** Windows of the reported training-loss curve. */
const CURVE_WINDOWS = 10;

interface GroupSizes {
  train: number;
  test: number;
  /** Step budget T; the pass budget is PASS_FACTOR * T * BATCH decoder passes. */
  steps: number;
  learningRate: number;
}

interface Sizes {
  mnist: GroupSizes;
  synthetic: GroupSizes & { names: readonly string[] };
  /** Shared estimator for L > 2: importance samples and Adam steps of its per-point fit. */
  llSamples: number;
  llFitSteps: number;
  /** Importance samples of `testLogLikOwnQ`. */
  ownQSamples: number;
  /** Most Adam steps of the amortization gap's per-point optimisation; ELBO draws. */
  gapSteps: number;
  evalSamples: number;
}

/**
 * Settings per profile. T comes from training curves measured with this
 * suite's code (wasm, 2 busy cores, Adam lr 3e-3, batch 100, N = 1000):
 * - figure8, VAE: test log-lik by quadrature -5.45 at 300 steps (a plateau
 *   every method sits on first), -1.89 at 600, -1.38 at 1200, -1.00 at 2400
 *   (the truth: -0.62); GP-RF -2.80, -1.64, -1.38 at 300, 600, 900 steps.
 *   When a run leaves the plateau is random: in another VAE run (the
 *   standard profile's seed) it stayed there for all 1200 steps while
 *   SA-VAE left it near step 600. Standard's T = 1000 is past the plateau
 *   for most runs, not converged; the passes cases of the VAE and GP-RF
 *   repeat their steps cases with other random streams, so the page shows
 *   whether a ranking rests on one lucky or unlucky run.
 * - MNIST, VAE: training loss 298, 198, 165, 150 nats per digit at 25, 50,
 *   100, 150 steps; steps cost 0.2 s (VAE) to 1 s (SA-VAE) on a busy core,
 *   so T = 150 is what fits the time limit, not convergence. At T = 150
 *   (standard) the VAE's loss fell from 346 to 144 over the tenths and
 *   SA-VAE's from 341 to 172: both train, both still improve (about 28
 *   nats over the last half).
 * - Time (wasm, 2 shared cores): MNIST's four equal-steps cases took 253 s
 *   together (VAE 30 s, IWAE 70 s, SA-VAE 118 s, GP-RF 34 s; scoring the 30
 *   test digits about 18 s of each), figure8's four 112 s and its four
 *   equal-passes cases 50 s. Standard (MNIST and figure8, 16 cases) is about
 *   9 minutes from those case times; circle (measured at T = 1000:
 *   the VAE's and GP-RF's losses were still falling by about 20 nats over
 *   the last half) is left to the full profile.
 * Quick is a smoke test (about 80 s): its T leaves figure8 on the plateau
 * and MNIST at 10 steps.
 */
const SIZES: Record<Profile, Sizes> = {
  quick: {
    mnist: { train: 300, test: 8, steps: 10, learningRate: 3e-3 },
    synthetic: { names: ["figure8"], train: 1000, test: 100, steps: 250, learningRate: 3e-3 },
    llSamples: 200,
    llFitSteps: 50,
    ownQSamples: 200,
    gapSteps: 100,
    evalSamples: 100,
  },
  standard: {
    mnist: { train: 2000, test: 30, steps: 150, learningRate: 3e-3 },
    synthetic: {
      names: ["figure8"],
      train: 1000,
      test: 200,
      steps: 1000,
      learningRate: 3e-3,
    },
    llSamples: 1000,
    llFitSteps: 150,
    ownQSamples: 500,
    gapSteps: 150,
    evalSamples: 300,
  },
  full: {
    mnist: { train: 8000, test: 500, steps: 5000, learningRate: 1e-3 },
    synthetic: {
      names: SYNTHETIC_NAMES,
      train: 5000,
      test: 1000,
      steps: 20000,
      learningRate: 1e-3,
    },
    llSamples: 5000,
    llFitSteps: 500,
    ownQSamples: 5000,
    gapSteps: 500,
    evalSamples: 1000,
  },
};

function firstRows(m: Matrix, a: number, b: number): Matrix {
  return { rows: b - a, cols: m.cols, data: m.data.slice(a * m.cols, b * m.cols) };
}

interface CaseData {
  data: TrainingData;
  test: Matrix;
  options: MethodOptions;
}

function caseData(dataset: string, train: number, test: number, seed: number): CaseData {
  if (dataset === "mnist") {
    const mn = loadMnist();
    const net = { hidden: [200], activation: "tanh" as const };
    return {
      data: {
        x: firstRows(mn.train, 0, train),
        l: MNIST_L,
        likelihood: "bernoulli",
        sigma2: 1,
      },
      test: firstRows(mn.test, 0, test),
      options: { encoder: net, decoder: net },
    };
  }
  const ds = getSyntheticDataset(dataset);
  const draw = ds.draw(train + test, seed);
  return {
    data: {
      x: firstRows(draw.x, 0, train),
      l: ds.l,
      likelihood: "gaussian",
      sigma2: ds.sigma2,
      groundTruth: { codes: firstRows(draw.z, 0, train), decoder: ds.surrogate },
    },
    test: firstRows(draw.x, train, train + test),
    options: {},
  };
}

/** The shared estimator's options from a case's params (the same for every method of a data set). */
function estimatorOptions(params: Record<string, JsonValue>, seed: number) {
  return {
    seed,
    samples: params.llSamples as number,
    fitSteps: params.llFitSteps as number,
  } satisfies SharedLogLikelihoodOptions;
}

/**
 * The `testLogLikEstimator` a case will report, from its params alone: the
 * name depends only on L and the estimator settings, never on the method.
 */
export function caseEstimator(params: Record<string, JsonValue>): string {
  const l = params.dataset === "mnist" ? MNIST_L : SYNTHETIC_L;
  return sharedEstimatorName(l, estimatorOptions(params, 0));
}

/** A training budget: Adam steps, or decoder passes. */
export type AmortizationBudget = { kind: "steps"; steps: number } | {
  kind: "passes";
  passes: number;
};

/** What training did: steps, seconds and the loss per step. */
export interface FitResult {
  steps: number;
  seconds: number;
  /** Minus the method's bound per row, at every step. */
  losses: Float64Array;
}

/** Adam steps on shuffled batches until the budget is spent; the model stays alive for scoring. */
async function fit(
  model: MethodModel,
  data: { n: number; batch: number; learningRate: number },
  budget: AmortizationBudget,
  rng: Rng,
  progress: (f: number) => void,
  signal?: AbortSignal,
): Promise<FitResult> {
  const loop = new StepLoop(model, { learningRate: data.learningRate, signal });
  const batches = new EpochBatches(data.n, data.batch);
  const spent = () =>
    budget.kind === "steps" ? loop.steps / budget.steps : budgetFraction(
      { kind: "passes", passes: budget.passes, costModel: "decoder" },
      model.passes,
      0,
    );
  const start = performance.now();
  const losses: number[] = [];
  let paused = 0;
  try {
    while (spent() < 1) {
      const step = await loop.step(batches.next(rng), rng);
      paused += step.pausedMs; // the event loop's turns are not training time
      losses.push(step.loss);
      if (loop.steps % 10 === 0) progress(spent());
    }
  } finally {
    loop.dispose();
  }
  const steps = loop.steps;
  return {
    steps,
    seconds: (performance.now() - start - paused) / 1000,
    losses: Float64Array.from(losses),
  };
}

/**
 * The training-loss curve as the means over `windows` equal runs of steps
 * (fewer windows when there are fewer steps), and the mean loss over the
 * window ending at half the steps minus the last window's: > 0 while the
 * loss was still falling.
 */
export function lossCurve(
  losses: ArrayLike<number>,
  windows = CURVE_WINDOWS,
): { curve: number[]; changeLastHalf: number } {
  const n = losses.length;
  const w = Math.max(1, Math.min(windows, n));
  const curve: number[] = [];
  for (let k = 0; k < w; k++) {
    const a = Math.floor((k * n) / w), b = Math.floor(((k + 1) * n) / w);
    let s = 0;
    for (let i = a; i < b; i++) s += losses[i];
    curve.push(s / Math.max(1, b - a));
  }
  const half = curve[Math.max(0, Math.ceil(w / 2) - 1)];
  return { curve, changeLastHalf: half - curve[w - 1] };
}

const mean = (v: ArrayLike<number>) => summarizeMean(v).mean;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The amortization suite. */
export const amortizationSuite: Suite = {
  name: "amortization",
  description:
    "VAE, IWAE, SA-VAE, GP-RF at equal passes and equal steps: one shared log-lik estimator, gaps, inference time",
  cases(profile) {
    const sz = SIZES[profile];
    const cases: CaseSpec[] = [];
    const add = (dataset: string, s: GroupSizes) => {
      for (const kind of BUDGET_KINDS) {
        for (const method of AMORTIZATION_METHODS) {
          cases.push({
            suite: "amortization",
            name: `${dataset}/${kind}/${method}`,
            params: {
              dataset,
              method,
              budgetKind: kind,
              ...(kind === "steps"
                ? { budgetSteps: s.steps }
                : { budgetPasses: PASS_FACTOR * s.steps * BATCH, costModel: "decoder" }),
              nTrain: s.train,
              nTest: s.test,
              batch: BATCH,
              learningRate: s.learningRate,
              llSamples: sz.llSamples,
              llFitSteps: sz.llFitSteps,
              ownQSamples: sz.ownQSamples,
              gapSteps: sz.gapSteps,
              evalSamples: sz.evalSamples,
            },
          });
        }
      }
    };
    add("mnist", sz.mnist);
    for (const name of sz.synthetic.names) add(name, sz.synthetic);
    return cases;
  },
  async run(spec, ctx) {
    await useBackend(ctx);
    const p = spec.params;
    const { data, test, options } = caseData(
      p.dataset as string,
      p.nTrain as number,
      p.nTest as number,
      ctx.seed,
    );
    const method = getMethod(p.method as string);
    const model = method.build(data, { ...options, rng: ctx.rng("init") });
    try {
      const budget: AmortizationBudget = p.budgetKind === "steps"
        ? { kind: "steps", steps: p.budgetSteps as number }
        : { kind: "passes", passes: p.budgetPasses as number };
      ctx.progress(0, "train");
      const trained = await fit(
        model,
        { n: data.x.rows, batch: p.batch as number, learningRate: p.learningRate as number },
        budget,
        ctx.rng("train"),
        (f) => ctx.progress(0.5 * Math.min(1, f), "train"),
        ctx.signal,
      );
      if (!model.posterior) throw new Error(`${method.name} has no test-time posterior`);
      // Inference timing: warm up the kernels on a few rows, then the
      // fastest of TIMING_REPEATS passes over the whole test set (one pass is ~1 ms on small data).
      await model.posterior(firstRows(test, 0, Math.min(5, test.rows)), ctx.rng("warm"));
      const times: number[] = [];
      let q = await model.posterior(test, ctx.rng("posterior"));
      for (let rep = 0; rep < TIMING_REPEATS; rep++) {
        const t0 = performance.now();
        q = await model.posterior(test, ctx.rng("posterior"));
        times.push((performance.now() - t0) / 1000 / test.rows);
      }
      const inferenceSecondsPerPoint = Math.min(...times);
      const gm = await model.exportModel(ctx.rng("export"));
      ctx.progress(0.55, "log-likelihood");
      // The same seed for every method of a data set: common random numbers.
      const shared = await sharedLogLikelihood(gm, test, estimatorOptions(p, ctx.seed));
      if (shared.estimator !== caseEstimator(p)) {
        throw new Error(`estimator mismatch: ${shared.estimator} vs ${caseEstimator(p)}`);
      }
      ctx.progress(0.7, "own-q log-likelihood");
      const ownQ = await importanceLogLikelihood(gm, { x: test, proposals: [q] }, {
        samples: p.ownQSamples as number,
        seed: ctx.seed,
      });
      ctx.progress(0.75, "gap");
      const gap = await amortizationGap(gm, { x: test, posterior: q }, {
        seed: ctx.seed,
        steps: p.gapSteps as number,
        evalSamples: p.evalSamples as number,
        logPx: "none",
      });
      const curve = lossCurve(trained.losses);
      // The truth's score on the same points by the same estimator: how far from learned.
      const truth = p.dataset === "mnist"
        ? null
        : logLikelihoodQuadrature(groundTruthModel(getSyntheticDataset(p.dataset as string)), test)
          .mean;
      const extra: Record<string, JsonValue> = {};
      for (const [k, v] of Object.entries(model.extraMetrics())) {
        if (Number.isFinite(v)) extra[k] = v;
      }
      const ll = summarizeMean(shared.logPx);
      return {
        testLogLik: ll.mean,
        testLogLikStdError: ll.stdError,
        testLogLikEstimator: shared.estimator,
        testLogLikPerPoint: Array.from(shared.logPx, round4),
        testLogLikOwnQ: mean(ownQ),
        truthTestLogLik: truth,
        elbo: mean(gap.amortizedElbo),
        optimizedElbo: mean(gap.optimizedElbo),
        amortizationGap: mean(gap.gap),
        amortizationGapStdError: summarizeMean(gap.gap).stdError,
        inferenceGap: mean(shared.logPx.map((v, i) => v - gap.amortizedElbo[i])),
        gapOptimizerSteps: gap.steps,
        inferenceSecondsPerPoint,
        trainSteps: trained.steps,
        trainSeconds: trained.seconds,
        trainLossCurve: curve.curve.map(round4),
        trainLossChangeLastHalf: curve.changeLastHalf,
        encoderPasses: model.passes.encoder,
        decoderPasses: model.passes.decoder,
        ...extra,
      };
    } finally {
      model.dispose();
    }
  },
  summarize: summarizeAmortization,
  report: reportAmortization,
};

/** Mean paired difference a - b over the points both have, with its 95% interval. */
function pairedDifference(a: JsonValue, b: JsonValue) {
  if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length || a.length < 2) {
    return null;
  }
  const d = a.map((v, i) => (v as number) - (b[i] as number));
  const s = summarizeMean(d);
  return { diff: s.mean, ciLow: s.ci95Low, ciHigh: s.ci95High, points: s.n };
}

/**
 * Per data set and budget kind: the method with the best test log-likelihood,
 * its paired difference to the runner-up with a 95% interval over test
 * points, and whether one estimator scored every method; per data set and
 * kind, Kim and Pavlovic's two claims (GP-RF's log-likelihood >= VAE's and
 * SA-VAE's; GP-RF's inference >= 10x faster than SA-VAE's).
 */
export function summarizeAmortization(results: CaseResult[]): Record<string, JsonValue> {
  const by = new Map<string, Map<string, Record<string, JsonValue>>>();
  for (const r of results) {
    if (r.status !== "ok") continue;
    const key = `${r.params.dataset}/${r.params.budgetKind ?? "passes"}`;
    if (!by.has(key)) by.set(key, new Map());
    by.get(key)!.set(r.params.method as string, r.metrics);
  }
  const estimators = new Map<string, Set<string>>();
  for (const r of results) {
    if (r.status !== "ok") continue;
    const ds = r.params.dataset as string;
    if (!estimators.has(ds)) estimators.set(ds, new Set());
    estimators.get(ds)!.add(String(r.metrics.testLogLikEstimator));
  }
  const perCase: Record<string, JsonValue> = {};
  let llHeld = 0, llChecked = 0, speedHeld = 0, speedChecked = 0;
  for (const [key, m] of by) {
    const ds = key.split("/")[0];
    const row: Record<string, JsonValue> = {
      estimator: [...estimators.get(ds)!].join(" | "),
      oneEstimator: estimators.get(ds)!.size === 1,
    };
    const ranked = [...m.entries()]
      .filter(([, v]) => typeof v.testLogLik === "number")
      .sort((a, b) => (b[1].testLogLik as number) - (a[1].testLogLik as number));
    if (ranked.length >= 2) {
      const [best, second] = ranked;
      row.best = best[0];
      row.runnerUp = second[0];
      const pd = pairedDifference(best[1].testLogLikPerPoint, second[1].testLogLikPerPoint);
      row.bestMinusRunnerUp = pd?.diff ?? (best[1].testLogLik as number) -
          (second[1].testLogLik as number);
      row.ciLow = pd?.ciLow ?? null;
      row.ciHigh = pd?.ciHigh ?? null;
      row.clearWinner = pd ? pd.ciLow > 0 : null;
    }
    let largest = -Infinity;
    for (const [method, v] of m) {
      const c = v.trainLossChangeLastHalf;
      if (typeof c === "number" && c > largest) {
        largest = c;
        row.largestLossChangeLastHalf = c;
        row.largestLossChangeMethod = method;
      }
    }
    const gp = m.get("gp_rf"), v = m.get("vae"), sa = m.get("sa_vae");
    if (gp && v && sa) {
      const dv = pairedDifference(gp.testLogLikPerPoint, v.testLogLikPerPoint);
      const ds2 = pairedDifference(gp.testLogLikPerPoint, sa.testLogLikPerPoint);
      const g = gp.testLogLik as number;
      row.gpRfMinusVae = dv?.diff ?? g - (v.testLogLik as number);
      row.gpRfMinusVaeCi = dv ? [dv.ciLow, dv.ciHigh] : null;
      row.gpRfMinusSaVae = ds2?.diff ?? g - (sa.testLogLik as number);
      row.gpRfMinusSaVaeCi = ds2 ? [ds2.ciLow, ds2.ciHigh] : null;
      // The claim holds where GP-RF is not clearly worse than either (interval above 0 or covering it).
      row.logLikClaim = claimVerdict(dv, ds2);
      row.logLiks = `GP-RF ${fmt(g)}, VAE ${fmt(v.testLogLik)}, SA-VAE ${fmt(sa.testLogLik)}` +
        (typeof v.truthTestLogLik === "number" ? `, the truth ${fmt(v.truthTestLogLik)}` : "");
      llChecked++;
      if (row.logLikClaim === "agrees") llHeld++;
    }
    if (gp && sa) {
      row.saVaeOverGpRfInferenceTime = (sa.inferenceSecondsPerPoint as number) /
        (gp.inferenceSecondsPerPoint as number);
      row.speedClaimHolds = (row.saVaeOverGpRfInferenceTime as number) >= 10;
      speedChecked++;
      if (row.speedClaimHolds) speedHeld++;
    }
    perCase[key] = row;
  }
  return {
    perCase,
    claims: claimRows(perCase),
    oneEstimatorPerDataset: [...estimators.values()].every((s) => s.size === 1),
    draws: 1,
    intervals: "95% Student-t over test points, paired on the same points; one training draw",
    logLikClaim: `agrees on ${llHeld} of ${llChecked} (data set, budget) pairs`,
    speedClaim: `${speedHeld} of ${speedChecked} (data set, budget) pairs`,
    speedClaimHoldsEverywhere: speedChecked > 0 && speedHeld === speedChecked,
  };
}

type Paired = ReturnType<typeof pairedDifference>;

/**
 * Kim and Pavlovic's claims as rows for the report's claims table
 * (src/report/claims.ts reads `claim`, `dataset`, `outcome`, `evidence`):
 * the log-likelihood claim per data set and budget kind, the speed claim per
 * data set (inference does not depend on the budget; the equal-steps models).
 */
function claimRows(perCase: Record<string, JsonValue>): JsonValue[] {
  const rows: JsonValue[] = [];
  const ci = (v: JsonValue | undefined) => Array.isArray(v) ? ` [${fmt(v[0])}, ${fmt(v[1])}]` : "";
  const speedDone = new Set<string>();
  const keys = Object.keys(perCase).sort((a, b) =>
    a.endsWith("/steps") === b.endsWith("/steps") ? 0 : a.endsWith("/steps") ? -1 : 1
  );
  for (const key of keys) {
    const r = perCase[key] as Record<string, JsonValue>;
    const [dataset, kind] = key.split("/");
    if (r.logLikClaim !== undefined) {
      rows.push({
        claim: `GP-RF's test log-likelihood beats the VAE's and SA-VAE's (equal ${kind})`,
        dataset,
        outcome: r.logLikClaim,
        evidence: `GP-RF - VAE ${fmt(r.gpRfMinusVae)}${ci(r.gpRfMinusVaeCi)}, GP-RF - SA-VAE ${
          fmt(r.gpRfMinusSaVae)
        }${
          ci(r.gpRfMinusSaVaeCi)
        } nats (${r.logLiks}), paired over test points, one training draw; ${r.estimator}`,
      });
    }
    if (typeof r.saVaeOverGpRfInferenceTime === "number" && !speedDone.has(dataset)) {
      speedDone.add(dataset);
      rows.push({
        claim: "GP-RF's inference is much (>= 10x) faster per point than SA-VAE's",
        dataset,
        outcome: r.speedClaimHolds ? "agrees" : "disagrees",
        evidence: `SA-VAE / GP-RF seconds per point: ${
          fmt(r.saVaeOverGpRfInferenceTime, 1)
        }x (fastest of ${TIMING_REPEATS} passes, equal-${kind} models)`,
      });
    }
  }
  return rows;
}

/** "agrees" when GP-RF is clearly better than both, "disagrees" when clearly worse than one. */
function claimVerdict(vsVae: Paired, vsSaVae: Paired): string {
  if (!vsVae || !vsSaVae) return "not resolved";
  if (vsVae.ciHigh < 0 || vsSaVae.ciHigh < 0) return "disagrees";
  if (vsVae.ciLow > 0 && vsSaVae.ciLow > 0) return "agrees";
  return "not resolved";
}

const fmt = (v: JsonValue | undefined, digits = 2) =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";

function reportAmortization(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const ok = results.filter((r) => r.status === "ok");
  const datasets = [...new Set(ok.map((r) => r.params.dataset as string))];
  const find = (ds: string, kind: string, method: string) =>
    ok.find((r) =>
      r.params.dataset === ds && (r.params.budgetKind ?? "passes") === kind &&
      r.params.method === method
    );
  const metric = (ds: string, kind: string, method: string, key: string) =>
    (find(ds, kind, method)?.metrics[key] ?? null) as number | null;
  // 95% whiskers where the metric has them: the paired interval over test points for a
  // difference to the VAE, mean +- 1.96 standard errors for the amortization gap.
  const interval = (ds: string, k: string, m: string, key: string, minusVae: boolean) => {
    const r = find(ds, k, m)?.metrics;
    if (!r) return null;
    if (minusVae) {
      const v = find(ds, k, "vae")?.metrics;
      const pd = v && m !== "vae"
        ? pairedDifference(r[`${key}PerPoint`], v[`${key}PerPoint`])
        : null;
      return pd ? [pd.ciLow, pd.ciHigh] : null;
    }
    const mean = r[key], se = r[`${key}StdError`];
    return typeof mean === "number" && typeof se === "number"
      ? [mean - 1.96 * se, mean + 1.96 * se]
      : null;
  };
  const bars = (title: string, key: string, yTitle: string, log = false, minusVae = false) => ({
    title,
    config: {
      type: "bar",
      data: {
        labels: datasets.flatMap((ds) => BUDGET_KINDS.map((k) => `${ds} (${k})`)),
        datasets: AMORTIZATION_METHODS.map((m) => ({
          label: m,
          data: datasets.flatMap((ds) =>
            BUDGET_KINDS.map((k) => {
              const v = metric(ds, k, m, key), base = metric(ds, k, "vae", key);
              return minusVae ? (v === null || base === null ? null : v - base) : v;
            })
          ),
          errorBars: datasets.flatMap((ds) =>
            BUDGET_KINDS.map((k) => interval(ds, k, m, key, minusVae))
          ),
        })),
      },
      options: {
        scales: {
          y: { type: log ? "logarithmic" : "linear", title: { display: true, text: yTitle } },
        },
      },
    } as { [key: string]: JsonValue },
  });
  const curves = datasets.flatMap((ds) =>
    BUDGET_KINDS.map((k) => ({
      title: `Training loss (minus the bound, nats per point), ${ds}, equal ${k}`,
      config: {
        type: "line",
        data: {
          labels: Array.from({ length: CURVE_WINDOWS }, (_, i) => `${(i + 1) * 10}%`),
          datasets: AMORTIZATION_METHODS.map((m) => ({
            label: m,
            data: (find(ds, k, m)?.metrics.trainLossCurve ?? []) as JsonValue[],
          })),
        },
        options: {
          scales: {
            x: { title: { display: true, text: "share of the method's steps" } },
            y: { title: { display: true, text: "nats" } },
          },
        },
      } as { [key: string]: JsonValue },
    }))
  );
  const per = (summary.perCase ?? {}) as Record<string, Record<string, JsonValue>>;
  const ci = (v: JsonValue | undefined) =>
    Array.isArray(v) ? `[${fmt(v[0])}, ${fmt(v[1])}]` : "(no interval)";
  const first = ok[0]?.params;
  const mn = ok.find((r) => r.params.dataset === "mnist")?.params;
  const syn = ok.find((r) => r.params.dataset !== "mnist")?.params;
  const budgetText = (q: Record<string, JsonValue> | undefined, name: string) =>
    q
      ? `${name}: T = ${q.budgetSteps ?? (q.budgetPasses as number) / (PASS_FACTOR * BATCH)} ` +
        `steps, P = ${PASS_FACTOR * BATCH} T decoder passes, ${q.nTrain} training and ` +
        `${q.nTest} test points, Adam lr ${q.learningRate}`
      : "";
  const notes = [
    "Two budgets per data set. Equal steps: every method takes T Adam steps of batch " +
    `${BATCH} (SA-VAE's 20 SVI steps per row are free). Equal decoder passes: every method ` +
    "spends P = T B decoder passes, so the VAE and GP-RF take T steps (their passes cases " +
    "are a second training run with other random streams: compare them to see the training " +
    "noise), IWAE (S = 5) about T / 5 and SA-VAE (21 passes per row per step) about T / 21. " +
    [budgetText(mn, "MNIST"), budgetText(syn, "synthetic")].filter((s) => s).join("; ") +
    ". T was set per profile from training curves measured beforehand with this code (module " +
    "doc of benchmarks/suites/amortization/amortization.ts); this run's curves are below. Largest training-loss " +
    "drop over the last half of the steps (nats per point; > 0 means still improving): " +
    Object.entries(per).map(([key, r]) =>
      `${key}: ${fmt(r.largestLossChangeLastHalf)} (${r.largestLossChangeMethod})`
    ).join("; ") + ". Synthetic sets: the ground truth's test log-likelihood by the same " +
    "estimator is " +
    datasets.filter((ds) => ds !== "mnist").map((ds) =>
      `${ds} ${fmt(metric(ds, "steps", "vae", "truthTestLogLik"))}`
    ).join(", ") + " nats; a model far below it has not learned the data.",
    `Test log-likelihood: one estimator per data set for every method, never the method's own q: ${
      datasets.map((ds) =>
        `${ds}: ${per[`${ds}/steps`]?.estimator ?? per[`${ds}/passes`]?.estimator}`
      )
        .join("; ")
    }. One estimator per data set: ${summary.oneEstimatorPerDataset}. ` +
    "ELBO, amortization gap (ELBO of a per-point optimised Gaussian started at the method's q, " +
    "minus the amortized ELBO) and inference gap (test log-lik - ELBO) use the method's own q; " +
    "'own-q log-lik' is importance sampling with that q, shown only to say how much a proposal " +
    "alone moves the estimate.",
    `Intervals: ${summary.intervals}. One draw: they do not include training randomness.`,
    "Best test log-likelihood per data set and budget: " +
    Object.entries(per).map(([key, r]) =>
      `${key}: ${r.best} over ${r.runnerUp} by ${fmt(r.bestMinusRunnerUp)} nats ` +
      `[${fmt(r.ciLow)}, ${fmt(r.ciHigh)}]${r.clearWinner === false ? " (no clear winner)" : ""}`
    ).join("; ") + ".",
    `Kim and Pavlovic claim 1, GP-RF's test log-likelihood >= VAE's and SA-VAE's: ${summary.logLikClaim} (agrees: both paired intervals above 0; disagrees: one below). ` +
    Object.entries(per).map(([key, r]) =>
      `${key}: GP-RF - VAE ${fmt(r.gpRfMinusVae)} ${ci(r.gpRfMinusVaeCi)}, GP-RF - SA-VAE ${
        fmt(r.gpRfMinusSaVae)
      } ${ci(r.gpRfMinusSaVaeCi)}: ${r.logLikClaim}`
    ).join("; ") + ".",
    `Claim 2, GP-RF inference >= 10x faster per point than SA-VAE: held on ${summary.speedClaim}. ` +
    Object.entries(per).map(([key, r]) => `${key}: ${fmt(r.saVaeOverGpRfInferenceTime, 1)}x`)
      .join("; ") +
    ".",
  ];
  if (!first) notes.length = 0;
  const rows: JsonValue[][] = ok.map((r) => [
    r.params.dataset,
    r.params.budgetKind ?? "passes",
    r.params.method,
    r.metrics.testLogLik,
    r.metrics.testLogLikOwnQ ?? null,
    r.metrics.elbo,
    r.metrics.amortizationGap,
    r.metrics.inferenceGap,
    r.metrics.inferenceSecondsPerPoint,
    r.metrics.trainSteps,
    r.metrics.decoderPasses,
    r.metrics.trainLossChangeLastHalf ?? null,
    r.metrics.trainSeconds,
  ]);
  return {
    title: "Amortization: VAE, IWAE, SA-VAE and GP-RF at equal passes and equal steps",
    notes,
    charts: [
      bars(
        "Test log-likelihood minus the VAE's, shared estimator (nats, higher is better; " +
          "whiskers: paired 95% interval over test points)",
        "testLogLik",
        "nats",
        false,
        true,
      ),
      bars(
        "Amortization gap (nats, lower is better; whiskers: 95% interval over test points)",
        "amortizationGap",
        "nats",
      ),
      bars("Inference seconds per point", "inferenceSecondsPerPoint", "seconds", true),
      ...curves,
    ],
    tables: [{
      title: "Per data set, budget and method",
      columns: [
        "dataset",
        "budget",
        "method",
        "test log-lik (shared)",
        "own-q log-lik",
        "ELBO",
        "amortization gap",
        "inference gap",
        "inference s/point",
        "train steps",
        "decoder passes",
        "loss change, last half",
        "train s",
      ],
      rows,
    }],
  };
}
