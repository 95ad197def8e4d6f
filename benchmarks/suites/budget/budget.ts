/**
 * The budget suite (paper section 6.1, Fig. 2a, appendix D.1): every
 * registered method that trains on Gaussian data, on the synthetic sets,
 * under the same pass budget and, separately, the same wall-clock budget per
 * restart; R restarts (best by validation bound), several data draws; test
 * KL to the truth (quadrature, L = 1) with a 95% interval over draws, and
 * test KL at budget checkpoints for curves of KL against budget spent.
 *
 * One case is (data set, budget kind, method) and loops over the draws.
 * The suite never names a method: the cases come from the method registry,
 * and each method makes its options from the shared K and S with its own
 * `prepare` (MAPA computes its rows there, once per draw).
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import type { Method } from "../../../src/models/method.ts";
import { passCost } from "../../../src/models/passes.ts";
import { getMethod, METHODS } from "../../../src/models/registry.ts";
import type { CheckpointMark } from "../../../src/train/budget.ts";
import { scheduleOf } from "../../../src/train/lr_schedule.ts";
import { train } from "../../../src/train/trainer.ts";
import { drawData } from "../../experiment/draws.ts";
import { estimatorCrossCheck, testFigures } from "../../experiment/test_figures.ts";
import { reportBudget } from "./budget_report.ts";
import { type BudgetParams, budgetParams } from "./budget_params.ts";
import { BUDGET_PROFILES, type BudgetSettings } from "./budget_settings.ts";
import { summarizeBudget } from "./budget_summary.ts";
import { type DrawValue, summarizeDraws } from "../../experiment/draw_stats.ts";
import type { CaseSpec, JsonValue, Suite } from "../../harness/suite.ts";

/** Budget kinds, each its own set of cases (read from the same training runs). */
export const BUDGET_KINDS = ["passes", "seconds"] as const;

/** The cost model of the pass budget: both networks' passes count (the conservative one for MAPA). */
export const COST_MODEL = "encoder_decoder" as const;

/**
 * The cases of a profile: data set x budget kind x the profile's methods
 * (null: every registered one that trains on Gaussian data, as the
 * synthetic sets are).
 */
export function budgetCases(settings: BudgetSettings): CaseSpec[] {
  const cases: CaseSpec[] = [];
  for (const dataset of settings.datasets) {
    for (const budgetKind of BUDGET_KINDS) {
      const methods = METHODS.filter((m) =>
        settings.methods === null
          ? m.likelihoods.includes("gaussian")
          : settings.methods.includes(m.name)
      );
      for (const m of methods) {
        const { datasets: _, methods: __, passesByDataset, ...rest } = settings;
        cases.push({
          suite: "budget",
          name: `${dataset}/${budgetKind}/${m.name}`,
          params: {
            dataset,
            method: m.name,
            budgetKind,
            costModel: COST_MODEL,
            ...rest,
            passes: passesByDataset[dataset] ?? settings.passes,
            // Under a wall-clock budget the numbers hang on machine speed: never gated.
            deterministic: budgetKind === "passes",
          },
        });
      }
    }
  }
  return cases;
}

/** One checkpoint of one training run, evaluated. */
interface MarkFigures {
  kl: DrawValue;
  logLik: DrawValue;
  logLikTruth: DrawValue;
  estimator: string;
  steps: number;
  passes: number;
  seconds: number;
  tailOverfitNats?: number;
  tailOverfitSe?: number;
}

/** One draw's training run, evaluated at every mark of both kinds. */
interface DrawRun {
  /** `${kind}/${fraction}` -> figures. */
  marks: Map<string, MarkFigures>;
  /** The estimator cross-check of the full-pass-budget model (draw 0 only). */
  crossCheck: Record<string, JsonValue>;
  failed: number;
  /** The method's one-off preparation figures (MAPA: `rowsSeconds`). */
  prepared: Record<string, number>;
}

const runs = new Map<string, DrawRun>();

/** The fractions every curve has: the checkpoints, then 1. */
function fractionsOf(p: BudgetParams): number[] {
  return [...p.checkpoints, 1];
}

