/**
 * The benchmark runner: takes the selected suites' cases and one shard of
 * them (cases.ts), runs each case with its own seeded streams, records failures without
 * stopping, rewrites results.json atomically after every case (so an
 * interrupted run loses nothing and `resume` finishes it), then summarises
 * and writes the report (run_report.ts).
 *
 * @module
 */

import { InputError } from "../../src/errors.ts";
import { yieldToEventLoop } from "../../src/event_loop.ts";
import { writeFileAtomic } from "../../src/io/atomic_write.ts";
import { Rng } from "../../src/rng.ts";
import { collectEnvironment, type Environment } from "../../src/report/environment.ts";
import { median } from "../../src/eval/stats.ts";
import { changedParams } from "../../src/report/compare.ts";
import {
  type CaseResult,
  type JsonValue,
  readResults,
  type ResultsFile,
  SCHEMA_VERSION,
} from "../../src/report/results.ts";
import { measureCalibration } from "./calibration.ts";
import { expandCases, selectShard, type Shard } from "./cases.ts";
import { Progress, type ProgressOptions } from "../../src/cli/progress.ts";
import { finishReport } from "./run_report.ts";
import {
  type CaseContext,
  CaseSkipped,
  type CaseSpec,
  errorText,
  type Profile,
  type Suite,
} from "./suite.ts";

/** Options of {@linkcode runBenchmarks}. */
export interface RunOptions {
  /** The run's profile (default "quick"). */
  profile?: Profile;
  /** Base seed (default 1). */
  seed?: number;
  /** Requested tfjs backend, passed to cases (default "auto"). */
  backend?: string;
  /** Run only this shard of the case list. */
  shard?: Shard;
  /** Run only the cases whose `suite/name` matches (after sharding, so shards stay stable). */
  caseFilter?: RegExp;
  /** Continue the run recorded in `outDir/results.json` instead of starting anew. */
  resume?: boolean;
  /** Stops the run after the running case; results so far stay on disk. */
  signal?: AbortSignal;
  /** Progress output (tests pass a silent writer). */
  progress?: ProgressOptions;
  /** Overrides the detected environment (tests use a fixed one). */
  environment?: Environment;
  /** chart.js bundle for the page (default: read from node_modules). */
  chartJs?: string;
  /**
   * Time the calibration workload (about 0.5 s) before the first case so compare can normalise
   * times across machines (default true; tests of other things turn it off).
   */
  calibrate?: boolean;
}

/** What {@linkcode runBenchmarks} did. */
export interface RunOutcome {
  /** The results as written to `outDir/results.json`. */
  results: ResultsFile;
  /** Cases run in this call. */
  ran: number;
  /** Cases skipped because a resumed results file already held them. */
  alreadyDone: number;
  /** True when the signal stopped the run before every case ran. */
  interrupted: boolean;
  /** Path of results.json. */
  resultsPath: string;
  /** Path of index.html. */
  htmlPath: string;
}
/**
 * Names the first non-finite number in `value` (e.g. `metrics.loss is NaN`),
 * or undefined when all are finite.
 */
export function findNonFinite(value: JsonValue, path = "metrics"): string | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? undefined : `${path} is ${value}`;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findNonFinite(value[i], `${path}[${i}]`);
      if (bad) return bad;
    }
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      const bad = findNonFinite(v, `${path}.${k}`);
      if (bad) return bad;
    }
  }
  return undefined;
}

function caseKey(c: { suite: string; name: string }): string {
  return `${c.suite}\u0000${c.name}`;
}

/**
 * Throws InputError when a case the results file at `path` already holds
 * was recorded with other params than the code now gives it (the settings
 * changed since that session): resuming would mix two settings in one run,
 * and summaries pair cases by name. `specs` are all the profile's cases, so
 * cases outside this session's `--case` or `--shard` are checked too; a
 * recorded case the code no longer has is left as it is.
 */
function checkResumedParams(
  recorded: CaseResult[],
  options: { specs: CaseSpec[]; path: string },
): void {
  const specBy = new Map(options.specs.map((c) => [caseKey(c), c]));
  const changed = recorded.flatMap((r) => {
    const spec = specBy.get(caseKey(r));
    const keys = spec ? changedParams(spec.params, r.params) : [];
    return keys.length > 0 ? [`${r.suite}/${r.name}: ${keys.join(", ")}`] : [];
  });
  if (changed.length === 0) return;
  throw new InputError(
    `cannot resume ${options.path}: ${changed.length} recorded case(s) ran with other params ` +
      `than this code gives them (${changed.slice(0, 3).join("; ")}${
        changed.length > 3 ? "; ..." : ""
      }); pick another --out, or rerun without --resume (which overwrites that file)`,
  );
}

