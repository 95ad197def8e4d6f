/**
 * Summary and report page of the scaling suite: fitted slopes, crossovers,
 * the issue-12 goals, the k'-NN ratio against Python hnswlib, the bound
 * gaps, and the charts and tables of the rows cases (the density and sweep
 * studies bring their own).
 *
 * @module
 */

import { MANIFOLD_NAME, MANIFOLD_SPEC } from "../../../src/data/manifold.ts";
import type { CaseResult, JsonValue, ReportSection, TableSpec } from "../../harness/suite.ts";
import { answerNote, crossoverText } from "./scaling_answer.ts";
import { BOUND_ROUNDS, BOUND_ROWS, BOUND_S } from "./scaling_bound.ts";
import { densityCharts, densityNote, densityTable } from "./scaling_density_report.ts";
import { summarizeDensity } from "./scaling_density.ts";
import { logLogSlope } from "./scaling_metrics.ts";
import { paramsOf } from "./scaling_params.ts";
import { knnNote, pairedFaissNote } from "./scaling_peer_notes.ts";
import { FIGURE8_SIGMA2, K, MNIST_EPS, SCALING_ROW_BUILDERS } from "./scaling_rows.ts";
import { summarizeSweep, sweepCharts, sweepNote, sweepTable } from "./scaling_sweep.ts";

/** The exact builder, the reference of the crossover and speed-up figures. */
const EXACT = SCALING_ROW_BUILDERS.find((b) => b.exact)!.name;
/** The approximate builders, scored against exact rows; the first one's crossover is summarised. */
const APPROXIMATE = SCALING_ROW_BUILDERS.filter((b) => !b.exact).map((b) => b.name);

/** One builder's rows cases on one data set: N and `metric`, sorted by N. */
function series(results: CaseResult[], dataset: string, method: string, metric: string) {
  const out: { n: number; v: number }[] = [];
  for (const r of results) {
    const p = paramsOf(r.params, "rows");
    const v = r.metrics[metric];
    if (r.status !== "ok" || !p || p.dataset !== dataset || p.method !== method) continue;
    if (typeof v === "number") out.push({ n: p.n, v });
  }
  return out.sort((a, b) => a.n - b.n);
}

