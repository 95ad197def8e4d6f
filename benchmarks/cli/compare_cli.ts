/**
 * `deno task compare --baseline FILE --current FILE`: the regression check.
 * Prints a table, optionally writes a Markdown summary (and appends it to
 * `$GITHUB_STEP_SUMMARY` when set) and a github-action-benchmark export;
 * with `--confirm` reruns the cases of a time regression and fails only on
 * those that reproduce. Exits 1 when something regressed or too few cases
 * were compared, 0 otherwise, 2 on bad input.
 *
 * @module
 */

import { parseFlags } from "../../src/cli/args.ts";
import { exitCodeOf } from "../../src/cli/exit_code.ts";
import { InputError } from "../../src/errors.ts";
import { checkWritableFile, writeOutputFile } from "../../src/cli/output.ts";
import {
  type CompareOptions,
  compareResults,
  type Comparison,
  formatComparisonMarkdown,
  formatComparisonText,
} from "../../src/report/compare.ts";
import {
  caseRegex,
  casesToConfirm,
  confirmTimeRegressions,
} from "../../src/report/compare_confirm.ts";
import { formatGab } from "../../src/report/gab_export.ts";
import { TOLERANCES } from "../../src/report/metric_kinds.ts";
import { readResults, type ResultsFile } from "../../src/report/results.ts";
import type { JsonValue } from "../harness/suite.ts";
import { SUITES } from "../harness/registry.ts";

/** Whether a case times a peer, as its suite says (`Suite.peerCase`). */
export function isPeerCase(c: { suite: string; params: Record<string, JsonValue> }): boolean {
  return SUITES.find((s) => s.name === c.suite)?.peerCase?.(c.params) === true;
}

const HELP = `Usage: deno task compare --baseline PATH --current FILE [--confirm] [options]

Compares two results.json files case by case; exit status 1 when something
regressed or fewer than --min-coverage of the current cases were compared,
0 otherwise, and 2 with "error: ..." on bad input.

Options:
  --baseline PATH      the baseline run: a results file, or a folder holding one
                       per profile (reports/baseline, read as DIR/<profile>.json
                       for the current run's profile)
  --current FILE       the run to check (e.g. reports/latest/results.json)
  --confirm            rerun the cases of a time regression (deno task bench
                       --case, same profile, seed and backend) and fail only on
                       those the rerun reproduces
  --confirm-max N      most cases rerun (default 20, slowest first)
  --confirm-out DIR    where the rerun writes (default: a temporary folder)
  --min-coverage F     fewest compared cases, as a share of the current run's
                       (default 0.9): a baseline of other cases checks nothing
  --threshold X        slowdown of a suite's geometric mean that may flag it (default 1.5)
  --case-threshold X   slowdown that may flag a single case (default 3)
  --alpha P            Mann-Whitney significance level (default 0.01)
  --min-samples N      timing samples needed on each side to gate a time (default 5)
  --summary FILE.md    also write a Markdown summary (appended to $GITHUB_STEP_SUMMARY when set)
  --export-gab FILE    write the current run's times in github-action-benchmark's
                       customSmallerIsBetter format
  --verbose            list every compared metric, not only the notable ones
  -h, --help           print this help

Rules: a case that was ok and now fails is a regression. Times are the
metrics named *SecondsSamples (>= 5 repeats): each is divided by its run's
calibration median. A case is flagged when its median ratio reaches the
case threshold and a Mann-Whitney U test gives p < alpha; a suite is flagged
when the geometric mean of its cases' ratios passes the threshold and a
sign test over its cases gives p < alpha (repeats inside one case share
that run's state, so one case alone needs the larger margin). Single
*Seconds and *PerSecond
values are shown, never flagged, and so is every figure of a case that times
a peer (PyTorch, faiss, Python hnswlib), which is left out of its suite's
geometric mean: a peer's speed is not this project's. *Bytes grows 1.5x and 256 MiB: flagged.
Other numbers and booleans are deterministic at a fixed seed and backend and
are flagged when they move past their tolerance (|c - b| > abs + rel*|b|):
${
  TOLERANCES.map((t) =>
    `  ${String(t.pattern).padEnd(56)} abs ${t.tolerance.absTol}, rel ${t.tolerance.relTol}`
  ).join("\n")
}
A case with params.deterministic = false (e.g. trained under a wall-clock
budget) has its numbers shown, never gated. New and vanished cases are
listed, not counted. Cases are compared when suite, name and params match;
refresh a baseline with \`deno task baseline --profile P\`.
`;

