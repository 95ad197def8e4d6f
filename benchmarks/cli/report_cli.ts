/**
 * `deno task report`: re-renders a run's page from its results.json, merges
 * shard results into one run (`--merge`), keeps a finished run under
 * `reports/runs/` (`--keep`) and rebuilds the history page
 * `reports/index.html` (`--history`). Runs no benchmark.
 *
 * @module
 */

import { exitCodeOf } from "../../src/cli/exit_code.ts";
import { parseArgs } from "node:util";
import { InputError } from "../../src/errors.ts";
import { writeFileAtomic } from "../../src/io/atomic_write.ts";
import { checkWritableFile, ensureWritableFolder, writeOutputFile } from "../../src/cli/output.ts";
import { formatGab } from "../../src/report/gab_export.ts";
import { readHistory, renderHistory, runId } from "../../src/report/history.ts";
import { mergeResults } from "../../src/report/merge.ts";
import { readResults, type ResultsFile } from "../../src/report/results.ts";
import { writeReportFiles } from "../../src/report/write.ts";
import { isProfile } from "../harness/profiles.ts";
import { expandCases } from "../harness/cases.ts";
import { buildSections, summarize } from "../harness/run_report.ts";
import type { Suite } from "../harness/suite.ts";
import { SUITES } from "../harness/registry.ts";

const HELP = `Usage: deno task report [--in DIR] [--keep] [--history] [--export-gab FILE]
       deno task report --merge DIR... [--out DIR] [--keep] [--history]

Re-renders DIR/index.html and DIR/results.csv from DIR/results.json
(default DIR: reports/latest). Runs no benchmark.

Options:
  --in DIR           the run folder to re-render (default reports/latest)
  --merge DIR...     merge the results.json of each shard folder (or results
                     file) into one run written to --out, in unsharded order
  --out DIR          where --merge writes (default reports/latest)
  --keep             copy the run (results.json, results.csv, index.html) to
                     ROOT/runs/<start time>/ and rebuild the history page
  --history          rebuild ROOT/index.html: kept runs and headline-metric charts
  --root DIR         reports folder holding runs/ and index.html (default reports)
  --export-gab FILE  write the run's times in github-action-benchmark's format
  -h, --help         print this help
`;

/** What `deno task report` was asked to do. */
export interface ReportArgs {
  /** Run folder to re-render, when not merging. */
  inDir: string;
  /** Folders or files to merge; empty when not merging. */
  merge: string[];
  /** Output folder of a merge. */
  out: string;
  /** Keep the run under ROOT/runs/. */
  keep: boolean;
  /** Rebuild ROOT/index.html. */
  history: boolean;
  /** Reports root. */
  root: string;
  /** Re-render the run (false for a bare `--history`). */
  render: boolean;
  /** github-action-benchmark export path. */
  exportGab?: string;
  /** Print help. */
  help: boolean;
}

function trimSlash(path: string): string {
  return path.replace(/\/+$/, "") || "/";
}

/** Parses the report command line; bad input throws a one-line {@linkcode InputError}. */
export function parseReportArgs(args: string[]): ReportArgs {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      strict: true,
      allowPositionals: true,
      options: {
        in: { type: "string" },
        merge: { type: "boolean", default: false },
        out: { type: "string", default: "reports/latest" },
        keep: { type: "boolean", default: false },
        history: { type: "boolean", default: false },
        root: { type: "string", default: "reports" },
        "export-gab": { type: "string" },
        help: { type: "boolean", short: "h", default: false },
      },
    });
  } catch (e) {
    throw new InputError(`${(e as Error).message.replace(/\s*\n\s*/g, " ")} (see --help)`);
  }
  const { values, positionals } = parsed;
  if (values.merge && positionals.length === 0) {
    throw new InputError("--merge needs the shard folders, e.g. --merge shards/1 shards/2");
  }
  if (!values.merge && positionals.length > 0) {
    throw new InputError(
      `unexpected argument "${positionals[0]}"; folders to merge go after --merge`,
    );
  }
  if (values.merge && values.in !== undefined) {
    throw new InputError("--in and --merge do not go together; --merge writes to --out");
  }
  return {
    inDir: trimSlash(values.in ?? "reports/latest"),
    merge: positionals.map(trimSlash),
    out: trimSlash(values.out),
    keep: values.keep,
    history: values.history || values.keep,
    root: trimSlash(values.root),
    render: values.merge || values.in !== undefined || !values.history || values.keep ||
      values["export-gab"] !== undefined,
    exportGab: values["export-gab"],
    help: values.help,
  };
}