/** The suite's summary: slopes, crossovers, goals, peer ratios, bound gaps, studies. */
export function summarize(results: CaseResult[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const ds of ["figure8", "mnist", MANIFOLD_NAME]) {
    for (const b of SCALING_ROW_BUILDERS) {
      const s = series(results, ds, b.name, "totalSeconds");
      out[`${ds}_${b.name}_slope`] = logLogSlope(s.map((p) => p.n), s.map((p) => p.v));
    }
    const ex = series(results, ds, EXACT, "totalSeconds");
    const hn = series(results, ds, APPROXIMATE[0], "totalSeconds");
    // Crossover: the smallest measured N where HNSW (end to end) beats exact.
    const cross = hn.find((p) => ex.some((e) => e.n === p.n && e.v > p.v));
    out[`${ds}_crossover_n`] = cross ? cross.n : null;
    // The grid point before it where exact still won: the crossover lies between the two.
    const before = cross
      ? hn.filter((p) => p.n < cross.n && ex.some((e) => e.n === p.n && e.v <= p.v)).at(-1)
      : undefined;
    out[`${ds}_last_exact_faster_n`] = before ? before.n : null;
    const e1 = ex.find((p) => p.n === 100000), h1 = hn.find((p) => p.n === 100000);
    if (e1 && h1) out[`${ds}_speedup_n100000`] = e1.v / h1.v;
    // Where exact rows stop early (high D), the largest N where both ran.
    const common = hn.filter((p) => ex.some((e) => e.n === p.n)).at(-1);
    if (common) {
      const e = ex.find((p) => p.n === common.n)!;
      out[`${ds}_largest_common_n`] = common.n;
      out[`${ds}_speedup_largest_common_n`] = e.v / common.v;
    }
    if (hn.length > 0) out[`${ds}_hnsw_max_n`] = hn.at(-1)!.n;
  }
  const ex20 = series(results, "figure8", EXACT, "effectivePairsPerSecond").find((p) =>
    p.n === 20000
  );
  out.exact_pairs_per_second_n20000 = ex20 ? ex20.v : null;
  const faiss = results.find((r) => r.params.method === "faiss_flat");
  out.faiss_pairs_per_second_n20000 = faiss?.status === "ok"
    ? faiss.metrics.pairsPerSecond as number
    : `skipped: ${faiss?.error ?? "not run"}`;
  const fm = faiss?.status === "ok" ? faiss.metrics : {};
  out.exact_vs_faiss_paired_n20000 = typeof fm.pairedRatio === "number"
    ? {
      ratio: fm.pairedRatio,
      min: fm.pairedRatioMin as number,
      max: fm.pairedRatioMax as number,
      rounds: fm.pairedRounds as number,
      exactPairsPerSecond: fm.pairedExactPairsPerSecond as number,
      ...(typeof fm.blas === "string" ? { blas: fm.blas } : {}),
    }
    : null;
  const knn = results.find((r) => r.params.method === "hnsw_knn" && r.status === "ok");
  const py = results.find((r) => r.params.method === "hnswlib_py" && r.status === "ok");
  out.hnsw_knn_vs_hnswlib_py = knn && py
    ? {
      n: paramsOf(knn.params, "rows")?.n ?? null,
      seconds: knn.metrics.totalSeconds as number,
      shards: typeof knn.metrics.shards === "number" ? knn.metrics.shards : 1,
      peerSeconds: py.metrics.totalSeconds as number,
      ratio: (knn.metrics.totalSeconds as number) / (py.metrics.totalSeconds as number),
      buildRatio: (knn.metrics.buildSeconds as number) / (py.metrics.buildSeconds as number),
      queryRatio: (knn.metrics.querySeconds as number) / (py.metrics.querySeconds as number),
      ...(typeof knn.metrics.pairedRatio === "number"
        ? {
          pairedRatio: knn.metrics.pairedRatio,
          pairedRatioMin: knn.metrics.pairedRatioMin as number,
          pairedRatioMax: knn.metrics.pairedRatioMax as number,
          pairedBuildRatio: knn.metrics.pairedBuildRatio as number,
          pairedQueryRatio: knn.metrics.pairedQueryRatio as number,
          pairedRounds: knn.metrics.pairedRounds as number,
        }
        : {}),
    }
    : null;
  const h100 = results.find((r) => r.name === "figure8_hnsw_n100000" && r.status === "ok");
  if (h100) {
    out.goal_hnsw_n100000 = {
      recallAtKTies: h100.metrics.recallAtKTies,
      logZErrMean: h100.metrics.logZErrMean,
      met: (h100.metrics.recallAtKTies as number) >= 0.99 &&
        (h100.metrics.logZErrMean as number) <= 0.05 &&
        ((out.figure8_speedup_n100000 as number) ?? 0) >= 20,
    };
  }
  // The normaliser target of issue 12 (2-D, N = 20,000, sigma2 = 0.01, K = 16).
  const h20 = results.find((r) => r.name === "figure8_hnsw_n20000" && r.status === "ok");
  if (h20) {
    const m = h20.metrics;
    out.normalizer_goal_n20000 = {
      recallAtKTies: m.recallAtKTies,
      logZErrMean: m.logZErrMean,
      logZErrP99: m.logZErrP99,
      met: (m.recallAtKTies as number) >= 0.99 && (m.logZErrMean as number) <= 0.05 &&
        (m.logZErrP99 as number) <= 0.25,
    };
  }
  for (const r of results) {
    if (r.params.study !== "bound" || r.status !== "ok") continue;
    const m = r.metrics;
    out[`bound_gap_n${r.params.n}`] = {
      gapNats: m.boundGapNats,
      ciLow: m.boundGapCiLow,
      ciHigh: m.boundGapCiHigh,
      ...boundTarget(m.boundGapCiLow, m.boundGapCiHigh),
      // Runs before the one-estimator comparison lack these.
      sameEstimatorGapNats: m.boundGapSameEstimatorNats ?? null,
      sameEstimatorCiLow: m.boundGapSameEstimatorCiLow ?? null,
      sameEstimatorCiHigh: m.boundGapSameEstimatorCiHigh ?? null,
      // The same-draws reading of issue 12's gap (the page's note says why both are judged).
      sameEstimatorVerdict: m.boundGapSameEstimatorNats === undefined
        ? null
        : boundTarget(m.boundGapSameEstimatorCiLow, m.boundGapSameEstimatorCiHigh).verdict,
    };
  }
  Object.assign(out, summarizeDensity(results), summarizeSweep(results));
  return out;
}

