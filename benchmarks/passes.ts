/**
 * The passes suite (paper Fig. 2b, appendix D.2): network passes per data
 * point per gradient step for MAPA and IWAE as S grows, measured by the
 * networks' own counters, under both cost models; and the seconds of one
 * IWAE step (S = 20, batch 100, 2-50-50 MLPs) on tfjs next to PyTorch CPU.
 *
 * @module
 */

import { useBackend } from "./tfjs_backend.ts";
import { runPeer } from "./peer_python.ts";
import { SYNTHETIC_NAMES } from "../src/data/analytic.ts";
import { getSyntheticDataset } from "../src/data/registry.ts";
import { exactRows } from "../src/mapa/exact.ts";
import { makeTailPool } from "../src/mapa/tail.ts";
import type { MethodOptions, TrainingData } from "../src/models/method.ts";
import { measureSteps } from "../src/train/measure_steps.ts";
import type { Matrix } from "../src/types.ts";
import {
  type CaseResult,
  type CaseSpec,
  type JsonValue,
  type Profile,
  type ReportSection,
  type Suite,
} from "./suite.ts";

const S_VALUES = [1, 2, 5, 10, 20, 50, 100];
const BATCH = 100;
/** Top-K of the MAPA rows in this suite. */
const MAPA_K = 10;
const SIZES: Record<Profile, { n: number; steps: number; datasets: readonly string[] }> = {
  quick: { n: 1000, steps: 5, datasets: SYNTHETIC_NAMES },
  standard: { n: 5000, steps: 10, datasets: SYNTHETIC_NAMES },
  full: { n: 20000, steps: 20, datasets: SYNTHETIC_NAMES },
};
const COST_MODELS = ["decoder", "encoder_decoder"] as const;

const dataCache = new Map<string, { x: Matrix; data: TrainingData }>();

function dataset(name: string, n: number, seed: number): { x: Matrix; data: TrainingData } {
  const key = `${name}/${n}/${seed}`;
  let hit = dataCache.get(key);
  if (!hit) {
    const ds = getSyntheticDataset(name);
    const draw = ds.draw(n, seed);
    hit = {
      x: draw.x,
      data: {
        x: draw.x,
        l: ds.l,
        likelihood: "gaussian",
        sigma2: ds.sigma2,
        groundTruth: { codes: draw.z, decoder: ds.surrogate },
      },
    };
    dataCache.set(key, hit);
  }
  return hit;
}

async function torchStep(steps: number): Promise<Record<string, JsonValue>> {
  return await runPeer(new URL("./passes_torch.py", import.meta.url), {
    args: [String(BATCH), "20", "2", "2", "50", String(steps)],
    peer: "PyTorch",
    module: "torch",
    debianPackage: "python3-torch",
  }) as Record<string, JsonValue>;
}

