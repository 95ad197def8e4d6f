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
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { amortizationGap } from "../../../src/eval/amortization_gap.ts";
import { importanceLogLikelihood } from "../../../src/eval/gaussian_q.ts";
import { sharedLogLikelihood } from "../../../src/eval/shared_log_likelihood.ts";
import { summarizeMean } from "../../../src/eval/stats.ts";
import { groundTruthModel } from "../../../src/eval/held_out_kl.ts";
import { logLikelihoodQuadrature } from "../../../src/eval/log_likelihood_quadrature.ts";
import { getMethod } from "../../../src/models/registry.ts";
import type { CaseSpec, JsonValue, Suite } from "../../harness/suite.ts";
import {
  type AmortizationParams,
  amortizationParams,
  caseEstimator,
  estimatorOptions,
} from "./amortization_params.ts";
import { reportAmortization } from "./amortization_report.ts";
import {
  AMORTIZATION_PROFILES,
  amortizationMethods,
  BATCH,
  BUDGET_KINDS,
  type GroupSizes,
  PASS_FACTOR,
  TIMING_REPEATS,
} from "./amortization_settings.ts";
import { summarizeAmortization } from "./amortization_summary.ts";
import { caseData, caseLikelihood, firstRows } from "./case_data.ts";
import { type AmortizationBudget, fit, lossCurve } from "./fit.ts";

const mean = (v: ArrayLike<number>) => summarizeMean(v).mean;
const round4 = (v: number) => Math.round(v * 1e4) / 1e4;

/** The amortization suite. */
export const amortizationSuite: Suite = {
  name: "amortization",
  description:
    "VAE, IWAE, SA-VAE, GP-RF at equal passes and equal steps: one shared log-lik estimator, gaps, inference time",
  cases(profile) {
    const sz = AMORTIZATION_PROFILES[profile];
    const cases: CaseSpec[] = [];
    const add = (dataset: string, s: GroupSizes) => {
      for (const kind of BUDGET_KINDS) {
        for (const method of amortizationMethods(caseLikelihood(dataset))) {
          const params: AmortizationParams = {
            dataset,
            method,
            ...(kind === "steps" ? { budgetKind: kind, budgetSteps: s.steps } : {
              budgetKind: kind,
              budgetPasses: PASS_FACTOR * s.steps * BATCH,
              costModel: "decoder" as const,
            }),
            nTrain: s.train,
            nTest: s.test,
            batch: BATCH,
            learningRate: s.learningRate,
            llSamples: sz.llSamples,
            llFitSteps: sz.llFitSteps,
            ownQSamples: sz.ownQSamples,
            gapSteps: sz.gapSteps,
            evalSamples: sz.evalSamples,
          };
          cases.push({ suite: "amortization", name: `${dataset}/${kind}/${method}`, params });
        }
      }
    };
    add("mnist", sz.mnist);
    for (const name of sz.synthetic.names) add(name, sz.synthetic);
    return cases;
  },
  async run(spec, ctx) {
    await useBackend(ctx);
    const p = amortizationParams(spec.params, spec.name);
    const { data, test, options } = caseData(p.dataset, {
      train: p.nTrain,
      test: p.nTest,
      seed: ctx.seed,
    });
    const method = getMethod(p.method);
    const model = method.build(data, { ...options, rng: ctx.rng("init") });
    try {
      const budget: AmortizationBudget = p.budgetKind === "steps"
        ? { kind: "steps", steps: p.budgetSteps }
        : { kind: "passes", passes: p.budgetPasses };
      ctx.progress(0, "train");
      const trained = await fit(
        model,
        { n: data.x.rows, batch: p.batch, learningRate: p.learningRate },
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
        samples: p.ownQSamples,
        seed: ctx.seed,
      });
      ctx.progress(0.75, "gap");
      const gap = await amortizationGap(gm, { x: test, posterior: q }, {
        seed: ctx.seed,
        steps: p.gapSteps,
        evalSamples: p.evalSamples,
        logPx: "none",
      });
      const curve = lossCurve(trained.losses);
      // The truth's score on the same points by the same estimator: how far from learned.
      const truth = p.dataset === "mnist"
        ? null
        : logLikelihoodQuadrature(groundTruthModel(getSyntheticDataset(p.dataset)), test).mean;
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
