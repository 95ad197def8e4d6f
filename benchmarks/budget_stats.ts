/**
 * The aggregation math of the budget suite: a metric's mean and 95%
 * interval over data draws (skipping draws where it is not available), and
 * per data set who wins and whether that agrees with the paper (section 6.1:
 * MAPA beats the VAE and IWAE on every set but Clusters, matches MAPA-GT and
 * clearly beats MAPA-naive).
 *
 * @module
 */

import { summarizeMean } from "../src/eval/stats.ts";
import type { JsonValue } from "./suite.ts";

/** A metric over draws: mean and 95% Student-t interval, or why it is not available. */
export interface DrawSummary {
  /** Mean over the draws where the metric was available; null when none was. */
  mean: number | null;
  /** Lower end of the 95% interval (null with fewer than 2 available draws). */
  ciLow: number | null;
  /** Upper end of the 95% interval (null with fewer than 2 available draws). */
  ciHigh: number | null;
  /** Draws the mean is over. */
  draws: number;
  /** Why draws are missing ("" when none is). */
  note: string;
}

/** One draw's value of a metric: a number, or not available with a one-line reason. */
export type DrawValue = number | { unavailable: string };

/**
 * Mean and 95% interval of `values` over draws. Unavailable draws are left
 * out and their reasons kept in `note`; a non-finite number counts as
 * unavailable, never as a figure.
 */
export function summarizeDraws(values: DrawValue[]): DrawSummary {
  const ok: number[] = [];
  const reasons = new Set<string>();
  for (const v of values) {
    if (typeof v === "number" && Number.isFinite(v)) ok.push(v);
    else if (typeof v === "number") reasons.add(`non-finite value ${v}`);
    else reasons.add(v.unavailable);
  }
  const missing = values.length - ok.length;
  const note = missing === 0
    ? ""
    : `not available in ${missing} of ${values.length} draws: ${[...reasons].join("; ")}`;
  if (ok.length === 0) return { mean: null, ciLow: null, ciHigh: null, draws: 0, note };
  const s = summarizeMean(ok);
  const finite = (x: number) => (Number.isFinite(x) ? x : null);
  return {
    mean: s.mean,
    ciLow: finite(s.ci95Low),
    ciHigh: finite(s.ci95High),
    draws: ok.length,
    note,
  };
}

/** A method's test KL on one data set under one budget kind, as the summary reads it. */
export interface MethodKl {
  /** Method name. */
  method: string;
  /** Mean test KL over draws (null: not available). */
  mean: number | null;
  /** Lower end of its 95% interval. */
  ciLow: number | null;
  /** Upper end of its 95% interval. */
  ciHigh: number | null;
}

/** What the paper reports per data set (section 6.1, appendix D.1). */
export function paperExpectsMapaWins(dataset: string): boolean {
  return dataset !== "clusters";
}

/** `a` is below `b` with non-overlapping 95% intervals (null when either interval is missing). */
export function clearlyBelow(a: MethodKl, b: MethodKl): boolean | null {
  if (a.ciHigh === null || b.ciLow === null) return null;
  return a.ciHigh < b.ciLow;
}

/**
 * Who wins on one data set (lowest mean test KL) and how MAPA compares with
 * the paper's claims. Methods without a number are listed as not available
 * and never win; a comparison that needs a missing method is null.
 */
export function judgeDataset(dataset: string, methods: MethodKl[]): Record<string, JsonValue> {
  const ranked = methods.filter((m) => m.mean !== null).sort((a, b) => a.mean! - b.mean!);
  const get = (name: string) => methods.find((m) => m.method === name && m.mean !== null);
  const mapa = get("mapa"), vae = get("vae"), iwae = get("iwae");
  const gt = get("mapa_gt"), naive = get("mapa_naive");
  const beats = mapa && vae && iwae ? mapa.mean! < Math.min(vae.mean!, iwae.mean!) : null;
  const expected = paperExpectsMapaWins(dataset);
  const clearVs = (other?: MethodKl) => (mapa && other ? clearlyBelow(mapa, other) : null);
  return {
    winner: ranked[0]?.method ?? null,
    ranking: ranked.map((m) => m.method),
    notAvailable: methods.filter((m) => m.mean === null).map((m) => m.method),
    mapaBeatsVaeAndIwae: beats,
    mapaClearlyBelowVae: clearVs(vae),
    mapaClearlyBelowIwae: clearVs(iwae),
    paperSaysMapaBeats: expected,
    agreesWithPaper: beats === null ? null : beats === expected,
    // Positive: MAPA is worse than MAPA-GT by that many nats.
    mapaMinusGt: mapa && gt ? mapa.mean! - gt.mean! : null,
    // The paper: MAPA-naive is clearly worse, so this should be clearly positive.
    naiveMinusMapa: mapa && naive ? naive.mean! - mapa.mean! : null,
    mapaClearlyBelowNaive: clearVs(naive),
  };
}
