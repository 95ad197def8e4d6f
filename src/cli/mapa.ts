/**
 * `deno task mapa`: MAPA rows for a user's own data.
 *
 *     deno task mapa --data FILE.csv --sigma2 X --k K [--bandwidth H]
 *       [--method exact|hnsw] [--kernel gaussian|bernoulli] [--eps E] [--out FILE.json]
 *       [--workers N] [--seed N] [--k-prime K'] [--m M] [--ef-construction E] [--ef E]
 *       [--shards S] [--rest-proposal cells|uniform]
 *
 * Writes {"n", "k", "method", "kernel", "bandwidth" (Gaussian) or "eps"
 * (Bernoulli), "rows": [{"neighbors", "logq", "logNormalizer"}]} with rows in
 * the data's order and natural logs (logNormalizer = log sum_j k(x_j, x_m),
 * k(x, x) = 1; with --method hnsw the k' found plus an unbiased estimate of
 * the rest, and each row also carries "logNormalizerSe", its standard error
 * in nats); every number is finite. Without --out the JSON goes to stdout.
 * Bad input, an output that cannot be written, or rows that would not be
 * finite: `error: <message>` on stderr, exit 1, no output written. On a
 * terminal, stderr shows a progress bar while the rows are computed.
 * Ctrl-C: exit 130, no output written (HNSW rows built on Workers also
 * remove the shards they saved).
 *
 * @module
 */

import { exitCodeOf } from "./exit_code.ts";
import { parseArgs } from "node:util";
import { attachNegativeValues, parseDecimalInteger } from "./args.ts";
import { checkWritableFile, writeOutputFile, writeStdout } from "./output.ts";
import { InputError } from "../errors.ts";
import { defaultFeatureColumns, readNumericCsv, selectColumns } from "../io/csv.ts";
import { resolveKernel } from "../mapa/kernel.ts";
import { ROW_BUILDERS } from "../mapa/row_builders.ts";
import type { RowBuildOptions } from "../mapa/row_builder.ts";
import { Progress } from "./progress.ts";
import type { KernelName, MapaRows } from "../mapa/types.ts";

const HELP = `usage: deno task mapa --data FILE.csv --k K (--sigma2 X | --bandwidth H) [options]

MAPA posterior rows q(n | x_m) (top K per row) for the data in FILE.csv
(one observation per line, numeric columns, optional header row with no
numeric cell).

  --data FILE.csv        input data (required)
  --columns LIST         feature columns: header names or 1-based indices, e.g. x0,x1 or 1,2
                         (default: the x0, x1, ... columns when the header also has others,
                         as in a file from deno task datasets; else every column)
  --k K                  neighbours per row, 1 <= K <= N (required)
  --sigma2 X             observation noise variance; Gaussian bandwidth h = 2 * X
  --bandwidth H          Gaussian bandwidth h in k = exp(-||a-b||^2 / (2h)) (overrides 2 * sigma2)
  --kernel NAME          gaussian (default) or bernoulli (0/1 data; Hamming distance)
  --eps E                Bernoulli softening eps in (0, 0.5), default 1e-3
  --method NAME          exact (default) or hnsw (approximate neighbours; normaliser = sum over
                         the k' found + estimate of the rest, with its error logNormalizerSe)
  --out FILE.json        output file (default: stdout)
  --workers N            worker threads (default: one per core, but this thread alone for small
                         jobs, e.g. N up to about 4,900 at D = 2; 0 = this thread); the rows
                         are the same bits for any count
  --help                 this text

HNSW only (--method hnsw):
  --seed N               seed of the index's levels and of the normaliser's sampled terms
                         (default 0; same seed, same rows)
  --k-prime K'           neighbours the index finds per row, K <= K' <= N
                         (default min(N, max(2K, K + 32)))
  --m M                  graph degree (default 16)
  --ef-construction E    build-time beam width (default 200)
  --ef E                 query-time beam width, per shard (default max(2K', 64))
  --shards S             indexes the points are split into, built side by side (hnswlib-node
                         builds on one thread); every query searches all of them
                         (default 2 from N = 10,000, else 1)
  --rest-proposal NAME   how the normaliser's sum over the points not found is sampled: cells
                         (default; importance draws near each point) or uniform (methods.md as
                         written; needs several times more draws for the same error)`;