/** Issue 12's bound-gap target: |gap| <= 0.01 nats. */
const BOUND_GAP_TARGET = 0.01;

/**
 * The bound-gap target judged on the gap's 95% interval, not its point
 * estimate: "met" when the whole interval lies within +-0.01 nats, "missed"
 * when it lies wholly outside, else "not resolved" (the draws cannot tell).
 */
export function boundTarget(
  ciLow: JsonValue | undefined,
  ciHigh: JsonValue | undefined,
): { verdict: "met" | "missed" | "not resolved"; met: boolean } {
  const lo = ciLow as number, hi = ciHigh as number;
  const t = BOUND_GAP_TARGET;
  const verdict = !Number.isFinite(lo) || !Number.isFinite(hi)
    ? "not resolved"
    : lo >= -t && hi <= t
    ? "met"
    : lo > t || hi < -t
    ? "missed"
    : "not resolved";
  return { verdict, met: verdict === "met" };
}

/** The bound study's note: both gaps, what each measures, and the figures. */
function boundNote(results: CaseResult[], fmt: (v: JsonValue | undefined) => JsonValue): string {
  const cases = results.filter((r) => r.params.study === "bound" && r.status === "ok");
  // Both gaps are judged against issue 12's +-0.01; they answer different questions.
  const gaps = (key: string) =>
    cases.map((r) => {
      const [lo, hi] = [r.metrics[`${key}CiLow`], r.metrics[`${key}CiHigh`]];
      return `N = ${r.params.n}: ${fmt(r.metrics[`${key}Nats`])} nats [${fmt(lo)}, ${fmt(hi)}]` +
        ` (target ${boundTarget(lo, hi).verdict})`;
    }).join("; ");
  const same = cases.some((r) => r.metrics.boundGapSameEstimatorNats !== undefined)
    ? ` (b) The one-estimator (same-draws) gap: exact rows get the HNSW rows' mixture ` +
      `estimator too (computed with K = k' and split into top K and extras), so the draws ` +
      `coincide wherever a row's k' found set and its split of S between the extras and the ` +
      `rest agree, and there the gap is 0 by construction. "Met" here says the index missed ` +
      `nothing that matters; it does not test the normaliser's estimate, which enters only ` +
      `through the split. ${gaps("boundGapSameEstimator")}.`
    : " (This run predates the one-estimator comparison.)";
  return `Bound gap (figure8_bound_*): L_{K,S} with HNSW rows minus with exact rows at the true ` +
    `decoder and codes, S = ${BOUND_S}, ${
      cases[0]?.metrics.boundRounds ?? BOUND_ROUNDS
    } rounds of fresh draws per row on up to ` +
    `${BOUND_ROWS} rows, each row and round on one seeded stream for both; target |gap| <= ` +
    `0.01 nats, met when the whole interval lies within it. Issue 12 asks for this gap "on ` +
    `the same draws" and names it boundGapNats. Draws can coincide only when both kinds of ` +
    `row use one tail estimator, so two gaps are reported and both judged; which of the two ` +
    `the target means is a reading of the issue. (a) boundGapNats: each kind with its own ` +
    `tail estimator, the mixture proposal for HNSW rows, the paper's draws from q~ (a scan of ` +
    `all N) for exact rows. The streams are shared but the draws differ. Both estimators are ` +
    `unbiased for the same tail sum, so this gap is mostly the difference of their variances ` +
    `(a lower-variance estimate of log p sits higher) plus any top-K neighbour the index ` +
    `missed; positive means the HNSW bound is the tighter. ${gaps("boundGap")}.` +
    estimatorShare(cases, fmt) + same;
}

