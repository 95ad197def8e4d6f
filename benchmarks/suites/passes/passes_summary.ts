/**
 * The passes suite's summary: where MAPA's pass count crosses IWAE's as N
 * grows (per headline S and cost model), the pass ratios at the smallest,
 * the budget suite's and the largest N, the distance from uniform
 * occupancy, and the tfjs / PyTorch step ratios.
 *
 * @module
 */

import { median } from "../../../src/eval/stats.ts";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";
import { type CountParams, isStep, passesParams } from "./passes_params.ts";
import { COST_MODELS, type CostModelName, HEADLINE_S, STEP_METHODS } from "./passes_settings.ts";

/** Where a pass ratio crosses 1, from {@linkcode findCrossover}. */
export interface Crossover {
  /**
   * `"crossed"`: MAPA saves below `n` and not above; `"beyond"`: it saves at
   * every N measured; `"never"`: it saves at none.
   */
  status: "crossed" | "beyond" | "never";
  /** The crossover N when crossed, else null. */
  n: number | null;
}

/**
 * The N beyond which MAPA stops saving: the first N (ascending) where
 * `ratio` = MAPA cost / IWAE cost reaches 1, interpolated linearly in the
 * ratio against log N between it and the previous point.
 */
export function findCrossover(points: { n: number; ratio: number }[]): Crossover {
  const p = points.filter((q) => Number.isFinite(q.ratio)).sort((a, b) => a.n - b.n);
  if (p.length === 0) return { status: "never", n: null };
  if (p[0].ratio >= 1) return { status: "never", n: null };
  for (let i = 1; i < p.length; i++) {
    if (p[i].ratio < 1) continue;
    const [a, b] = [p[i - 1], p[i]];
    const f = (1 - a.ratio) / (b.ratio - a.ratio);
    return {
      status: "crossed",
      n: Math.exp(Math.log(a.n) + f * (Math.log(b.n) - Math.log(a.n))),
    };
  }
  return { status: "beyond", n: null };
}

/** A counted case's passes per point under `model`. */
export function costOf(m: Record<string, JsonValue>, model: CostModelName): number {
  const d = m.decoderPassesPerPoint as number;
  return model === "decoder" ? d : d + (m.encoderPassesPerPoint as number);
}

/** An ok counted case: its checked params and its metrics. */
export interface Counted {
  /** The case's params. */
  p: CountParams;
  /** Its metrics. */
  metrics: Record<string, JsonValue>;
}

/** The ok counted cases of `results`, their params checked. */
export function countedCases(results: CaseResult[]): Counted[] {
  const out: Counted[] = [];
  for (const r of results) {
    if (r.status !== "ok" || r.params.peer !== undefined) continue;
    const p = passesParams(r.params, r.name);
    if (!isStep(p)) out.push({ p, metrics: r.metrics });
  }
  return out;
}

/** Counted cases: MAPA by `${dataset}|${s}`, the others by `${method}|${s}`, each N -> metrics. */
export function collect(results: CaseResult[]) {
  const mapa = new Map<string, Map<number, Record<string, JsonValue>>>();
  const ref = new Map<string, Map<number, Record<string, JsonValue>>>();
  const counted = countedCases(results);
  for (const { p, metrics } of counted) {
    const key = p.method === "mapa" ? `${p.dataset}|${p.s}` : `${p.method}|${p.s}`;
    const into = p.method === "mapa" ? mapa : ref;
    if (!into.has(key)) into.set(key, new Map());
    into.get(key)!.set(p.n, metrics);
  }
  const datasets = [
    ...new Set(counted.filter(({ p }) => p.method === "mapa").map(({ p }) => p.dataset)),
  ];
  const ns = [...new Set(counted.map(({ p }) => p.n))].sort((a, b) => a - b);
  return { mapa, ref, datasets, ns };
}

/** MAPA / IWAE cost at each N for one data set, S and cost model. */
export function ratioCurve(
  c: ReturnType<typeof collect>,
  dataset: string,
  s: number,
  model: CostModelName,
): { n: number; ratio: number; mapa: number; iwae: number }[] {
  const m = c.mapa.get(`${dataset}|${s}`), w = c.ref.get(`iwae|${s}`);
  if (!m || !w) return [];
  const out = [];
  for (const n of c.ns) {
    const a = m.get(n), b = w.get(n);
    if (!a || !b) continue;
    const mapa = costOf(a, model), iwae = costOf(b, model);
    out.push({ n, ratio: mapa / iwae, mapa, iwae });
  }
  return out;
}

/** A data set's crossover as a number to take medians of: "beyond" sorts above every N, "never" below. */
function crossingKey(x: Crossover): number {
  return x.status === "crossed" ? x.n! : x.status === "beyond" ? Infinity : 0;
}

