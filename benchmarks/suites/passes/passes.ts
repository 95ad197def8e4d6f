/**
 * The passes suite (paper Fig. 2b, appendix D.2, methods.md section 6):
 * encoder and decoder passes per data point per gradient step for MAPA,
 * IWAE and the VAE as a function of the sample count S and of the data size
 * N, counted (not trained) by each model's own pass counter on real
 * batches; the N beyond which MAPA stops saving passes against IWAE; and the
 * seconds of one IWAE step (S = 20, batch 100, 2-50-50 MLPs) on tfjs next to
 * PyTorch CPU.
 *
 * MAPA's saving comes from rows sharing codes: a step encodes and decodes
 * each distinct code of its batch's rows once, never more than N, so at
 * most N / B passes per point. Small N caps the ratio to IWAE; once N
 * outgrows B (K + S), rows rarely share and MAPA needs about K + S passes
 * per point, more than IWAE's S.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import { runPeer } from "../../harness/peer_python.ts";
import { BUDGET_PROFILES } from "../budget/budget.ts";
import { SYNTHETIC_NAMES } from "../../../src/data/analytic.ts";
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { exactRowsFor } from "../../../src/mapa/exact.ts";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import {
  buildIndexModel,
  type RowTerms,
  type TermSource,
} from "../../../src/models/index_model.ts";
import type { MethodModel, TrainingData } from "../../../src/models/method.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { Rng } from "../../../src/rng.ts";
import { countPasses } from "../../../src/train/count_passes.ts";
import { measureSteps } from "../../../src/train/measure_steps.ts";
import { median } from "../../../src/eval/stats.ts";
import type { Matrix } from "../../../src/types.ts";
import type {
  CaseResult,
  CaseSpec,
  ChartSpec,
  JsonValue,
  Profile,
  ReportSection,
  Suite,
} from "../../harness/suite.ts";

/** Sample counts S measured at every N. */
export const S_VALUES = [1, 2, 5, 10, 20, 50, 100];
/** The S values of the headline crossover. */
export const HEADLINE_S = [20, 100];
/** Batch size B (the trainer's default). */
export const BATCH = 100;
/** Top-K of the MAPA rows in this suite (the budget suite's K). */
export const MAPA_K = 10;
/** The cost models (methods.md section 6). */
export const COST_MODELS = ["decoder", "encoder_decoder"] as const;
/** A cost model. */
export type CostModelName = typeof COST_MODELS[number];

/** A profile's settings; every case records the ones it used in its params. */
export interface PassesSettings {
  /** Data sets MAPA's passes are counted on. */
  datasets: readonly string[];
  /** Training-set sizes N (the budget suite's N is added, see {@linkcode nGrid}). */
  n: readonly number[];
  /** Batches counted per case. */
  steps: number;
  /** Timed steps of the IWAE tfjs/PyTorch step case. */
  timingSteps: number;
}

/**
 * Settings per profile. Quick (CI) counts two data sets whose posteriors
 * differ most in spread (figure8: broad rows; clusters: tight ones) at five
 * sizes spanning 1,000 to 100,000, 30 to 45 s on 2 cores; standard counts
 * all five sets at seven sizes, about 2.5 minutes.
 */
export const PASSES_PROFILES: Record<Profile, PassesSettings> = {
  quick: {
    datasets: ["figure8", "clusters"],
    n: [1000, 3000, 10_000, 30_000, 100_000],
    steps: 3,
    timingSteps: 100,
  },
  standard: {
    datasets: SYNTHETIC_NAMES,
    n: [1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000],
    steps: 5,
    timingSteps: 200,
  },
  full: {
    datasets: SYNTHETIC_NAMES,
    n: [1000, 2000, 5000, 10_000, 20_000, 50_000, 100_000, 200_000],
    steps: 10,
    timingSteps: 400,
  },
};

/** The N values of a profile: its grid plus the budget suite's N, ascending. */
export function nGrid(profile: Profile): number[] {
  const all = new Set([...PASSES_PROFILES[profile].n, BUDGET_PROFILES[profile].n]);
  return [...all].sort((a, b) => a - b);
}

/**
 * `steps` batches of `min(batch, n)` distinct rows, drawn as the trainer
 * draws them (an epoch order reshuffled whenever it runs out).
 */
