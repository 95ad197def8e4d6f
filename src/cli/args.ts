/**
 * Small argument helpers shared by the CLIs: negative numbers as values and
 * strict decimal integers.
 *
 * @module
 */

import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";

/**
 * Rewrites `--name -5` as `--name=-5` for the flags in `valueFlags`, so that
 * `node:util` parseArgs takes a negative number as the flag's value (it would
 * call it "ambiguous") and the CLI can reject it with its range message.
 */
export function attachNegativeValues(args: string[], valueFlags: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const next = args[i + 1];
    if (
      a.startsWith("--") && valueFlags.includes(a.slice(2)) && next !== undefined &&
      /^-(\d|\.\d|Infinity)/.test(next)
    ) {
      out.push(`${a}=${next}`);
      i++;
    } else out.push(a);
  }
  return out;
}

/**
 * Parses an integer written in decimal digits with an optional sign; `1e3`,
 * `0x10`, `2.0` and empty text give an {@linkcode InputError} naming `flag`.
 */
export function parseDecimalInteger(text: string, flag: string): number {
  const t = text.trim();
  const v = Number(t);
  if (!/^[+-]?\d+$/.test(t) || !Number.isSafeInteger(v)) {
    throw new InputError(`${flag} must be an integer in decimal digits, got "${text}"`);
  }
  return v;
}

/** Option specs as `node:util` parseArgs takes them. */
type FlagSpecs = Record<
  string,
  { type: "string" | "boolean"; short?: string; default?: string | boolean; multiple?: boolean }
>;

/**
 * Strict `node:util` parseArgs (no positionals, no unknown flags) whose
 * errors become one-line InputErrors pointing to `--help`: what every CLI
 * here does before reading its flags.
 */
export function parseFlags<const T extends FlagSpecs>(
  args: string[],
  options: T,
): ReturnType<
  typeof parseArgs<{ args: string[]; options: T; strict: true; allowPositionals: false }>
>["values"] {
  try {
    return parseArgs({ args, options, strict: true, allowPositionals: false }).values;
  } catch (e) {
    throw new InputError(`${(e as Error).message.replace(/\s*\n\s*/g, " ")} (see --help)`);
  }
}