/** The passes suite. */
export const passesSuite: Suite = {
  name: "passes",
  description: "network passes per point per gradient step, MAPA vs IWAE (paper Fig. 2b, D.2)",
  cases(profile) {
    const cfg = SIZES[profile];
    const cases: CaseSpec[] = [];
    for (const ds of cfg.datasets) {
      for (const method of ["mapa", "iwae"]) {
        for (const s of S_VALUES) {
          const params: Record<string, JsonValue> = { method, s, dataset: ds, n: cfg.n };
          if (method === "mapa") params.k = MAPA_K;
          cases.push({ suite: "passes", name: `${ds}/${method}/s${s}`, params });
        }
      }
    }
    const step = {
      method: "iwae",
      s: 20,
      batch: BATCH,
      hidden: 50,
      d: 2,
      l: 2,
      steps: 20 * cfg.steps,
    };
    cases.push({ suite: "passes", name: "step/iwae/tfjs", params: { ...step, peer: "tfjs" } });
    cases.push({
      suite: "passes",
      name: "step/iwae/pytorch",
      params: { ...step, peer: "pytorch" },
    });
    return cases;
  },
  async run(spec, ctx) {
    const p = spec.params;
    if (p.peer === "pytorch") return await torchStep(p.steps as number);
    const info = await useBackend(ctx);
    const seed = ctx.seed;
    if (p.peer === "tfjs") {
      const rng = ctx.rng("x");
      const x: Matrix = { rows: 1000, cols: 2, data: rng.fillNormal(new Float64Array(2000)) };
      const data: TrainingData = { x, l: 2, likelihood: "gaussian", sigma2: 0.01 };
      const net = { hidden: [50, 50], activation: "tanh" as const };
      return {
        ...(await measureSteps("iwae", data, {
          encoder: net,
          decoder: net,
          s: 20,
          steps: p.steps as number,
          seed,
        })),
        backend: info.backend,
      };
    }
    const { x, data } = dataset(p.dataset as string, p.n as number, seed);
    ctx.progress(0, "data");
    const s = p.s as number, options: MethodOptions = { s };
    const steps = SIZES[ctx.profile].steps;
    if (p.method === "mapa") {
      const rows = await exactRows(x, { k: p.k as number, sigma2: data.sigma2 });
      options.rows = rows;
      options.k = p.k as number;
      options.pool = makeTailPool(x, rows, { s, rounds: 2, seed });
    }
    ctx.progress(0.5, "steps");
    return { ...(await measureSteps(p.method as string, data, { ...options, steps, seed })) };
  },
  summarize(results) {
    return summarizePasses(results);
  },
  report(results, summary) {
    return reportPasses(results, summary);
  },
};

function costOf(m: Record<string, JsonValue>, model: typeof COST_MODELS[number]): number {
  const d = m.decoderPassesPerPoint as number;
  return model === "decoder" ? d : d + (m.encoderPassesPerPoint as number);
}

/** Per dataset and cost model: (samples, cost) points per method, sorted by samples. */
function curves(results: CaseResult[]) {
  const out = new Map<string, { mapa: number[][]; iwae: number[][] }>();
  for (const r of results) {
    if (r.status !== "ok" || r.params.peer) continue;
    for (const cm of COST_MODELS) {
      const key = `${r.params.dataset}|${cm}`;
      if (!out.has(key)) out.set(key, { mapa: [], iwae: [] });
      const samples = (r.params.s as number) + ((r.params.k as number) ?? 0);
      const c = out.get(key)!;
      (r.params.method === "mapa" ? c.mapa : c.iwae).push([samples, costOf(r.metrics, cm)]);
    }
  }
  for (const c of out.values()) {
    c.mapa.sort((a, b) => a[0] - b[0]);
    c.iwae.sort((a, b) => a[0] - b[0]);
  }
  return out;
}

/**
 * MAPA's sample count at `cost`, by linear interpolation of its (cost,
 * samples) curve; beyond its costliest case, that case's samples (a lower
 * bound: MAPA's cost saturates at N / batch passes per point).
 */
function samplesAtCost(mapa: number[][], cost: number): number | undefined {
  if (mapa.length > 0 && cost >= mapa[mapa.length - 1][1]) return mapa[mapa.length - 1][0];
  for (let i = 0; i + 1 < mapa.length; i++) {
    const [s0, c0] = mapa[i], [s1, c1] = mapa[i + 1];
    if (cost >= c0 && cost <= c1) return c1 === c0 ? s1 : s0 + (s1 - s0) * (cost - c0) / (c1 - c0);
  }
  return undefined;
}