export function drawBatches(
  n: number,
  steps: number,
  options: { batch: number; rng: Rng },
): Int32Array[] {
  const b = Math.min(options.batch, n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let cursor = n;
  const out: Int32Array[] = [];
  for (let t = 0; t < steps; t++) {
    if (cursor + b > n) {
      options.rng.shuffle(order);
      cursor = 0;
    }
    out.push(order.slice(cursor, cursor + b));
    cursor += b;
  }
  return out;
}

/**
 * One row's tail draws for every S up to `sMax` at once: the tail
 * candidates (all points outside the row's top K) perturbed once with
 * Gumbel noise and the `sMax + 1` largest keys kept, sorted. The first S of
 * them are a Gumbel-top-S draw without replacement (Kool et al. 2019) from
 * the renormalised tail, as `makeTailPool`'s default scheme draws, and key S
 * is its threshold kappa; so one perturbation serves every S, and the draws
 * of a smaller S are a prefix of a larger S's.
 */
export interface TailOrder {
  /** Candidate indices by decreasing key, length `size` (at most sMax + 1). */
  indices: Int32Array;
  /** Log kernel of each kept candidate (a common offset does not matter). */
  logw: Float64Array;
  /** The perturbed keys, decreasing. */
  keys: Float64Array;
  /** How many are kept. */
  size: number;
}

/**
 * Candidates whose kernel value is below 2^-60 / N of the row's largest tail
 * kernel are skipped: together they hold under 2^-60 of the tail's mass, so
 * the chance that any of them enters a draw is below S * 2^-60.
 */
const TAIL_CUTOFF = 60 * Math.LN2;

/**
 * Tail draws for counting (see {@linkcode TailOrder}): fresh per call, from
 * the exact tail over all N points. This is the one place the suite makes
 * MAPA tail draws; if MAPA's own sampler gains a per-step API, swap it in
 * here.
 */
export function tailOrder(
  x: Matrix,
  m: number,
  options: {
    top: ArrayLike<number>;
    scale: number;
    sMax: number;
    rng: Rng;
    scratch?: Float64Array;
  },
): TailOrder {
  const n = x.rows, d = x.cols, data = x.data;
  const lw = options.scratch && options.scratch.length >= n ? options.scratch : new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let d2 = 0;
    for (let t = 0; t < d; t++) {
      const diff = data[j * d + t] - data[m * d + t];
      d2 += diff * diff;
    }
    lw[j] = -options.scale * d2;
  }
  for (let i = 0; i < options.top.length; i++) lw[options.top[i]] = -Infinity;
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (lw[j] > max) max = lw[j];
  const floor = max - TAIL_CUTOFF - Math.log(n);
  const cap = options.sMax + 1;
  // A min-heap of the cap largest keys.
  const keys = new Float64Array(cap);
  const who = new Int32Array(cap);
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (!(lw[j] > floor)) continue;
    const key = lw[j] + options.rng.gumbel();
    if (size < cap) {
      let c = size++;
      while (c > 0) {
        const p = (c - 1) >> 1;
        if (keys[p] <= key) break;
        keys[c] = keys[p];
        who[c] = who[p];
        c = p;
      }
      keys[c] = key;
      who[c] = j;
    } else if (key > keys[0]) {
      let c = 0;
      for (;;) {
        const l = 2 * c + 1;
        if (l >= cap) break;
        const r = l + 1;
        const s = r < cap && keys[r] < keys[l] ? r : l;
        if (keys[s] >= key) break;
        keys[c] = keys[s];
        who[c] = who[s];
        c = s;
      }
      keys[c] = key;
      who[c] = j;
    }
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => keys[b] - keys[a]);
  return {
    indices: Int32Array.from(order, (i) => who[i]),
    logw: Float64Array.from(order, (i) => lw[who[i]]),
    keys: Float64Array.from(order, (i) => keys[i]),
    size,
  };
}

/**
 * The S tail terms of a {@linkcode TailOrder}: indices and log weights
 * -log pi(n), pi(n) = 1 - exp(-exp(log w(n) - kappa)), as `sampleTail`
 * writes them; a tail shorter than S is taken whole (weight 1) and the
 * empty slots hold `self` with weight 0, so they add no code.
 */
export function tailTerms(
  order: TailOrder,
  s: number,
  self: number,
): { indices: Int32Array; logWeight: Float64Array } {
  const indices = new Int32Array(s).fill(self);
  const logWeight = new Float64Array(s).fill(-Infinity);
  if (order.size <= s) {
    for (let t = 0; t < order.size; t++) {
      indices[t] = order.indices[t];
      logWeight[t] = 0;
    }
    return { indices, logWeight };
  }
  const kappa = order.keys[s];
  for (let t = 0; t < s; t++) {
    indices[t] = order.indices[t];
    logWeight[t] = -Math.log(-Math.expm1(-Math.exp(order.logw[t] - kappa)));
  }
  return { indices, logWeight };
}

