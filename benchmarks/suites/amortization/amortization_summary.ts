/**
 * The amortization suite's summary: the best method per data set and
 * budget with paired intervals over test points, and Kim and Pavlovic's two
 * claims (GP-RF's log-likelihood, GP-RF's inference speed against SA-VAE),
 * which name the methods they are about.
 *
 * @module
 */

import { summarizeMean } from "../../../src/eval/stats.ts";
import { paramReader } from "../../harness/params.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";
import { TIMING_REPEATS } from "./amortization_settings.ts";

/** Mean paired difference a - b over the points both have, with its 95% interval. */
export function pairedDifference(a: JsonValue, b: JsonValue) {
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
    const p = paramReader(r.params, r.name);
    // Results from before the steps budget have no budgetKind: they are passes cases.
    const key = `${p.string("dataset")}/${r.params.budgetKind ?? "passes"}`;
    if (!by.has(key)) by.set(key, new Map());
    by.get(key)!.set(p.string("method"), r.metrics);
  }
  const estimators = new Map<string, Set<string>>();
  for (const r of results) {
    if (r.status !== "ok") continue;
    const ds = paramReader(r.params, r.name).string("dataset");
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

/** A number to `digits` decimals, or "n/a". */
export const fmt = (v: JsonValue | undefined, digits = 2) =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
