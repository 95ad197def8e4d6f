/**
 * `deno task datasets`: writes points of a data set to a CSV file.
 *
 *     deno task datasets --name NAME --n N [--seed S] --out FILE.csv [--split train]
 *
 * Synthetic sets: N points drawn with seed S (default 0); columns
 * `x0..x{D-1}` (observations) then `z0` (the true code). MNIST: the first N
 * digits of the split (`--split train|validation|test`, default train; the
 * seed is not used), columns `x0..x783` (binary pixels) then `label`.
 * `--split` with a synthetic set is an error. `--n` and `--seed` are decimal integers.
 * Bad input prints one `error: ...` line and exits 1 without writing.
 *
 * @module
 */

import { attachNegativeValues, parseDecimalInteger } from "./args.ts";
import { exitCodeOf } from "./exit_code.ts";
import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";
import { checkWritableFile, writeOutputFile } from "./output.ts";
import { formatCsv } from "../io/csv.ts";
import { loadMnist, MNIST_SPLIT_SIZES, type MnistSplit } from "../data/mnist.ts";
import { DATASET_NAMES, datasetDescriptions, getSyntheticDataset } from "../data/registry.ts";
import { checkDrawSize, checkSeed, MAX_DRAW } from "../data/synthetic.ts";
import type { Matrix } from "../types.ts";

function usage(): string {
  const desc = datasetDescriptions();
  const width = Math.max(...DATASET_NAMES.map((n) => n.length));
  return [
    "usage: deno task datasets --name NAME --n N --out FILE.csv [--seed S] [--split SPLIT]",
    "",
    `  --name NAME    data set (below)`,
    `  --n N          number of points, 1..${MAX_DRAW} (MNIST: at most the split's size)`,
    `  --seed S       integer seed of the draw (default 0; not used by mnist)`,
    `  --out FILE     CSV file to write; its folder must exist`,
    `  --split SPLIT  mnist only (an error for the others): train (8000) | validation (1000) |`,
    `                 test (1000); default train`,
    "",
    "Columns: x0..x{D-1}, then z0 (the true code) for synthetic sets, label for mnist.",
    "",
    "Data sets:",
    ...DATASET_NAMES.map((n) => `  ${n.padEnd(width)}  ${desc[n]}`),
  ].join("\n");
}

function names(prefix: string, count: number): string[] {
  return Array.from({ length: count }, (_, j) => `${prefix}${j}`);
}

/** Runs the CLI on `args`; returns the exit code. */
export function run(args: string[]): Promise<number> {
  return exitCodeOf(() => {
    let parsed;
    try {
      parsed = parseArgs({
        args: attachNegativeValues(args, ["name", "n", "seed", "out", "split"]),
        strict: true,
        allowPositionals: false,
        options: {
          name: { type: "string" },
          n: { type: "string" },
          seed: { type: "string", default: "0" },
          out: { type: "string" },
          split: { type: "string" },
          help: { type: "boolean", short: "h" },
        },
      });
    } catch (e) {
      throw new InputError(`${(e as Error).message.split("\n")[0]}; see --help`);
    }
    const v = parsed.values;
    if (v.help) {
      console.log(usage());
      return 0;
    }
    if (v.name === undefined) throw new InputError("--name is required; see --help");
    if (v.n === undefined) throw new InputError("--n is required; see --help");
    if (v.out === undefined) throw new InputError("--out is required; see --help");
    if (!DATASET_NAMES.includes(v.name)) {
      throw new InputError(`unknown data set "${v.name}"; known: ${DATASET_NAMES.join(", ")}`);
    }
    const n = parseDecimalInteger(v.n, "--n");
    checkDrawSize(n);
    checkWritableFile(v.out, "--out");
    let text: string;
    if (v.name === "mnist") {
      const split = (v.split ?? "train") as MnistSplit;
      if (!(split in MNIST_SPLIT_SIZES)) {
        throw new InputError(`--split must be train, validation or test, got "${v.split}"`);
      }
      if (n > MNIST_SPLIT_SIZES[split]) {
        throw new InputError(
          `--n ${n} exceeds the ${split} split's ${MNIST_SPLIT_SIZES[split]} digits`,
        );
      }
      const data = loadMnist();
      const all = data[split];
      const labels = data[`${split}Labels`];
      const x: Matrix = { rows: n, cols: all.cols, data: all.data.subarray(0, n * all.cols) };
      const y: Matrix = { rows: n, cols: 1, data: Float64Array.from(labels.subarray(0, n)) };
      text = formatCsv([...names("x", all.cols), "label"], [x, y]);
    } else {
      if (v.split !== undefined) {
        throw new InputError(
          `--split is for mnist only; ${v.name} is drawn fresh from --seed (no splits)`,
        );
      }
      const seed = parseDecimalInteger(v.seed, "--seed");
      checkSeed(seed);
      const ds = getSyntheticDataset(v.name);
      const { x, z } = ds.draw(n, seed);
      text = formatCsv([...names("x", x.cols), ...names("z", z.cols)], [x, z]);
    }
    writeOutputFile(v.out, text);
    return 0;
  });
}

if (import.meta.main) Deno.exit(await run(Deno.args));
