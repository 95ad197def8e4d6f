/**
 * The budget suite's summary and report section. Per budget kind (equal
 * passes, equal seconds): who wins at every budget level of every data set,
 * from paired differences on the same data draws; the paper's claims, each
 * agrees / disagrees / not resolved with the interval it rests on; and
 * whether the curves converged (`klChangeLastHalf`) and the tail draws did
 * not overfit (`tailOverfitNats`). Every count is computed from the cases.
 *
 * @module
 */

import {
  type ClaimOutcome,
  fig2aOutcome,
  formatNats,
  intervalText,
  type LevelVerdict,
  levelVerdict,
  type MethodDraws,
  type PaperCheck,
  paperChecks,
  paperExpectsMapaWins,
} from "../../experiment/draw_stats.ts";
import type { CaseResult, ChartSpec, JsonValue, ReportSection } from "../../harness/suite.ts";

/** A curve converged when its test KL moved at most this much (nats) over the last half of the budget. */
export const KL_CHANGE_TOLERANCE = 0.05;

/** `tailOverfitNats` (bound on the training tail draws minus bound on fresh draws, per point) must stay at or below this. */
export const TAIL_OVERFIT_TOLERANCE = 0.01;

/** The methods whose curves the issue requires to converge. */
export const CONVERGENCE_REQUIRED: readonly string[] = ["vae", "iwae", "mapa"];

/** The methods that train on MAPA's tail draws and report `tailOverfitNats`. */
export const MAPA_FAMILY: readonly string[] = ["mapa", "mapa_gt", "mapa_naive"];

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

const num = (v: JsonValue | undefined): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : null;

const numList = (v: JsonValue | undefined): (number | null)[] =>
  Array.isArray(v) ? v.map((x) => num(x)) : [];

const asJson = (v: unknown): JsonValue => v as JsonValue;

function okResults(results: CaseResult[]): CaseResult[] {
  return results.filter((r) => r.suite === "budget" && r.status === "ok");
}

function kinds(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.budgetKind as string))];
}

function datasetsOf(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.dataset as string))];
}

function casesOf(results: CaseResult[], kind: string, dataset?: string): CaseResult[] {
  return okResults(results).filter((r) =>
    r.params.budgetKind === kind && (dataset === undefined || r.params.dataset === dataset)
  );
}

/** The full budget of a case (passes or seconds per restart), from its params. */
function fullBudget(r: CaseResult): number | null {
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
  /** tailOverfitNats <= {@linkcode TAIL_OVERFIT_TOLERANCE}; null when not reported or not MAPA-family. */
  tailOk: boolean | null;
}

