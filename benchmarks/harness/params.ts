/**
 * Typed case parameters. `CaseSpec.params` is JSON (it is written to
 * results.json as it is); a suite declares the shape of its params once as a
 * schema and reads them through {@linkcode readParams}, one checked
 * conversion, instead of a cast at every use.
 *
 * @module
 */

import type { JsonValue } from "./suite.ts";

/** What a parameter must be: a JSON string, number or boolean, or one of a list of strings. */
export type ParamKind = "string" | "number" | "boolean" | readonly string[];

/** The schema of a suite's params: each key's kind. */
export type ParamSchema = Record<string, ParamKind>;

type TypeOf<K extends ParamKind> = K extends readonly (infer U)[] ? U
  : K extends "string" ? string
  : K extends "number" ? number
  : boolean;

/** The typed params a schema describes. */
export type ParamsOf<S extends ParamSchema> = { -readonly [P in keyof S]: TypeOf<S[P]> };

function fits(value: JsonValue | undefined, kind: ParamKind): boolean {
  if (typeof kind !== "string") return typeof value === "string" && kind.includes(value);
  return typeof value === kind && (kind !== "number" || Number.isFinite(value));
}

/**
 * The keys of `schema` read from `params`, each checked against its kind (a
 * number must be finite); keys the schema does not name are left out.
 * Throws naming the first key that is missing or of another kind: such a
 * case was listed by another version of the suite and cannot run as it is.
 */
export function readParams<S extends ParamSchema>(
  params: Record<string, JsonValue>,
  schema: S,
): ParamsOf<S> {
  const out: Record<string, JsonValue> = {};
  for (const [key, kind] of Object.entries(schema)) {
    const value = params[key];
    if (!fits(value, kind)) {
      const want = typeof kind === "string" ? `a ${kind}` : `one of ${kind.join(", ")}`;
      throw new Error(`case param ${key} is ${JSON.stringify(value) ?? "missing"}, not ${want}`);
    }
    out[key] = value!;
  }
  // Every key of the schema was checked against its kind just above.
  return out as ParamsOf<S>;
}