/**
 * Trains `method` on draw `d` once for both budget kinds: until the pass
 * budget and the time budget are both spent, exporting the model at every
 * fraction of each, and evaluates every export on the test set. Cached, so
 * the seconds case reads the run its passes case made.
 */
async function drawRun(
  method: Method,
  d: number,
  p: BudgetParams,
  ctx: Parameters<Suite["run"]>[1],
  onFraction: (f: number) => void,
): Promise<DrawRun> {
  const key = JSON.stringify([
    method.name,
    d,
    ctx.seed,
    p.dataset,
    p.n,
    p.passes,
    p.seconds,
    p.checkpoints,
    p.learningRate,
    p.schedule,
    p.scheduleFloor,
    p.k,
    p.s,
    p.nTest,
    p.nValidation,
  ]);
  const hit = runs.get(key);
  if (hit) return hit;
  const draw = drawData(p.dataset, {
    n: p.n,
    nValidation: p.nValidation,
    nTest: p.nTest,
    runSeed: ctx.seed,
    index: d,
  });
  const prepared = await method.prepare(draw.data, { k: p.k, s: p.s });
  const fractions = fractionsOf(p);
  const passes = p.passes, seconds = p.seconds;
  const marks: CheckpointMark[] = fractions.flatMap((f) => [
    { kind: "passes" as const, at: f * passes, diagnostics: f === 1 },
    { kind: "seconds" as const, at: f * seconds, diagnostics: f === 1 },
  ]);
  const r = await train(method, draw.data, {
    ...prepared.options,
    budget: { kind: "passes_and_seconds", passes, seconds, costModel: COST_MODEL },
    restarts: p.restarts,
    learningRate: p.learningRate,
    schedule: scheduleOf(p.schedule, p.scheduleFloor),
    seed: draw.seed,
    validation: draw.validation,
    marks,
    // The diagnostics are read from the marks at budget's end; the result's would be a third probe.
    finalDiagnostics: false,
    signal: ctx.signal,
    onProgress: (q) => onFraction(q.fraction),
  });
  const best = r.restarts[r.best];
  const out: DrawRun = {
    marks: new Map(),
    crossCheck: {},
    failed: r.restarts.filter((x) => x.status !== "ok").length,
    prepared: prepared.metrics,
  };
  for (const cp of best.checkpoints ?? []) {
    const kind = cp.mark.kind;
    const f = fractions.find((x) =>
      Math.abs(x * (kind === "passes" ? passes : seconds) - cp.mark.at) < 1e-9 * cp.mark.at
    );
    if (f === undefined) continue;
    const fig = testFigures(cp.model, draw.test);
    out.marks.set(`${kind}/${f}`, {
      ...fig,
      steps: cp.steps,
      passes: passCost(cp.passes, COST_MODEL),
      seconds: cp.seconds,
      ...(cp.metrics?.tailOverfitNats !== undefined
        ? { tailOverfitNats: cp.metrics.tailOverfitNats, tailOverfitSe: cp.metrics.tailOverfitSe }
        : {}),
    });
    if (d === 0 && kind === "passes" && f === 1) {
      out.crossCheck = estimatorCrossCheck(cp.model, draw.test.x, {
        points: p.crossCheckPoints,
        seed: draw.seed,
      });
    }
  }
  // Keep memory bounded: only the current data set's runs are read again.
  if (runs.size >= 64) runs.delete(runs.keys().next().value!);
  runs.set(key, out);
  return out;
}

