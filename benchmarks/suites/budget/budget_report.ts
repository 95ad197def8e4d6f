/**
 * The budget suite's report section: how the budgets were chosen and whether
 * the curves converged, the verdicts per budget level, the paper's claims
 * and every case, from the cases and the summary (budget_summary.ts).
 *
 * @module
 */

import { formatNats, intervalText, type PaperCheck } from "../../experiment/draw_stats.ts";
import type { CaseResult, ChartSpec, JsonValue, ReportSection } from "../../harness/suite.ts";
import { budgetIntervalChart, curveChart } from "./budget_charts.ts";
import { budgetGroups, casesOf, datasetsOf, kinds, okResults } from "./budget_results.ts";
import {
  type ConvergenceRow,
  KL_CHANGE_TOLERANCE,
  type LevelRow,
  MAPA_FAMILY,
  TAIL_OVERFIT_TOLERANCE,
} from "./budget_summary.ts";

function fractionText(f: number): string {
  if (f === 1) return "full";
  const inv = 1 / f;
  return Number.isInteger(inv) ? `1/${inv}` : String(f);
}

/**
 * The opening paragraph: how the budgets were chosen, the budgets of this
 * run from its params, and whether the curves converged, counted from the
 * cases.
 *
 * How the budgets were chosen is `params.budgetChoice`: one sentence the
 * training side (budget.ts, per profile) records with every case, saying
 * which pilot curves the budgets were read from. It lives in the params, not
 * here, so a page re-rendered from an old run keeps that run's sentence.
 */
function openingNote(results: CaseResult[], summary: Record<string, JsonValue>): string {
  const p = okResults(results)[0]?.params;
  if (!p) return "No budget case finished in this run.";
  const choice = typeof p.budgetChoice === "string" && p.budgetChoice
    ? p.budgetChoice
    : "This run's params do not record how the budgets were chosen.";
  const marks = Array.isArray(p.checkpoints)
    ? (p.checkpoints as JsonValue[]).filter((x): x is number => typeof x === "number")
    : [];
  const big = (v: JsonValue | undefined) =>
    typeof v === "number" ? v.toLocaleString("en-US") : "n/a";
  const passGroups = budgetGroups(results, "passes");
  const passText = passGroups.length > 1
    ? passGroups.map((g) => `${big(g.budget)} passes on ${g.datasets.join(", ")}`).join("; ")
    : `${big(passGroups[0]?.budget ?? p.passes)} passes`;
  const budgets =
    `Budgets per restart in this run: ${passText} (${
      p.costModel ?? "encoder_decoder"
    } cost model) and ${big(p.seconds)} s, with N = ${
      big(p.n)
    } and ${p.draws} data draws; test KL is ` +
    `also measured at ${marks.map(fractionText).join(", ") || "no"} fractions of each budget.`;
  const parts: string[] = [];
  let all = 0, allChecked = 0;
  for (const kind of kinds(results)) {
    const s = summary[kind] as Record<string, number> | undefined;
    if (!s || typeof s.convergedCases !== "number") continue;
    all += s.requiredConvergedCases;
    allChecked += s.requiredCases;
    const cases = s.convergenceCheckedCases + s.convergenceMissingCases;
    const tails = s.tailOverfitCheckedCases + s.tailOverfitMissingCases;
    const missing = (n: number, what: string) =>
      n ? `; ${n} ${n === 1 ? "reports" : "report"} no ${what}` : "";
    parts.push(
      `at equal ${kind}, ${s.convergedCases} of ${cases} cases (vae, iwae and mapa: ` +
        `${s.requiredConvergedCases} of ${s.requiredCases}` +
        `${missing(s.convergenceMissingCases, "klChangeLastHalf")})` +
        (tails
          ? `, and tailOverfitNats <= ${TAIL_OVERFIT_TOLERANCE} on ${s.tailOverfitOkCases} of ` +
            `${tails} MAPA-family cases with its whole 95% interval (above it on ` +
            `${s.tailOverfitFailedCases ?? 0}, not resolved on ${
              s.tailOverfitUnresolvedCases ?? 0
            }; the point estimate alone on ${s.tailOverfitPointOkCases ?? s.tailOverfitOkCases})` +
            missing(s.tailOverfitMissingCases, "tailOverfitNats")
          : ""),
    );
  }
  const converged = `Converged in this run (test KL moved at most ${KL_CHANGE_TOLERANCE} nats ` +
    `over the last half of the budget): ${parts.join("; ")}.`;
  const caveat = allChecked === 0
    ? ""
    : all < allChecked
    ? " Not every vae, iwae and mapa curve converged (or reported klChangeLastHalf): at those " +
      "budgets a ranking says how far training got as much as how good the method is."
    : " Every vae, iwae and mapa curve converged.";
  return `${choice} ${budgets} ${converged}${caveat}`;
}

