/**
 * The amortization suite's case params as one typed value, converted and
 * checked once from `CaseSpec.params`, and the shared log-likelihood
 * estimator they name.
 *
 * @module
 */

import {
  sharedEstimatorName,
  type SharedLogLikelihoodOptions,
} from "../../../src/eval/shared_log_likelihood.ts";
import { paramReader } from "../../harness/params.ts";
import type { JsonValue } from "../../harness/suite.ts";
import { BUDGET_KINDS, MNIST_L, SYNTHETIC_L } from "./amortization_settings.ts";

/** What every amortization case records besides its budget. */
type CommonParams = {
  /** `"mnist"` or a synthetic set's name. */
  dataset: string;
  /** The method's registry name. */
  method: string;
  /** Training points. */
  nTrain: number;
  /** Test points. */
  nTest: number;
  /** Rows per Adam step. */
  batch: number;
  /** Adam learning rate. */
  learningRate: number;
  /** Shared estimator (L > 2): importance samples. */
  llSamples: number;
  /** Shared estimator (L > 2): Adam steps of its per-point fit. */
  llFitSteps: number;
  /** Importance samples of `testLogLikOwnQ`. */
  ownQSamples: number;
  /** Most Adam steps of the amortization gap's per-point optimisation. */
  gapSteps: number;
  /** ELBO draws of the amortization gap. */
  evalSamples: number;
};

/**
 * One amortization case's params: a step budget T, or a decoder-pass budget
 * P. A type alias, so a value is itself a `CaseSpec.params` record.
 */
export type AmortizationParams =
  & CommonParams
  & ({ budgetKind: "steps"; budgetSteps: number } | {
    budgetKind: "passes";
    budgetPasses: number;
    costModel: "decoder";
  });

/** The params of `params` (a case's), checked; throws naming the key that is wrong. */
export function amortizationParams(
  params: Record<string, JsonValue>,
  name = "amortization case",
): AmortizationParams {
  const r = paramReader(params, name);
  const head = { dataset: r.string("dataset"), method: r.string("method") };
  const kind = r.oneOf("budgetKind", BUDGET_KINDS);
  const budget = kind === "steps" ? { budgetKind: kind, budgetSteps: r.number("budgetSteps") } : {
    budgetKind: kind,
    budgetPasses: r.number("budgetPasses"),
    costModel: r.oneOf("costModel", ["decoder"] as const),
  };
  return {
    ...head,
    ...budget,
    nTrain: r.number("nTrain"),
    nTest: r.number("nTest"),
    batch: r.number("batch"),
    learningRate: r.number("learningRate"),
    llSamples: r.number("llSamples"),
    llFitSteps: r.number("llFitSteps"),
    ownQSamples: r.number("ownQSamples"),
    gapSteps: r.number("gapSteps"),
    evalSamples: r.number("evalSamples"),
  };
}

/** The shared estimator's options of a case (the same for every method of a data set). */
export function estimatorOptions(p: AmortizationParams, seed: number): SharedLogLikelihoodOptions {
  return { seed, samples: p.llSamples, fitSteps: p.llFitSteps };
}

/**
 * The `testLogLikEstimator` a case will report, from its params alone: the
 * name depends only on L and the estimator settings, never on the method.
 */
export function caseEstimator(p: AmortizationParams): string {
  const l = p.dataset === "mnist" ? MNIST_L : SYNTHETIC_L;
  return sharedEstimatorName(l, estimatorOptions(p, 0));
}