/** The data and the MAPA rows of the batch rows of one (data set, N). */
export interface BatchRows {
  /** The training data. */
  data: TrainingData;
  /** The counted batches. */
  batches: Int32Array[];
  /** Top-K neighbours of each batch row, batch-major: [step][row][K]. */
  top: Int32Array;
  /** Tail draws of each batch row, [step][row]. */
  tails: TailOrder[];
  /** K. */
  k: number;
}

/**
 * Draws `n` points of `dataset` and, for `steps` batches drawn as the
 * trainer does, the exact top-K rows of the batch rows against all N
 * (`exactRowsFor`) and their tail draws up to `sMax` (fresh per step and
 * row). Only the batch rows are computed: a pass count reads nothing else.
 */
export async function batchRows(
  dataset: string,
  n: number,
  options: { seed: number; steps: number; k: number; sMax: number; batch?: number },
): Promise<BatchRows> {
  const ds = getSyntheticDataset(dataset);
  const drawSeed = Rng.stream(options.seed, `passes/draw/${dataset}/${n}`).int(2 ** 31 - 1);
  const draw = ds.draw(n, drawSeed);
  const data: TrainingData = {
    x: draw.x,
    l: ds.l,
    likelihood: "gaussian",
    sigma2: ds.sigma2,
    groundTruth: { codes: draw.z, decoder: ds.surrogate },
  };
  const rng = Rng.stream(options.seed, `passes/batches/${dataset}/${n}`);
  const batches = drawBatches(n, options.steps, { batch: options.batch ?? BATCH, rng });
  const queries = new Int32Array(batches.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of batches) {
    queries.set(b, o);
    o += b.length;
  }
  // Rows use the budget suite's kernel (bandwidth 2 sigma2, the default).
  const rows = await exactRowsFor(draw.x, queries, { k: options.k, sigma2: ds.sigma2 });
  const scale = resolveKernel({ sigma2: ds.sigma2 }).scale;
  const scratch = new Float64Array(n);
  const tailRng = rng.fork("tail");
  const tails: TailOrder[] = [];
  for (let p = 0; p < queries.length; p++) {
    tails.push(tailOrder(draw.x, queries[p], {
      top: rows.neighbors.subarray(p * options.k, (p + 1) * options.k),
      scale,
      sMax: options.sMax,
      rng: tailRng,
      scratch,
    }));
  }
  return { data, batches, top: rows.neighbors, tails, k: options.k };
}

/**
 * MAPA's terms (top K at weight 1/N, then S tail draws at their
 * without-replacement weights over N, the layout of `mapaTerms`) for the
 * batches of `rows`, in order: call i must pass `rows.batches[i]`.
 */
export function batchTerms(rows: BatchRows, s: number): TermSource {
  const { k, batches } = rows;
  const j = k + s;
  const logN = Math.log(rows.data.x.rows);
  let step = 0, offset = 0;
  return (batch) => {
    if (batch !== batches[step]) {
      throw new Error(`the passes suite's MAPA terms were asked for a batch out of order`);
    }
    const index = new Int32Array(batch.length * j);
    const logCoef = new Float32Array(batch.length * j);
    for (let b = 0; b < batch.length; b++, offset++) {
      let o = b * j;
      for (let i = 0; i < k; i++, o++) {
        index[o] = rows.top[offset * k + i];
        logCoef[o] = -logN;
      }
      const tail = tailTerms(rows.tails[offset], s, batch[b]);
      for (let t = 0; t < s; t++, o++) {
        index[o] = tail.indices[t];
        logCoef[o] = tail.logWeight[t] - logN;
      }
    }
    step++;
    return { j, index, logCoef } satisfies RowTerms;
  };
}

const rowsCache = new Map<string, Promise<BatchRows>>();

function cachedRows(dataset: string, n: number, seed: number, steps: number): Promise<BatchRows> {
  const key = `${dataset}/${n}/${seed}/${steps}`;
  let hit = rowsCache.get(key);
  if (!hit) {
    hit = batchRows(dataset, n, { seed, steps, k: MAPA_K, sMax: Math.max(...S_VALUES) });
    // Cases of one (data set, N) run together; keep only the last few.
    if (rowsCache.size >= 2) rowsCache.delete(rowsCache.keys().next().value!);
    rowsCache.set(key, hit);
    hit.catch(() => rowsCache.delete(key));
  }
  return hit;
}

/**
 * Counts the passes per point per step of `method` (mapa, iwae or vae) with
 * `s` samples on the batches of `rows`, by the model's own counter.
 */