function median(v: number[]): number | null {
  if (v.length === 0) return null;
  const s = [...v].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/**
 * At equal passes per gradient step, the ratio of samples MAPA affords to
 * the samples IWAE uses, per cost model (median over datasets and IWAE's S
 * within MAPA's measured range); and the tfjs / PyTorch IWAE step ratio.
 */
export function summarizePasses(results: CaseResult[]): Record<string, JsonValue> {
  const ratios: Record<string, number[]> = { decoder: [], encoder_decoder: [] };
  const perDataset: Record<string, JsonValue> = {};
  for (const [key, c] of curves(results)) {
    const [ds, cm] = key.split("|");
    const rs: number[] = [];
    for (const [s, cost] of c.iwae) {
      const m = samplesAtCost(c.mapa, cost);
      if (m !== undefined) rs.push(m / s);
    }
    ratios[cm].push(...rs);
    perDataset[`${ds}/${cm}`] = median(rs);
  }
  const step = (peer: string) =>
    results.find((r) => r.params.peer === peer && r.status === "ok")?.metrics.stepSeconds as
      | number
      | undefined;
  const tfjs = step("tfjs"), torch = step("pytorch");
  return {
    sampleRatioDecoder: median(ratios.decoder),
    sampleRatioEncoderDecoder: median(ratios.encoder_decoder),
    sampleRatioPerDataset: perDataset,
    iwaeStepSecondsTfjs: tfjs ?? null,
    iwaeStepSecondsPytorch: torch ?? null,
    tfjsOverPytorch: tfjs && torch ? tfjs / torch : null,
  };
}

function reportPasses(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection {
  const cs = curves(results);
  const datasets = [...new Set([...cs.keys()].map((k) => k.split("|")[0]))];
  const charts = COST_MODELS.map((cm) => ({
    title: `Passes per point per gradient step vs samples (${
      cm === "decoder" ? "decoder-dominated" : "encoder + decoder"
    })`,
    config: {
      type: "line",
      data: {
        datasets: datasets.flatMap((ds) => {
          const c = cs.get(`${ds}|${cm}`)!;
          return (["mapa", "iwae"] as const).map((m) => ({
            label: `${m.toUpperCase()} ${ds}`,
            data: c[m].map(([x, y]) => ({ x, y })),
          }));
        }),
      },
      options: {
        scales: {
          x: {
            type: "logarithmic",
            title: { display: true, text: "samples per point (IWAE: S, MAPA: K + S)" },
          },
          y: { type: "logarithmic", title: { display: true, text: "passes per point" } },
        },
      },
    } as { [key: string]: JsonValue },
  }));
  const rows: JsonValue[][] = results
    .filter((r) => r.status === "ok" && !r.params.peer)
    .map((r) => [
      r.params.dataset,
      r.params.method,
      r.params.s,
      (r.params.k as number) ?? null,
      r.metrics.encoderPassesPerPoint,
      r.metrics.decoderPassesPerPoint,
      r.metrics.stepSeconds,
    ]);
  const fmt = (v: JsonValue) => (typeof v === "number" ? v.toFixed(2) : "n/a");
  return {
    title: "Forward passes per gradient step (MAPA vs IWAE)",
    notes: [
      `Passes are counted by the networks themselves (one input row through one network = one pass), batch ${BATCH}, MAPA K = ${MAPA_K}.`,
      `At equal passes per step MAPA affords ${
        fmt(summary.sampleRatioDecoder)
      }x the samples of IWAE when the decoder dominates, ${
        fmt(summary.sampleRatioEncoderDecoder)
      }x when encoder and decoder both count (median over data sets and S; beyond MAPA's largest measured S the count is a lower bound).`,
      summary.tfjsOverPytorch
        ? `IWAE step (S=20, batch 100, 2-50-50 MLPs): tfjs ${
          fmt((summary.iwaeStepSecondsTfjs as number) * 1000)
        } ms vs PyTorch CPU ${fmt((summary.iwaeStepSecondsPytorch as number) * 1000)} ms, ratio ${
          fmt(summary.tfjsOverPytorch)
        }.`
        : `IWAE step (S=20, batch 100, 2-50-50 MLPs) on tfjs: ${
          fmt(((summary.iwaeStepSecondsTfjs as number) ?? NaN) * 1000)
        } ms; PyTorch peer not measured (skipped).`,
    ],
    charts,
    tables: [{
      title: "Passes per point per gradient step",
      columns: ["dataset", "method", "S", "K", "encoder", "decoder", "step seconds"],
      rows,
    }],
  };
}
