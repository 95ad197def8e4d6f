/**
 * The scaling suite: exact and HNSW MAPA rows on growing N, on `figure8`
 * (D = 2, sigma2 = 0.01) and binarised MNIST (D = 784, Bernoulli kernel),
 * plus faiss IndexFlatL2 as an optional peer for exact k-NN throughput.
 *
 * Peak RSS is `Deno.memoryUsage().rss` sampled every 50 ms and at each
 * progress report during the case, minus nothing: it is process-wide, so it
 * includes the runner and anything earlier cases left on the heap (cases run
 * in process; a subprocess per case would isolate it at the cost of reloading
 * data). HNSW accuracy is scored against exact rows on all rows for
 * N <= 10,000, else on 1,000 random rows (exact rows for just those).
 *
 * @module
 */

import { loadMnist } from "../src/data/mnist.ts";
import { getSyntheticDataset } from "../src/data/registry.ts";
import { exactRowsFor, exactRowsWithStats } from "../src/mapa/exact.ts";
import { hnswRowsWithStats } from "../src/mapa/hnsw.ts";
import { resolveKernel } from "../src/mapa/kernel.ts";
import type { Matrix } from "../src/types.ts";
import { runPeer } from "./peer_python.ts";
import { logLogSlope, scoreRows } from "./scaling_metrics.ts";
import {
  type CaseResult,
  CaseSkipped,
  type CaseSpec,
  type JsonValue,
  type Profile,
  type ReportSection,
  type Suite,
} from "./suite.ts";

const K = 16;
const FIGURE8_SIGMA2 = 0.01;
const MNIST_EPS = 1e-3;
/** Exact cases whose predicted time exceeds this are skipped (seconds). */
const EXACT_CAP: Record<Profile, number> = { quick: 120, standard: 900, full: 3600 };

const GRID: Record<Profile, { figure8: number[]; exactMax: number; mnist: number[] }> = {
  quick: { figure8: [1000, 3000, 10000, 20000], exactMax: 20000, mnist: [1000, 3000] },
  standard: {
    figure8: [1000, 3000, 10000, 20000, 30000, 100000],
    exactMax: 100000,
    mnist: [1000, 3000, 10000],
  },
  full: {
    figure8: [1000, 3000, 10000, 20000, 30000, 100000, 300000, 1000000],
    exactMax: 300000,
    mnist: [1000, 3000, 10000],
  },
};

/** Cases faster than this are timed five times (see timeRepeated). */
const REPEAT_BELOW_SECONDS = 1;

function cases(profile: Profile): CaseSpec[] {
  const g = GRID[profile];
  const out: CaseSpec[] = [];
  const add = (dataset: string, method: string, n: number, d: number) =>
    out.push({
      suite: "scaling",
      name: `${dataset}_${method}_n${n}`,
      params: { dataset, method, n, d, k: K },
    });
  for (const n of g.figure8) {
    if (n <= g.exactMax) add("figure8", "exact", n, 2);
    add("figure8", "hnsw", n, 2);
  }
  for (const n of g.mnist) {
    add("mnist", "exact", n, 784);
    add("mnist", "hnsw", n, 784);
  }
  add("figure8", "faiss_flat", 20000, 2);
  return out;
}

function loadData(dataset: string, n: number, seed: number): Matrix {
  if (dataset === "figure8") return getSyntheticDataset("figure8").draw(n, seed).x;
  const m = loadMnist({ binary: true });
  const all = [m.train, m.validation, m.test];
  const data = new Float64Array(n * 784);
  let off = 0;
  for (const part of all) {
    const take = Math.min(part.data.length, data.length - off);
    data.set(part.data.subarray(0, take), off);
    off += take;
  }
  if (off < data.length) {
    throw new CaseSkipped(`MNIST has only ${off / 784} digits, asked for ${n}`);
  }
  return { rows: n, cols: 784, data };
}

function kernelFor(dataset: string) {
  return dataset === "figure8"
    ? { kernel: "gaussian" as const, sigma2: FIGURE8_SIGMA2 }
    : { kernel: "bernoulli" as const, eps: MNIST_EPS };
}

async function runFaiss(n: number, seed: number): Promise<Record<string, JsonValue>> {
  // deno-lint-ignore no-explicit-any
  const o: any = await runPeer(new URL("./scaling_faiss.py", import.meta.url), {
    args: [String(n), "2", String(K), String(seed)],
    peer: "faiss",
    module: "faiss",
    debianPackage: "python3-faiss",
  });
  return {
    totalSeconds: o.seconds,
    pairsPerSecond: o.pairsPerSecond,
    threads: o.threads,
    buildSeconds: 0,
    querySeconds: o.seconds,
  };
}

/**
 * Times `fn` once and, when that took under REPEAT_BELOW_SECONDS, four more
 * times: the regression check gates a time only on repeated samples, and
 * repeating is cheap exactly where noise matters most. The first call's
 * value is returned.
 */