export function countMethodPasses(
  method: string,
  rows: BatchRows,
  options: { s: number; seed: number },
): { encoderPassesPerPoint: number; decoderPassesPerPoint: number; perStepDecoder: number[] } {
  const rng = Rng.stream(options.seed, `passes/count/${method}`);
  let model: MethodModel;
  if (method === "mapa") {
    // MAPA's own model (index_model.ts): one encoder and decoder pass per
    // distinct index of the batch's terms.
    model = buildIndexModel("mapa", rows.data, {
      rng: rng.fork("init"),
      terms: batchTerms(rows, options.s),
    });
  } else {
    model = getMethod(method).build(rows.data, { s: options.s, rng: rng.fork("init") });
  }
  try {
    const c = countPasses(model, rows.batches, { rng });
    return {
      encoderPassesPerPoint: c.encoderPassesPerPoint,
      decoderPassesPerPoint: c.decoderPassesPerPoint,
      perStepDecoder: c.perStep.map((p) => p.decoder),
    };
  } finally {
    model.dispose();
  }
}

/** The step cases' methods and their sample counts (MAPA: K top terms plus S tail draws). */
const STEP_METHODS: readonly { method: string; s: number; k?: number }[] = [
  { method: "vae", s: 1 },
  { method: "iwae", s: 20 },
  { method: "mapa", s: 10, k: 10 },
];
const STEP_N = 1000, STEP_SIGMA2 = 0.01;

async function torchStep(p: Record<string, JsonValue>): Promise<Record<string, JsonValue>> {
  const args = [p.method, p.batch, p.s, p.d, p.l, p.hidden, p.steps, p.k ?? 0].map(String);
  return await runPeer(new URL("./passes_torch.py", import.meta.url), {
    args,
    peer: "PyTorch",
    module: "torch",
    debianPackage: "python3-torch",
  }) as Record<string, JsonValue>;
}

/** Seconds per tfjs gradient step on the same model and data shape as the PyTorch peer. */
async function tfjsStep(
  p: Record<string, JsonValue>,
  ctx: Parameters<Suite["run"]>[1],
): Promise<Record<string, JsonValue>> {
  const info = await useBackend(ctx);
  const rng = ctx.rng("x");
  const d = p.d as number, hidden = p.hidden as number;
  const x: Matrix = { rows: STEP_N, cols: d, data: rng.fillNormal(new Float64Array(STEP_N * d)) };
  const data: TrainingData = { x, l: p.l as number, likelihood: "gaussian", sigma2: STEP_SIGMA2 };
  const net = { hidden: [hidden, hidden], activation: "tanh" as const };
  // The method makes its own inputs (MAPA: its rows) from the case's K and S.
  const prepared = await getMethod(p.method as string).prepare(data, {
    k: (p.k as number | undefined) ?? 0,
    s: p.s as number,
  });
  return {
    ...(await measureSteps(p.method as string, data, {
      encoder: net,
      decoder: net,
      ...prepared.options,
      // The peer draws any tail i.i.d. from the renormalised tail.
      tailScheme: "iid",
      steps: p.steps as number,
      seed: ctx.seed,
      batchSize: p.batch as number,
      signal: ctx.signal,
    })),
    backend: info.backend,
  };
}

const ROWS_NOTE = "exact top-K of the batch rows against all N (exactRowsFor)";
const TAIL_NOTE = "fresh Gumbel-top-S per step and row over all N outside the top K";

