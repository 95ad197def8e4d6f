/**
 * The paired figure of a peer comparison timed in alternating rounds
 * within one case: the median over rounds of each round's ratio (ours over
 * the peer's), with its least and largest round. Load on a shared machine
 * then falls on both sides of a round, and one loaded round moves the
 * median little.
 *
 * @module
 */

import { median } from "../../src/eval/stats.ts";
import type { JsonValue } from "./suite.ts";

/** `pairedRounds`, `pairedRatio` (the median), `pairedRatioMin`, `pairedRatioMax` and `pairedRatios`. */
export function pairedRoundsSummary(ratios: number[]): Record<string, JsonValue> {
  return {
    pairedRounds: ratios.length,
    pairedRatio: median(ratios),
    pairedRatioMin: Math.min(...ratios),
    pairedRatioMax: Math.max(...ratios),
    pairedRatios: ratios,
  };
}
