/**
 * `deno task baseline`: refreshes the committed regression baseline. Runs
 * every suite's quick profile on the wasm backend (the backend CI compares on)
 * into a run folder, and only when every case is ok or skipped copies its
 * results.json to the baseline file that `deno task compare` reads.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { exitCodeOf } from "../src/cli/exit_code.ts";
import { checkWritableFile, writeOutputFile } from "../src/cli/output.ts";
import { InputError } from "../src/errors.ts";
import { runBenchCli } from "./main.ts";

const HELP = `Usage: deno task baseline [options]

Refreshes the regression baseline: runs every suite with --profile quick
--backend wasm into DIR, then copies DIR/results.json to FILE when no case
failed. An interrupted or failed run leaves FILE as it was.

Options:
  --out DIR        run folder (default: reports/baseline_run)
  --baseline FILE  baseline file to write (default: reports/baseline.json)
  --resume         continue an interrupted run in DIR (Ctrl-C once stops after the running case)
  -h, --help       print this help

Exit status: 0 baseline written, 2 some case failed (baseline not written),
1 bad input, 130 interrupted.
`;

/** Runs `deno task baseline` with `args`; returns the exit status. */
export async function runBaselineCli(args: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args,
      strict: true,
      allowPositionals: false,
      options: {
        out: { type: "string", default: "reports/baseline_run" },
        baseline: { type: "string", default: "reports/baseline.json" },
        resume: { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
    }));
  } catch (e) {
    throw new InputError(`${(e as Error).message.replace(/\s*\n\s*/g, " ")} (see --help)`);
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  checkWritableFile(values.baseline, "--baseline");
  const bench = ["--profile", "quick", "--backend", "wasm", "--out", values.out];
  const code = await runBenchCli(values.resume ? [...bench, "--resume"] : bench);
  if (code !== 0) {
    console.error(`baseline: ${values.baseline} not updated (the run exited with ${code})`);
    return code;
  }
  const results = `${values.out.replace(/\/+$/, "")}/results.json`;
  writeOutputFile(values.baseline, Deno.readTextFileSync(results));
  console.error(`baseline: wrote ${values.baseline} from ${results}`);
  return 0;
}

if (import.meta.main) Deno.exit(await exitCodeOf(() => runBaselineCli(Deno.args)));
