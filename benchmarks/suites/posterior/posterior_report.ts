/**
 * The posterior suite's report section: what is measured and how, the
 * verdict per data set, the charts (posterior_charts.ts) and the tables of
 * TV, top-mass Spearman correlations and the non-identifiability comparison.
 *
 * @module
 */

import type { CaseResult, JsonValue, ReportSection } from "../../harness/suite.ts";
import { posteriorCharts, triple } from "./posterior_charts.ts";
import { EQUAL_TV_GAP, equalByTv, okCases, SAME_PX_KL, type Spread } from "./posterior_summary.ts";

const spreadCells = (s: JsonValue | Spread) => {
  const v = s as Spread | undefined;
  return [v?.mean ?? null, v?.ciLow ?? null, v?.ciHigh ?? null];
};

function verdict(v: JsonValue | undefined): string {
  return v === true ? "equal" : v === false ? "different" : "not resolved";
}

/** The posterior suite's report section. */
export function reportPosterior(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const trend = okCases(results, "trend"), nonident = okCases(results, "nonident");
  const p0 = (trend[0] ?? nonident[0])?.params;
  const topMass = typeof p0?.topMass === "number" ? p0.topMass : null;
  const massText = topMass === null ? "the top mass" : `${100 * topMass}% of the mass`;
  const notes = [
    "MAPA's q is dense over all N training codes (exact rows, K = N, Gaussian kernel with " +
    "bandwidth h = 2 sigma2, MAPA's default). It is scored against the ground-truth " +
    "empiricalized posterior q_GT(n | x_m), proportional to p_true(x_m | z*_n) (Eq. 7, what " +
    "MAPA-GT trains with), by total variation: TV = (1/2) sum_n |q(n | x_m) - q_GT(n | x_m)|, " +
    "the largest difference in probability the two give to any set of training codes (0: the " +
    "same distribution; 1: disjoint). TV weighs every code by its mass, so the far codes of " +
    "negligible mass count for nothing.",
    `Every mean is over the ${p0?.points ?? "chosen"} training points x_m of one data draw, ` +
    "chosen at random; the 95% intervals are Student-t intervals over those points (they " +
    "say how much the figure depends on which points were scored, not how it varies over " +
    "data draws).",
    "Sanity check of the measure: the same TV with the other reading of the bandwidth, " +
    "h = sigma2 (methods.md 4, a choice), paired over points, and the TV of a uniform q " +
    "(MAPA-naive: knows nothing about x_m), the scale a useless q sits at.",
    `Spearman correlations are kept only over the smallest set of codes holding ${massText} of ` +
    "the reference (q_GT, or the original posterior at the codes normalised over n). " +
    "Over all N codes the rank correlation was dominated by far codes any kernel ranks " +
    "right (the earlier all-N figures were 0.91-0.999 on every set and decoder) and it cannot " +
    "see the bandwidth at all: log q is -||x_n - x_m||^2 / (2h) plus a constant, so its ranks " +
    "are the same for every h. The restricted correlation is blind to h too; it checks the " +
    "order among the codes that matter, TV checks the mass.",
    "The paper (6.3, Fig. 3) finds MAPA captures the trend of the empiricalized posterior: its " +
    'log q looks like noise around log q_GT. It gives no number; here MAPA "captures the ' +
    "trend\" when its TV interval lies wholly below the uniform q's.",
    "Non-identifiability (6.4): a VAE trained on the same draw gives a second decoder with " +
    "about the same p(x) (its test KL to the truth is shown); its codes are the encoder means, " +
    "and its empiricalized posterior q_VAE(n | x_m) is proportional to p_VAE(x_m | mu_n). " +
    'MAPA\'s q is scored against both by TV. It is "equally good" on both when the paired ' +
    `95% interval of TV(q, q_GT) - TV(q, q_VAE) lies within +-${EQUAL_TV_GAP}, \"different\" ` +
    "when it lies wholly outside, and not resolved otherwise. The TV between q_GT and q_VAE " +
    "themselves is the yardstick: if it is within the margin, the two references are about " +
    "the same distribution over indices and equal scores say nothing about non-identifiability. " +
    "The paper finds MAPA equally good on both data sets.",
  ];
  const tr = summary.trend as Record<string, Record<string, JsonValue>> | undefined;
  for (const [ds, s] of Object.entries(tr ?? {})) {
    notes.push(
      `${ds}: TV to q_GT ${fmt(s.tvToGt)} [${fmt(s.tvToGtCiLow)}, ${fmt(s.tvToGtCiHigh)}] at ` +
        `h = 2 sigma2, ${fmt(s.tvToGtBandwidthSigma2)} at h = sigma2 (paired difference ` +
        `${fmt(s.tvSigma2MinusDefault)} [${fmt(s.tvSigma2MinusDefaultCiLow)}, ` +
        `${fmt(s.tvSigma2MinusDefaultCiHigh)}]), ${fmt(s.tvToGtUniform)} for a uniform q; ` +
        (s.capturesTrend === null
          ? "whether MAPA captures the trend is not resolved (no interval)."
          : s.capturesTrend
          ? "MAPA's q is clearly closer to q_GT than a uniform q (captures the trend, as the paper says)."
          : "MAPA's q is not clearly closer to q_GT than a uniform q (disagrees with the paper).") +
        (s.tvToGtNearestUniform === null || s.tvToGtNearestUniform === undefined
          ? ""
          : ` A uniform q over MAPA's nearest points (as many as its perplexity), which knows ` +
            `the neighbourhood but not the kernel's weights, scores ${
              fmt(s.tvToGtNearestUniform)
            } (paired difference to MAPA ${fmt(s.tvNearestUniformMinusMapa)} [${
              fmt(s.tvNearestUniformMinusMapaCiLow)
            }, ${fmt(s.tvNearestUniformMinusMapaCiHigh)}]): MAPA's weighting ${
              s.beatsNearestUniform === null
                ? "is not resolved against it"
                : s.beatsNearestUniform
                ? "is clearly closer to q_GT"
                : "is clearly farther from q_GT"
            }. The uniform q is an easy baseline; this one can fail.`),
    );
  }
  const ni = summary.nonident as Record<string, Record<string, JsonValue>> | undefined;
  for (const [ds, s] of Object.entries(ni ?? {})) {
    notes.push(
      `${ds}: TV of MAPA's q to the truth's posterior ${fmt(s.tvToGt)}, to the VAE's ` +
        `${fmt(s.tvToVae)}; gap ${fmt(s.tvGap)} [${fmt(s.tvGapCiLow)}, ${fmt(s.tvGapCiHigh)}]: ` +
        `${verdict(s.equallyGood)}. The two references are ${fmt(s.tvGtToVae)} apart in TV` +
        (s.referencesDiffer === true
          ? " (more than the margin: the comparison can tell them apart)."
          : s.referencesDiffer === false
          ? " (not clearly more than the margin: equal scores were to be expected)."
          : ".") +
        ` The VAE's codes reconstruct the training points to ${fmt(s.vaeResidualOverSigma2)} ` +
        "sigma2 (mean squared residual; the true codes: about 1). Well below 1, the VAE's codes " +
        "carry the noise too, f(mu_n) sits near x_n, and q_VAE is close to a Gaussian kernel " +
        "on x with h = sigma2, the form MAPA's q has." +
        (s.samePx === false
          ? ` The VAE's test KL to the truth is ${fmt(s.vaeTestKl)} nats, above the ` +
            `${SAME_PX_KL} at which its p(x) counts as the truth's: the paper's premise (two ` +
            "decoders with the same p(x)) does not hold here, so this data set does not judge " +
            "the claim."
          : s.samePx === true
          ? ` The VAE's test KL to the truth is ${fmt(s.vaeTestKl)} nats (within ${SAME_PX_KL}: ` +
            "the same p(x), as the premise needs)."
          : "") +
        " The interval is over points of one data draw and one VAE training run, so it does " +
        "not include the VAE's training noise.",
    );
  }
  const failed = results.filter((r) => r.suite === "posterior" && r.status !== "ok");
  if (failed.length > 0) {
    notes.push(
      `Cases not run: ${failed.map((r) => `${r.name}: ${r.status} (${r.error})`).join("; ")}.`,
    );
  }
  const charts = posteriorCharts(trend, nonident);
  return {
    title: "MAPA's posterior against the ground truth (trend and non-identifiability)",
    notes,
    charts,
    tables: [
      {
        title: "Total variation of q_MAPA to the ground-truth empiricalized posterior " +
          "(mean and 95% interval over points)",
        columns: [
          "data set",
          "N",
          "points",
          "TV, h = 2 sigma2",
          "CI low",
          "CI high",
          "TV, h = sigma2",
          "CI low",
          "CI high",
          "paired (sigma2) - (2 sigma2)",
          "CI low",
          "CI high",
          "TV, uniform q",
          "TV, uniform over nearest",
        ],
        rows: trend.map((r) => [
          r.params.dataset,
          r.params.n,
          (r.metrics.points as number[]).length,
          ...spreadCells(triple(r, "tvToGt")),
          ...spreadCells(triple(r, "tvToGtBandwidthSigma2")),
          ...spreadCells(r.metrics.tvSigma2MinusDefault),
          r.metrics.tvToGtUniform,
          r.metrics.tvToGtNearestUniform ?? null,
        ]),
      },
      {
        title: `Spearman correlation of log q_MAPA over the codes holding ${massText} of the ` +
          "reference (mean and 95% interval over points)",
        columns: [
          "data set",
          "codes in the set (mean)",
          "vs Eq. 7",
          "CI low",
          "CI high",
          "vs original posterior",
          "CI low",
          "CI high",
        ],
        rows: trend.map((r) => [
          r.params.dataset,
          r.metrics.topMassSizeMean,
          ...spreadCells(r.metrics.spearmanTopMass),
          ...spreadCells(r.metrics.spearmanPosteriorTopMass),
        ]),
      },
      {
        title: "Non-identifiability: MAPA's q against two decoders with the same p(x) (TV, " +
          "95% intervals over points)",
        columns: [
          "data set",
          "TV vs truth",
          "TV vs VAE",
          "gap (truth - VAE)",
          "gap CI low",
          "gap CI high",
          "verdict",
          "TV truth vs VAE",
          "CI low",
          "CI high",
          "Spearman top mass vs truth",
          "vs VAE",
          "VAE test KL",
          "residual / sigma2, truth",
          "residual / sigma2, VAE",
          "|rank corr| of codes",
        ],
        rows: nonident.map((r) => {
          const g = r.metrics.tvTruthMinusVae as Spread;
          return [
            r.params.dataset,
            r.metrics.tvToGt,
            r.metrics.tvToVae,
            ...spreadCells(g),
            verdict(equalByTv(g)),
            ...spreadCells(triple(r, "tvGtToVae")),
            r.metrics.spearmanTopMassTruthMean,
            r.metrics.spearmanTopMassVaeMean,
            r.metrics.vaeTestKl ?? (r.metrics.vaeTestKlNote as string),
            r.metrics.truthResidualOverSigma2,
            r.metrics.vaeResidualOverSigma2,
            r.metrics.codesRankCorrelation,
          ];
        }),
      },
    ],
  };
}

function fmt(v: JsonValue | undefined): string {
  return typeof v === "number" ? v.toFixed(3) : "n/a";
}