/**
 * How much of boundGapNats the estimators make on their own: exact rows
 * under the mixture minus exact rows under the scan, beside the gap.
 */
function estimatorShare(
  cases: CaseResult[],
  fmt: (v: JsonValue | undefined) => JsonValue,
): string {
  const parts = cases.flatMap((r) => {
    const { boundExactMixtureNats: mix, boundExactNats: scan, boundGapNats: gap } = r.metrics;
    return typeof mix === "number" && typeof scan === "number" && typeof gap === "number"
      ? [`N = ${r.params.n}: ${fmt(mix - scan)} of ${fmt(gap)}`]
      : [];
  });
  return parts.length === 0 ? "" : ` Of that gap, switching exact rows alone from the scan to ` +
    `the mixture estimator accounts for (boundExactMixtureNats minus boundExactNats): ` +
    `${parts.join("; ")}.`;
}

function lineChart(
  title: string,
  results: CaseResult[],
  metric: string,
  logY: boolean,
  methods = SCALING_ROW_BUILDERS.map((b) => b.name),
): { title: string; config: { [key: string]: JsonValue } } {
  const datasets: JsonValue[] = [];
  for (const ds of ["figure8", "mnist", MANIFOLD_NAME]) {
    for (const method of methods) {
      const s = series(results, ds, method, metric);
      if (s.length > 0) {
        // Whiskers over the repeats (min to max of `<metric>Samples`) where a case has them.
        const spread = s.map((p) => {
          const r = results.find((r) => {
            const q = paramsOf(r.params, "rows");
            return q !== null && q.dataset === ds && q.method === method && q.n === p.n;
          });
          const v = r?.metrics[`${metric}Samples`];
          const xs = Array.isArray(v) ? v.filter((x): x is number => typeof x === "number") : [];
          return xs.length > 1 ? [Math.min(...xs), Math.max(...xs)] : null;
        });
        datasets.push({
          label: `${ds} ${method}`,
          data: s.map((p) => ({ x: p.n, y: p.v })),
          showLine: true,
          ...(spread.some((b) => b !== null) ? { errorBars: spread } : {}),
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

/** The suite's report section. */
export function report(results: CaseResult[], summary: Record<string, JsonValue>): ReportSection {
  const fmt = (v: JsonValue | undefined) =>
    typeof v === "number" ? (Number.isFinite(v) ? Number(v.toPrecision(3)) : null) : v ?? null;
  return {
    title: "MAPA rows: scaling of exact and HNSW rows",
    notes: [
      answerNote(summary, fmt),
      `K = ${K}; figure8 uses the Gaussian kernel with h = 2 sigma2 = ${
        2 * FIGURE8_SIGMA2
      }; MNIST ` +
      `(binarised) the Bernoulli kernel with eps = ${MNIST_EPS}; ${MANIFOLD_NAME} (D = ` +
      `${MANIFOLD_SPEC.d}, a 2-D sheet from a random tanh MLP, the truth) the Gaussian kernel ` +
      `with h = 2 sigma2 = ${2 * MANIFOLD_SPEC.sigma2}.`,
      `Growing N in high D (${MANIFOLD_NAME}): HNSW up to N = ${
        fmt(summary[`${MANIFOLD_NAME}_hnsw_max_n`])
      }, exact rows up to N = ${fmt(summary[`${MANIFOLD_NAME}_largest_common_n`])} (O(N^2 D), ` +
      `capped by predicted time); exact/HNSW time ratio there ${
        fmt(summary[`${MANIFOLD_NAME}_speedup_largest_common_n`])
      }x; ${crossoverText(summary, { ds: MANIFOLD_NAME, fmt })}. In 64-D the kernel of ` +
      `any other point is at most about exp(-D/2) of a point's own (the noise alone puts ` +
      `them 2 D sigma2 apart), so each row's mass sits on the point itself and the ` +
      `normaliser error is tiny whatever the index finds; recall@K is the telling figure.`,
      "Exact rows: streaming top-K and log normaliser over every unordered pair once (symmetric " +
      "tiles over 2 Workers, exact per-row sums); throughput is N^2 / seconds (effective " +
      "pairs/s), the same measure as faiss's N^2 kNN pairs. HNSW: hnswlib-node (no threads of " +
      "its own; from N = 10,000 two shards built side by side on Workers, every query " +
      "searching both, queries on one Worker per core), " +
      "normaliser = sum over the k' neighbours found + an unbiased estimate of the rest from " +
      "importance-sampled draws per row (restProposal: cells by default, near x_m where the " +
      "rest's kernel mass is; a pilot sizes the draws for a 0.03-nat standard error, at most " +
      "restDraws; drawsPerRow reports what they took).",
      "Accuracy of HNSW rows against exact rows (all rows for N <= 10,000, else 1,000 random " +
      "rows): tie-aware recall@K, |log Z_hnsw - log Z_exact| (mean and p99), top-K mass error; " +
      "meanTv (total variation to the exact q over all N, against the k' found) is kept but " +
      "mostly measures the mass outside k'. Peak RSS is process-wide, sampled every 50 ms.",
      boundNote(results, fmt),
      `Fitted log-log slopes of time against N: figure8 exact ${
        fmt(summary.figure8_exact_slope)
      }, ` +
      `hnsw ${fmt(summary.figure8_hnsw_slope)}; ${
        crossoverText(summary, { ds: "figure8", fmt })
      }. ` +
      `Exact pairs/s at N=20,000: ${fmt(summary.exact_pairs_per_second_n20000)}; faiss ` +
      `IndexFlatL2: ${fmt(summary.faiss_pairs_per_second_n20000)}.` +
      pairedFaissNote(summary.exact_vs_faiss_paired_n20000),
      knnNote(summary.hnsw_knn_vs_hnswlib_py),
      densityNote(results, { summary, fmt }),
      sweepNote(results, summary),
    ].filter((note): note is string => note !== null),
    charts: [
      lineChart(
        "Time vs N (log-log; whiskers: min to max over repeats)",
        results,
        "totalSeconds",
        true,
      ),
      // Exact rows are the reference these errors are measured against: not drawn.
      lineChart(
        "HNSW log-normaliser error (mean nats) vs N",
        results,
        "logZErrMean",
        true,
        APPROXIMATE,
      ),
      lineChart("HNSW tie-aware recall@K vs N", results, "recallAtKTies", false, APPROXIMATE),
      lineChart("HNSW mean TV vs N", results, "meanTv", true, APPROXIMATE),
      ...densityCharts(results),
      ...sweepCharts(results),
    ],
    tables: [
      {
        title: "Cases",
        columns: [
          "case",
          "status",
          "build s",
          "query s",
          "total s",
          "peak RSS MiB",
          "recall@K (ties)",
          "log Z err mean",
          "log Z err p99",
          "bound gap vs paper's estimator",
          "one-estimator (same-draws) gap",
          "mean TV",
          "pairs/s",
        ],
        rows: results.filter((r) => r.params.study !== "density" && r.params.study !== "sweep").map(
          (
            r,
          ) => [
            r.name,
            r.status,
            fmt(r.metrics.buildSeconds),
            fmt(r.metrics.querySeconds),
            fmt(r.metrics.totalSeconds),
            typeof r.metrics.peakRssBytes === "number"
              ? Math.round(r.metrics.peakRssBytes / 2 ** 20)
              : null,
            fmt(r.metrics.recallAtKTies),
            fmt(r.metrics.logZErrMean),
            fmt(r.metrics.logZErrP99),
            fmt(r.metrics.boundGapNats),
            fmt(r.metrics.boundGapSameEstimatorNats),
            fmt(r.metrics.meanTv),
            fmt(r.metrics.effectivePairsPerSecond ?? r.metrics.pairsPerSecond),
          ],
        ),
      },
      densityTable(results, fmt),
      sweepTable(results, fmt),
    ].filter((t): t is TableSpec => t !== null),
  };
}
