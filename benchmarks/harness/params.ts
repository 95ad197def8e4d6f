/**
 * Checked reads of a case's params (`CaseSpec.params` is plain JSON): each
 * suite converts its params to its own typed interface once, through a
 * reader that says which suite, case and key was wrong.
 *
 * @module
 */

import type { JsonValue } from "./suite.ts";

/** Typed getters over one case's params; each throws on a missing or mistyped key. */
export interface ParamReader {
  /** A finite number. */
  number(key: string): number;
  /** A number, or undefined when the key is absent or null. */
  optionalNumber(key: string): number | undefined;
  /** A string. */
  string(key: string): string;
  /** A string, or undefined when the key is absent or null. */
  optionalString(key: string): string | undefined;
  /** One of `values`. */
  oneOf<T extends string>(key: string, values: readonly T[]): T;
  /** A boolean. */
  boolean(key: string): boolean;
  /** An array of finite numbers. */
  numbers(key: string): number[];
}

/** A reader over `params`; errors name `where` (e.g. the suite and case). */
export function paramReader(params: Record<string, JsonValue>, where: string): ParamReader {
  const fail = (key: string, want: string): never => {
    throw new Error(
      `${where}: param ${key} must be ${want}, got ${JSON.stringify(params[key] ?? null)}`,
    );
  };
  const reader: ParamReader = {
    number(key) {
      const v = params[key];
      return typeof v === "number" && Number.isFinite(v) ? v : fail(key, "a finite number");
    },
    optionalNumber(key) {
      return params[key] === undefined || params[key] === null ? undefined : reader.number(key);
    },
    string(key) {
      const v = params[key];
      return typeof v === "string" ? v : fail(key, "a string");
    },
    optionalString(key) {
      return params[key] === undefined || params[key] === null ? undefined : reader.string(key);
    },
    oneOf(key, values) {
      const v = params[key];
      return values.find((x) => x === v) ?? fail(key, `one of ${values.join(", ")}`);
    },
    boolean(key) {
      const v = params[key];
      return typeof v === "boolean" ? v : fail(key, "a boolean");
    },
    numbers(key) {
      const v = params[key];
      return Array.isArray(v) && v.every((x) => typeof x === "number" && Number.isFinite(x))
        ? v as number[]
        : fail(key, "an array of finite numbers");
    },
  };
  return reader;
}
