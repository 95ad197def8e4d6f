/**
 * The regression check: compares a current results file with a baseline case
 * by case. Cases match on suite, name and params; the comparison says how
 * many of the current run's cases it compared, so a baseline of another
 * profile (whose cases mostly differ) cannot pass for a check.
 *
 * What is gated, and how (see `compare_metric.ts`, `compare_suite.ts`):
 * deterministic metrics are held to the tolerances of `metric_kinds.ts`
 * when both runs used the same seed and backend; repeated timings are
 * divided by each run's calibration median and flagged only when slower past
 * a threshold AND significantly different by a Mann-Whitney U test, as asv
 * does. A case that stopped working is a regression; new and vanished cases
 * are listed, not counted. A flagged time can be rerun before it fails the
 * check (`compare_confirm.ts`).
 *
 * Two gates for times, because repeats inside one case share that run's
 * state: on these machines a millisecond-scale case's median moved by up to
 * 1.8x between two runs of the same code while its own repeats agreed within
 * 5%, which the Mann-Whitney test reads as significant (2.2x with another
 * job on the other core). So a single case is flagged only past
 * `caseThreshold` (default 3x), and a whole suite is flagged past `threshold`
 * (default 1.5x) when the geometric mean of its cases' ratios passes it and
 * a sign test over those cases agrees (p < alpha).
 *
 * @module
 */

import { compareMetric, type MetricContext } from "./compare_metric.ts";
import type { CompareOptions, Comparison } from "./compare_types.ts";
import { suiteTimeRows } from "./compare_suite.ts";
import { median } from "../eval/stats.ts";
import type { JsonValue, ResultsFile } from "./results.ts";

export type { MetricRow, Verdict } from "./compare_metric.ts";
export type { CaseCoverage, CompareOptions, Comparison, StatusChange } from "./compare_types.ts";
export { formatComparisonMarkdown, formatComparisonText, notableRows } from "./compare_format.ts";

/** The `suite/name` key cases match on. */
export function caseKey(c: { suite: string; name: string }): string {
  return `${c.suite}/${c.name}`;
}

function runCalibration(r: ResultsFile): number | null {
  const s = r.meta.calibration?.samplesSeconds;
  return s && s.length ? median(s) : null;
}

/** The param keys whose values differ between `a` and `b`, sorted. */
export function changedParams(
  a: Record<string, JsonValue>,
  b: Record<string, JsonValue>,
): string[] {
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
  return keys.filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
}

/** The thresholds of `options` with their defaults filled in. */
export function resolvedThresholds(
  options: CompareOptions,
): Required<Omit<CompareOptions, "peerCase">> {
  return {
    threshold: options.threshold ?? 1.5,
    caseThreshold: options.caseThreshold ?? 3,
    alpha: options.alpha ?? 0.01,
    minSamples: options.minSamples ?? 5,
    memoryThreshold: options.memoryThreshold ?? 1.5,
    memoryMinBytes: options.memoryMinBytes ?? 256 * 2 ** 20,
  };
}

/** Recounts `c.regressions` and `c.improvements` from its rows and status changes. */
export function recount(c: Comparison): Comparison {
  c.regressions = c.rows.filter((r) => r.regression).length +
    c.statusChanges.filter((s) => s.regression).length;
  c.improvements = c.rows.filter((r) => r.verdict === "improved").length;
  return c;
}

/**
 * Compares `current` with `baseline` case by case (cases match on suite and
 * name, and are compared when their params are equal). See the module
 * documentation for the rules.
 */
export function compareResults(
  baseline: ResultsFile,
  current: ResultsFile,
  options: CompareOptions = {},
): Comparison {
  const bm = baseline.meta, cm = current.meta;
  const warnings: string[] = [];
  let gateMetrics = true;
  if (bm.seed !== cm.seed) {
    warnings.push(`seeds differ (baseline ${bm.seed}, current ${cm.seed}): metrics not gated`);
    gateMetrics = false;
  }
  if (bm.backend !== cm.backend) {
    warnings.push(
      `backends differ (baseline ${bm.backend}, current ${cm.backend}): metrics not gated`,
    );
    gateMetrics = false;
  }
  if (bm.profile !== cm.profile) {
    warnings.push(
      `profiles differ (baseline ${bm.profile}, current ${cm.profile}): only cases with the same name and params are compared; use the baseline of the current run's profile`,
    );
  }
  const calBase = runCalibration(baseline), calCur = runCalibration(current);
  let normalise = true;
  if (bm.calibration && cm.calibration && bm.calibration.name !== cm.calibration.name) {
    warnings.push(
      `calibration workloads differ (${bm.calibration.name} vs ${cm.calibration.name}): times compared raw`,
    );
    normalise = false;
  } else if (calBase === null || calCur === null) {
    warnings.push("a run has no calibration timings: times compared raw");
    normalise = false;
  }
  const thresholds = resolvedThresholds(options);
  const ctx: MetricContext = { ...thresholds, gateMetrics, normalise, calBase, calCur };
  const baseBy = new Map(baseline.cases.map((c) => [caseKey(c), c]));
  const curBy = new Map(current.cases.map((c) => [caseKey(c), c]));
  const out: Comparison = {
    rows: [],
    newCases: current.cases.map(caseKey).filter((k) => !baseBy.has(k)),
    vanishedCases: baseline.cases.map(caseKey).filter((k) => !curBy.has(k)),
    statusChanges: [],
    paramChanges: [],
    warnings,
    regressions: 0,
    improvements: 0,
    coverage: {
      baseline: baseline.cases.length,
      current: current.cases.length,
      compared: 0,
      notRun: 0,
    },
    calibration: { baseline: calBase, current: calCur },
  };
  const peerCases = new Set<string>();
  for (const cur of current.cases) {
    const base = baseBy.get(caseKey(cur));
    if (!base) continue;
    if (base.status !== cur.status) {
      // A case that stopped working is a regression whatever its params say.
      out.coverage.compared++;
      out.statusChanges.push({
        case: caseKey(cur),
        from: base.status,
        to: cur.status,
        error: cur.error,
        regression: base.status === "ok" && cur.status === "failed",
      });
      continue;
    }
    if (cur.status !== "ok") {
      out.coverage.notRun++;
      continue;
    }
    const changed = changedParams(base.params, cur.params);
    if (changed.length) {
      out.paramChanges.push(`${caseKey(cur)}: ${changed.join(", ")}`);
      continue;
    }
    out.coverage.compared++;
    // A case whose numbers hang on the wall clock (a time budget) says so with
    // params.deterministic = false, and a peer's case times another library:
    // their numbers are shown, never gated.
    const peer = options.peerCase?.(cur) === true;
    if (peer) peerCases.add(caseKey(cur));
    const caseCtx = cur.params.deterministic === false || peer
      ? { ...ctx, gateMetrics: false }
      : ctx;
    const names = [...new Set([...Object.keys(base.metrics), ...Object.keys(cur.metrics)])];
    for (const metric of names) {
      const r = compareMetric(
        { name: metric, b: base.metrics[metric], c: cur.metrics[metric], base, cur },
        caseCtx,
      );
      if (!r) continue;
      const note = peer && r.verdict === "not gated" ? (r.note ?? "a peer's figure") : r.note;
      out.rows.push({ case: caseKey(cur), metric, ...r, ...(note ? { note } : {}) });
    }
  }
  const ours = out.rows.filter((r) => !peerCases.has(r.case));
  out.rows.push(...suiteTimeRows(ours, { ...thresholds, gateMetrics }));
  return recount(out);
}