/** Flags that tune HNSW rows, with the option each sets; exact rows take none of them. */
const HNSW_FLAGS = {
  "seed": "seed",
  "k-prime": "kPrime",
  "m": "m",
  "ef-construction": "efConstruction",
  "ef": "ef",
  "shards": "shards",
} as const;

/** The value flags, for negative numbers such as `--k -5`. */
const VALUE_FLAGS = [
  "data",
  "columns",
  "k",
  "sigma2",
  "bandwidth",
  "kernel",
  "eps",
  "method",
  "out",
  "workers",
  "rest-proposal",
  ...Object.keys(HNSW_FLAGS),
];

function num(name: string, v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const x = Number(v);
  if (v.trim() === "" || Number.isNaN(x)) {
    throw new InputError(`--${name} must be a number, got "${v}"`);
  }
  return x;
}

/**
 * Formats rows as the CLI's JSON document. A NaN or infinite value (which JSON
 * would write as null) gives an {@linkcode InputError} instead.
 */
export function rowsToJson(rows: MapaRows): string {
  const parts: string[] = [];
  const k = rows.k;
  for (let m = 0; m < rows.n; m++) {
    let bad = !Number.isFinite(rows.logNormalizer[m]) ||
      (rows.logNormalizerSe !== undefined && !Number.isFinite(rows.logNormalizerSe[m]));
    for (let i = m * k; i < (m + 1) * k; i++) bad ||= !Number.isFinite(rows.logq[i]);
    if (bad) {
      throw new InputError(
        `row ${m + 1}: the log posterior is not finite (squared distances or the kernel scale ` +
          `overflow); rescale the data or use a larger bandwidth`,
      );
    }
    const nb = Array.from(rows.neighbors.subarray(m * k, (m + 1) * k));
    const lq = Array.from(rows.logq.subarray(m * k, (m + 1) * k));
    const se = rows.logNormalizerSe ? { logNormalizerSe: rows.logNormalizerSe[m] } : {};
    parts.push(
      JSON.stringify({ neighbors: nb, logq: lq, logNormalizer: rows.logNormalizer[m], ...se }),
    );
  }
  const head = JSON.stringify({
    n: rows.n,
    k: rows.k,
    method: rows.method,
    kernel: rows.kernel,
    // The Bernoulli kernel's parameter is eps, not a bandwidth: name it so.
    [rows.kernel === "bernoulli" ? "eps" : "bandwidth"]: rows.bandwidth,
  });
  return `${head.slice(0, -1)},"rows":[\n${parts.join(",\n")}\n]}\n`;
}

