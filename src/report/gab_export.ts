/**
 * Export for github-action-benchmark's `customSmallerIsBetter` tool: a JSON
 * list of `{ name, unit, value, range?, extra? }`, for users who track runs
 * with that action instead of (or beside) `deno task compare`.
 *
 * Only smaller-is-better metrics of ok cases go in: timings (`*SecondsSamples`
 * as their median with the half-range as `range`, single `*Seconds`) and
 * memory (`*Bytes`). Deterministic metrics have no common direction, so they
 * stay out.
 *
 * @module
 */

import { median } from "../eval/stats.ts";
import { metricKind } from "./metric_kinds.ts";
import type { ResultsFile } from "./results.ts";

/** One entry of github-action-benchmark's custom format. */
export interface GabEntry {
  /** Unique name: `suite/case metric`. */
  name: string;
  /** Unit, e.g. "s" or "bytes". */
  unit: string;
  /** The value (smaller is better). */
  value: number;
  /** Spread shown beside the value, e.g. "± 0.0123". */
  range?: string;
  /** Extra text shown in the tooltip. */
  extra?: string;
}

/** The github-action-benchmark entries of `results`. */
export function toGabEntries(results: ResultsFile): GabEntry[] {
  const out: GabEntry[] = [];
  for (const c of results.cases) {
    if (c.status !== "ok") continue;
    for (const [metric, value] of Object.entries(c.metrics)) {
      const kind = metricKind(metric, value);
      const name = `${c.suite}/${c.name} ${metric}`;
      if (kind === "timeSamples") {
        const s = value as number[];
        if (s.length === 0) continue;
        const spread = (Math.max(...s) - Math.min(...s)) / 2;
        out.push({
          name,
          unit: "s",
          value: median(s),
          range: `± ${Number(spread.toPrecision(3))}`,
          extra: `median of ${s.length} samples` +
            (c.calibrationSeconds ? `; calibration ${c.calibrationSeconds.toFixed(4)} s` : ""),
        });
      } else if (kind === "time") {
        out.push({ name, unit: "s", value: value as number });
      } else if (kind === "memory") {
        out.push({ name, unit: "bytes", value: value as number });
      }
    }
  }
  return out;
}

/** The entries of `results` as the JSON text github-action-benchmark reads. */
export function formatGab(results: ResultsFile): string {
  return JSON.stringify(toGabEntries(results), null, 2) + "\n";
}
