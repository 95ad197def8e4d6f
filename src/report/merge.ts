/**
 * Merges the results files of a sharded run (`--shard i/n`, e.g. CI matrix
 * jobs) into one, in the order an unsharded run would have recorded them.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { CaseResult, ResultsFile, RunMeta } from "./results.ts";

/** Options of {@linkcode mergeResults}. */
export interface MergeOptions {
  /** Names of the parts for messages (default `part 1`, `part 2`, ...). */
  sources?: string[];
  /**
   * The unsharded case order (suite, name); cases follow it and any others
   * come after. Without it, shards of one `n` are interleaved round-robin,
   * which is the same order, and other parts are concatenated.
   */
  order?: { suite: string; name: string }[];
}

/** What {@linkcode mergeResults} made. */
export interface MergeOutcome {
  /** The merged results; `summaries` is empty, to be recomputed from the merged cases. */
  results: ResultsFile;
  /** Problems that do not stop the merge (missing shards, mixed commits). */
  warnings: string[];
}

function parseShardText(text: string, source: string): { index: number; count: number } {
  const m = /^(\d+)\/(\d+)$/.exec(text);
  if (!m) throw new InputError(`${source} has shard "${text}", not i/n; is it a results file?`);
  return { index: Number(m[1]), count: Number(m[2]) };
}

function key(c: { suite: string; name: string }): string {
  return `${c.suite}\u0000${c.name}`;
}

/**
 * Merges `parts` (one results file per shard) into one results file. All
 * parts must share profile and seed; shards must share `n` and not repeat; a
 * case in two parts is an error.
 */
export function mergeResults(parts: ResultsFile[], options: MergeOptions = {}): MergeOutcome {
  if (parts.length === 0) throw new InputError("nothing to merge; name one or more run folders");
  const src = (i: number) => options.sources?.[i] ?? `part ${i + 1}`;
  const warnings: string[] = [];
  const first = parts[0].meta;
  parts.forEach((p, i) => {
    if (p.meta.profile !== first.profile || p.meta.seed !== first.seed) {
      throw new InputError(
        `${src(i)} has profile ${p.meta.profile} seed ${p.meta.seed} but ${src(0)} has profile ` +
          `${first.profile} seed ${first.seed}; merge only shards of one run`,
      );
    }
  });
  for (const field of ["commit", "backend", "deno"] as const) {
    const values = [...new Set(parts.map((p) => String(p.meta[field])))];
    if (values.length > 1) warnings.push(`parts differ in ${field}: ${values.join(", ")}`);
  }

  const shards = parts.map((p, i) => p.meta.shard ? parseShardText(p.meta.shard, src(i)) : null);
  const counts = [...new Set(shards.map((s) => s?.count ?? 0))];
  const allSharded = shards.every((s) => s) && counts.length === 1;
  let shardText: string | null = null;
  if (shards.some((s) => s)) {
    if (!allSharded) {
      throw new InputError(
        `parts mix shard counts (${
          parts.map((p, i) => `${src(i)}: ${p.meta.shard ?? "whole"}`).join(", ")
        }); merge the shards of one --shard i/n run`,
      );
    }
    const seen = new Map<number, number>();
    shards.forEach((s, i) => {
      if (seen.has(s!.index)) {
        throw new InputError(
          `${src(seen.get(s!.index)!)} and ${src(i)} are both shard ${s!.index}/${s!.count}; ` +
            `pass each shard once`,
        );
      }
      seen.set(s!.index, i);
    });
    const n = counts[0];
    const missing = Array.from({ length: n }, (_, i) => i + 1).filter((i) => !seen.has(i));
    if (missing.length) {
      warnings.push(`shards ${missing.map((i) => `${i}/${n}`).join(", ")} missing`);
      shardText = `${[...seen.keys()].sort((a, b) => a - b).join("+")}/${n}`;
    }
  }

  const owner = new Map<string, number>();
  const tagged: { c: CaseResult; part: number; pos: number }[] = [];
  parts.forEach((p, i) =>
    p.cases.forEach((c, pos) => {
      const k = key(c);
      if (owner.has(k)) {
        throw new InputError(
          `case ${c.suite}/${c.name} is in both ${src(owner.get(k)!)} and ${src(i)}; ` +
            `merge shards of one run, each once`,
        );
      }
      owner.set(k, i);
      tagged.push({ c, part: i, pos });
    })
  );
  if (options.order?.length) {
    const rank = new Map(options.order.map((c, i) => [key(c), i]));
    const r = (c: CaseResult) => rank.get(key(c)) ?? Infinity;
    tagged.sort((a, b) => r(a.c) - r(b.c) || a.part - b.part || a.pos - b.pos);
  } else if (allSharded) {
    // Round-robin: shard i's j-th case sat at position j*n + i - 1 of the whole list.
    const at = (t: { part: number; pos: number }) => t.pos * counts[0] + shards[t.part]!.index - 1;
    tagged.sort((a, b) => at(a) - at(b));
  }

  const cal = parts.map((p) => p.meta.calibration).filter((c) => c !== undefined);
  const calNames = [...new Set(cal.map((c) => c.name))];
  if (calNames.length > 1) warnings.push(`parts used different calibration workloads`);
  const ended = parts.map((p) => p.meta.endedAt);
  const meta: RunMeta = {
    ...first,
    suites: [...new Set(parts.flatMap((p) => p.meta.suites ?? []))],
    shard: shardText,
    startedAt: parts.map((p) => p.meta.startedAt).sort()[0],
    endedAt: ended.some((e) => e === null) ? null : (ended as string[]).sort().at(-1)!,
    durationSeconds: parts.reduce((s, p) => s + (p.meta.durationSeconds ?? 0), 0),
  };
  if (cal.length && calNames.length === 1) {
    meta.calibration = { name: calNames[0], samplesSeconds: cal.flatMap((c) => c.samplesSeconds) };
  } else {
    delete meta.calibration;
  }
  return {
    results: {
      schemaVersion: parts[0].schemaVersion,
      meta,
      cases: tagged.map((t) => t.c),
      summaries: {},
    },
    warnings,
  };
}
