/**
 * `deno task reference`: the standard-profile reference run that the README's
 * findings rest on, in the time two cores allow. tfjs-wasm training is single
 * threaded, so the budget suite's training runs in two processes side by side
 * (split by data set, so a data set's equal-passes and equal-seconds cases
 * share one process and its training runs), each with some of the density
 * study's untimed training seeds ({@linkcode PARALLEL_DENSITY});
 * the passes suite, whose training steps are timed against PyTorch on one
 * core each, and the rest of the scaling suite, whose timings need both
 * cores, run alone afterwards, so that no other process shares the machine
 * while they time. The parts are then merged into
 * `reports/reference/results.json` and its page.
 *
 * @module
 */

import { parseDecimalInteger, parseFlags } from "../../src/cli/args.ts";
import { exitCodeOf } from "../../src/cli/exit_code.ts";
import { InputError } from "../../src/errors.ts";

const HELP = `Usage: deno task reference [options]

Runs every suite with --profile standard --backend wasm as three parts
(two in parallel: the training suites, and the density study's training
seeds after the first at N = 3,000 to 30,000; then the timed passes and
scaling suites alone) under PARTS/, and merges them into OUT.

Options:
  --out DIR     merged run folder (default: reports/reference)
  --parts DIR   where the parts run (default: reports/reference_parts)
  --seed N      base seed (default 1)
  --resume      continue interrupted parts (parts started before the passes
                suite, or the density seeds, moved between parts cannot be
                merged: start afresh)
  -h, --help    print this help

Exit status: 0 merged, 1 bad input, otherwise the first failing part's status.
`;

/**
 * Budget data sets run by the first parallel part; the second takes the rest.
 * Circle and clusters have the largest pass budgets (8x the default; figure8
 * 4x): the split puts about as much training on each side, with the density
 * seeds below.
 */
export const FIRST_PART_DATASETS = ["circle", "figure8"];

/**
 * The density study's seeds after the first (training runs, untimed) run in
 * the parallel parts, before their budget cases (the registry lists the
 * scaling suite first): figure8 at 30,000 and circle at 30,000 in the
 * first, figure8 at N = 3,000 and 10,000 in the second, which balances the
 * parts' budget cases. At 3e6 passes they are about 30 minutes of training,
 * which the
 * last part would run on one core while the other idled. Seed 0 of every N
 * stays in the last part: it builds the rows whose seconds the density
 * report shows, with no other process running. A seed's exact and HNSW runs
 * share a part, as their pairing needs.
 */
export const PARALLEL_DENSITY = [
  "^scaling/(figure8|circle)_density_(exact_mixture|hnsw)_n30000_seed[0-9]+$",
  "^scaling/figure8_density_(exact_mixture|hnsw)_n(3000|10000)_seed[0-9]+$",
];

/** The bench arguments of each part: two that run side by side, then one alone. */
export function referenceParts(
  options: { parts: string; seed: number; resume: boolean },
): { parallel: string[][]; after: string[] } {
  const common = ["--profile", "standard", "--backend", "wasm", "--seed", String(options.seed)];
  const tail = options.resume ? ["--resume"] : [];
  const first = `^budget/(${FIRST_PART_DATASETS.join("|")})/`;
  const [density1, density2] = PARALLEL_DENSITY;
  return {
    parallel: [
      [
        ...common,
        "--suite",
        "budget,scaling",
        "--case",
        `${first}|${density1}`,
        "--out",
        `${options.parts}/part1`,
        ...tail,
      ],
      [
        ...common,
        "--suite",
        "budget,posterior,amortization,scaling",
        "--case",
        `^(?!budget/(${FIRST_PART_DATASETS.join("|")})/|scaling/)|${density2}`,
        "--out",
        `${options.parts}/part2`,
        ...tail,
      ],
    ],
    after: [
      ...common,
      "--suite",
      "passes,scaling",
      "--case",
      `^(?!${PARALLEL_DENSITY.map((re) => re.slice(1)).join("|")})`,
      "--out",
      `${options.parts}/part3`,
      ...tail,
    ],
  };
}

async function bench(args: string[]): Promise<number> {
  const cmd = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", new URL("../main.ts", import.meta.url).pathname, ...args],
    stdout: "inherit",
    stderr: "inherit",
  });
  return (await cmd.output()).code;
}

/** Runs `deno task reference` with `args`; returns the exit status. */
export async function runReferenceCli(args: string[]): Promise<number> {
  const values = parseFlags(args, {
    out: { type: "string", default: "reports/reference" },
    parts: { type: "string", default: "reports/reference_parts" },
    seed: { type: "string", default: "1" },
    resume: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const seed = parseDecimalInteger(values.seed, "--seed");
  if (seed < 0) throw new InputError(`--seed must be >= 0, got ${seed}`);
  const plan = referenceParts({
    parts: values.parts,
    seed,
    resume: values.resume,
  });
  // A part that fails at once (bad input, a refused --resume) still waits for the other: say
  // which one failed, as its error has scrolled away under the other part's output.
  const failed = (code: number, part: string) =>
    console.error(`reference: ${values.parts}/${part} exited with status ${code}; nothing merged`);
  const codes = await Promise.all(plan.parallel.map(bench));
  codes.forEach((c, i) => c !== 0 && failed(c, `part${i + 1}`));
  const bad = codes.find((c) => c !== 0);
  if (bad !== undefined) return bad;
  const last = await bench(plan.after);
  if (last !== 0) {
    failed(last, "part3");
    return last;
  }
  const merge = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./report_cli.ts", import.meta.url).pathname,
      "--merge",
      `${values.parts}/part1`,
      `${values.parts}/part2`,
      `${values.parts}/part3`,
      "--out",
      values.out,
    ],
    stdout: "inherit",
    stderr: "inherit",
  });
  return (await merge.output()).code;
}

if (import.meta.main) Deno.exit(await exitCodeOf(() => runReferenceCli(Deno.args)));