/** Runs one case: every draw's run, read at this case's budget kind. */
async function runBudgetCase(
  spec: CaseSpec,
  ctx: Parameters<Suite["run"]>[1],
): Promise<Record<string, JsonValue>> {
  await useBackend(ctx);
  const p = budgetParams(spec);
  const method = getMethod(p.method);
  const kind = p.budgetKind;
  const draws = p.draws;
  const fractions = fractionsOf(p);
  const total = kind === "passes" ? p.passes : p.seconds;
  const perDraw: DrawRun[] = [];
  for (let d = 0; d < draws; d++) {
    if (ctx.signal.aborted) throw new Error("interrupted");
    perDraw.push(
      await drawRun(
        method,
        d,
        p,
        ctx,
        (q) => ctx.progress((d + q) / draws, `draw ${d + 1}/${draws}`),
      ),
    );
  }
  const missing = { unavailable: "not available: training stopped before this checkpoint" };
  const at = (r: DrawRun, f: number) => r.marks.get(`${kind}/${f}`);
  const values = (f: number) => perDraw.map((r) => at(r, f)?.kl ?? missing);
  const finalOf = (r: DrawRun) => at(r, 1);
  const kl = summarizeDraws(values(1));
  const ll = summarizeDraws(perDraw.map((r) => finalOf(r)?.logLik ?? missing));
  const mean = (v: number[]) => v.length ? v.reduce((a, b) => a + b, 0) / v.length : NaN;
  const nums = (v: (number | undefined)[]) => v.filter((x): x is number => typeof x === "number");
  const half = fractions.includes(0.5)
    ? nums(perDraw.map((r) => {
      const a = at(r, 0.5)?.kl, b = finalOf(r)?.kl;
      return typeof a === "number" && typeof b === "number" ? Math.abs(a - b) : undefined;
    }))
    : [];
  const overfit = nums(perDraw.map((r) => finalOf(r)?.tailOverfitNats));
  const overfitSe = nums(perDraw.map((r) => finalOf(r)?.tailOverfitSe));
  const asNumber = (v: DrawValue | undefined) => (typeof v === "number" ? v : null);
  const preparedKeys = Object.keys(perDraw[0]?.prepared ?? {});
  return {
    testKl: kl.mean,
    testKlCiLow: kl.ciLow,
    testKlCiHigh: kl.ciHigh,
    testKlPerDraw: values(1).map(asNumber),
    testKlNote: kl.note,
    testLogLik: ll.mean,
    testLogLikCiLow: ll.ciLow,
    testLogLikCiHigh: ll.ciHigh,
    testLogLikTruth: summarizeDraws(perDraw.map((r) => finalOf(r)?.logLikTruth ?? missing)).mean,
    estimator: perDraw.map((r) => finalOf(r)?.estimator).find((e) => e) || "not available",
    trainSeconds: mean(nums(perDraw.map((r) => finalOf(r)?.seconds))),
    passes: mean(nums(perDraw.map((r) => finalOf(r)?.passes))),
    steps: mean(nums(perDraw.map((r) => finalOf(r)?.steps))),
    failedRestarts: perDraw.reduce((a, r) => a + r.failed, 0),
    klChangeLastHalf: half.length === draws ? mean(half) : null,
    ...(overfit.length > 0
      ? {
        tailOverfitNats: mean(overfit),
        // The draws are independent: the mean's standard error from the per-draw ones.
        tailOverfitSe: Math.sqrt(overfitSe.reduce((a, e) => a + e * e, 0)) / overfitSe.length,
      }
      : {}),
    ...(kind === "passes" ? perDraw[0]?.crossCheck ?? {} : {}),
    // The method's own one-off figures (MAPA: rowsSeconds), averaged over the draws.
    ...Object.fromEntries(preparedKeys.map((k) => [k, mean(perDraw.map((r) => r.prepared[k]))])),
    curve: fractions.map((f) => {
      const v = values(f);
      const s = summarizeDraws(v);
      return {
        fraction: f,
        budget: f * total,
        testKl: s.mean,
        ciLow: s.ciLow,
        ciHigh: s.ciHigh,
        perDraw: v.map(asNumber),
      };
    }),
  };
}

/** The budget suite. */
export const budgetSuite: Suite = {
  name: "budget",
  description: "test KL of every method at equal passes and equal seconds (paper 6.1, Fig. 2a)",
  cases: (profile) => budgetCases(BUDGET_PROFILES[profile]),
  run: runBudgetCase,
  summarize: summarizeBudget,
  report: reportBudget,
};
