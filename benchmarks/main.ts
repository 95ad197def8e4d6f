/**
 * `deno task bench`: runs the benchmark suites and writes results.json,
 * results.csv and index.html into the output folder.
 *
 * @module
 */

import { attachNegativeValues, parseFlags } from "../src/cli/args.ts";
import { exitCodeOf } from "../src/cli/exit_code.ts";
import { ensureWritableFolder } from "../src/cli/output.ts";
import { InputError } from "../src/errors.ts";
import { isProfile, PROFILES } from "./harness/profiles.ts";
import { expandCases, parseShard, selectShard, type Shard } from "./harness/cases.ts";
import { writeReportFromDisk } from "./harness/run_report.ts";
import { runBenchmarks } from "./harness/runner.ts";
import type { Profile, Suite } from "./harness/suite.ts";
import { SUITES } from "./harness/registry.ts";

const VALUE_FLAGS = ["suite", "profile", "out", "backend", "seed", "shard", "case"];

/** Backends `--backend` accepts. */
export const BACKENDS = ["auto", "webgpu", "wasm", "cpu"];

/** What the command line asked for. */
export interface BenchArgs {
  /** Selected suites in registry order. */
  suites: Suite[];
  /** Profile. */
  profile: Profile;
  /** Output folder. */
  out: string;
  /** Requested backend. */
  backend: string;
  /** Base seed. */
  seed: number;
  /** Shard, if any. */
  shard?: Shard;
  /** Only the cases whose `suite/name` matches, if given. */
  caseFilter?: RegExp;
  /** Continue an earlier run. */
  resume: boolean;
  /** Print the case list and exit. */
  list: boolean;
  /** Print help and exit. */
  help: boolean;
}

/** The `--help` text, listing `registry`'s suites and the profiles. */
export function helpText(registry: Suite[]): string {
  const suites = registry.length
    ? registry.map((s) => `  ${s.name.padEnd(22)} ${s.description}`).join("\n")
    : "  (none registered yet)";
  const profiles = PROFILES.map((p) => `  ${p.name.padEnd(22)} ${p.description}`).join("\n");
  return `Usage: deno task bench [options]

Runs benchmark suites and writes DIR/results.json (rewritten after every case),
DIR/results.csv and DIR/index.html (a self-contained report).

Options:
  --suite a,b        suites to run (default: all, in the order below)
  --profile P        quick | standard | full (default: quick)
  --out DIR          output folder (default: reports/latest)
  --backend B        auto | webgpu | wasm | cpu (default: auto: WebGPU on a real GPU, else
                     WASM; on the one GPU measured, an H200, this suite's small networks
                     trained up to 11x slower per step on WebGPU: pass wasm there)
  --seed N           base seed, an integer >= 0 (default: 1)
  --shard i/n        run only shard i of n (round-robin over the case list)
  --case REGEX       run only the cases whose suite/name matches, e.g. 'figure8_hnsw_n100000\$'
  --resume           continue DIR/results.json: skip cases already recorded (refused
                     when a recorded case ran with other params than the code gives it)
  --list             print the selected cases and exit
  -h, --help         print this help

Suites:
${suites}

Profiles:
${profiles}

Exit status: 0 all cases ok or skipped, 2 some case failed, 1 bad input,
130 interrupted (Ctrl-C once stops after the running case; Ctrl-C again, a second
later, quits at once; either way the page shows what finished; rerun with --resume).
`;
}