/**
 * The median over data sets of {@linkcode crossingKey}s, read back as a
 * status and an N. With an even count it is the lower of the two middle
 * keys, never their mean: the mean of "never" and a crossing would be an N
 * no data set crossed at, and the mean of a crossing and "beyond" reads as
 * "beyond" for both.
 */
export function medianCrossing(
  keys: number[],
): { status: "none" | "beyond" | "never" | "crossed"; n: number | null } {
  const sorted = keys.toSorted((a, b) => a - b);
  const med = sorted.length === 0 ? null : sorted[Math.floor((sorted.length - 1) / 2)];
  const status = med === null
    ? "none"
    : med === Infinity
    ? "beyond"
    : med === 0
    ? "never"
    : "crossed";
  return { status, n: status === "crossed" ? med : null };
}

/**
 * A step case's fastest timed step in seconds, or null when it did not run
 * or recorded no samples. On a shared machine load only ever adds time, so
 * the minimum is the least disturbed figure; a median ratio moves with
 * whichever side ran while the machine was busy.
 */
export function fastestStepSeconds(r: CaseResult | undefined): number | null {
  const xs = r?.status === "ok" ? r.metrics.stepSecondsSamples : undefined;
  return Array.isArray(xs) && xs.length ? Math.min(...(xs as number[])) : null;
}

/**
 * The interleaved figures of a tfjs step case (median over rounds of the
 * tfjs / PyTorch ratio, its least and largest round), nulls when the case
 * ran unpaired.
 */
export function pairedOf(r: CaseResult | undefined): Record<string, JsonValue> {
  const m = r?.metrics ?? {};
  const n = (v: unknown) => typeof v === "number" && Number.isFinite(v) ? v : null;
  return {
    pairedTfjsOverPytorch: n(m.pairedRatio),
    pairedRatioMin: n(m.pairedRatioMin),
    pairedRatioMax: n(m.pairedRatioMax),
    pairedRounds: n(m.pairedRounds),
  };
}

/** The median, or null for no values. */
export function medianOrNull(v: number[]): number | null {
  return v.length === 0 ? null : median(v);
}

/** The budget suite's N, K and S, as the counted cases record them. */
export function budgetOf(results: CaseResult[]): { n: number; k: number; s: number } | undefined {
  // Any counted case says it, ok or not.
  const r = results.find((r) => r.params.peer === undefined && r.params.budgetN !== undefined);
  const p = r && passesParams(r.params, r.name);
  return p && !isStep(p) ? { n: p.budgetN, k: p.budgetK, s: p.budgetS } : undefined;
}

/**
 * The distinct codes per point a step would need if its B (K + S) terms fell
 * on the N points uniformly at random: N / B (1 - exp(-B (K + S) / N)).
 */
export function uniformOccupancy(n: number, options: { batch: number; terms: number }): number {
  return n / options.batch * -Math.expm1(-options.batch * options.terms / n);
}

/** Largest |measured / uniformOccupancy - 1| over the MAPA cases, or null without any. */
function occupancyDeviation(results: CaseResult[]): number | null {
  let worst: number | null = null;
  for (const { p, metrics } of countedCases(results)) {
    if (p.method !== "mapa") continue;
    const want = uniformOccupancy(p.n, { batch: p.batch, terms: (p.k ?? 0) + p.s });
    const dev = Math.abs((metrics.decoderPassesPerPoint as number) / want - 1);
    worst = Math.max(worst ?? 0, dev);
  }
  return worst;
}

const CM_KEY: Record<CostModelName, string> = {
  decoder: "Decoder",
  encoder_decoder: "EncoderDecoder",
};

/**
 * Whole-suite figures: per headline S and cost model, the crossover N per
 * data set and its median over data sets (`crossoverNS<S><Model>`, null
 * when MAPA saves at every N measured or at none; `crossover` says which),
 * the MAPA / IWAE pass ratio at the smallest N, the budget suite's N and the
 * largest N (`passRatio`), the budget suite's own pairing at its N (MAPA
 * with K, S against IWAE with K + S samples: `budgetPassRatio`), and the
 * tfjs / PyTorch IWAE step ratio.
 */