/** The passes suite. */
export const passesSuite: Suite = {
  name: "passes",
  description:
    "network passes per point per gradient step against S and N, MAPA vs IWAE and VAE (paper Fig. 2b, D.2)",
  cases(profile) {
    const cfg = PASSES_PROFILES[profile];
    const budget = BUDGET_PROFILES[profile];
    const cases: CaseSpec[] = [];
    // IWAE and the VAE share no codes between rows, so their counts cannot
    // depend on the data; they are counted on the first data set only.
    const ref = cfg.datasets[0];
    for (const n of nGrid(profile)) {
      const common = {
        n,
        batch: Math.min(BATCH, n),
        steps: cfg.steps,
        budgetN: budget.n,
        budgetK: budget.k,
        budgetS: budget.s,
      };
      for (const ds of cfg.datasets) {
        for (const s of S_VALUES) {
          cases.push({
            suite: "passes",
            name: `${ds}/n${n}/mapa/s${s}`,
            params: {
              method: "mapa",
              dataset: ds,
              s,
              k: MAPA_K,
              ...common,
              rows: ROWS_NOTE,
              tail: TAIL_NOTE,
            },
          });
        }
      }
      for (const s of S_VALUES) {
        cases.push({
          suite: "passes",
          name: `${ref}/n${n}/iwae/s${s}`,
          params: { method: "iwae", dataset: ref, s, ...common },
        });
      }
      cases.push({
        suite: "passes",
        name: `${ref}/n${n}/vae`,
        params: { method: "vae", dataset: ref, s: 1, ...common },
      });
    }
    for (const m of STEP_METHODS) {
      const step = {
        ...m,
        n: STEP_N,
        batch: BATCH,
        hidden: 50,
        d: 2,
        l: 2,
        steps: cfg.timingSteps,
      };
      for (const peer of ["tfjs", "pytorch"]) {
        cases.push({
          suite: "passes",
          name: `step/${m.method}/${peer}`,
          params: { ...step, peer },
        });
      }
    }
    return cases;
  },
  async run(spec, ctx) {
    const p = spec.params;
    if (p.peer === "pytorch") return await torchStep(p);
    if (p.peer === "tfjs") return await tfjsStep(p, ctx);
    await useBackend(ctx);
    ctx.progress(0, "rows");
    const rows = await cachedRows(
      p.dataset as string,
      p.n as number,
      ctx.seed,
      p.steps as number,
    );
    ctx.progress(0.5, "count");
    const c = countMethodPasses(p.method as string, rows, { s: p.s as number, seed: ctx.seed });
    return {
      encoderPassesPerPoint: c.encoderPassesPerPoint,
      decoderPassesPerPoint: c.decoderPassesPerPoint,
    };
  },
  summarize(results) {
    return summarizePasses(results);
  },
  report(results, summary) {
    return reportPasses(results, summary);
  },
};

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

function costOf(m: Record<string, JsonValue>, model: CostModelName): number {
  const d = m.decoderPassesPerPoint as number;
  return model === "decoder" ? d : d + (m.encoderPassesPerPoint as number);
}

/** Counted cases: MAPA by `${dataset}|${s}`, the others by `${method}|${s}`, each N -> metrics. */
function collect(results: CaseResult[]) {
  const mapa = new Map<string, Map<number, Record<string, JsonValue>>>();
  const ref = new Map<string, Map<number, Record<string, JsonValue>>>();
  const counted = results.filter((r) =>
    r.status === "ok" && !r.params.peer && typeof r.params.n === "number"
  );
  for (const r of counted) {
    const method = r.params.method as string;
    const key = method === "mapa" ? `${r.params.dataset}|${r.params.s}` : `${method}|${r.params.s}`;
    const into = method === "mapa" ? mapa : ref;
    if (!into.has(key)) into.set(key, new Map());
    into.get(key)!.set(r.params.n as number, r.metrics);
  }
  const datasets = [
    ...new Set(
      counted.filter((r) => r.params.method === "mapa").map((r) => r.params.dataset as string),
    ),
  ];
  const ns = [...new Set(counted.map((r) => r.params.n as number))].sort((a, b) => a - b);
  return { mapa, ref, datasets, ns };
}

