/**
 * The aggregation math of the budget suite: a metric's mean and 95%
 * interval over data draws (skipping draws where it is not available);
 * paired differences between methods on the same draws; who wins at one
 * budget level; and whether the paper's claims (section 6.1, Fig. 2a: MAPA
 * beats the VAE and IWAE on every set but clusters, matches MAPA-GT and
 * clearly beats MAPA-naive) hold, each resting on a paired 95% interval.
 *
 * Draw d is the same data for every method of a data set, so differences
 * are taken per draw and the interval is over the draws' differences: the
 * draw-to-draw spread that all methods share cancels out.
 *
 * @module
 */

import { summarizeMean } from "../../src/eval/stats.ts";

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

/** A paired difference a - b over the draws where both are available. */
export interface PairedDifference {
  /** Mean of the per-draw differences (null: no draw has both). */
  difference: number | null;
  /** Lower end of the 95% Student-t interval (t quantile for draws - 1 df; null below 2 draws). */
  ciLow: number | null;
  /** Upper end of the 95% interval (null below 2 draws). */
  ciHigh: number | null;
  /** Draws with both values, which the mean and interval are over. */
  draws: number;
}

const finiteOrNull = (v: number | null | undefined): number | null =>
  typeof v === "number" && Number.isFinite(v) ? v : null;

/**
 * The per-draw difference `a[d] - b[d]`, its mean and 95% t-interval over
 * the draws where both are finite numbers (draw d of `a` and of `b` must be
 * the same data).
 *
 * @example
 * ```ts
 * import { pairedDifference } from "./draw_stats.ts";
 * pairedDifference([2, 3, 4], [1, 1, 1]).difference; // 2
 * ```
 */
export function pairedDifference(
  a: readonly (number | null)[],
  b: readonly (number | null)[],
): PairedDifference {
  const diffs: number[] = [];
  for (let d = 0; d < Math.min(a.length, b.length); d++) {
    const x = finiteOrNull(a[d]), y = finiteOrNull(b[d]);
    if (x !== null && y !== null) diffs.push(x - y);
  }
  if (diffs.length === 0) return { difference: null, ciLow: null, ciHigh: null, draws: 0 };
  const s = summarizeMean(diffs);
  return {
    difference: s.mean,
    ciLow: finiteOrNull(s.ci95Low),
    ciHigh: finiteOrNull(s.ci95High),
    draws: diffs.length,
  };
}

/** One method's test KL per draw at one budget level (null: not available in that draw). */
export interface MethodDraws {
  /** Method name. */
  method: string;
  /** Test KL of draw d at index d. */
  perDraw: readonly (number | null)[];
}

/** How one method compares with the best at a budget level. */
export interface Comparison extends PairedDifference {
  /** Method name. */
  method: string;
  /** Its mean test KL over its available draws. */
  meanKl: number;
  /** Its paired difference to the best lies wholly above 0 (it is clearly worse). */
  clearlyWorse: boolean;
}

/** Who wins at one budget level of one data set and budget kind. */
export interface LevelVerdict {
  /** The method with the lowest mean test KL (null when no method has a number). */
  best: string | null;
  /** Its mean test KL. */
  bestKl: number | null;
  /** `best` when every other method is clearly worse, else null. */
  winner: string | null;
  /** The method with the second lowest mean (null with fewer than two methods). */
  runnerUp: string | null;
  /** The best and every method not clearly worse than it, best first. */
  tiedWithBest: string[];
  /** Every other method with a number, by mean test KL: difference method - best per draw. */
  comparisons: Comparison[];
  /** Methods without a number at this level. */
  notAvailable: string[];
  /**
   * Methods with a number on some draws only, as "method: a of b draws": their
   * means and intervals rest on fewer draws than the others'.
   */
  partlyAvailable: string[];
  /** One line: the winner with its margin over the runner-up, or "no clear winner" and why. */
  verdict: string;
}

/** A number of nats as short text (3 significant digits; "n/a" for null). */
export function formatNats(x: number | null): string {
  if (x === null) return "n/a";
  const a = Math.abs(x);
  if (a !== 0 && (a >= 1e6 || a < 1e-3)) return x.toExponential(2);
  return String(Number(x.toPrecision(3)));
}