/** Runs the CLI on `args`; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: attachNegativeValues(args, VALUE_FLAGS),
      options: {
        data: { type: "string" },
        columns: { type: "string" },
        k: { type: "string" },
        sigma2: { type: "string" },
        bandwidth: { type: "string" },
        kernel: { type: "string" },
        eps: { type: "string" },
        method: { type: "string" },
        out: { type: "string" },
        workers: { type: "string" },
        seed: { type: "string" },
        "k-prime": { type: "string" },
        m: { type: "string" },
        "ef-construction": { type: "string" },
        ef: { type: "string" },
        shards: { type: "string" },
        "rest-proposal": { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
      allowPositionals: false,
    }).values;
  } catch (e) {
    console.error(`error: ${(e as Error).message.split("\n")[0]}; see --help`);
    return 1;
  }
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const v = values;
  return await exitCodeOf(async () => {
    if (!v.data) throw new InputError("--data FILE.csv is required; see --help");
    if (v.k === undefined) throw new InputError("--k K is required; see --help");
    const kernel = (v.kernel ?? "gaussian") as KernelName;
    if (kernel !== "gaussian" && kernel !== "bernoulli") {
      throw new InputError(`--kernel must be gaussian or bernoulli, got "${kernel}"`);
    }
    const method = v.method ?? ROW_BUILDERS[0].name;
    const builder = ROW_BUILDERS.find((b) => b.name === method);
    if (!builder) {
      throw new InputError(
        `--method must be ${ROW_BUILDERS.map((b) => b.name).join(" or ")}, got "${method}"`,
      );
    }
    const k = parseDecimalInteger(v.k, "--k");
    const sigma2 = num("sigma2", v.sigma2);
    const bandwidth = num("bandwidth", v.bandwidth);
    const eps = num("eps", v.eps);
    if (kernel === "gaussian" && sigma2 === undefined && bandwidth === undefined) {
      throw new InputError("the Gaussian kernel needs --sigma2 X or --bandwidth H; see --help");
    }
    const options: RowBuildOptions = { k, sigma2, bandwidth, eps, kernel };
    if (v.workers !== undefined) {
      options.workers = parseDecimalInteger(v.workers, "--workers");
      if (options.workers < 0) {
        throw new InputError(`--workers must be >= 0, got ${options.workers}`);
      }
    }
    for (const [flag, key] of Object.entries(HNSW_FLAGS)) {
      const text = v[flag as keyof typeof v];
      if (typeof text !== "string") continue;
      if (method !== "hnsw") {
        throw new InputError(
          `--${flag} applies to --method hnsw only; drop it or add --method hnsw`,
        );
      }
      const value = parseDecimalInteger(text, `--${flag}`);
      // Seeds may be 0; the index's sizes must be at least 1 (k' is checked against K and N below).
      if (value < (key === "seed" ? 0 : 1)) {
        throw new InputError(`--${flag} must be >= ${key === "seed" ? 0 : 1}, got ${value}`);
      }
      options[key] = value;
    }
    const rest = v["rest-proposal"];
    if (rest !== undefined) {
      if (method !== "hnsw") {
        throw new InputError(
          "--rest-proposal applies to --method hnsw only; drop it or add --method hnsw",
        );
      }
      if (rest !== "cells" && rest !== "uniform") {
        throw new InputError(`--rest-proposal must be cells or uniform, got "${rest}"`);
      }
      options.restProposal = rest;
    }
    // The output holds the top K only: the extras are never written, so float32 halves their
    // memory at no cost to it.
    if (method === "hnsw") options.extraPrecision = "f32";
    const resolved = resolveKernel(options);
    if (!Number.isFinite(resolved.scale)) {
      // 1 / (2h) overflows for h below ~1e-308: every kernel value would be 0 or NaN.
      throw new InputError(
        `the kernel scale 1/(2h) overflows for bandwidth h = ${resolved.bandwidth}; ` +
          `use a larger --sigma2 or --bandwidth`,
      );
    }
    if (v.out !== undefined) checkWritableFile(v.out, "--out");
    let csv = readNumericCsv(v.data);
    const columns = v.columns ?? defaultFeatureColumns(csv);
    if (columns !== undefined) {
      csv = selectColumns(csv, columns);
      if (v.columns === undefined) {
        console.error(
          `mapa: using the feature columns ${csv.header.join(",")} of ${v.data} ` +
            `(--columns to choose others)`,
        );
      }
    }
    const bar = Deno.stderr.isTerminal() ? new Progress(1) : null;
    bar?.startCase(`mapa --method ${method}, N = ${csv.matrix.rows}`);
    let built;
    // HNSW rows on Workers save their shards to a temporary directory that only an exit through
    // Deno.exit removes; the main thread only waits meanwhile, so this listener answers at once.
    const onInterrupt = () => {
      bar?.endCase("interrupted");
      console.error("mapa: interrupted; no output written");
      Deno.exit(130);
    };
    const listen = method === "hnsw" && options.workers !== 0;
    if (listen) Deno.addSignalListener("SIGINT", onInterrupt);
    try {
      built = await builder.build(csv.matrix, {
        ...options,
        onProgress: (f, label) => bar?.update(f, label),
      });
      bar?.endCase("done");
    } catch (e) {
      bar?.endCase("failed");
      throw e;
    } finally {
      if (listen) Deno.removeSignalListener("SIGINT", onInterrupt);
    }
    const json = rowsToJson(built.rows);
    // Approximate rows say what they left out; exact rows have nothing to add.
    if (built.summary) console.error(built.summary);
    if (v.out !== undefined) writeOutputFile(v.out, json);
    else await writeStdout(json);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