/** Parses `args` against `registry`; bad input throws a one-line {@linkcode InputError}. */
export function parseBenchArgs(args: string[], registry: Suite[]): BenchArgs {
  const values = parseFlags(args, {
    suite: { type: "string" },
    profile: { type: "string", default: "quick" },
    out: { type: "string", default: "reports/latest" },
    backend: { type: "string", default: "auto" },
    seed: { type: "string", default: "1" },
    shard: { type: "string" },
    case: { type: "string" },
    resume: { type: "boolean", default: false },
    list: { type: "boolean", default: false },
    help: { type: "boolean", short: "h", default: false },
  });
  const known = registry.map((s) => s.name);
  let suites = registry;
  if (values.suite !== undefined) {
    const names = values.suite.split(",").map((s) => s.trim()).filter(Boolean);
    const unknown = names.filter((n) => !known.includes(n));
    if (unknown.length || names.length === 0) {
      throw new InputError(
        `unknown suite "${unknown.join(",") || values.suite}"; choose from: ${
          known.join(", ") || "(none registered)"
        }`,
      );
    }
    suites = registry.filter((s) => names.includes(s.name));
  }
  if (!isProfile(values.profile)) {
    throw new InputError(
      `unknown profile "${values.profile}"; use --profile ${PROFILES.map((p) => p.name).join("|")}`,
    );
  }
  if (!BACKENDS.includes(values.backend)) {
    throw new InputError(
      `unknown backend "${values.backend}"; use --backend ${BACKENDS.join("|")}`,
    );
  }
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || !Number.isSafeInteger(seed)) {
    throw new InputError(`bad --seed "${values.seed}"; use an integer >= 0, e.g. --seed 1`);
  }
  let caseFilter: RegExp | undefined;
  if (values.case !== undefined) {
    try {
      caseFilter = new RegExp(values.case);
    } catch {
      throw new InputError(
        `bad --case "${values.case}"; use a regular expression, e.g. --case 'scaling/figure8_hnsw'`,
      );
    }
    const matched = expandCases(suites, values.profile).some((c) =>
      caseFilter!.test(`${c.suite}/${c.name}`)
    );
    if (!matched) {
      throw new InputError(
        `--case "${values.case}" matches no case of profile ${values.profile}; see --list`,
      );
    }
  }
  if (values.out.trim() === "") {
    throw new InputError(`empty --out; name a folder, e.g. --out reports/latest`);
  }
  return {
    suites,
    profile: values.profile,
    out: values.out.replace(/\/+$/, "") || "/",
    backend: values.backend,
    seed,
    shard: values.shard === undefined ? undefined : parseShard(values.shard),
    caseFilter,
    resume: values.resume,
    list: values.list,
    help: values.help,
  };
}

/** Options of {@linkcode runBenchCli}. */
export interface BenchCliOptions {
  /** The suite registry (default: every suite). */
  registry?: Suite[];
  /** Least milliseconds between two SIGINTs that count as two interrupts (default 1000). */
  interruptDebounceMs?: number;
}

/**
 * Runs `deno task bench` with `args` and returns its exit status. The first
 * Ctrl-C stops after the running case (exit 130); a second one, at least
 * `interruptDebounceMs` later, quits at once after writing the page of the
 * finished cases. Bad input throws an {@linkcode InputError}.
 */
export async function runBenchCli(args: string[], options: BenchCliOptions = {}): Promise<number> {
  const registry = options.registry ?? SUITES;
  const parsed = parseBenchArgs(attachNegativeValues(args, VALUE_FLAGS), registry);
  if (parsed.help) {
    console.log(helpText(registry));
    return 0;
  }
  if (parsed.list) {
    const cases = selectShard(expandCases(parsed.suites, parsed.profile), parsed.shard)
      .filter((c) => !parsed.caseFilter || parsed.caseFilter.test(`${c.suite}/${c.name}`));
    for (const c of cases) console.log(`${c.suite}/${c.name}\t${JSON.stringify(c.params)}`);
    console.error(`${cases.length} cases (profile ${parsed.profile})`);
    return 0;
  }
  ensureWritableFolder(parsed.out, "--out");
  const controller = new AbortController();
  const debounce = options.interruptDebounceMs ?? 1000;
  let lastInterrupt = -Infinity;
  const onInterrupt = () => {
    const now = performance.now();
    // One keypress often arrives twice: the terminal signals the whole process group and
    // `deno task` forwards it to this process as well.
    if (now - lastInterrupt < debounce) return;
    lastInterrupt = now;
    if (controller.signal.aborted) {
      console.error("\ninterrupt: quitting now; the running case is lost (finish with --resume)");
      const page = writeReportFromDisk(parsed.out, registry);
      if (page) console.error(`wrote ${parsed.out}/results.json and ${page}`);
      Deno.exit(130);
    }
    console.error(
      "\ninterrupt: stopping after the running case (Ctrl-C again, a second later, to quit now)",
    );
    controller.abort();
  };
  Deno.addSignalListener("SIGINT", onInterrupt);
  try {
    const outcome = await runBenchmarks(parsed.suites, parsed.out, {
      profile: parsed.profile,
      seed: parsed.seed,
      backend: parsed.backend,
      shard: parsed.shard,
      caseFilter: parsed.caseFilter,
      resume: parsed.resume,
      signal: controller.signal,
    });
    if (outcome.interrupted) return 130;
    return outcome.results.cases.some((c) => c.status === "failed") ? 2 : 0;
  } finally {
    Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

if (import.meta.main) Deno.exit(await exitCodeOf(() => runBenchCli(Deno.args)));
