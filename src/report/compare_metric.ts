/**
 * The verdict on one metric of one case: a deterministic number or boolean
 * against its tolerance, memory against its growth threshold, repeated
 * timings (calibration-normalised) against the case threshold and a
 * Mann-Whitney U test. Single timings and throughputs are shown, never
 * gated. See `metric_kinds.ts` for which name is which kind.
 *
 * @module
 */

import { mannWhitneyU } from "./mann_whitney.ts";
import { median } from "../eval/stats.ts";
import { type MetricKind, metricKind, toleranceFor } from "./metric_kinds.ts";
import type { CaseResult, JsonValue } from "./results.ts";

/** What compare concluded about one metric. */
export type Verdict =
  | "same"
  | "regressed"
  | "improved"
  | "changed"
  | "not significant"
  | "few samples"
  | "not gated"
  | "not reproduced"
  | "missing";

/** One compared metric of one case. */
export interface MetricRow {
  /** `suite/case`. */
  case: string;
  /** Metric name. */
  metric: string;
  /** Its kind (see metric_kinds.ts). */
  kind: MetricKind;
  /** Baseline value (for samples: their median, in raw seconds); null when absent. */
  baseline: number | boolean | null;
  /** Current value, as `baseline`. */
  current: number | boolean | null;
  /** current / baseline; for timings, of the calibration-normalised medians. */
  ratio: number | null;
  /** Mann-Whitney p-value for timing samples. */
  pValue: number | null;
  /** The conclusion. */
  verdict: Verdict;
  /** True when this row fails the check. */
  regression: boolean;
  /** Why, when the verdict needs a reason. */
  note?: string;
}

/** The thresholds and run-level facts one metric is judged with. */
export interface MetricContext {
  /** Slowdown ratio that may flag one case. */
  caseThreshold: number;
  /** Significance level of the Mann-Whitney test. */
  alpha: number;
  /** Fewest timing samples on each side for a time to be gated. */
  minSamples: number;
  /** Growth ratio that flags a memory metric. */
  memoryThreshold: number;
  /** Smallest growth in bytes that flags a memory metric. */
  memoryMinBytes: number;
  /** False when the runs' seeds or backends differ: numbers are shown, not gated. */
  gateMetrics: boolean;
  /** Divide times by the calibration medians. */
  normalise: boolean;
  /** Baseline run's calibration median (seconds), used where a case has none. */
  calBase: number | null;
  /** Current run's calibration median. */
  calCur: number | null;
}

function numbers(value: JsonValue | undefined): number[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "number")
    ? value as number[]
    : null;
}

/** One metric of a case present in both runs. */
export interface MetricPair {
  /** Metric name. */
  name: string;
  /** Baseline value (undefined when the baseline case lacks it). */
  b: JsonValue | undefined;
  /** Current value. */
  c: JsonValue | undefined;
  /** The baseline case. */
  base: CaseResult;
  /** The current case. */
  cur: CaseResult;
}

/**
 * The verdict on one metric `pair` under `ctx`; null for a metric compare
 * ignores (labels, curves).
 */
export function compareMetric(
  pair: MetricPair,
  ctx: MetricContext,
): Omit<MetricRow, "case" | "metric"> | null {
  const { name, b, c } = pair;
  const cases = pair;
  const sample = c ?? b;
  if (sample === undefined) return null;
  const kind = metricKind(name, sample);
  if (kind === "ignored") return null;
  const row = (
    baseline: number | boolean | null,
    current: number | boolean | null,
    verdict: Verdict,
    extra: Partial<MetricRow> = {},
  ) => ({
    kind,
    baseline,
    current,
    ratio: null,
    pValue: null,
    verdict,
    regression: verdict === "regressed" || verdict === "changed",
    ...extra,
  });
  if (b === undefined || c === undefined || metricKind(name, b) !== metricKind(name, c)) {
    const scalar = (v: JsonValue | undefined) =>
      typeof v === "number" || typeof v === "boolean" ? v : numbers(v) ? median(numbers(v)!) : null;
    return row(scalar(b), scalar(c), "missing", {
      note: b === undefined
        ? "only in current"
        : c === undefined
        ? "only in baseline"
        : "changed type",
    });
  }
  if (kind === "timeSamples" || kind === "samples") {
    const bs = numbers(b)!, cs = numbers(c)!;
    if (bs.length === 0 || cs.length === 0) return row(null, null, "few samples");
    // Each case carries its own session's calibration (runs merge shards from several machines).
    const calB = cases.base.calibrationSeconds ?? ctx.calBase;
    const calC = cases.cur.calibrationSeconds ?? ctx.calCur;
    const scale = kind === "timeSamples" && ctx.normalise && calB && calC;
    const bn = scale ? bs.map((v) => v / calB) : bs;
    const cn = scale ? cs.map((v) => v / calC) : cs;
    const ratio = median(cn) / median(bn);
    const { pValue } = mannWhitneyU(cn, bn);
    const extra = { ratio, pValue };
    const [mb, mc] = [median(bs), median(cs)];
    if (kind === "samples") return row(mb, mc, "not gated", extra);
    if (bs.length < ctx.minSamples || cs.length < ctx.minSamples) {
      return row(mb, mc, "few samples", {
        ...extra,
        note: `${bs.length} vs ${cs.length} samples; ${ctx.minSamples} needed`,
      });
    }
    // A hair of float slack so a ratio of exactly the threshold counts.
    const beyond = ratio >= ctx.caseThreshold * (1 - 1e-9) ||
      ratio <= (1 + 1e-9) / ctx.caseThreshold;
    const verdict: Verdict = !beyond
      ? "same"
      : pValue >= ctx.alpha
      ? "not significant"
      : !ctx.gateMetrics
      ? "not gated"
      : ratio > 1
      ? "regressed"
      : "improved";
    return row(mb, mc, verdict, extra);
  }
  if (typeof b === "boolean" || typeof c === "boolean") {
    const same = b === c;
    return row(
      b as boolean,
      c as boolean,
      same ? "same" : ctx.gateMetrics ? "changed" : "not gated",
    );
  }
  const bv = b as number, cv = c as number;
  const ratio = bv !== 0 ? cv / bv : null;
  if (kind === "time" || kind === "throughput") {
    return row(bv, cv, "not gated", {
      ratio,
      note: "single value; record *SecondsSamples to gate",
    });
  }
  if (kind === "memory") {
    const grew = ratio !== null && ratio > ctx.memoryThreshold && cv - bv > ctx.memoryMinBytes;
    const shrank = ratio !== null && ratio < 1 / ctx.memoryThreshold &&
      bv - cv > ctx.memoryMinBytes;
    const verdict: Verdict = !(grew || shrank)
      ? "same"
      : !ctx.gateMetrics
      ? "not gated"
      : grew
      ? "regressed"
      : "improved";
    return row(bv, cv, verdict, { ratio });
  }
  const tol = toleranceFor(name);
  const within = Math.abs(cv - bv) <= tol.absTol + tol.relTol * Math.abs(bv);
  return row(bv, cv, within ? "same" : ctx.gateMetrics ? "changed" : "not gated", {
    ratio,
    note: within ? undefined : `tolerance abs ${tol.absTol} + rel ${tol.relTol}`,
  });
}
