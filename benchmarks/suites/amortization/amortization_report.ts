/**
 * The amortization suite's report section: bars of test log-likelihood
 * against the VAE's, amortization gap and inference time, the training-loss
 * curves, the notes and the per-case table.
 *
 * @module
 */

import { paramReader } from "../../harness/params.ts";
import type { CaseResult, JsonValue, ReportSection } from "../../harness/suite.ts";
import {
  AMORTIZATION_METHODS,
  BATCH,
  BUDGET_KINDS,
  CURVE_WINDOWS,
  PASS_FACTOR,
} from "./amortization_settings.ts";
import { fmt, pairedDifference } from "./amortization_summary.ts";

/** The amortization suite's report section from its results and summary. */
export function reportAmortization(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const ok = results.filter((r) => r.status === "ok");
  const datasets = [...new Set(ok.map((r) => paramReader(r.params, r.name).string("dataset")))];
  const find = (ds: string, kind: string, method: string) =>
    ok.find((r) =>
      r.params.dataset === ds && (r.params.budgetKind ?? "passes") === kind &&
      r.params.method === method
    );
  const metric = (ds: string, kind: string, method: string, key: string) =>
    (find(ds, kind, method)?.metrics[key] ?? null) as number | null;
  // 95% whiskers where the metric has them: the paired interval over test points for a
  // difference to the VAE, mean +- 1.96 standard errors for the amortization gap.
  const interval = (ds: string, k: string, m: string, key: string, minusVae: boolean) => {
    const r = find(ds, k, m)?.metrics;
    if (!r) return null;
    if (minusVae) {
      const v = find(ds, k, "vae")?.metrics;
      const pd = v && m !== "vae"
        ? pairedDifference(r[`${key}PerPoint`], v[`${key}PerPoint`])
        : null;
      return pd ? [pd.ciLow, pd.ciHigh] : null;
    }
    const mean = r[key], se = r[`${key}StdError`];
    return typeof mean === "number" && typeof se === "number"
      ? [mean - 1.96 * se, mean + 1.96 * se]
      : null;
  };
  const bars = (title: string, key: string, yTitle: string, log = false, minusVae = false) => ({
    title,
    config: {
      type: "bar",
      data: {
        labels: datasets.flatMap((ds) => BUDGET_KINDS.map((k) => `${ds} (${k})`)),
        datasets: AMORTIZATION_METHODS.map((m) => ({
          label: m,
          data: datasets.flatMap((ds) =>
            BUDGET_KINDS.map((k) => {
              const v = metric(ds, k, m, key), base = metric(ds, k, "vae", key);
              return minusVae ? (v === null || base === null ? null : v - base) : v;
            })
          ),
          errorBars: datasets.flatMap((ds) =>
            BUDGET_KINDS.map((k) => interval(ds, k, m, key, minusVae))
          ),
        })),
      },
      options: {
        scales: {
          y: { type: log ? "logarithmic" : "linear", title: { display: true, text: yTitle } },
        },
      },
    } as { [key: string]: JsonValue },
  });
  const curves = datasets.flatMap((ds) =>
    BUDGET_KINDS.map((k) => ({
      title: `Training loss (minus the bound, nats per point), ${ds}, equal ${k}`,
      config: {
        type: "line",
        data: {
          labels: Array.from({ length: CURVE_WINDOWS }, (_, i) => `${(i + 1) * 10}%`),
          datasets: AMORTIZATION_METHODS.map((m) => ({
            label: m,
            data: (find(ds, k, m)?.metrics.trainLossCurve ?? []) as JsonValue[],
          })),
        },
        options: {
          scales: {
            x: { title: { display: true, text: "share of the method's steps" } },
            y: { title: { display: true, text: "nats" } },
          },
        },
      } as { [key: string]: JsonValue },
    }))
  );
  const per = (summary.perCase ?? {}) as Record<string, Record<string, JsonValue>>;
  const ci = (v: JsonValue | undefined) =>
    Array.isArray(v) ? `[${fmt(v[0])}, ${fmt(v[1])}]` : "(no interval)";
  const first = ok[0]?.params;
  const mn = ok.find((r) => r.params.dataset === "mnist")?.params;
  const syn = ok.find((r) => r.params.dataset !== "mnist")?.params;
  const budgetText = (q: Record<string, JsonValue> | undefined, name: string) =>
    q
      ? `${name}: T = ${q.budgetSteps ?? (q.budgetPasses as number) / (PASS_FACTOR * BATCH)} ` +
        `steps, P = ${PASS_FACTOR * BATCH} T decoder passes, ${q.nTrain} training and ` +
        `${q.nTest} test points, Adam lr ${q.learningRate}`
      : "";
  const notes = [
    "Two budgets per data set. Equal steps: every method takes T Adam steps of batch " +
    `${BATCH} (SA-VAE's 20 SVI steps per row are free). Equal decoder passes: every method ` +
    "spends P = T B decoder passes, so the VAE and GP-RF take T steps (their passes cases " +
    "are a second training run with other random streams: compare them to see the training " +
    "noise), IWAE (S = 5) about T / 5 and SA-VAE (21 passes per row per step) about T / 21. " +
    [budgetText(mn, "MNIST"), budgetText(syn, "synthetic")].filter((s) => s).join("; ") +
    ". T was set per profile from training curves measured beforehand with this code (the " +
    "AMORTIZATION_PROFILES doc in benchmarks/suites/amortization/amortization_settings.ts); this run's curves are below. Largest training-loss " +
    "drop over the last half of the steps (nats per point; > 0 means still improving): " +
    Object.entries(per).map(([key, r]) =>
      `${key}: ${fmt(r.largestLossChangeLastHalf)} (${r.largestLossChangeMethod})`
    ).join("; ") + ". Synthetic sets: the ground truth's test log-likelihood by the same " +
    "estimator is " +
    datasets.filter((ds) => ds !== "mnist").map((ds) =>
      `${ds} ${fmt(metric(ds, "steps", "vae", "truthTestLogLik"))}`
    ).join(", ") + " nats; a model far below it has not learned the data.",
    `Test log-likelihood: one estimator per data set for every method, never the method's own q: ${
      datasets.map((ds) =>
        `${ds}: ${per[`${ds}/steps`]?.estimator ?? per[`${ds}/passes`]?.estimator}`
      )
        .join("; ")
    }. One estimator per data set: ${summary.oneEstimatorPerDataset}. ` +
    "ELBO, amortization gap (ELBO of a per-point optimised Gaussian started at the method's q, " +
    "minus the amortized ELBO) and inference gap (test log-lik - ELBO) use the method's own q; " +
    "'own-q log-lik' is importance sampling with that q, shown only to say how much a proposal " +
    "alone moves the estimate.",
    `Intervals: ${summary.intervals}. One draw: they do not include training randomness.`,
    "Best test log-likelihood per data set and budget: " +
    Object.entries(per).map(([key, r]) =>
      `${key}: ${r.best} over ${r.runnerUp} by ${fmt(r.bestMinusRunnerUp)} nats ` +
      `[${fmt(r.ciLow)}, ${fmt(r.ciHigh)}]${r.clearWinner === false ? " (no clear winner)" : ""}`
    ).join("; ") + ".",
    `Kim and Pavlovic claim 1, GP-RF's test log-likelihood >= VAE's and SA-VAE's: ${summary.logLikClaim} (agrees: both paired intervals above 0; disagrees: one below). ` +
    Object.entries(per).map(([key, r]) =>
      `${key}: GP-RF - VAE ${fmt(r.gpRfMinusVae)} ${ci(r.gpRfMinusVaeCi)}, GP-RF - SA-VAE ${
        fmt(r.gpRfMinusSaVae)
      } ${ci(r.gpRfMinusSaVaeCi)}: ${r.logLikClaim}`
    ).join("; ") + ".",
    `Claim 2, GP-RF inference >= 10x faster per point than SA-VAE: held on ${summary.speedClaim}. ` +
    Object.entries(per).map(([key, r]) => `${key}: ${fmt(r.saVaeOverGpRfInferenceTime, 1)}x`)
      .join("; ") +
    ".",
  ];
  if (!first) notes.length = 0;
  const rows: JsonValue[][] = ok.map((r) => [
    r.params.dataset,
    r.params.budgetKind ?? "passes",
    r.params.method,
    r.metrics.testLogLik,
    r.metrics.testLogLikOwnQ ?? null,
    r.metrics.elbo,
    r.metrics.amortizationGap,
    r.metrics.inferenceGap,
    r.metrics.inferenceSecondsPerPoint,
    r.metrics.trainSteps,
    r.metrics.decoderPasses,
    r.metrics.trainLossChangeLastHalf ?? null,
    r.metrics.trainSeconds,
  ]);
  return {
    title: "Amortization: VAE, IWAE, SA-VAE and GP-RF at equal passes and equal steps",
    notes,
    charts: [
      bars(
        "Test log-likelihood minus the VAE's, shared estimator (nats, higher is better; " +
          "whiskers: paired 95% interval over test points)",
        "testLogLik",
        "nats",
        false,
        true,
      ),
      bars(
        "Amortization gap (nats, lower is better; whiskers: 95% interval over test points)",
        "amortizationGap",
        "nats",
      ),
      bars("Inference seconds per point", "inferenceSecondsPerPoint", "seconds", true),
      ...curves,
    ],
    tables: [{
      title: "Per data set, budget and method",
      columns: [
        "dataset",
        "budget",
        "method",
        "test log-lik (shared)",
        "own-q log-lik",
        "ELBO",
        "amortization gap",
        "inference gap",
        "inference s/point",
        "train steps",
        "decoder passes",
        "loss change, last half",
        "train s",
      ],
      rows,
    }],
  };
}
