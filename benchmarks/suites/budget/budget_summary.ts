/**
 * The budget suite's summary. Per budget kind (equal passes, equal
 * seconds): who wins at every budget level of every data set, from paired
 * differences on the same data draws; the paper's claims, each agrees /
 * disagrees / not resolved with the interval it rests on; and whether the
 * curves converged (`klChangeLastHalf`) and the tail draws did not overfit
 * (`tailOverfitNats`). Every count is computed from the cases.
 *
 * @module
 */

import {
  type ClaimOutcome,
  fig2aOutcome,
  type LevelVerdict,
  levelVerdict,
  type MethodDraws,
  paperChecks,
  paperExpectsMapaWins,
} from "../../experiment/draw_stats.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";
import { casesOf, curveOf, datasetsOf, fullBudget, kinds, num } from "./budget_results.ts";

/** A curve converged when its test KL moved at most this much (nats) over the last half of the budget. */
export const KL_CHANGE_TOLERANCE = 0.05;

/** `tailOverfitNats` (bound on the training tail draws minus bound on fresh draws, per point) must stay at or below this. */
export const TAIL_OVERFIT_TOLERANCE = 0.01;

/** The methods whose curves the issue requires to converge. */
export const CONVERGENCE_REQUIRED: readonly string[] = ["vae", "iwae", "mapa"];

/** The methods that train on MAPA's tail draws and report `tailOverfitNats`. */
export const MAPA_FAMILY: readonly string[] = ["mapa", "mapa_gt", "mapa_naive"];

const asJson = (v: unknown): JsonValue => v as JsonValue;

/** One row of the per-level verdicts: a data set at one budget level. */
export interface LevelRow extends LevelVerdict {
  /** Data set. */
  dataset: string;
  /** Fraction of the full budget. */
  fraction: number;
  /** Budget spent at this level (passes or seconds per restart). */
  budget: number | null;
}

/** The verdict at every budget level of `dataset` under `kind`, smallest budget first. */
export function levelRows(results: CaseResult[], kind: string, dataset: string): LevelRow[] {
  const rs = casesOf(results, kind, dataset);
  const curves = rs.map((r) => ({ method: r.params.method as string, curve: curveOf(r) }));
  const fractions = [...new Set(curves.flatMap((c) => c.curve.map((p) => p.fraction)))]
    .sort((a, b) => a - b);
  return fractions.map((fraction) => {
    const methods: MethodDraws[] = curves.map((c) => ({
      method: c.method,
      perDraw: c.curve.find((p) => p.fraction === fraction)?.perDraw ?? [],
    }));
    const budget = curves.map((c) => c.curve.find((p) => p.fraction === fraction)?.budget)
      .find((b) => typeof b === "number") ?? null;
    return { dataset, fraction, budget, ...levelVerdict(methods) };
  });
}

/** The methods' per-draw test KL at the full budget of `dataset` under `kind`. */
function fullBudgetDraws(results: CaseResult[], kind: string, dataset: string): MethodDraws[] {
  return casesOf(results, kind, dataset).map((r) => {
    const curve = curveOf(r);
    const full = curve.find((p) => p.fraction === 1) ?? curve[curve.length - 1];
    return { method: r.params.method as string, perDraw: full?.perDraw ?? [] };
  });
}

/** A case's convergence figures. */
export interface ConvergenceRow {
  /** Data set. */
  dataset: string;
  /** Method. */
  method: string;
  /** |test KL at half the budget - at the full budget| (nats), or null when not reported. */
  klChangeLastHalf: number | null;
  /** klChangeLastHalf <= {@linkcode KL_CHANGE_TOLERANCE}; null when not reported. */
  converged: boolean | null;
  /** The issue requires this method to converge. */
  required: boolean;
  /** Bound on training tail draws minus on fresh ones, per point (MAPA family only). */
  tailOverfitNats: number | null;
  /** Upper end of its 95% interval over rows (+1.96 standard errors); null without a standard error. */
  tailOverfitCiHigh: number | null;
  /**
   * Judged on the interval: true when its upper end is at or below
   * {@linkcode TAIL_OVERFIT_TOLERANCE}, false when its lower end is above it,
   * null when the interval straddles it or the case reports no figure (on the
   * point estimate alone for runs that recorded no standard error).
   */
  tailOk: boolean | null;
  /** tailOverfitNats alone (the point estimate) <= the tolerance; null when not reported. */
  tailPointOk: boolean | null;
}

/** Convergence and tail-overfit figures of every case of `kind`. */
export function convergenceRows(results: CaseResult[], kind: string): ConvergenceRow[] {
  return casesOf(results, kind).map((r) => {
    const method = r.params.method as string;
    const change = num(r.metrics.klChangeLastHalf);
    const tail = MAPA_FAMILY.includes(method) ? num(r.metrics.tailOverfitNats) : null;
    const se = tail === null ? null : num(r.metrics.tailOverfitSe);
    const high = se === null ? null : tail! + 1.96 * se;
    const low = se === null ? null : tail! - 1.96 * se;
    return {
      dataset: r.params.dataset as string,
      method,
      klChangeLastHalf: change,
      converged: change === null ? null : change <= KL_CHANGE_TOLERANCE,
      required: CONVERGENCE_REQUIRED.includes(method),
      tailOverfitNats: tail,
      tailOverfitCiHigh: high,
      // Runs that recorded no standard error are judged on the point estimate, as they were.
      tailOk: tail === null
        ? null
        : high === null || low === null
        ? tail <= TAIL_OVERFIT_TOLERANCE
        : high <= TAIL_OVERFIT_TOLERANCE
        ? true
        : low > TAIL_OVERFIT_TOLERANCE
        ? false
        : null,
      tailPointOk: tail === null ? null : tail <= TAIL_OVERFIT_TOLERANCE,
    };
  });
}

