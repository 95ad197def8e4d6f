/**
 * `deno task baseline --profile P`: refreshes the committed regression
 * baseline of profile P, `reports/baseline/<P>.json`, the file the nightly
 * `deno task compare --baseline reports/baseline` reads for a run of that
 * profile. Either runs every suite of the profile on the wasm backend (the
 * backend CI compares on) into a run folder, or promotes a finished run
 * (`--from FILE`, e.g. the committed standard-profile reference run); either
 * way only a whole, unsharded wasm run of that profile with no failed case
 * becomes the baseline.
 *
 * @module
 */

import { parseFlags } from "../../src/cli/args.ts";
import { exitCodeOf } from "../../src/cli/exit_code.ts";
import { checkWritableFile, ensureWritableFolder, writeOutputFile } from "../../src/cli/output.ts";
import { InputError } from "../../src/errors.ts";
import { readResults, type ResultsFile } from "../../src/report/results.ts";
import { runBenchCli } from "../main.ts";
import { isProfile, PROFILES } from "../harness/profiles.ts";

/** The backend CI runs and compares on (`deno task bench:ci`). */
export const BASELINE_BACKEND = "wasm";

const HELP = `Usage: deno task baseline --profile P [--from FILE] [options]

Refreshes reports/baseline/P.json, the baseline \`deno task compare
--baseline reports/baseline\` reads for a run of profile P. Without --from,
runs every suite with --profile P --backend ${BASELINE_BACKEND} into DIR and promotes
DIR/results.json when no case failed (an interrupted or failed run leaves the
baseline as it was). With --from, promotes an existing run instead (e.g.
--profile standard --from reports/reference/results.json).

Options:
  --profile P      ${PROFILES.map((p) => p.name).join(" | ")} (default quick)
  --from FILE      promote this finished results file instead of running
  --out DIR        run folder (default: reports/baseline_run/P)
  --dir DIR        baseline folder (default: reports/baseline)
  --resume         continue an interrupted run in DIR (Ctrl-C once stops after the running case)
  -h, --help       print this help

A baseline must be a whole (unsharded), finished ${BASELINE_BACKEND} run of profile P with
no failed case: compare gates deterministic metrics only at the same seed and
backend, and cases only where name and params match.

Exit status: 0 baseline written, 2 some case failed (baseline not written),
1 bad input, 130 interrupted.
`;

/**
 * Why `results` cannot be the baseline of `profile`, or an empty list when it can.
 */
export function baselineProblems(results: ResultsFile, profile: string): string[] {
  const m = results.meta;
  const problems: string[] = [];
  if (m.profile !== profile) problems.push(`it is a ${m.profile} run, not ${profile}`);
  if (m.backend !== BASELINE_BACKEND) {
    problems.push(`it ran on ${m.backend}, not ${BASELINE_BACKEND} (what CI compares on)`);
  }
  if (m.shard) problems.push(`it is shard ${m.shard}, not a whole run`);
  if (!m.endedAt) problems.push("it did not finish (no endedAt)");
  const failed = results.cases.filter((c) => c.status === "failed");
  if (failed.length) {
    problems.push(
      `${failed.length} case(s) failed, e.g. ${failed[0].suite}/${failed[0].name}`,
    );
  }
  if (!results.cases.some((c) => c.status === "ok")) problems.push("no case is ok");
  return problems;
}

/** Writes `results` as the baseline file `path` after checking it suits `profile`. */
export function promoteBaseline(
  results: ResultsFile,
  options: { profile: string; path: string; source: string },
): void {
  const problems = baselineProblems(results, options.profile);
  if (problems.length) {
    throw new InputError(
      `${options.source} cannot be the ${options.profile} baseline: ${problems.join("; ")}`,
    );
  }
  writeOutputFile(options.path, JSON.stringify(results, null, 2) + "\n");
}

/** Runs `deno task baseline` with `args`; returns the exit status. */
export async function runBaselineCli(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    profile: { type: "string", default: "quick" },
    from: { type: "string" },
    out: { type: "string" },
    dir: { type: "string", default: "reports/baseline" },
    resume: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const profile = values.profile;
  if (!isProfile(profile)) {
    throw new InputError(
      `bad --profile "${profile}"; use one of ${PROFILES.map((p) => p.name).join(", ")}`,
    );
  }
  if (values.from !== undefined && (values.resume || values.out !== undefined)) {
    throw new InputError("--from promotes a finished run; --out and --resume are for a new run");
  }
  const dir = values.dir.replace(/\/+$/, "") || "/";
  ensureWritableFolder(dir, "--dir");
  const path = `${dir}/${profile}.json`;
  checkWritableFile(path, "--dir");
  if (values.from !== undefined) {
    promoteBaseline(readResults(values.from), { profile, path, source: values.from });
    console.error(`baseline: wrote ${path} from ${values.from}`);
    return 0;
  }
  const out = values.out ?? `reports/baseline_run/${profile}`;
  const bench = ["--profile", profile, "--backend", BASELINE_BACKEND, "--out", out];
  const code = await runBenchCli(values.resume ? [...bench, "--resume"] : bench);
  if (code !== 0) {
    console.error(`baseline: ${path} not updated (the run exited with ${code})`);
    return code;
  }
  const results = `${out.replace(/\/+$/, "")}/results.json`;
  promoteBaseline(readResults(results), { profile, path, source: results });
  console.error(`baseline: wrote ${path} from ${results}`);
  return 0;
}

if (import.meta.main) Deno.exit(await exitCodeOf(() => runBaselineCli(Deno.args)));