export function summarizePasses(results: CaseResult[]): Record<string, JsonValue> {
  const c = collect(results);
  const budget = budgetOf(results);
  const out: Record<string, JsonValue> = {};
  const crossover: Record<string, JsonValue> = {};
  const ratios: Record<string, JsonValue> = {};
  for (const s of HEADLINE_S) {
    for (const cm of COST_MODELS) {
      const key = `s${s}/${cm}`;
      const perDataset: Record<string, JsonValue> = {};
      const values: number[] = [];
      const at: Record<string, number[]> = { smallest: [], largest: [], budget: [] };
      for (const ds of c.datasets) {
        const curve = ratioCurve(c, ds, s, cm);
        if (curve.length === 0) continue;
        const x = findCrossover(curve);
        perDataset[ds] = { status: x.status, n: x.n };
        values.push(crossingKey(x));
        at.smallest.push(curve[0].ratio);
        at.largest.push(curve[curve.length - 1].ratio);
        const b = budget && curve.find((q) => q.n === budget.n);
        if (b) at.budget.push(b.ratio);
      }
      const { status, n: med } = medianCrossing(values);
      crossover[key] = {
        status,
        n: med,
        smallestN: c.ns[0] ?? null,
        largestN: c.ns[c.ns.length - 1] ?? null,
        perDataset,
      };
      out[`crossoverNS${s}${CM_KEY[cm]}`] = med;
      ratios[key] = {
        smallestN: medianOrNull(at.smallest),
        budgetN: medianOrNull(at.budget),
        largestN: medianOrNull(at.largest),
      };
    }
  }
  // The budget suite's own pairing: MAPA (K, S) against IWAE with K + S samples.
  const budgetRatio: Record<string, JsonValue> = {};
  for (const cm of COST_MODELS) {
    const v = budget
      ? c.datasets.flatMap((ds) => {
        const m = c.mapa.get(`${ds}|${budget.s}`)?.get(budget.n);
        const w = c.ref.get(`iwae|${budget.k + budget.s}`)?.get(budget.n);
        return m && w ? [costOf(m, cm) / costOf(w, cm)] : [];
      })
      : [];
    budgetRatio[cm] = medianOrNull(v);
  }
  // The same pairing over N: MAPA (K, S) against IWAE with K + S samples (equal terms per
  // point). Its decoder ratio cannot pass 1 (a step has at most B (K + S) distinct codes); the
  // headline crossovers above pair MAPA (K, S) with IWAE S, as the issue frames Fig. 2b.
  const equalTerms: Record<string, JsonValue> = {};
  if (budget) {
    const k = budget.k;
    for (const cm of COST_MODELS) {
      const perN = new Map<number, number[]>();
      const crossings: number[] = [];
      for (const ds of c.datasets) {
        const m = c.mapa.get(`${ds}|${budget.s}`), w = c.ref.get(`iwae|${k + budget.s}`);
        if (!m || !w) continue;
        const curve = c.ns.flatMap((n) => {
          const a = m.get(n), b = w.get(n);
          return a && b ? [{ n, ratio: costOf(a, cm) / costOf(b, cm) }] : [];
        });
        for (const q of curve) perN.set(q.n, [...(perN.get(q.n) ?? []), q.ratio]);
        const x = findCrossover(curve);
        crossings.push(crossingKey(x));
      }
      const med = medianCrossing(crossings);
      equalTerms[cm] = {
        k,
        s: budget.s,
        iwaeSamples: k + budget.s,
        ratioByN: [...perN].map(([n, v]) => ({ n, ratio: medianOrNull(v) })),
        crossoverN: med.n,
        crossover: med.status,
      };
    }
  }
  const stepCase = (method: string, peer: string) =>
    results.find((r) => r.params.method === method && r.params.peer === peer && r.status === "ok");
  const step = (method: string, peer: string) =>
    stepCase(method, peer)?.metrics.stepSeconds as number | undefined;
  const fastest = (method: string, peer: string) => fastestStepSeconds(stepCase(method, peer));
  const steps: Record<string, JsonValue> = {};
  for (const { method } of STEP_METHODS) {
    const tfjs = step(method, "tfjs"), torch = step(method, "pytorch");
    const tfjsMin = fastest(method, "tfjs"), torchMin = fastest(method, "pytorch");
    steps[method] = {
      tfjsSeconds: tfjs ?? null,
      pytorchSeconds: torch ?? null,
      tfjsOverPytorch: tfjs && torch ? tfjs / torch : null,
      tfjsMinSeconds: tfjsMin ?? null,
      pytorchMinSeconds: torchMin ?? null,
      tfjsOverPytorchMin: tfjsMin && torchMin ? tfjsMin / torchMin : null,
      ...pairedOf(stepCase(method, "tfjs")),
    };
  }
  const tfjs = step("iwae", "tfjs"), torch = step("iwae", "pytorch");
  return {
    ...out,
    uniformOccupancyMaxDeviation: occupancyDeviation(results),
    crossover,
    passRatio: ratios,
    budgetN: budget?.n ?? null,
    budgetPassRatio: budgetRatio,
    equalTermsPassRatio: equalTerms,
    iwaeStepSecondsTfjs: tfjs ?? null,
    iwaeStepSecondsPytorch: torch ?? null,
    tfjsOverPytorch: tfjs && torch ? tfjs / torch : null,
    stepVsPytorch: steps,
  };
}