function shardText(shard?: Shard): string | null {
  return shard ? `${shard.index}/${shard.count}` : null;
}

function loadForResume(
  path: string,
  profile: Profile,
  opts: { seed: number; shard: string | null; backend: string },
) {
  const { seed, shard, backend } = opts;
  const prev = readResults(path);
  const m = prev.meta;
  // meta.backend is the requested backend until a case reports the one in use; a resolved one
  // may still be resumed with "auto" (checked again when a case reports its backend).
  const resolved = m.adapter !== "not initialised";
  if (m.backend !== backend && !(backend === "auto" && resolved) && m.backend !== "auto") {
    throw new InputError(
      `${path} was made with --backend ${m.backend}, not ${backend}; resume with --backend ` +
        `${m.backend} or pick another --out (one results file holds one backend)`,
    );
  }
  if (m.profile !== profile || m.seed !== seed || (m.shard ?? null) !== shard) {
    const shardOpt = m.shard ? ` --shard ${m.shard}` : "";
    throw new InputError(
      `${path} was made with --profile ${m.profile} --seed ${m.seed}${shardOpt}; resume with those ` +
        `options or pick another --out`,
    );
  }
  return prev;
}

/**
 * Runs the cases of `suites` into `outDir` (created if missing) and writes
 * `results.json`, `results.csv` and `index.html` there.
 */