const cell = (v: number | null | undefined): JsonValue => v ?? null;

const mark = (ok: boolean | null): string => ok === null ? "not available" : ok ? "pass" : "FAIL";

/** The budget suite's report section. */
export function reportBudget(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const notes: string[] = [
    openingNote(results, summary),
    "Test KL = mean over test points of log p_true(x) - log p_model(x), both by quadrature over " +
    "the latent (exact up to the grid). Draw d is the same data for every method of a data set, " +
    "so methods are compared by the per-draw difference of their test KL: its mean and 95% " +
    "Student-t interval over draws. A winner is named at a budget level only when that interval " +
    'lies above 0 against every other method; otherwise the verdict is "no clear winner" and ' +
    "lists the methods tied with the lowest mean (with one draw there is no interval, so no " +
    "winner). IWAE and MAPA-naive use K + S samples, MAPA and MAPA-GT K top rows plus S tail " +
    "draws.",
    "The paper (section 6.1, Fig. 2a, at equal passes) finds MAPA better than the VAE and IWAE " +
    "on four of five sets, worse on clusters; about as good as MAPA-GT; clearly better than " +
    "MAPA-naive. Each claim below is checked at the full budget: agrees or disagrees when the " +
    "paired interval lies wholly on one side, not resolved when it covers the threshold. " +
    '"About as good as MAPA-GT" is read as MAPA at most 0.05 nats worse (a choice: smaller ' +
    "gaps are within what a converged curve still moves).",
  ];
  const levelTable: JsonValue[][] = [];
  const claimTable: JsonValue[][] = [];
  const convTable: JsonValue[][] = [];
  for (const kind of kinds(results)) {
    const s = summary[kind] as Record<string, JsonValue> | undefined;
    if (!s || !Array.isArray(s.levels)) continue;
    notes.push(`Equal ${kind}: ${s.verdict}.`);
    for (const l of s.levels as unknown as LevelRow[]) {
      const r = l.comparisons[0];
      levelTable.push([
        l.dataset,
        kind,
        fractionText(l.fraction),
        cell(l.budget),
        l.best,
        cell(l.bestKl),
        r?.method ?? null,
        cell(r?.difference),
        cell(r?.ciLow),
        cell(r?.ciHigh),
        r?.draws ?? null,
        l.verdict,
      ]);
    }
    const per = s.perDataset as unknown as Record<
      string,
      { checks: (PaperCheck & { curvesConverged: boolean | null })[]; fig2a: string }
    >;
    const disagreements: string[] = [];
    for (const [ds, j] of Object.entries(per)) {
      for (const c of j.checks) {
        claimTable.push([
          ds,
          kind,
          c.claim,
          c.comparison,
          cell(c.difference),
          cell(c.ciLow),
          cell(c.ciHigh),
          c.draws,
          c.outcome,
          c.curvesConverged === null ? "not available" : c.curvesConverged ? "yes" : "no",
        ]);
        if (c.outcome === "disagrees") {
          const caveat = c.curvesConverged === true
            ? ""
            : c.curvesConverged === false
            ? "; a curve had not converged, so this may be under-training"
            : "; convergence not reported, so this may be under-training";
          disagreements.push(
            `${ds}: "${c.claim}" (${c.comparison} = ${formatNats(c.difference)} nats, ${
              intervalText(c)
            }${caveat})`,
          );
        }
      }
    }
    if (disagreements.length > 0) {
      notes.push(
        `At equal ${kind} this run disagrees with the paper on: ${disagreements.join("; ")}.` +
          (kind === "passes"
            ? ""
            : " (The paper compares at equal passes; equal seconds is this suite's addition.)"),
      );
    }
    for (const c of s.convergence as unknown as ConvergenceRow[]) {
      convTable.push([
        c.dataset,
        kind,
        c.method,
        cell(c.klChangeLastHalf),
        mark(c.converged),
        c.required ? "yes" : "no",
        MAPA_FAMILY.includes(c.method) ? cell(c.tailOverfitNats) : "",
        MAPA_FAMILY.includes(c.method) ? cell(c.tailOverfitCiHigh) : "",
        MAPA_FAMILY.includes(c.method)
          ? c.tailOk === null && c.tailPointOk !== null ? "not resolved" : mark(c.tailOk)
          : "",
      ]);
    }
  }
  const unavailable = okResults(results).filter((r) => r.metrics.testKl === null);
  if (unavailable.length > 0) {
    notes.push(
      `Not available (no number reported): ${
        unavailable.map((r) => `${r.name} (${r.metrics.testKlNote})`).join("; ")
      }.`,
    );
  }
  const failed = results.filter((r) => r.suite === "budget" && r.status !== "ok");
  if (failed.length > 0) {
    notes.push(
      `Cases not run: ${failed.map((r) => `${r.name}: ${r.status} (${r.error})`).join("; ")}.`,
    );
  }
  const charts: ChartSpec[] = [];
  for (const kind of kinds(results)) charts.push(budgetIntervalChart(results, kind));
  for (const kind of kinds(results)) {
    for (const ds of datasetsOf(results)) {
      if (casesOf(results, kind, ds).length > 0) charts.push(curveChart(results, kind, ds));
    }
  }
  const caseRows = okResults(results).map((r) => [
    r.params.dataset,
    r.params.budgetKind,
    r.params.method,
    r.metrics.testKl ?? `not available`,
    r.metrics.testKlCiLow,
    r.metrics.testKlCiHigh,
    r.metrics.testLogLik,
    r.metrics.testLogLikTruth,
    r.metrics.estimatorGapNats ?? r.metrics.crossCheck ?? "",
    r.metrics.trainSeconds,
    r.metrics.passes,
    r.metrics.steps,
    r.params.draws,
    r.metrics.testKlNote || "",
  ]);
  return {
    title: "Density estimation under equal budgets (test KL to the truth)",
    notes: notes.map((n) => n.replace(/\bNaN\b/g, "n/a")),
    charts,
    tables: [
      {
        title: `Convergence: |test KL at half the budget - at the full budget| against ` +
          `${KL_CHANGE_TOLERANCE} nats; tailOverfitNats against ${TAIL_OVERFIT_TOLERANCE} ` +
          `(MAPA family; pass when the interval's upper end is within it, FAIL when its lower ` +
          `end is above it, else not resolved)`,
        columns: [
          "data set",
          "budget",
          "method",
          "klChangeLastHalf (nats)",
          `<= ${KL_CHANGE_TOLERANCE}`,
          "required",
          "tailOverfitNats",
          "95% upper end",
          `<= ${TAIL_OVERFIT_TOLERANCE}`,
        ],
        rows: convTable,
      },
      {
        title: "Who wins at each budget level (paired differences over draws; difference = " +
          "next best - lowest mean, positive: the lowest mean is better)",
        columns: [
          "data set",
          "budget",
          "level",
          "spent",
          "lowest mean",
          "its test KL",
          "next best",
          "difference (nats)",
          "CI low",
          "CI high",
          "paired draws",
          "verdict",
        ],
        rows: levelTable,
      },
      {
        title: "The paper's claims at the full budget (paired 95% intervals over draws)",
        columns: [
          "data set",
          "budget",
          "claim",
          "difference of",
          "mean (nats)",
          "CI low",
          "CI high",
          "paired draws",
          "outcome",
          "both curves converged",
        ],
        rows: claimTable,
      },
      {
        title: "Per case (means over draws; test KL in nats, 0 = the truth)",
        columns: [
          "data set",
          "budget",
          "method",
          "test KL",
          "CI low",
          "CI high",
          "test log-lik",
          "truth log-lik",
          "quadrature - IWAE-MoG (draw 0 subset)",
          "train s",
          "passes/restart",
          "steps/restart",
          "draws",
          "note",
        ],
        rows: caseRows,
      },
    ],
  };
}