/** What the command line asked for. */
export interface CompareArgs {
  /** Baseline results file. */
  baseline: string;
  /** Current results file. */
  current: string;
  /** Thresholds. */
  options: CompareOptions;
  /** Markdown summary path. */
  summary?: string;
  /** github-action-benchmark export path. */
  exportGab?: string;
  /** Rerun the cases of time regressions before failing. */
  confirm: boolean;
  /** Most cases rerun. */
  confirmMax: number;
  /** Folder the rerun writes to (default: a temporary folder). */
  confirmOut?: string;
  /** Fewest compared cases as a share of the current run's. */
  minCoverage: number;
  /** List every metric. */
  verbose: boolean;
  /** Print help. */
  help: boolean;
}

function positiveNumber(
  text: string | undefined,
  flag: string,
  example: string,
): number | undefined {
  if (text === undefined) return undefined;
  const v = Number(text);
  if (!Number.isFinite(v) || v <= 0 || text.trim() === "") {
    throw new InputError(`bad ${flag} "${text}"; use a positive number, e.g. ${flag} ${example}`);
  }
  return v;
}

/** Parses the compare command line; bad input throws a one-line {@linkcode InputError}. */
export function parseCompareArgs(args: string[]): CompareArgs {
  const values = parseFlags(args, {
    baseline: { type: "string" },
    current: { type: "string" },
    threshold: { type: "string" },
    "case-threshold": { type: "string" },
    alpha: { type: "string" },
    "min-samples": { type: "string" },
    summary: { type: "string" },
    "export-gab": { type: "string" },
    confirm: { type: "boolean", default: false },
    "confirm-max": { type: "string" },
    "confirm-out": { type: "string" },
    "min-coverage": { type: "string" },
    verbose: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (!values.help && (values.baseline === undefined || values.current === undefined)) {
    throw new InputError(
      "compare needs --baseline PATH and --current FILE, e.g. --baseline reports/baseline " +
        "--current reports/latest/results.json",
    );
  }
  const threshold = positiveNumber(values.threshold, "--threshold", "1.5");
  if (threshold !== undefined && threshold <= 1) {
    throw new InputError(`bad --threshold "${values.threshold}"; use a ratio above 1, e.g. 1.5`);
  }
  const caseThreshold = positiveNumber(values["case-threshold"], "--case-threshold", "3");
  if (caseThreshold !== undefined && caseThreshold <= 1) {
    throw new InputError(
      `bad --case-threshold "${values["case-threshold"]}"; use a ratio above 1, e.g. 3`,
    );
  }
  const alpha = positiveNumber(values.alpha, "--alpha", "0.01");
  if (alpha !== undefined && alpha >= 1) {
    throw new InputError(`bad --alpha "${values.alpha}"; use a level in (0, 1), e.g. 0.01`);
  }
  const minSamples = positiveNumber(values["min-samples"], "--min-samples", "5");
  if (minSamples !== undefined && !Number.isInteger(minSamples)) {
    throw new InputError(`bad --min-samples "${values["min-samples"]}"; use an integer, e.g. 5`);
  }
  const confirmMax = positiveNumber(values["confirm-max"], "--confirm-max", "20") ?? 20;
  if (!Number.isInteger(confirmMax)) {
    throw new InputError(`bad --confirm-max "${values["confirm-max"]}"; use an integer, e.g. 20`);
  }
  const minCoverageText = values["min-coverage"];
  const minCoverage = minCoverageText === undefined ? 0.9 : Number(minCoverageText);
  if (
    !Number.isFinite(minCoverage) || minCoverage < 0 || minCoverage > 1 ||
    minCoverageText?.trim() === ""
  ) {
    throw new InputError(
      `bad --min-coverage "${minCoverageText}"; use a share in [0, 1], e.g. 0.9`,
    );
  }
  return {
    baseline: values.baseline ?? "",
    current: values.current ?? "",
    options: { threshold, caseThreshold, alpha, minSamples, peerCase: isPeerCase },
    summary: values.summary,
    exportGab: values["export-gab"],
    confirm: values.confirm,
    confirmMax,
    confirmOut: values["confirm-out"],
    minCoverage,
    verbose: values.verbose,
    help: values.help,
  };
}

/** Reruns the cases `keys` of `current`'s profile, seed and backend; returns the rerun's results. */
export type Rerun = (keys: string[], current: ResultsFile) => Promise<ResultsFile>;

/** The path of the baseline for `current`: `path` itself, or `path/<profile>.json` for a folder. */
export function baselinePath(path: string, current: ResultsFile): string {
  let folder = false;
  try {
    folder = Deno.statSync(path).isDirectory;
  } catch { /* readResults says what is wrong with a missing file */ }
  if (!folder) return path;
  const file = `${path.replace(/\/+$/, "")}/${current.meta.profile}.json`;
  try {
    Deno.statSync(file);
  } catch {
    throw new InputError(
      `no baseline for profile ${current.meta.profile} in ${path}; make one with ` +
        `\`deno task baseline --profile ${current.meta.profile}\``,
    );
  }
  return file;
}

function benchRerun(out: string | undefined): Rerun {
  return async (keys, current) => {
    const dir = out ?? Deno.makeTempDirSync({ prefix: "compare_confirm_" });
    // Loaded only when a rerun is needed: the runner brings in every suite and tfjs.
    const { runBenchCli } = await import("../main.ts");
    const m = current.meta;
    const code = await runBenchCli([
      "--profile",
      m.profile,
      "--backend",
      m.backend,
      "--seed",
      String(m.seed),
      "--case",
      caseRegex(keys),
      "--out",
      dir,
    ]);
    // A failed case is left out of the rerun's ok cases, so its row stays unconfirmed.
    if (code !== 0 && code !== 2) throw new Error(`confirmation rerun exited with ${code}`);
    return readResults(`${dir}/results.json`);
  };
}

/** What {@linkcode runCompare} found: the comparison and whether it fails the check. */
export interface CompareOutcome {
  /** The comparison, confirmed when `--confirm` was given. */
  comparison: Comparison;
  /** Why the check fails, empty when it passes. */
  failures: string[];
}

/**
 * Runs the comparison `args` describes and writes its outputs; `options.rerun`
 * replaces the confirmation run (tests).
 */
export async function runCompare(
  args: CompareArgs,
  options: { rerun?: Rerun } = {},
): Promise<CompareOutcome> {
  if (args.summary !== undefined) checkWritableFile(args.summary, "--summary");
  if (args.exportGab !== undefined) checkWritableFile(args.exportGab, "--export-gab");
  const current = readResults(args.current);
  const baseline = readResults(baselinePath(args.baseline, current));
  let comparison = compareResults(baseline, current, args.options);
  const keys = args.confirm ? casesToConfirm(comparison, { max: args.confirmMax }) : [];
  if (keys.length) {
    console.error(`compare: rerunning ${keys.length} case(s) to confirm time regressions`);
    const rerun = await (options.rerun ?? benchRerun(args.confirmOut))(keys, current);
    comparison = confirmTimeRegressions(comparison, { baseline, rerun }, args.options);
  }
  const failures: string[] = [];
  if (comparison.regressions > 0) failures.push(`${comparison.regressions} regression(s)`);
  const { compared, current: total } = comparison.coverage;
  if (total > 0 && compared < args.minCoverage * total) {
    const msg =
      `only ${compared} of ${total} cases compared (--min-coverage ${args.minCoverage}):` +
      ` the baseline is of other cases; refresh it with \`deno task baseline --profile ` +
      `${current.meta.profile}\``;
    failures.push(msg);
    comparison.warnings.push(msg);
  }
  console.log(formatComparisonText(comparison, { verbose: args.verbose }));
  const markdown = formatComparisonMarkdown(comparison);
  if (args.summary !== undefined) writeOutputFile(args.summary, markdown);
  const step = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (step) Deno.writeTextFileSync(step, markdown, { append: true });
  if (args.exportGab !== undefined) writeOutputFile(args.exportGab, formatGab(current));
  return { comparison, failures };
}

if (import.meta.main) {
  Deno.exit(
    await exitCodeOf(async () => {
      const args = parseCompareArgs(Deno.args);
      if (args.help) {
        console.log(HELP);
        return 0;
      }
      const { failures } = await runCompare(args);
      for (const f of failures) console.error(`compare: fails: ${f}`);
      return failures.length ? 1 : 0;
    }, { inputErrorCode: 2 }),
  );
}