export async function runBenchmarks(
  suites: Suite[],
  outDir: string,
  options: RunOptions = {},
): Promise<RunOutcome> {
  const profile = options.profile ?? "quick";
  const seed = options.seed ?? 1;
  const backend = options.backend ?? "auto";
  const shard = shardText(options.shard);
  const resultsPath = `${outDir}/results.json`;
  const todoAll = selectShard(expandCases(suites, profile), options.shard)
    .filter((c) => !options.caseFilter || options.caseFilter.test(`${c.suite}/${c.name}`));
  Deno.mkdirSync(outDir, { recursive: true });

  let results: ResultsFile | undefined;
  let priorSeconds = 0;
  let notice = "";
  if (options.resume) {
    let found = true;
    try {
      Deno.statSync(resultsPath);
    } catch {
      found = false;
    }
    if (found) {
      results = loadForResume(resultsPath, profile, { seed, shard, backend });
      priorSeconds = results.meta.durationSeconds ?? 0;
      const names = suites.map((s) => s.name);
      results.meta.suites = [...new Set([...(results.meta.suites ?? []), ...names])];
      results.meta.endedAt = null;
    } else {
      notice = `no ${resultsPath} to resume; starting a new run`;
    }
  }
  if (!results) {
    const env = options.environment ?? collectEnvironment();
    results = {
      schemaVersion: SCHEMA_VERSION,
      meta: {
        ...env,
        backend,
        adapter: "not initialised",
        seed,
        profile,
        suites: suites.map((s) => s.name),
        shard,
        startedAt: new Date().toISOString(),
        endedAt: null,
        durationSeconds: 0,
      },
      cases: [],
      summaries: {},
    };
  }
  const res = results;
  // The backend earlier sessions measured with, if one was resolved: a resumed case that reports
  // another one stops the run instead of mixing backends in one file.
  const priorBackend = res.cases.length > 0 && res.meta.adapter !== "not initialised"
    ? res.meta.backend
    : undefined;
  let backendClash: InputError | undefined;
  let fallbackNoted = false;
  const done = new Set(res.cases.map(caseKey));
  checkResumedParams(res.cases, { specs: expandCases(suites, profile), path: resultsPath });
  const todo = todoAll.filter((c) => !done.has(caseKey(c)));
  const alreadyDone = todoAll.length - todo.length;
  let calibrationSeconds: number | undefined;
  if ((options.calibrate ?? true) && todo.length > 0) {
    // Each session (a resume may be on another machine) stamps its own median on its cases.
    const cal = measureCalibration();
    calibrationSeconds = median(cal.samplesSeconds);
    const prev = res.meta.calibration;
    res.meta.calibration = prev?.name === cal.name
      ? { name: cal.name, samplesSeconds: [...prev.samplesSeconds, ...cal.samplesSeconds] }
      : cal;
  }
  const sessionStart = performance.now();
  const save = () => {
    res.meta.durationSeconds = priorSeconds + (performance.now() - sessionStart) / 1000;
    writeFileAtomic(resultsPath, JSON.stringify(res, null, 2) + "\n");
  };
  save();

  const bar = new Progress(todo.length, options.progress);
  if (notice) bar.log(notice);
  if (alreadyDone > 0) {
    bar.log(`resuming: ${alreadyDone} cases already done, ${todo.length} to run`);
  }
  const signal = options.signal ?? new AbortController().signal;
  let ran = 0;
  let interrupted = false;
  for (const spec of todo) {
    // A case whose awaits are all microtasks never lets the SIGINT listener run; yielding here
    // lets an interrupt pressed during it stop the run.
    await yieldToEventLoop({ everyMs: 0 });
    if (signal.aborted) {
      interrupted = true;
      break;
    }
    const suite = suites.find((s) => s.name === spec.suite)!;
    let live = true;
    const ctx: CaseContext = {
      seed,
      profile,
      backend,
      signal,
      rng: (key) => Rng.stream(seed, `${spec.suite}/${spec.name}/${key}`),
      progress: (fraction, label) => live && bar.update(fraction, label),
      log: (message) => bar.log(message),
      reportBackend: (name, adapter) => {
        if (priorBackend !== undefined && name !== priorBackend) {
          backendClash = new InputError(
            `${resultsPath} was measured with backend ${priorBackend}, but this session uses ` +
              `${name}; resume with --backend ${priorBackend} or pick another --out`,
          );
          throw backendClash;
        }
        if (name === "webgpu" && /\(fallback\)$/.test(adapter) && !fallbackNoted) {
          fallbackNoted = true;
          bar.log(
            `note: WebGPU runs on a software (fallback) adapter, ${adapter}: correct, but about ` +
              `ten times slower than a GPU, so its times are not GPU times`,
          );
        }
        res.meta.backend = name;
        res.meta.adapter = adapter;
      },
    };
    bar.startCase(`${spec.suite}/${spec.name}`);
    const t0 = performance.now();
    const result: CaseResult = { ...spec, status: "ok", metrics: {}, seconds: 0 };
    try {
      const metrics = await suite.run(spec, ctx);
      if (metrics === null || typeof metrics !== "object" || Array.isArray(metrics)) {
        throw new Error(`run() returned ${JSON.stringify(metrics)} instead of a metrics record`);
      }
      result.metrics = metrics;
      const bad = findNonFinite(metrics);
      if (bad) {
        result.status = "failed";
        result.error = `non-finite metric: ${bad}`;
      }
    } catch (e) {
      if (backendClash) {
        bar.finish(`stopped: ${backendClash.message}`);
        throw backendClash;
      }
      if (signal.aborted) {
        // Cut short by the interrupt, not broken: leave it for --resume.
        live = false;
        bar.endCase("interrupted");
        interrupted = true;
        break;
      }
      result.status = e instanceof CaseSkipped ? "skipped" : "failed";
      result.error = errorText(e);
      if (result.status === "failed" && e instanceof Error && e.stack) bar.log(e.stack);
    }
    live = false;
    result.seconds = (performance.now() - t0) / 1000;
    if (calibrationSeconds !== undefined) result.calibrationSeconds = calibrationSeconds;
    res.cases.push(result);
    ran++;
    save();
    bar.endCase(result.status, result.error);
  }

  if (!interrupted) res.meta.endedAt = new Date().toISOString();
  const files = finishReport(outDir, res, { suites, chartJs: options.chartJs, save });
  const counts = ["ok", "failed", "skipped"].map((s) =>
    `${res.cases.filter((c) => c.status === s).length} ${s}`
  ).join(", ");
  bar.finish(
    `${interrupted ? "interrupted" : "done"}: ${counts}; wrote ${resultsPath} and ${files.html}` +
      (interrupted ? " (finish with --resume)" : ""),
  );
  return { results: res, ran, alreadyDone, interrupted, resultsPath, htmlPath: files.html };
}