/** Re-renders the report in `dir`; returns the page's path. */
export function rerenderReport(dir: string, suites: Suite[] = SUITES): string {
  const results = readResults(`${dir}/results.json`);
  const files = writeReportFiles(dir, results, { sections: buildSections(results, suites) });
  return files.html;
}

function resultsPathOf(path: string): string {
  return /\.json$/.test(path) ? path : `${path}/results.json`;
}

/**
 * Merges the shard results in `paths` (folders holding results.json, or the
 * files) into `outDir`: results.json with summaries recomputed by `suites`,
 * results.csv and index.html. Returns the merged results and any warnings.
 */
export function mergeRuns(
  paths: string[],
  outDir: string,
  suites: Suite[] = SUITES,
): { results: ResultsFile; warnings: string[] } {
  const files = paths.map(resultsPathOf);
  const parts = files.map((f) => readResults(f));
  const profile = parts[0]?.meta.profile;
  const selected = suites.filter((s) => parts.some((p) => (p.meta.suites ?? []).includes(s.name)));
  const order = profile && isProfile(profile) ? expandCases(selected, profile) : undefined;
  const { results, warnings } = mergeResults(parts, { sources: files, order });
  summarize(results, suites);
  Deno.mkdirSync(outDir, { recursive: true });
  writeFileAtomic(`${outDir}/results.json`, JSON.stringify(results, null, 2) + "\n");
  writeReportFiles(outDir, results, { sections: buildSections(results, suites) });
  return { results, warnings };
}

/** Copies the run in `dir` to `root/runs/<start time>/`; returns that folder. */
export function keepRun(dir: string, root: string): string {
  const results = readResults(`${dir}/results.json`);
  const target = `${root}/runs/${runId(results.meta.startedAt)}`;
  Deno.mkdirSync(target, { recursive: true });
  for (const name of ["results.json", "results.csv", "index.html"]) {
    try {
      writeFileAtomic(`${target}/${name}`, Deno.readFileSync(`${dir}/${name}`));
    } catch (e) {
      if (!(e instanceof Deno.errors.NotFound)) throw e;
    }
  }
  return target;
}

/** Rebuilds `root/index.html` from the runs kept in `root/runs`; returns its path and problems. */
export function writeHistoryPage(
  root: string,
  options: { chartJs?: string } = {},
): { path: string; runs: number; problems: string[] } {
  const history = readHistory(`${root}/runs`);
  let latestHref: string | undefined;
  try {
    if (Deno.statSync(`${root}/latest/index.html`).isFile) latestHref = "latest/index.html";
  } catch { /* no latest run beside the history */ }
  Deno.mkdirSync(root, { recursive: true });
  const path = `${root}/index.html`;
  writeFileAtomic(
    path,
    renderHistory(history.entries, { ...options, problems: history.problems, latestHref }),
  );
  return { path, runs: history.entries.length, problems: history.problems };
}

/** Does what `args` asks; returns the lines to print on stderr. */
export function runReport(args: ReportArgs): string[] {
  const log: string[] = [];
  let dir = args.inDir;
  // Paths that cannot be written fail here, as one error line, before anything is merged.
  if (args.merge.length) ensureWritableFolder(args.out, "--out");
  if (args.exportGab !== undefined) checkWritableFile(args.exportGab, "--export-gab");
  if (args.keep || args.history) ensureWritableFolder(args.root, "--root");
  if (args.merge.length) {
    const { results, warnings } = mergeRuns(args.merge, args.out);
    for (const w of warnings) log.push(`warning: ${w}`);
    dir = args.out;
    log.push(`merged ${args.merge.length} parts (${results.cases.length} cases) into ${dir}`);
  } else if (args.render) {
    log.push(`wrote ${rerenderReport(dir)}`);
  }
  if (args.exportGab) {
    writeOutputFile(args.exportGab, formatGab(readResults(`${dir}/results.json`)));
    log.push(`wrote ${args.exportGab}`);
  }
  if (args.keep) log.push(`kept ${keepRun(dir, args.root)}`);
  if (args.history) {
    const h = writeHistoryPage(args.root);
    for (const p of h.problems) log.push(`warning: unreadable run ${p}`);
    log.push(`wrote ${h.path} (${h.runs} runs)`);
  }
  return log;
}

if (import.meta.main) {
  Deno.exit(
    await exitCodeOf(() => {
      const args = parseReportArgs(Deno.args);
      if (args.help) console.log(HELP);
      else for (const line of runReport(args)) console.error(line);
      return 0;
    }),
  );
}
