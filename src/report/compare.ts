/**
 * The regression check: compares a current results file with a baseline case
 * by case. Deterministic metrics are held to the tolerances of
 * `metric_kinds.ts`; repeated timings are divided by each run's calibration
 * median and flagged only when slower past a threshold AND significantly
 * different by a Mann-Whitney U test, as asv does. A case that stopped
 * working is a regression; new and vanished cases are listed, not counted.
 *
 * Two gates for times, because repeats inside one case share that run's
 * state: on these machines a millisecond-scale case's median moved by up to
 * 1.8x between two runs of the same code while its own repeats agreed within
 * 5%, which the Mann-Whitney test reads as significant (2.2x with another
 * job on the other core). So a single case is
 * flagged only past `caseThreshold` (default 3x), and a whole suite is
 * flagged past `threshold` (default 1.5x) when the geometric mean of its
 * cases' ratios passes it and a sign test over those cases agrees (p < alpha).
 *
 * @module
 */

import { formatCell } from "./html.ts";
import { mannWhitneyU } from "./mann_whitney.ts";
import { median, type MetricKind, metricKind, toleranceFor } from "./metric_kinds.ts";
import type { CaseResult, CaseStatus, JsonValue, ResultsFile } from "./results.ts";

/** Options of {@linkcode compareResults}. */
export interface CompareOptions {
  /** Slowdown ratio of a suite's geometric mean over its timed cases that may flag it (default 1.5). */
  threshold?: number;
  /** Slowdown ratio (normalised current median / baseline median) that may flag one case (default 3). */
  caseThreshold?: number;
  /** Significance level of the two-sided Mann-Whitney test (default 0.01). */
  alpha?: number;
  /** Fewest timing samples on each side for a time to be gated (default 5). */
  minSamples?: number;
  /** Growth ratio that flags a memory metric (default 1.5). */
  memoryThreshold?: number;
  /** Smallest growth in bytes that flags a memory metric (default 256 MiB). */
  memoryMinBytes?: number;
}

/** What compare concluded about one metric. */
export type Verdict =
  | "same"
  | "regressed"
  | "improved"
  | "changed"
  | "not significant"
  | "few samples"
  | "not gated"
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

/** A case whose status differs between the runs. */
export interface StatusChange {
  /** `suite/case`. */
  case: string;
  /** Baseline status. */
  from: CaseStatus;
  /** Current status. */
  to: CaseStatus;
  /** The current error, if any. */
  error?: string;
  /** True when a case that worked now fails. */
  regression: boolean;
}

/** The whole comparison. */
export interface Comparison {
  /** Compared metrics of cases in both runs. */
  rows: MetricRow[];
  /** Cases only in the current run (`suite/case`). */
  newCases: string[];
  /** Cases only in the baseline. */
  vanishedCases: string[];
  /** Cases whose status changed. */
  statusChanges: StatusChange[];
  /** Cases whose params changed, so their metrics were not compared. */
  paramChanges: string[];
  /** Run-level notes (different seed, backend, calibration...). */
  warnings: string[];
  /** Number of regressions (rows plus status changes). */
  regressions: number;
  /** Number of improved rows. */
  improvements: number;
  /** Calibration medians in seconds (null when a run has none). */
  calibration: { baseline: number | null; current: number | null };
}

function key(c: { suite: string; name: string }): string {
  return `${c.suite}/${c.name}`;
}

function runCalibration(r: ResultsFile): number | null {
  const s = r.meta.calibration?.samplesSeconds;
  return s && s.length ? median(s) : null;
}

function numbers(value: JsonValue | undefined): number[] | null {
  return Array.isArray(value) && value.every((v) => typeof v === "number")
    ? value as number[]
    : null;
}

interface Context {
  threshold: number;
  caseThreshold: number;
  alpha: number;
  minSamples: number;
  memoryThreshold: number;
  memoryMinBytes: number;
  gateMetrics: boolean;
  normalise: boolean;
  calBase: number | null;
  calCur: number | null;
}

