/**
 * `deno task compare --baseline FILE --current FILE`: the regression check.
 * Prints a table, optionally writes a Markdown summary (and appends it to
 * `$GITHUB_STEP_SUMMARY` when set) and a github-action-benchmark export;
 * exits 1 when something regressed, 0 otherwise, 2 on bad input.
 *
 * @module
 */

import { exitCodeOf } from "../src/cli/exit_code.ts";
import { parseArgs } from "node:util";
import { InputError } from "../src/errors.ts";
import { checkWritableFile, writeOutputFile } from "../src/cli/output.ts";
import {
  type CompareOptions,
  compareResults,
  type Comparison,
  formatComparisonMarkdown,
  formatComparisonText,
} from "../src/report/compare.ts";
import { formatGab } from "../src/report/gab_export.ts";
import { TOLERANCES } from "../src/report/metric_kinds.ts";
import { readResults } from "../src/report/results.ts";

const HELP = `Usage: deno task compare --baseline FILE --current FILE [options]

Compares two results.json files case by case; exit status 1 when something
regressed, 0 otherwise, and 2 with "error: ..." on bad input.

Options:
  --baseline FILE      the reference run (e.g. reports/baseline.json)
  --current FILE       the run to check (e.g. reports/latest/results.json)
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
values are shown, never flagged. *Bytes grows 1.5x and 256 MiB: flagged.
Other numbers and booleans are deterministic at a fixed seed and backend and
are flagged when they move past their tolerance (|c - b| > abs + rel*|b|):
${
  TOLERANCES.map((t) =>
    `  ${String(t.pattern).padEnd(56)} abs ${t.tolerance.absTol}, rel ${t.tolerance.relTol}`
  ).join("\n")
}
A case with params.deterministic = false (e.g. trained under a wall-clock
budget) has its numbers shown, never gated. New and vanished cases are
listed, not counted.
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
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        baseline: { type: "string" },
        current: { type: "string" },
        threshold: { type: "string" },
        "case-threshold": { type: "string" },
        alpha: { type: "string" },
        "min-samples": { type: "string" },
        summary: { type: "string" },
        "export-gab": { type: "string" },
        verbose: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new InputError(`${(e as Error).message.replace(/\s*\n\s*/g, " ")} (see --help)`);
  }
  if (!values.help && (values.baseline === undefined || values.current === undefined)) {
    throw new InputError(
      "compare needs --baseline FILE and --current FILE, e.g. --baseline reports/baseline.json " +
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
  return {
    baseline: values.baseline ?? "",
    current: values.current ?? "",
    options: { threshold, caseThreshold, alpha, minSamples },
    summary: values.summary,
    exportGab: values["export-gab"],
    verbose: values.verbose,
    help: values.help,
  };
}

/** Runs the comparison `args` describes and writes its outputs; returns the comparison. */
export function runCompare(args: CompareArgs): Comparison {
  if (args.summary !== undefined) checkWritableFile(args.summary, "--summary");
  if (args.exportGab !== undefined) checkWritableFile(args.exportGab, "--export-gab");
  const baseline = readResults(args.baseline);
  const current = readResults(args.current);
  const comparison = compareResults(baseline, current, args.options);
  console.log(formatComparisonText(comparison, { verbose: args.verbose }));
  const markdown = formatComparisonMarkdown(comparison);
  if (args.summary !== undefined) writeOutputFile(args.summary, markdown);
  const step = Deno.env.get("GITHUB_STEP_SUMMARY");
  if (step) Deno.writeTextFileSync(step, markdown, { append: true });
  if (args.exportGab !== undefined) writeOutputFile(args.exportGab, formatGab(current));
  return comparison;
}

if (import.meta.main) {
  Deno.exit(
    await exitCodeOf(() => {
      const args = parseCompareArgs(Deno.args);
      if (args.help) {
        console.log(HELP);
        return 0;
      }
      return runCompare(args).regressions > 0 ? 1 : 0;
    }, { inputErrorCode: 2 }),
  );
}
