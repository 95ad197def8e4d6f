/**
 * The passes suite's case params as typed values, converted and checked
 * once from `CaseSpec.params`: a counted case (passes per point of one
 * method at one N and S) or a timed step case (one method on tfjs or
 * PyTorch).
 *
 * @module
 */

import { paramReader } from "../../harness/params.ts";
import type { JsonValue } from "../../harness/suite.ts";

/** A counted case's params. */
export interface CountParams {
  /** Absent: a counted case. */
  peer?: undefined;
  /** The method's registry name. */
  method: string;
  /** The data set counted on. */
  dataset: string;
  /** Samples S (MAPA: tail draws beside the top K). */
  s: number;
  /** MAPA's top K (absent for methods without one). */
  k?: number;
  /** Training points N. */
  n: number;
  /** Rows per batch, min(B, N). */
  batch: number;
  /** Batches counted. */
  steps: number;
  /** The budget suite's N, K and S at this profile. */
  budgetN: number;
  /** The budget suite's K. */
  budgetK: number;
  /** The budget suite's S. */
  budgetS: number;
  /** How MAPA's rows were made, in words (MAPA cases). */
  rows?: string;
  /** How MAPA's tail was drawn, in words (MAPA cases). */
  tail?: string;
}

/** A timed training-step case's params. */
export interface StepParams {
  /** Where the step runs. */
  peer: "tfjs" | "pytorch";
  /** The method's registry name. */
  method: string;
  /** Shared S (MAPA: tail draws; others take K + S samples). */
  s: number;
  /** Shared K (MAPA's top K; absent elsewhere). */
  k?: number;
  /** Training points. */
  n: number;
  /** Rows per step. */
  batch: number;
  /** Width of each network's two hidden layers. */
  hidden: number;
  /** Data dimension D. */
  d: number;
  /** Latent dimension L. */
  l: number;
  /** Timed steps. */
  steps: number;
}

/** One passes case's params. */
export type PassesParams = CountParams | StepParams;

/** Whether `p` is a timed step case's. */
export function isStep(p: PassesParams): p is StepParams {
  return p.peer !== undefined;
}

/** The params of `params` (a case's), checked; throws naming the key that is wrong. */
export function passesParams(
  params: Record<string, JsonValue>,
  name = "passes case",
): PassesParams {
  const r = paramReader(params, name);
  const common = {
    method: r.string("method"),
    s: r.number("s"),
    k: r.optionalNumber("k"),
    n: r.number("n"),
    batch: r.number("batch"),
    steps: r.number("steps"),
  };
  if (params.peer !== undefined) {
    return {
      ...common,
      peer: r.oneOf("peer", ["tfjs", "pytorch"] as const),
      hidden: r.number("hidden"),
      d: r.number("d"),
      l: r.number("l"),
    };
  }
  return {
    ...common,
    dataset: r.string("dataset"),
    budgetN: r.number("budgetN"),
    budgetK: r.number("budgetK"),
    budgetS: r.number("budgetS"),
    rows: r.optionalString("rows"),
    tail: r.optionalString("tail"),
  };
}