/** MAPA / IWAE cost at each N for one data set, S and cost model. */
function ratioCurve(
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

/** The median, or null for no values. */
function medianOrNull(v: number[]): number | null {
  return v.length === 0 ? null : median(v);
}

/** The budget suite's N, K and S, as the counted cases record them. */
function budgetOf(results: CaseResult[]): { n: number; k: number; s: number } | undefined {
  const p = results.find((r) => typeof r.params.budgetN === "number")?.params;
  return p ? { n: p.budgetN as number, k: p.budgetK as number, s: p.budgetS as number } : undefined;
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
  for (const r of results) {
    const p = r.params;
    if (r.status !== "ok" || p.method !== "mapa" || typeof p.n !== "number") continue;
    const want = uniformOccupancy(p.n, {
      batch: (p.batch as number) ?? BATCH,
      terms: (p.k as number) + (p.s as number),
    });
    const dev = Math.abs((r.metrics.decoderPassesPerPoint as number) / want - 1);
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
        values.push(x.status === "crossed" ? x.n! : x.status === "beyond" ? Infinity : 0);
        at.smallest.push(curve[0].ratio);
        at.largest.push(curve[curve.length - 1].ratio);
        const b = budget && curve.find((q) => q.n === budget.n);
        if (b) at.budget.push(b.ratio);
      }
      // "beyond" sorts above every N and "never" below, so the median says which side most are on.
      const med = medianOrNull(values);
      const status = med === null
        ? "none"
        : med === Infinity
        ? "beyond"
        : med === 0
        ? "never"
        : "crossed";
      crossover[key] = {
        status,
        n: status === "crossed" ? med : null,
        smallestN: c.ns[0] ?? null,
        largestN: c.ns[c.ns.length - 1] ?? null,
        perDataset,
      };
      out[`crossoverNS${s}${CM_KEY[cm]}`] = status === "crossed" ? med : null;
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
  const step = (method: string, peer: string) =>
    results.find((r) => r.params.method === method && r.params.peer === peer && r.status === "ok")
      ?.metrics.stepSeconds as number | undefined;
  const steps: Record<string, JsonValue> = {};
  for (const { method } of STEP_METHODS) {
    const tfjs = step(method, "tfjs"), torch = step(method, "pytorch");
    steps[method] = {
      tfjsSeconds: tfjs ?? null,
      pytorchSeconds: torch ?? null,
      tfjsOverPytorch: tfjs && torch ? tfjs / torch : null,
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
    iwaeStepSecondsTfjs: tfjs ?? null,
    iwaeStepSecondsPytorch: torch ?? null,
    tfjsOverPytorch: tfjs && torch ? tfjs / torch : null,
    stepVsPytorch: steps,
  };
}

const fmt = (v: JsonValue | undefined, digits = 2) =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
const fmtN = (v: number) => Math.round(v).toLocaleString("en-US");
const CM_TITLE: Record<CostModelName, string> = {
  decoder: "decoder-dominated",
  encoder_decoder: "encoder + decoder",
};

function crossoverText(x: JsonValue | undefined): string {
  const o = (x ?? {}) as Record<string, JsonValue>;
  if (o.status === "crossed") return `N ≈ ${fmtN(o.n as number)}`;
  if (o.status === "beyond") {
    return `no N measured (it still saves at N = ${fmtN(o.largestN as number)}, the largest)`;
  }
  if (o.status === "never") {
    return `every N measured (it saves nothing even at N = ${
      fmtN(o.smallestN as number)
    }, the smallest)`;
  }
  return "n/a";
}

function perDatasetText(x: JsonValue | undefined): string {
  const per = ((x ?? {}) as Record<string, JsonValue>).perDataset as
    | Record<string, { status: string; n: number | null }>
    | undefined;
  if (!per) return "";
  return Object.entries(per).map(([ds, v]) =>
    `${ds} ${
      v.status === "crossed" ? fmtN(v.n!) : v.status === "beyond" ? "beyond" : "below smallest N"
    }`
  ).join(", ");
}

function lineChart(
  title: string,
  datasets: JsonValue[],
  axes: { x: string; y: string },
): ChartSpec {
  return {
    title,
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: axes.x } },
          y: { type: "logarithmic", title: { display: true, text: axes.y } },
        },
      },
    },
  };
}

/** Passes against N at one S and cost model, with the N / B cap and the budget suite's N. */
function nChart(
  c: ReturnType<typeof collect>,
  s: number,
  cm: CostModelName,
  budgetN: number | null,
): ChartSpec {
  const lines: JsonValue[] = [];
  let yMin = Infinity, yMax = 0;
  for (const ds of c.datasets) {
    const curve = ratioCurve(c, ds, s, cm);
    for (const q of curve) {
      yMin = Math.min(yMin, q.mapa, q.iwae);
      yMax = Math.max(yMax, q.mapa, q.iwae);
    }
    lines.push({ label: `MAPA ${ds}`, data: curve.map((q) => ({ x: q.n, y: q.mapa })) });
  }
  const iwae = c.ref.get(`iwae|${s}`);
  if (iwae) {
    lines.push({
      label: `IWAE S=${s}`,
      borderWidth: 3,
      data: c.ns.filter((n) => iwae.has(n)).map((n) => ({ x: n, y: costOf(iwae.get(n)!, cm) })),
    });
  }
  // Each distinct code costs one pass per network, so the encoder + decoder cap is 2 N / B.
  const per = cm === "decoder" ? 1 : 2;
  const nMin = c.ns[0], nMax = c.ns[c.ns.length - 1];
  if (nMin !== undefined) {
    const cap = (n: number) => per * n / BATCH;
    // Drawn up to twice the largest count, so the measured curves keep the chart's height.
    const end = yMax > 0 ? Math.min(nMax, 2 * yMax * BATCH / per) : nMax;
    lines.push({
      label: `cap: ${per === 1 ? "" : "2 "}N / B`,
      borderDash: [6, 4],
      pointRadius: 0,
      data: [{ x: nMin, y: cap(nMin) }, { x: Math.max(nMin, end), y: cap(Math.max(nMin, end)) }],
    });
    yMin = Math.min(yMin, cap(nMin));
  }
  if (budgetN && yMax > 0) {
    lines.push({
      label: `budget suite N = ${fmtN(budgetN)}`,
      borderDash: [2, 3],
      pointRadius: 0,
      data: [{ x: budgetN, y: yMin }, { x: budgetN, y: yMax }],
    });
  }
  return lineChart(
    `Passes per point per step against N at S = ${s} (${CM_TITLE[cm]}; MAPA K = ${MAPA_K})`,
    lines,
    { x: "training points N", y: "passes per point per step" },
  );
}

