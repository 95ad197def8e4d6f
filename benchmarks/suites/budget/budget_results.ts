/**
 * Reading the budget suite's case results: the ok cases by budget kind and
 * data set, a case's full budget, and its test-KL curve (best-effort from
 * the stored JSON, so pages of older runs still render).
 *
 * @module
 */

import type { CaseResult, JsonValue } from "../../harness/suite.ts";

/** One point of a case's curve as the summary reads it. */
export interface CurvePoint {
  /** Fraction of the budget (1: the full budget). */
  fraction: number;
  /** Budget spent at this point (passes or seconds). */
  budget: number | null;
  /** Mean test KL over draws. */
  testKl: number | null;
  /** Per-draw test KL, indexed by draw. */
  perDraw: (number | null)[];
}

/** A finite number, or null. */
export const num = (v: JsonValue | undefined): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : null;

/** A list of finite numbers (null where not one). */
export const numList = (v: JsonValue | undefined): (number | null)[] =>
  Array.isArray(v) ? v.map((x) => num(x)) : [];

/** The budget suite's ok cases. */
export function okResults(results: CaseResult[]): CaseResult[] {
  return results.filter((r) => r.suite === "budget" && r.status === "ok");
}

/** The budget kinds (passes, seconds) among the ok cases, in case order. */
export function kinds(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.budgetKind as string))];
}

/** The data sets among the ok cases, in case order. */
export function datasetsOf(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.dataset as string))];
}

/** The ok cases of budget `kind`, of `dataset` when given. */
export function casesOf(results: CaseResult[], kind: string, dataset?: string): CaseResult[] {
  return okResults(results).filter((r) =>
    r.params.budgetKind === kind && (dataset === undefined || r.params.dataset === dataset)
  );
}

/** The full budget of a case (passes or seconds per restart), from its params. */
export function fullBudget(r: CaseResult): number | null {
  return num(r.params.budgetKind === "seconds" ? r.params.seconds : r.params.passes);
}

/**
 * A case's curve, best-effort from the stored JSON: `metrics.curve` when
 * present, else a single point at the full budget from `testKlPerDraw`
 * (which also stands in for a full-budget point without `perDraw`).
 */
export function curveOf(r: CaseResult): CurvePoint[] {
  const raw = r.metrics.curve;
  if (Array.isArray(raw) && raw.length > 0) {
    return raw.flatMap((c) => {
      if (c === null || typeof c !== "object" || Array.isArray(c)) return [];
      const fraction = num(c.fraction);
      if (fraction === null) return [];
      return [{
        fraction,
        budget: num(c.budget),
        testKl: num(c.testKl),
        // The full budget's draws are also testKlPerDraw, for curves that carry no perDraw.
        perDraw: !Array.isArray(c.perDraw) && fraction === 1
          ? numList(r.metrics.testKlPerDraw)
          : numList(c.perDraw),
      }];
    });
  }
  return [{
    fraction: 1,
    budget: fullBudget(r),
    testKl: num(r.metrics.testKl),
    perDraw: numList(r.metrics.testKlPerDraw),
  }];
}

/**
 * The full budgets of `kind`'s cases, grouped: each distinct budget with the
 * data sets that had it, in case order (one group when every set shares it).
 */
export function budgetGroups(
  results: CaseResult[],
  kind: string,
): { budget: number | null; datasets: string[] }[] {
  const groups: { budget: number | null; datasets: string[] }[] = [];
  for (const ds of datasetsOf(results)) {
    const first = casesOf(results, kind, ds)[0];
    if (!first) continue;
    const budget = fullBudget(first);
    const g = groups.find((x) => x.budget === budget);
    if (g) g.datasets.push(ds);
    else groups.push({ budget, datasets: [ds] });
  }
  return groups;
}
