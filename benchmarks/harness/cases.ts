/**
 * The case list of a run: every case of the selected suites for a profile,
 * checked for unique names, and the shard of it one process runs.
 *
 * @module
 */

import { InputError } from "../../src/errors.ts";
import type { CaseSpec, Profile, Suite } from "./suite.ts";

/** One shard of a sharded run: `index` in 1..count. */
export interface Shard {
  /** 1-based shard number. */
  index: number;
  /** Number of shards. */
  count: number;
}

/** Parses `i/n` (1 <= i <= n) for `--shard`. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const index = m ? Number(m[1]) : NaN;
  const count = m ? Number(m[2]) : NaN;
  if (!m || count < 1 || index < 1 || index > count) {
    throw new InputError(`bad --shard "${text}"; use i/n with 1 <= i <= n, e.g. --shard 1/2`);
  }
  return { index, count };
}

/** Every case of `suites` for `profile`, in suite then case order; rejects duplicate names. */
export function expandCases(suites: Suite[], profile: Profile): CaseSpec[] {
  const all: CaseSpec[] = [];
  for (const suite of suites) {
    const seen = new Set<string>();
    for (const spec of suite.cases(profile)) {
      if (spec.suite !== suite.name) {
        throw new Error(`suite ${suite.name} lists case ${spec.name} under suite "${spec.suite}"`);
      }
      if (seen.has(spec.name)) {
        throw new Error(
          `suite ${suite.name} lists case ${spec.name} twice; case names must be unique`,
        );
      }
      seen.add(spec.name);
      all.push(spec);
    }
  }
  return all;
}

/**
 * The cases of shard `shard`: round-robin over the expanded list, so shards
 * are disjoint, balanced in count, and their union is the whole list.
 */
export function selectShard(cases: CaseSpec[], shard?: Shard): CaseSpec[] {
  if (!shard) return cases;
  return cases.filter((_, i) => i % shard.count === shard.index - 1);
}