/**
 * Whether both methods of a comparison "a - b" converged: true when both
 * did, false when either did not, null when either reports no figure.
 */
function bothConverged(rows: ConvergenceRow[], comparison: string): boolean | null {
  const states = comparison.split(" - ").map((m) => rows.find((r) => r.method === m)?.converged);
  if (states.some((x) => x === false)) return false;
  return states.every((x) => x === true) ? true : null;
}

const count = <T>(xs: readonly T[], f: (x: T) => boolean) => xs.filter(f).length;

/**
 * Per budget kind: the verdict at every budget level of every data set
 * (`levels`); per data set the ranking and verdict at the full budget and
 * the paper checks (`perDataset`); counts of data sets where Fig. 2a
 * agrees, disagrees or is not resolved; the convergence and tail-overfit
 * figures per case with their counts; and a one-line `verdict`.
 */
export function summarizeBudget(results: CaseResult[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const kind of kinds(results)) {
    const first = casesOf(results, kind)[0];
    const levels: LevelRow[] = [];
    const perDataset: Record<string, JsonValue> = {};
    const fig2a: Record<string, ClaimOutcome> = {};
    const conv = convergenceRows(results, kind);
    for (const ds of datasetsOf(results)) {
      if (casesOf(results, kind, ds).length === 0) continue;
      const rows = levelRows(results, kind, ds);
      levels.push(...rows);
      const full = levelVerdict(fullBudgetDraws(results, kind, ds));
      const checks = paperChecks(ds, fullBudgetDraws(results, kind, ds)).map((c) => ({
        ...c,
        curvesConverged: bothConverged(conv.filter((r) => r.dataset === ds), c.comparison),
      }));
      fig2a[ds] = fig2aOutcome(checks);
      perDataset[ds] = asJson({
        ranking: [full.best, ...full.comparisons.map((c) => c.method)].filter((m) => m !== null),
        lowestMean: full.best,
        winner: full.winner,
        tiedWithBest: full.tiedWithBest,
        verdict: full.verdict,
        notAvailable: full.notAvailable,
        partlyAvailable: full.partlyAvailable,
        paperSaysMapaBeats: paperExpectsMapaWins(ds),
        fig2a: fig2a[ds],
        checks,
      });
    }
    const outcomes = Object.values(fig2a);
    const judged = count(outcomes, (o) => o !== "not available");
    const agree = count(outcomes, (o) => o === "agrees");
    const disagree = count(outcomes, (o) => o === "disagrees");
    const req = conv.filter((c) => c.required);
    const tails = conv.filter((c) => MAPA_FAMILY.includes(c.method));
    const clear = count(levels, (l) => l.winner !== null);
    const judgedLevels = count(levels, (l) => l.best !== null);
    out[kind] = {
      unit: kind === "seconds" ? "seconds" : "passes",
      budget: first ? fullBudget(first) : null,
      // Data sets may have their own pass budgets (settings' passesByDataset).
      budgetsByDataset: Object.fromEntries(
        datasetsOf(results).flatMap((ds) => {
          const c = casesOf(results, kind, ds)[0];
          return c ? [[ds, fullBudget(c)]] : [];
        }),
      ),
      levels: asJson(levels),
      levelsJudged: judgedLevels,
      clearWinnerLevels: clear,
      perDataset,
      judgedDatasets: judged,
      agreeingDatasets: agree,
      disagreeingDatasets: disagree,
      unresolvedDatasets: judged - agree - disagree,
      convergence: asJson(conv),
      convergedCases: count(conv, (c) => c.converged === true),
      convergenceCheckedCases: count(conv, (c) => c.converged !== null),
      convergenceMissingCases: count(conv, (c) => c.converged === null),
      requiredConvergedCases: count(req, (c) => c.converged === true),
      requiredCases: req.length,
      tailOverfitOkCases: count(tails, (c) => c.tailOk === true),
      tailOverfitFailedCases: count(tails, (c) => c.tailOk === false),
      tailOverfitUnresolvedCases: count(tails, (c) => c.tailOk === null && c.tailPointOk !== null),
      tailOverfitPointOkCases: count(tails, (c) => c.tailPointOk === true),
      tailOverfitCheckedCases: count(tails, (c) => c.tailPointOk !== null),
      tailOverfitMissingCases: count(tails, (c) => c.tailPointOk === null),
      verdict: judged === 0
        ? "Fig. 2a not available: no data set has MAPA, VAE and IWAE on paired draws"
        : `Fig. 2a (MAPA below the VAE and IWAE on every set but clusters): agrees on ${agree}, ` +
          `disagrees on ${disagree}, not resolved on ${judged - agree - disagree} of ${judged} ` +
          `data sets; a clear winner at ${clear} of ${judgedLevels} (data set, budget level) pairs`,
    };
  }
  return out;
}
