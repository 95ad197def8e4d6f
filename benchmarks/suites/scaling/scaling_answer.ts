/**
 * The scaling section's answer, its first note: where HNSW rows overtake
 * exact rows on each data set, and what training on them costs a model.
 *
 * @module
 */

import { MANIFOLD_NAME, MANIFOLD_SPEC } from "../../../src/data/manifold.ts";
import { densityCostText } from "../../../src/report/claims.ts";
import type { JsonValue } from "../../harness/suite.ts";

/**
 * Where HNSW rows overtook exact rows on data set `options.ds`, e.g.
 * "crossover between N = 30000 (exact rows faster) and N = 100000 (HNSW
 * faster), the grid points either side", with N written by `options.fmt`.
 */
export function crossoverText(
  summary: Record<string, JsonValue>,
  options: { ds: string; fmt: (v: JsonValue | undefined) => JsonValue },
): string {
  const { ds, fmt } = options;
  const at = summary[`${ds}_crossover_n`], after = summary[`${ds}_last_exact_faster_n`];
  if (typeof at !== "number") return "HNSW was not faster at any N where both ran";
  return typeof after === "number"
    ? `crossover between N = ${fmt(after)} (exact rows faster) and N = ${fmt(at)} (HNSW ` +
      `faster), the grid points either side`
    : `HNSW faster from the smallest N both ran, ${fmt(at)}`;
}

/**
 * The section's first note, its answer: where HNSW rows overtake exact rows
 * on each data set, and what training on them costs a model's test KL.
 */
export function answerNote(
  summary: Record<string, JsonValue>,
  fmt: (v: JsonValue | undefined) => JsonValue,
): string {
  const cost = Object.keys(summary).filter((k) => k.startsWith("density_")).map((k) => {
    const ds = k.slice("density_".length);
    const text = densityCostText(summary, ds);
    return text === null ? null : `${ds}: ${text}`;
  }).filter((t): t is string => t !== null);
  // Only the data sets whose exact and HNSW rows both ran at some N (a shard may lack one).
  const sets: [string, string][] = [
    ["figure8", "figure8 (D = 2)"],
    [MANIFOLD_NAME, `${MANIFOLD_NAME} (D = ${MANIFOLD_SPEC.d})`],
    ["mnist", "binarised MNIST (D = 784)"],
  ];
  const cross = sets.filter(([ds]) => typeof summary[`${ds}_largest_common_n`] === "number")
    .map(([ds, label]) => `${label}: ${crossoverText(summary, { ds, fmt })}`);
  const head = cross.length === 0
    ? " No data set ran both exact and HNSW rows at one N in this run."
    // One timed call per kind of row at each N: where the two are close, a crossover can fall
    // on either side of a grid point from one run to the next, and the reader should know.
    : ` ${cross.join("; ")} (one timing per kind of row at each N).`;
  return `Answer.${head}` +
    (cost.length === 0 ? "" : " What training on HNSW rows costs a model (density study: test " +
      "KL with HNSW rows minus with exact rows, nats, 95% interval over training seeds; target " +
      `<= 0.05): ${cost.join("; ")}.`);
}