const fmt = formatNats;

/** "95% interval [low, high]", or why there is none ("no interval with 1 draw", "no paired draws"). */
export function intervalText(d: PairedDifference): string {
  if (d.ciLow === null || d.ciHigh === null) {
    return d.draws === 0 ? "no paired draws" : `no interval with ${d.draws} draw`;
  }
  return `95% interval [${fmt(d.ciLow)}, ${fmt(d.ciHigh)}]`;
}

/**
 * The verdict at one budget level: the method with the lowest mean test KL
 * is named the winner only when, for every other method, the 95% interval
 * of the paired difference (other - best) lies wholly above 0; otherwise
 * "no clear winner", listing the methods whose interval covers 0 (or that
 * have no interval, as with one draw). Requiring it of every method, not
 * only the runner-up, keeps a noisy third method from being passed over.
 */
export function levelVerdict(methods: readonly MethodDraws[]): LevelVerdict {
  const withMean = methods.map((m) => {
    const ok = m.perDraw.map(finiteOrNull).filter((v): v is number => v !== null);
    return { m, mean: ok.length ? ok.reduce((a, b) => a + b, 0) / ok.length : null };
  });
  const ranked = withMean.filter((x) => x.mean !== null).sort((a, b) => a.mean! - b.mean!);
  const notAvailable = withMean.filter((x) => x.mean === null).map((x) => x.m.method);
  const partlyAvailable = withMean.flatMap(({ m, mean }) => {
    const ok = m.perDraw.filter((v) => finiteOrNull(v) !== null).length;
    return mean !== null && ok < m.perDraw.length
      ? [`${m.method}: ${ok} of ${m.perDraw.length} draws`]
      : [];
  });
  if (ranked.length === 0) {
    return {
      best: null,
      bestKl: null,
      winner: null,
      runnerUp: null,
      tiedWithBest: [],
      comparisons: [],
      notAvailable,
      partlyAvailable,
      verdict: "not available: no method has a test KL at this level",
    };
  }
  const best = ranked[0];
  const comparisons: Comparison[] = ranked.slice(1).map((x) => {
    const d = pairedDifference(x.m.perDraw, best.m.perDraw);
    return {
      method: x.m.method,
      meanKl: x.mean!,
      ...d,
      clearlyWorse: d.ciLow !== null && d.ciLow > 0,
    };
  });
  const tied = [best.m.method, ...comparisons.filter((c) => !c.clearlyWorse).map((c) => c.method)];
  const runner = comparisons[0];
  let verdict: string;
  if (!runner) verdict = `no clear winner: ${best.m.method} is the only method with a number`;
  else if (tied.length === 1) {
    verdict = `${best.m.method} wins: next best ${runner.method} is ${
      fmt(runner.difference)
    } nats worse, ${intervalText(runner)}`;
  } else {
    // The first tied method by mean is the runner-up whenever the runner-up is tied.
    const shown = comparisons.find((c) => !c.clearlyWorse)!;
    const why = `${shown.method} - ${best.m.method} = ${fmt(shown.difference)} nats, ${
      intervalText(shown)
    }`;
    verdict = `no clear winner: ${tied.join(", ")} tied with the lowest mean (${why})`;
  }
  if (partlyAvailable.length) verdict += `; on fewer draws: ${partlyAvailable.join(", ")}`;
  return {
    best: best.m.method,
    bestKl: best.mean,
    winner: tied.length === 1 && runner ? best.m.method : null,
    runnerUp: runner?.method ?? null,
    tiedWithBest: tied,
    comparisons,
    notAvailable,
    partlyAvailable,
    verdict,
  };
}

/** A paper claim's outcome in this run. */
export type ClaimOutcome = "agrees" | "disagrees" | "not resolved" | "not available";

/**
 * Whether a paired difference lies `expect` (`"below"` or `"above"`)
 * `threshold` (default 0): "agrees" when its 95% interval lies wholly on
 * that side, "disagrees" when wholly on the other, "not resolved" when the
 * interval covers the threshold or there is none (one draw), "not
 * available" without paired draws.
 */