async function timeRepeated<T>(fn: () => Promise<T>): Promise<{ value: T; samples: number[] }> {
  const samples: number[] = [];
  let value: T | undefined;
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const v = await fn();
    samples.push((performance.now() - t0) / 1000);
    if (i === 0) value = v;
    if (samples[0] >= REPEAT_BELOW_SECONDS) break;
  }
  return { value: value as T, samples };
}

async function run(spec: CaseSpec, ctx: Parameters<Suite["run"]>[1]) {
  const { dataset, method } = spec.params as { dataset: string; method: string };
  const n = spec.params.n as number;
  if (method === "faiss_flat") return await runFaiss(n, ctx.seed);
  let peak = Deno.memoryUsage().rss;
  const sample = () => {
    const r = Deno.memoryUsage().rss;
    if (r > peak) peak = r;
  };
  const timer = setInterval(sample, 50);
  try {
    ctx.progress(0, "data");
    const x = loadData(dataset, n, ctx.seed);
    const kopts = kernelFor(dataset);
    const scale = resolveKernel(kopts).scale;
    if (method === "exact") {
      // Predict the time from 64 rows and skip beyond the profile's cap.
      const probeQ = new Int32Array(Math.min(64, n)).map((_, i) => Math.floor((i * n) / 64));
      const t0 = performance.now();
      await exactRowsFor(x, probeQ, { k: K, ...kopts, workers: 0 });
      const predicted = ((performance.now() - t0) / 1000) * (n / probeQ.length) / 2;
      if (predicted > EXACT_CAP[ctx.profile]) {
        throw new CaseSkipped(`predicted ${predicted.toFixed(0)} s exceeds the ${ctx.profile} cap`);
      }
      const { value: r, samples } = await timeRepeated(() =>
        exactRowsWithStats(x, {
          k: K,
          ...kopts,
          onProgress: (f) => {
            sample();
            ctx.progress(f, "exact rows");
          },
        })
      );
      const total = samples[0];
      sample();
      return {
        buildSeconds: 0,
        querySeconds: total,
        totalSeconds: total,
        peakRssBytes: peak,
        recallAtK: 1,
        meanTv: 0,
        totalSecondsSamples: samples,
        effectivePairsPerSecond: (n * n) / total,
        workers: r.stats.workers,
        gridCutoff: r.stats.usesGrid,
        gridFallbackRows: r.stats.fallbackRows,
      };
    }
    const { value: h, samples } = await timeRepeated(() =>
      hnswRowsWithStats(x, {
        k: K,
        ...kopts,
        seed: ctx.seed,
        onProgress: (f, label) => {
          sample();
          ctx.progress(f * 0.8, `hnsw ${label}`);
        },
      })
    );
    const total = samples[0];
    sample();
    ctx.progress(0.8, "scoring against exact rows");
    const rng = ctx.rng("score-rows");
    const sampleRows = n <= 10000 ? n : 1000;
    const q = new Int32Array(sampleRows).map((_, i) => (sampleRows === n ? i : rng.int(n)));
    const exact = await exactRowsFor(x, q, { k: K, ...kopts });
    const score = scoreRows(x, h.rows, exact, scale);
    sample();
    return {
      buildSeconds: h.buildSeconds,
      querySeconds: h.querySeconds,
      totalSeconds: total,
      totalSecondsSamples: samples,
      peakRssBytes: peak,
      recallAtK: score.recallAtK,
      meanTv: score.meanTv,
      maxTv: score.maxTv,
      meanTvTopK: score.meanTvTopK,
      scoredRows: sampleRows,
      kPrime: h.params.kPrime,
      hnswM: h.params.m,
      efConstruction: h.params.efConstruction,
      ef: h.params.ef,
      leftOutBoundMean: h.leftOut.boundMean,
      leftOutBoundMax: h.leftOut.boundMax,
      leftOutSampledMean: h.leftOut.sampledMean,
    };
  } finally {
    clearInterval(timer);
  }
}

function series(results: CaseResult[], dataset: string, method: string, metric: string) {
  return results
    .filter((r) =>
      r.status === "ok" && r.params.dataset === dataset && r.params.method === method &&
      typeof r.metrics[metric] === "number"
    )
    .map((r) => ({ n: r.params.n as number, v: r.metrics[metric] as number }))
    .sort((a, b) => a.n - b.n);
}