/** MAPA / IWAE passes against S, one line per N (median over data sets). */
function sChart(c: ReturnType<typeof collect>, cm: CostModelName): ChartSpec {
  const lines: JsonValue[] = [];
  for (const n of c.ns) {
    const pts: { x: number; y: number }[] = [];
    for (const s of S_VALUES) {
      const r = medianOrNull(c.datasets.flatMap((ds) => {
        const q = ratioCurve(c, ds, s, cm).find((p) => p.n === n);
        return q ? [q.ratio] : [];
      }));
      if (r !== null) pts.push({ x: s, y: r });
    }
    if (pts.length) lines.push({ label: `N = ${fmtN(n)}`, data: pts });
  }
  lines.push({
    label: "equal cost",
    borderDash: [6, 4],
    pointRadius: 0,
    data: [{ x: S_VALUES[0], y: 1 }, { x: S_VALUES[S_VALUES.length - 1], y: 1 }],
  });
  return lineChart(
    `MAPA / IWAE passes per step against S, median over data sets (${CM_TITLE[cm]})`,
    lines,
    { x: "S (IWAE samples; MAPA tail draws, plus K top rows)", y: "MAPA / IWAE passes" },
  );
}

/** How far the MAPA counts sit from uniform occupancy, in words. */
function occupancyNote(deviation: JsonValue | undefined): string {
  const formula =
    "N / B (1 - exp(-B (K + S) / N)), the distinct codes of B (K + S) terms dropped uniformly on N points";
  if (typeof deviation !== "number") return `No MAPA count was compared with ${formula}.`;
  const pct = fmt(100 * deviation, 1);
  return deviation <= 0.1
    ? `Rows share codes about as often as random draws would: every MAPA count is within ${pct}% of ${formula}, on every data set (the batch rows are spread like the data, so in any region the ratio of terms to points is the global B (K + S) / N).`
    : `MAPA counts depart from ${formula} by up to ${pct}%: where the rows sit changes how many codes they share.`;
}