export function claimOutcome(
  d: PairedDifference,
  expect: "below" | "above",
  options: { threshold?: number } = {},
): ClaimOutcome {
  const t = options.threshold ?? 0;
  if (d.draws === 0) return "not available";
  if (d.ciLow === null || d.ciHigh === null) return "not resolved";
  const below = d.ciHigh < t, above = d.ciLow > t;
  if (expect === "below" ? below : above) return "agrees";
  if (expect === "below" ? above : below) return "disagrees";
  return "not resolved";
}

/** What the paper reports per data set (section 6.1, Fig. 2a, appendix D.1): MAPA best on all but clusters. */
export function paperExpectsMapaWins(dataset: string): boolean {
  return dataset !== "clusters";
}

/** One paper claim on one data set, and the paired interval its outcome rests on. */
export interface PaperCheck extends PairedDifference {
  /** Which claim: mapaVsVae, mapaVsIwae (Fig. 2a), mapaVsGt or naiveVsMapa. */
  id: "mapaVsVae" | "mapaVsIwae" | "mapaVsGt" | "naiveVsMapa";
  /** The claim as the paper makes it, for this data set. */
  claim: string;
  /** The difference the interval is of, e.g. "mapa - vae". */
  comparison: string;
  /** agrees, disagrees, not resolved or not available. */
  outcome: ClaimOutcome;
}

/** Options of {@linkcode paperChecks}. */
export interface PaperCheckOptions {
  /**
   * **(choice)** How much worse than MAPA-GT (nats) MAPA may be and still
   * count as "about as good" (default 0.05, the convergence tolerance: a
   * gap smaller than a converged curve still moves is not a finding).
   */
  marginNats?: number;
}

/**
 * The paper's claims on one data set at one budget level, from paired
 * differences: MAPA below the VAE and below IWAE (above them on clusters,
 * where the paper has MAPA lose), MAPA no more than `marginNats` worse than
 * MAPA-GT, and MAPA-naive clearly worse than MAPA.
 */
export function paperChecks(
  dataset: string,
  methods: readonly MethodDraws[],
  options: PaperCheckOptions = {},
): PaperCheck[] {
  const margin = options.marginNats ?? 0.05;
  const draws = (name: string) => methods.find((m) => m.method === name)?.perDraw ?? [];
  const wins = paperExpectsMapaWins(dataset);
  const check = (
    id: PaperCheck["id"],
    claim: string,
    a: string,
    b: string,
    expect: "below" | "above",
    threshold = 0,
  ): PaperCheck => {
    const d = pairedDifference(draws(a), draws(b));
    return {
      id,
      claim,
      comparison: `${a} - ${b}`,
      outcome: claimOutcome(d, expect, { threshold }),
      ...d,
    };
  };
  const fig2a = (id: PaperCheck["id"], other: string, label: string) =>
    wins
      ? check(id, `Fig. 2a: MAPA has lower test KL than ${label}`, "mapa", other, "below")
      : check(
        id,
        `Fig. 2a: MAPA has higher test KL than ${label} on ${dataset}`,
        "mapa",
        other,
        "above",
      );
  return [
    fig2a("mapaVsVae", "vae", "the VAE"),
    fig2a("mapaVsIwae", "iwae", "IWAE"),
    check(
      "mapaVsGt",
      `6.1: MAPA is about as good as MAPA-GT (at most ${margin} nats worse)`,
      "mapa",
      "mapa_gt",
      "below",
      margin,
    ),
    check(
      "naiveVsMapa",
      "6.1: MAPA-naive is clearly worse than MAPA",
      "mapa_naive",
      "mapa",
      "above",
    ),
  ];
}

/**
 * Fig. 2a on one data set from its two pair checks (MAPA vs VAE, MAPA vs
 * IWAE): agrees when both agree, disagrees when either disagrees, else not
 * resolved (not available when either pair has no paired draws).
 */
export function fig2aOutcome(checks: readonly PaperCheck[]): ClaimOutcome {
  const pair = checks.filter((c) => c.id === "mapaVsVae" || c.id === "mapaVsIwae");
  if (pair.length === 0 || pair.some((c) => c.outcome === "not available")) return "not available";
  if (pair.some((c) => c.outcome === "disagrees")) return "disagrees";
  if (pair.every((c) => c.outcome === "agrees")) return "agrees";
  return "not resolved";
}
