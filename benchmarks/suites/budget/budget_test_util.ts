/**
 * Budget case results as the training side writes them, for the budget
 * suite's summary and report tests (test-only helper).
 *
 * @module
 */

import type { CaseResult, JsonValue } from "../../harness/suite.ts";

/** Student t 97.5% quantile with 2 degrees of freedom. */
export const T2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025); // Student t 97.5% quantile, 2 df

/** Per-draw test KL (null: not available). */
export type Draws = (number | null)[];

/** A budget case as the training side will write it: a curve at 1/2 and the full budget. */
export function budgetCase(
  dataset: string,
  method: string,
  draws: { half: Draws; full: Draws },
  extra: Record<string, JsonValue> = {},
  params: Record<string, JsonValue> = {},
): CaseResult {
  const mean = (v: Draws) => {
    const ok = v.filter((x): x is number => x !== null);
    return ok.reduce((a, b) => a + b, 0) / ok.length;
  };
  const point = (fraction: number, perDraw: Draws) => ({
    fraction,
    budget: fraction * 1000,
    testKl: mean(perDraw),
    ciLow: mean(perDraw) - 1,
    ciHigh: mean(perDraw) + 1,
    perDraw,
  });
  return {
    suite: "budget",
    name: `${dataset}/passes/${method}`,
    params: {
      dataset,
      method,
      budgetKind: "passes",
      costModel: "encoder_decoder",
      n: 1000,
      draws: 3,
      passes: 1000,
      seconds: 2,
      checkpoints: [0.5],
      deterministic: true,
      ...params,
    },
    status: "ok",
    seconds: 1,
    metrics: {
      testKl: mean(draws.full),
      testKlCiLow: mean(draws.full) - 1,
      testKlCiHigh: mean(draws.full) + 1,
      testKlPerDraw: draws.full,
      curve: [point(0.5, draws.half), point(1, draws.full)],
      ...extra,
    },
  };
}

/**
 * Two data sets with the same numbers. At 1/2 the VAE is clearly best; at the full
 * budget MAPA has the lowest mean but IWAE's paired interval covers 0. Convergence:
 * vae and mapa pass, iwae fails, mapa_gt reports none; tails: mapa ok, mapa_gt not,
 * mapa_naive reports none.
 */
export function fixture(params: Record<string, JsonValue> = {}): CaseResult[] {
  const out: CaseResult[] = [];
  for (const ds of ["figure8", "clusters"]) {
    const c = (m: string, half: Draws, full: Draws, extra: Record<string, JsonValue>) =>
      out.push(budgetCase(ds, m, { half, full }, extra, params));
    c("vae", [1, 2, 3], [12, 52, 93], { klChangeLastHalf: 0.01, tailOverfitNats: 0.5 });
    c("iwae", [2, 3, 4.5], [11, 49, 92], { klChangeLastHalf: 0.2 });
    // figure8's MAPA interval lies within the tolerance, clusters' straddles it; MAPA-GT's lies above.
    const se = ds === "figure8" ? 0.001 : 0.004;
    c("mapa", [5, 6, 7], [10, 50, 90], {
      klChangeLastHalf: 0.04,
      tailOverfitNats: 0.005,
      tailOverfitSe: se,
    });
    c("mapa_gt", [4, 6, 8], [10.5, 50.5, 90.5], {
      klChangeLastHalf: null,
      tailOverfitNats: 0.02,
      tailOverfitSe: 0.002,
    });
    c("mapa_naive", [9, 9, 9], [12, 52, 93], { klChangeLastHalf: 0.5 });
  }
  // Results of an older run without a curve: one level at the full budget, from testKlPerDraw.
  for (const [m, kl] of [["vae", [2, 3, 4]], ["mapa", [1, 2, 3.5]]] as const) {
    out.push({
      suite: "budget",
      name: `figure8/seconds/${m}`,
      params: { dataset: "figure8", method: m, budgetKind: "seconds", passes: 1000, seconds: 2 },
      status: "ok",
      seconds: 1,
      metrics: { testKl: 0, testKlPerDraw: [...kl] },
    });
  }
  out.push({
    suite: "budget",
    name: "figure8/passes/gp_rf",
    params: { dataset: "figure8", method: "gp_rf", budgetKind: "passes" },
    status: "failed",
    error: "boom",
    seconds: 0,
    metrics: {},
  });
  return out;
}

/** The `levels` of a budget kind's summary, typed for the assertions. */
export const levels = (s: Record<string, JsonValue>) =>
  s.levels as unknown as {
    dataset: string;
    fraction: number;
    budget: number;
    winner: string | null;
    tiedWithBest: string[];
    verdict: string;
  }[];