function reportPasses(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection {
  const c = collect(results);
  const budgetN = summary.budgetN as number | null;
  const crossover = (summary.crossover ?? {}) as Record<string, JsonValue>;
  const passRatio = (summary.passRatio ?? {}) as Record<string, Record<string, JsonValue>>;
  const charts: ChartSpec[] = [];
  for (const s of HEADLINE_S) for (const cm of COST_MODELS) charts.push(nChart(c, s, cm, budgetN));
  for (const cm of COST_MODELS) charts.push(sChart(c, cm));
  const nMin = c.ns[0] ?? NaN, nMax = c.ns[c.ns.length - 1] ?? NaN;
  const notes: string[] = [
    `Passes are counted, not trained: each model computes its loss on real batches (batch B = ${BATCH}, drawn as the trainer draws them) and its own pass counter is read (one input row through one network = one pass). MAPA's rows are the exact top K = ${MAPA_K} of the batch rows against all N points, its S tail draws fresh per step from the exact tail (Gumbel-top-S without replacement, the default scheme); IWAE and the VAE share no codes, so their counts do not depend on the data set.`,
    `MAPA's saving comes from rows sharing codes: a step encodes and decodes each distinct code among its rows' K + S terms once, so it never needs more than N codes, at most N / B passes per point per network (the dashed cap). At small N the ratio to IWAE is capped by N / B, not earned by the bound; as N grows past B (K + S) = ${
      fmtN(BATCH * (MAPA_K + 20))
    } (S = 20) or ${
      fmtN(BATCH * (MAPA_K + 100))
    } (S = 100), rows share fewer codes and MAPA's passes per point approach K + S, more than IWAE's S.`,
    occupancyNote(summary.uniformOccupancyMaxDeviation),
  ];
  for (const s of HEADLINE_S) {
    const d = crossover[`s${s}/decoder`], e = crossover[`s${s}/encoder_decoder`];
    const r = passRatio[`s${s}/decoder`] ?? {};
    notes.push(
      `At S = ${s}, MAPA stops saving passes against IWAE from ${
        crossoverText(d)
      } when the decoder dominates (per data set: ${perDatasetText(d)}) and from ${
        crossoverText(e)
      } when encoder and decoder both count (${
        perDatasetText(e)
      }); the crossover is interpolated on log N, median over data sets. MAPA / IWAE decoder passes run from ${
        fmt(r.smallestN)
      } at N = ${fmtN(nMin)} to ${fmt(r.largestN)} at N = ${fmtN(nMax)}.`,
    );
  }
  if (budgetN) {
    const br = (summary.budgetPassRatio ?? {}) as Record<string, JsonValue>;
    const b = results.find((r) => typeof r.params.budgetN === "number")?.params ?? {};
    const e = br.encoder_decoder;
    notes.push(
      `The budget suite trains at N = ${
        fmtN(budgetN)
      } (this profile; the dotted line) with batch ${BATCH}, MAPA K = ${b.budgetK}, S = ${b.budgetS} and IWAE ${
        (b.budgetK as number) + (b.budgetS as number)
      } samples: there MAPA needs at most ${
        fmt(budgetN / BATCH, 1)
      } passes per point per network, and its passes are ${fmt(br.decoder)}x IWAE's (decoder) and ${
        fmt(e)
      }x (encoder + decoder). Its density results sit in the ${
        typeof e === "number" && e < 1
          ? "shared-code regime, where MAPA is cheap because N is small, not because of its bound"
          : "regime where MAPA costs as much as IWAE or more"
      }.`,
    );
  }
  // Read from the cases, so a page re-rendered from an older run's summary still says what ran.
  const stepOf = (method: string, peer: string) =>
    results.find((r) => r.params.method === method && r.params.peer === peer);
  const stepRows = STEP_METHODS.map(({ method, s, k }) => {
    const tfjs = stepOf(method, "tfjs"), torch = stepOf(method, "pytorch");
    const secs = (r?: CaseResult) => r?.status === "ok" ? r.metrics.stepSeconds : undefined;
    const a = secs(tfjs), b = secs(torch);
    const ratio = typeof a === "number" && typeof b === "number" ? a / b : null;
    const ms = (r: CaseResult | undefined) =>
      r === undefined
        ? "not run"
        : r.status === "ok"
        ? `${fmt((r.metrics.stepSeconds as number) * 1000)} ms`
        : r.status;
    return `${method}${k ? ` (K=${k}, S=${s})` : s > 1 ? ` (S=${s})` : ""}: tfjs ${
      ms(tfjs)
    }, PyTorch CPU ${ms(torch)}, ratio ${fmt(ratio)}`;
  });
  const blas = results.find((r) => r.params.peer === "pytorch" && r.status === "ok")?.metrics.blas;
  notes.push(
    `Training step (batch ${BATCH}, 2-50-50 MLPs, N = ${STEP_N}, median over the timed steps, PyTorch on one thread in the same run): ${
      stepRows.join("; ")
    }.` + (blas === "generic"
      ? " This PyTorch is built on the generic reference BLAS (Debian's python3-torch): its " +
        "matmuls run several times slower than an MKL or OpenBLAS build, so these ratios " +
        "flatter tfjs and do not show parity with an optimised PyTorch."
      : typeof blas === "string"
      ? ` PyTorch's BLAS: ${blas}.`
      : ""),
  );
  const crossRows: JsonValue[][] = [];
  for (const s of HEADLINE_S) {
    for (const cm of COST_MODELS) {
      const x = crossover[`s${s}/${cm}`];
      crossRows.push([s, CM_TITLE[cm], crossoverText(x), perDatasetText(x)]);
    }
  }
  const rows: JsonValue[][] = results
    .filter((r) => r.status === "ok" && !r.params.peer && typeof r.params.n === "number")
    .map((r) => [
      r.params.dataset,
      r.params.n,
      r.params.method,
      r.params.s,
      (r.params.k as number) ?? null,
      r.metrics.encoderPassesPerPoint,
      r.metrics.decoderPassesPerPoint,
      (r.params.n as number) / BATCH,
    ]);
  return {
    title: "Forward passes per gradient step against S and N (MAPA vs IWAE)",
    notes,
    charts,
    tables: [
      {
        title: "N beyond which MAPA stops saving passes against IWAE",
        columns: ["S", "cost model", "crossover (median over data sets)", "per data set"],
        rows: crossRows,
      },
      {
        title: "Passes per point per gradient step",
        columns: ["dataset", "N", "method", "S", "K", "encoder", "decoder", "cap N / B"],
        rows,
      },
    ],
  };
}