function compareMetric(
  name: string,
  b: JsonValue | undefined,
  c: JsonValue | undefined,
  cases: { base: CaseResult; cur: CaseResult },
  ctx: Context,
): Omit<MetricRow, "case" | "metric"> | null {
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

/** Two-sided sign-test p-value for `up` of `n` paired changes going one way. */
function signTestP(up: number, n: number): number {
  const k = Math.max(up, n - up);
  let tail = 0;
  let c = 1; // C(n, i), built up from i = 0
  for (let i = 0; i <= n; i++) {
    if (i >= k) tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

/**
 * One row per suite: the geometric mean of its gated timing ratios, flagged
 * past `threshold` when a sign test over the cases agrees.
 */
function suiteTimeRows(rows: MetricRow[], ctx: Context): MetricRow[] {
  const bySuite = new Map<string, number[]>();
  for (const r of rows) {
    if (r.kind !== "timeSamples" || r.ratio === null || r.verdict === "few samples") continue;
    const suite = r.case.split("/")[0];
    bySuite.set(suite, [...(bySuite.get(suite) ?? []), r.ratio]);
  }
  const out: MetricRow[] = [];
  for (const [suite, ratios] of bySuite) {
    const geo = Math.exp(ratios.reduce((s, v) => s + Math.log(v), 0) / ratios.length);
    const p = signTestP(ratios.filter((v) => v > 1).length, ratios.length);
    const beyond = geo > ctx.threshold || geo < 1 / ctx.threshold;
    const verdict: Verdict = !beyond
      ? "same"
      : p >= ctx.alpha
      ? "not significant"
      : !ctx.gateMetrics
      ? "not gated"
      : geo > 1
      ? "regressed"
      : "improved";
    out.push({
      case: `${suite}/*`,
      metric: "timeSamples (geometric mean)",
      kind: "timeSamples",
      baseline: null,
      current: null,
      ratio: geo,
      pValue: p,
      verdict,
      regression: verdict === "regressed",
      note: `${ratios.length} timed cases, sign test`,
    });
  }
  return out;
}

/**
 * Compares `current` with `baseline` case by case (cases match on suite and
 * name). See the module documentation for the rules.
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
      `profiles differ (baseline ${bm.profile}, current ${cm.profile}): only cases with the same name and params are compared`,
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
  const ctx: Context = {
    threshold: options.threshold ?? 1.5,
    caseThreshold: options.caseThreshold ?? 3,
    alpha: options.alpha ?? 0.01,
    minSamples: options.minSamples ?? 5,
    memoryThreshold: options.memoryThreshold ?? 1.5,
    memoryMinBytes: options.memoryMinBytes ?? 256 * 2 ** 20,
    gateMetrics,
    normalise,
    calBase,
    calCur,
  };
  const baseBy = new Map(baseline.cases.map((c) => [key(c), c]));
  const curBy = new Map(current.cases.map((c) => [key(c), c]));
  const out: Comparison = {
    rows: [],
    newCases: current.cases.map(key).filter((k) => !baseBy.has(k)),
    vanishedCases: baseline.cases.map(key).filter((k) => !curBy.has(k)),
    statusChanges: [],
    paramChanges: [],
    warnings,
    regressions: 0,
    improvements: 0,
    calibration: { baseline: calBase, current: calCur },
  };
  for (const cur of current.cases) {
    const base = baseBy.get(key(cur));
    if (!base) continue;
    if (base.status !== cur.status) {
      out.statusChanges.push({
        case: key(cur),
        from: base.status,
        to: cur.status,
        error: cur.error,
        regression: base.status === "ok" && cur.status === "failed",
      });
    }
    if (base.status !== "ok" || cur.status !== "ok") continue;
    if (JSON.stringify(base.params) !== JSON.stringify(cur.params)) {
      out.paramChanges.push(key(cur));
      continue;
    }
    // A case whose numbers hang on the wall clock (a time budget) says so with
    // params.deterministic = false: its numbers are shown, never gated.
    const caseCtx = cur.params.deterministic === false ? { ...ctx, gateMetrics: false } : ctx;
    const names = [...new Set([...Object.keys(base.metrics), ...Object.keys(cur.metrics)])];
    for (const metric of names) {
      const r = compareMetric(
        metric,
        base.metrics[metric],
        cur.metrics[metric],
        { base, cur },
        caseCtx,
      );
      if (r) out.rows.push({ case: key(cur), metric, ...r });
    }
  }
  out.rows.push(...suiteTimeRows(out.rows, ctx));
  out.regressions = out.rows.filter((r) => r.regression).length +
    out.statusChanges.filter((s) => s.regression).length;
  out.improvements = out.rows.filter((r) => r.verdict === "improved").length;
  return out;
}

const HEADERS = ["case", "metric", "baseline", "current", "ratio", "p", "verdict"];

function cells(r: MetricRow): string[] {
  const v = (x: number | boolean | null) => (x === null ? "—" : formatCell(x));
  return [
    r.case,
    r.metric,
    v(r.baseline),
    v(r.current),
    r.ratio === null ? "—" : `${r.ratio.toFixed(3)}x`,
    r.pValue === null ? "—" : formatCell(r.pValue),
    (r.regression ? "REGRESSED " : "") + (r.verdict === "regressed" ? "" : r.verdict) +
    (r.note ? ` (${r.note})` : ""),
  ].map((s) => s.trim());
}

/** Rows worth a reader's attention: everything but unchanged and ungated ones. */
export function notableRows(c: Comparison): MetricRow[] {
  return c.rows.filter((r) => r.verdict !== "same" && r.verdict !== "not gated");
}

function headline(c: Comparison): string {
  const same = c.rows.filter((r) => r.verdict === "same").length;
  return `${c.regressions} regression${c.regressions === 1 ? "" : "s"}, ${c.improvements} ` +
    `improved, ${same} of ${c.rows.length} compared metrics unchanged; ` +
    `${c.newCases.length} new and ${c.vanishedCases.length} vanished cases`;
}

/** A plain-text report of `c` for a terminal; `verbose` lists every compared metric. */
export function formatComparisonText(c: Comparison, options: { verbose?: boolean } = {}): string {
  const lines: string[] = [headline(c)];
  for (const w of c.warnings) lines.push(`warning: ${w}`);
  for (const s of c.statusChanges) {
    lines.push(
      `${s.regression ? "REGRESSED " : ""}${s.case}: ${s.from} -> ${s.to}` +
        (s.error ? ` (${s.error})` : ""),
    );
  }
  for (const k of c.paramChanges) lines.push(`params changed, not compared: ${k}`);
  for (const k of c.newCases) lines.push(`new case: ${k}`);
  for (const k of c.vanishedCases) lines.push(`vanished case: ${k}`);
  const rows = (options.verbose ? c.rows : notableRows(c)).map(cells);
  if (rows.length) {
    const widths = HEADERS.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
    const fmt = (r: string[]) =>
      r.map((x, i) => (i === r.length - 1 ? x : x.padEnd(widths[i]))).join("  ");
    lines.push("", fmt(HEADERS), fmt(widths.map((w) => "-".repeat(w))), ...rows.map(fmt));
  }
  return lines.join("\n") + "\n";
}

function mdCell(text: string): string {
  return text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/[\r\n]+/g, " ")
    .replace(/</g, "&lt;");
}

function mdTable(rows: MetricRow[]): string {
  return [
    `| ${HEADERS.join(" | ")} |`,
    `|${HEADERS.map(() => "---").join("|")}|`,
    ...rows.map((r) => `| ${cells(r).map(mdCell).join(" | ")} |`),
  ].join("\n");
}

/** A Markdown summary of `c` for a CI job summary: headline, notes, notable rows, all rows folded. */
export function formatComparisonMarkdown(c: Comparison): string {
  const parts: string[] = [
    `## Benchmark comparison: ${c.regressions ? "regressed" : "no regression"}`,
    "",
    mdCell(headline(c)) + ".",
  ];
  const list = (title: string, items: string[]) => {
    if (items.length) parts.push("", `**${title}**`, "", ...items.map((i) => `- ${mdCell(i)}`));
  };
  list("Warnings", c.warnings);
  list(
    "Status changes",
    c.statusChanges.map((s) =>
      `${s.regression ? "REGRESSED " : ""}${s.case}: ${s.from} → ${s.to}${
        s.error ? ` (${s.error})` : ""
      }`
    ),
  );
  list("Params changed (not compared)", c.paramChanges);
  list("New cases", c.newCases);
  list("Vanished cases", c.vanishedCases);
  const notable = notableRows(c);
  if (notable.length) parts.push("", mdTable(notable));
  if (c.rows.length) {
    parts.push("", "<details><summary>All compared metrics</summary>", "", mdTable(c.rows), "");
    parts.push("</details>");
  }
  return parts.join("\n") + "\n";
}