function summarize(results: CaseResult[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const ds of ["figure8", "mnist"]) {
    const ex = series(results, ds, "exact", "totalSeconds");
    const hn = series(results, ds, "hnsw", "totalSeconds");
    out[`${ds}_exact_slope`] = logLogSlope(ex.map((p) => p.n), ex.map((p) => p.v));
    out[`${ds}_hnsw_slope`] = logLogSlope(hn.map((p) => p.n), hn.map((p) => p.v));
    // Crossover: the smallest measured N where HNSW (end to end) beats exact.
    const cross = hn.find((p) => ex.some((e) => e.n === p.n && e.v > p.v));
    out[`${ds}_crossover_n`] = cross ? cross.n : null;
    const e1 = ex.find((p) => p.n === 100000), h1 = hn.find((p) => p.n === 100000);
    if (e1 && h1) out[`${ds}_speedup_n100000`] = e1.v / h1.v;
  }
  const ex20 = series(results, "figure8", "exact", "effectivePairsPerSecond").find((p) =>
    p.n === 20000
  );
  out.exact_pairs_per_second_n20000 = ex20 ? ex20.v : null;
  const faiss = results.find((r) => r.params.method === "faiss_flat");
  out.faiss_pairs_per_second_n20000 = faiss?.status === "ok"
    ? faiss.metrics.pairsPerSecond as number
    : `skipped: ${faiss?.error ?? "not run"}`;
  const h100 = results.find((r) => r.name === "figure8_hnsw_n100000" && r.status === "ok");
  if (h100) {
    out.goal_hnsw_n100000 = {
      recallAtK: h100.metrics.recallAtK,
      meanTv: h100.metrics.meanTv,
      met: (h100.metrics.recallAtK as number) >= 0.99 && (h100.metrics.meanTv as number) <= 1e-3 &&
        ((out.figure8_speedup_n100000 as number) ?? 0) >= 20,
    };
  }
  return out;
}

function lineChart(
  title: string,
  results: CaseResult[],
  metric: string,
  logY: boolean,
): { title: string; config: { [key: string]: JsonValue } } {
  const datasets: JsonValue[] = [];
  for (const ds of ["figure8", "mnist"]) {
    for (const method of ["exact", "hnsw"]) {
      const s = series(results, ds, method, metric);
      if (s.length > 0) {
        datasets.push({
          label: `${ds} ${method}`,
          data: s.map((p) => ({ x: p.n, y: p.v })),
          showLine: true,
        });
      }
    }
  }
  return {
    title,
    config: {
      type: "scatter",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: "N" } },
          y: { type: logY ? "logarithmic" : "linear", title: { display: true, text: metric } },
        },
      },
    },
  };
}

function report(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection {
  const fmt = (v: JsonValue | undefined) =>
    typeof v === "number" ? (Number.isFinite(v) ? Number(v.toPrecision(3)) : null) : v ?? null;
  return {
    title: "MAPA rows: scaling of exact and HNSW rows",
    notes: [
      `K = ${K}; figure8 uses the Gaussian kernel with h = 2 sigma2 = ${
        2 * FIGURE8_SIGMA2
      }; MNIST ` +
      `(binarised) the Bernoulli kernel with eps = ${MNIST_EPS}.`,
      "Exact rows: streaming top-K and log normaliser over every unordered pair once (symmetric " +
      "tiles over 2 Workers, exact per-row sums); throughput is N^2 / seconds (effective " +
      "pairs/s), the same measure as faiss's N^2 kNN pairs. HNSW: hnswlib-node, single thread, " +
      "normaliser over the k' neighbours found, so meanTv is about the posterior mass the " +
      "sparse rows leave out.",
      "recall@K and meanTv (total variation to the exact q over all N) score HNSW on all rows for " +
      "N <= 10,000, else on 1,000 random rows. Peak RSS is process-wide, sampled every 50 ms.",
      `Fitted log-log slopes of time against N: figure8 exact ${
        fmt(summary.figure8_exact_slope)
      }, ` +
      `hnsw ${fmt(summary.figure8_hnsw_slope)}; crossover N ${fmt(summary.figure8_crossover_n)}. ` +
      `Exact pairs/s at N=20,000: ${fmt(summary.exact_pairs_per_second_n20000)}; faiss ` +
      `IndexFlatL2: ${fmt(summary.faiss_pairs_per_second_n20000)}.`,
    ],
    charts: [
      lineChart("Time vs N (log-log)", results, "totalSeconds", true),
      lineChart("HNSW recall@K vs N", results, "recallAtK", false),
      lineChart("HNSW mean TV vs N", results, "meanTv", true),
    ],
    tables: [{
      title: "Cases",
      columns: [
        "case",
        "status",
        "build s",
        "query s",
        "total s",
        "peak RSS MiB",
        "recall@K",
        "mean TV",
        "pairs/s",
      ],
      rows: results.map((r) => [
        r.name,
        r.status,
        fmt(r.metrics.buildSeconds),
        fmt(r.metrics.querySeconds),
        fmt(r.metrics.totalSeconds),
        typeof r.metrics.peakRssBytes === "number"
          ? Math.round(r.metrics.peakRssBytes / 2 ** 20)
          : null,
        fmt(r.metrics.recallAtK),
        fmt(r.metrics.meanTv),
        fmt(r.metrics.effectivePairsPerSecond ?? r.metrics.pairsPerSecond),
      ]),
    }],
  };
}

/** The scaling suite (see the module doc). */
export const scalingSuite: Suite = {
  name: "scaling",
  description: "exact vs HNSW MAPA rows on growing N (figure8 D=2, MNIST D=784), faiss peer",
  cases,
  run,
  summarize,
  report,
};