/** Convergence and tail-overfit figures of every case of `kind`. */
export function convergenceRows(results: CaseResult[], kind: string): ConvergenceRow[] {
  return casesOf(results, kind).map((r) => {
    const method = r.params.method as string;
    const change = num(r.metrics.klChangeLastHalf);
    const tail = MAPA_FAMILY.includes(method) ? num(r.metrics.tailOverfitNats) : null;
    return {
      dataset: r.params.dataset as string,
      method,
      klChangeLastHalf: change,
      converged: change === null ? null : change <= KL_CHANGE_TOLERANCE,
      required: CONVERGENCE_REQUIRED.includes(method),
      tailOverfitNats: tail,
      tailOk: tail === null ? null : tail <= TAIL_OVERFIT_TOLERANCE,
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
      tailOverfitCheckedCases: count(tails, (c) => c.tailOk !== null),
      tailOverfitMissingCases: count(tails, (c) => c.tailOk === null),
      verdict: judged === 0
        ? "Fig. 2a not available: no data set has MAPA, VAE and IWAE on paired draws"
        : `Fig. 2a (MAPA below the VAE and IWAE on every set but clusters): agrees on ${agree}, ` +
          `disagrees on ${disagree}, not resolved on ${judged - agree - disagree} of ${judged} ` +
          `data sets; a clear winner at ${clear} of ${judgedLevels} (data set, budget level) pairs`,
    };
  }
  return out;
}

const PALETTE = [
  [54, 162, 235],
  [220, 53, 69],
  [40, 167, 69],
  [255, 159, 64],
  [153, 102, 255],
  [23, 162, 184],
  [108, 117, 125],
  [232, 62, 140],
];

/**
 * The test KL axis: from 0 (or the lowest mean, if below) to twice the
 * largest mean, rounded up to two significant digits. Intervals over few
 * draws can be tens of nats wide (t = 12.7 with 2 draws); an axis fitted to
 * them would flatten every mean, so wider intervals run off the chart (the
 * tables give their ends).
 */
export function klAxis(means: readonly (number | null)[]): Record<string, JsonValue> {
  const ok = means.filter((m): m is number => m !== null && Number.isFinite(m));
  const axis: Record<string, JsonValue> = {
    title: { display: true, text: "test KL (nats, lower is better)" },
  };
  if (ok.length === 0) return axis;
  const top = 2 * Math.max(...ok);
  if (top > 0) {
    const step = 10 ** (Math.floor(Math.log10(top)) - 1);
    axis.max = Number((Math.ceil(top / step - 1e-9) * step).toPrecision(12));
  }
  axis.min = Math.min(0, Math.floor(Math.min(...ok)));
  return axis;
}

function intervalChart(results: CaseResult[], kind: string): ChartSpec {
  const rs = casesOf(results, kind);
  const labels = rs.map((r) => `${r.params.dataset}: ${r.params.method}`);
  const p0 = rs[0]?.params;
  const budget = kind === "passes" ? `${p0?.passes} passes (${p0?.costModel})` : `${p0?.seconds} s`;
  return {
    title: `Test KL (nats) per data set and method at equal ${kind} (${budget} per restart): ` +
      `mean over draws (points) and 95% interval (bars; the axis stops at twice the largest mean)`,
    config: {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: "95% interval over draws",
            data: rs.map((r) => {
              const lo = num(r.metrics.testKlCiLow), hi = num(r.metrics.testKlCiHigh);
              return lo === null || hi === null ? null : [lo, hi];
            }),
            backgroundColor: "rgba(54, 162, 235, 0.35)",
            barPercentage: 0.4,
          },
          {
            type: "line",
            label: "mean test KL",
            data: rs.map((r) => num(r.metrics.testKl)),
            showLine: false,
            pointRadius: 5,
            borderColor: "rgb(220, 53, 69)",
            backgroundColor: "rgb(220, 53, 69)",
          },
        ],
      },
      options: {
        scales: { y: klAxis(rs.map((r) => num(r.metrics.testKl))) },
      },
    },
  };
}

/**
 * Test KL against budget spent for one data set: per method a line of the
 * mean over draws and, filled between its two edges, the 95% interval band.
 */
function curveChart(results: CaseResult[], kind: string, dataset: string): ChartSpec {
  const rs = casesOf(results, kind, dataset);
  const datasets: JsonValue[] = rs.flatMap((r, i) => {
    const [cr, cg, cb] = PALETTE[i % PALETTE.length];
    const method = r.params.method as string;
    const raw = (Array.isArray(r.metrics.curve) ? r.metrics.curve : []) as Record<
      string,
      JsonValue
    >[];
    const pts = raw.filter((c) => c && num(c.budget) !== null);
    const edge = (key: string, label: string, fill: JsonValue) => ({
      label,
      data: pts.map((c) => ({ x: num(c.budget), y: num(c[key]) })),
      borderWidth: 0,
      pointRadius: 0,
      backgroundColor: `rgba(${cr}, ${cg}, ${cb}, 0.15)`,
      borderColor: `rgba(${cr}, ${cg}, ${cb}, 0)`,
      fill,
    });
    return [
      // The band's upper edge fills down to the dataset just before it, the lower edge.
      edge("ciLow", `${method} 95% interval (low)`, false),
      edge("ciHigh", `${method} 95% interval`, "-1"),
      {
        label: method,
        data: pts.map((c) => ({ x: num(c.budget), y: num(c.testKl) })),
        borderColor: `rgb(${cr}, ${cg}, ${cb})`,
        backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
        fill: false,
      },
    ];
  });
  const unit = kind === "passes" ? "passes per restart" : "seconds per restart";
  return {
    title: `${dataset}: test KL against budget spent at equal ${kind} (mean over draws, ` +
      `shaded 95% interval over draws, cut at twice the largest mean; log x)`,
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: unit } },
          y: klAxis(rs.flatMap((r) => curveOf(r).map((p) => p.testKl))),
        },
      },
    },
  };
}

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
  const budgets =
    `Budgets per restart in this run: ${big(p.passes)} passes (${
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
            `${tails} MAPA-family cases${missing(s.tailOverfitMissingCases, "tailOverfitNats")}`
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
        MAPA_FAMILY.includes(c.method) ? mark(c.tailOk) : "",
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
  for (const kind of kinds(results)) charts.push(intervalChart(results, kind));
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
          `(MAPA family)`,
        columns: [
          "data set",
          "budget",
          "method",
          "klChangeLastHalf (nats)",
          `<= ${KL_CHANGE_TOLERANCE}`,
          "required",
          "tailOverfitNats",
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
