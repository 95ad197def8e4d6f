/**
 * The posterior suite's summary and report: total variation of MAPA's q to
 * the ground-truth empiricalized posterior per data set (with the other
 * bandwidth reading and a uniform q beside it), Spearman correlations
 * restricted to the reference's top mass, the non-identifiability
 * comparison, scatter plots of the log posteriors against the codes (the
 * paper's Fig. 3) and of each data set.
 *
 * @module
 */

import type { CaseResult, ChartSpec, JsonValue, ReportSection } from "../../harness/suite.ts";

/**
 * Margin in TV within which MAPA's q is "equally good" against two
 * references: the paired 95% interval of the TV gap must lie inside
 * [-0.05, 0.05] for "equal", and wholly beyond it for "different"; anything
 * else is not resolved. 0.05 is a sixth of the TV MAPA's q has to q_GT on
 * these sets (about 0.3), so a smaller gap is a small change in mass.
 */
export const EQUAL_TV_GAP = 0.05;

type Spread = { mean: number | null; ciLow: number | null; ciHigh: number | null; n: number };

function ok(results: CaseResult[], study: string): CaseResult[] {
  return results.filter((r) =>
    r.suite === "posterior" && r.status === "ok" && r.params.study === study
  );
}

const num = (v: JsonValue | undefined): number | null => (typeof v === "number" ? v : null);

/**
 * Whether a paired TV gap shows two scores equal: true when its 95% interval
 * lies within +-{@linkcode EQUAL_TV_GAP}, false when it lies wholly outside,
 * null (not resolved) otherwise or without an interval.
 */
export function equalByTv(gap: Spread): boolean | null {
  if (gap.ciLow === null || gap.ciHigh === null) return null;
  if (gap.ciLow >= -EQUAL_TV_GAP && gap.ciHigh <= EQUAL_TV_GAP) return true;
  if (gap.ciLow > EQUAL_TV_GAP || gap.ciHigh < -EQUAL_TV_GAP) return false;
  return null;
}

/**
 * Per data set the TV of MAPA's q to q_GT with its interval over points, at
 * both bandwidth readings, the top-mass Spearman correlations, and whether
 * MAPA "captures the trend" (6.3): its TV interval lies wholly below that of
 * a uniform q; for the
 * non-identifiability study whether MAPA's q is equally close in TV to both
 * references ({@linkcode equalByTv}), as the paper finds, and whether the
 * references themselves differ by more than the margin (if not, equality
 * was bound to hold).
 */
export function summarizePosterior(results: CaseResult[]): Record<string, JsonValue> {
  const trend: Record<string, JsonValue> = {};
  for (const r of ok(results, "trend")) {
    const m = r.metrics, gap = m.tvSigma2MinusDefault as Spread;
    // The paper's 6.3 claim, made testable: MAPA's q is clearly closer to q_GT than a q that
    // ignores x_m (the intervals over points do not overlap); clearly farther says no, and
    // overlapping intervals resolve nothing.
    const lo = num(m.tvToGtCiLow), hi = num(m.tvToGtCiHigh);
    const uniLow = num(m.tvToGtUniformCiLow), uniHigh = num(m.tvToGtUniformCiHigh);
    const captures = hi === null || uniLow === null || lo === null || uniHigh === null
      ? null
      : hi < uniLow
      ? true
      : lo > uniHigh
      ? false
      : null;
    trend[r.params.dataset as string] = {
      tvToGt: m.tvToGt,
      tvToGtCiLow: m.tvToGtCiLow,
      tvToGtCiHigh: m.tvToGtCiHigh,
      tvToGtBandwidthSigma2: m.tvToGtBandwidthSigma2,
      tvSigma2MinusDefault: gap.mean,
      tvSigma2MinusDefaultCiLow: gap.ciLow,
      tvSigma2MinusDefaultCiHigh: gap.ciHigh,
      tvToGtUniform: m.tvToGtUniform,
      spearmanTopMass: m.spearmanTopMassMean,
      spearmanPosteriorTopMass: m.spearmanPosteriorTopMassMean,
      capturesTrend: captures,
      agreesWithPaper: captures,
    };
  }
  const nonident: Record<string, JsonValue> = {};
  for (const r of ok(results, "nonident")) {
    const m = r.metrics, gap = m.tvTruthMinusVae as Spread;
    const equal = equalByTv(gap);
    const refLow = num(m.tvGtToVaeCiLow);
    nonident[r.params.dataset as string] = {
      tvToGt: m.tvToGt,
      tvToVae: m.tvToVae,
      tvGap: gap.mean,
      tvGapCiLow: gap.ciLow,
      tvGapCiHigh: gap.ciHigh,
      tvGtToVae: m.tvGtToVae,
      referencesDiffer: refLow === null ? null : refLow > EQUAL_TV_GAP,
      spearmanTopMassTruth: m.spearmanTopMassTruthMean,
      spearmanTopMassVae: m.spearmanTopMassVaeMean,
      equallyGood: equal,
      agreesWithPaper: equal,
      vaeTestKl: m.vaeTestKl,
      vaeResidualOverSigma2: m.vaeResidualOverSigma2,
    };
  }
  return { trend, nonident };
}

const COLORS = {
  mapa: "rgba(54, 162, 235, 0.6)",
  gt: "rgba(220, 53, 69, 0.7)",
  post: "rgba(0, 0, 0, 0.6)",
};

function xy(xs: JsonValue, ys: JsonValue) {
  const a = xs as (number | null)[], b = ys as (number | null)[];
  return a.map((x, i) => ({ x, y: b[i] })).filter((p) => p.x !== null && p.y !== null);
}

function scatterChart(
  title: string,
  s: Record<string, JsonValue>,
  codeLabel: string,
  withPosterior: boolean,
): ChartSpec {
  const datasets: JsonValue[] = [
    {
      label: "MAPA log q(n | x_m)",
      data: xy(s.code, s.logQMapa),
      backgroundColor: COLORS.mapa,
      pointRadius: 2,
    },
    {
      label: "empiricalized posterior (Eq. 7)",
      data: xy(s.code, s.logQGt),
      backgroundColor: COLORS.gt,
      pointRadius: 2,
    },
  ];
  if (withPosterior) {
    datasets.push({
      label: "original posterior at the codes (normalised over n)",
      data: xy(s.code, s.logPosterior),
      backgroundColor: COLORS.post,
      pointRadius: 1,
    });
  }
  return {
    title,
    config: {
      type: "scatter",
      data: { datasets },
      options: {
        scales: {
          x: { title: { display: true, text: codeLabel } },
          y: { title: { display: true, text: "log posterior over n" }, min: -60 },
        },
      },
    },
  };
}

function qVsGtChart(title: string, s: Record<string, JsonValue>): ChartSpec {
  return {
    title,
    config: {
      type: "scatter",
      data: {
        datasets: [{
          label: "training codes n",
          data: xy(s.logQGt, s.logQMapa),
          backgroundColor: COLORS.mapa,
          pointRadius: 2,
        }],
      },
      options: {
        scales: {
          x: { title: { display: true, text: "ground-truth log q_GT(n | x_m)" }, min: -60 },
          y: { title: { display: true, text: "MAPA log q(n | x_m)" } },
        },
      },
    },
  };
}

function datasetChart(r: CaseResult): ChartSpec {
  const sample = r.metrics.sample as { x: number[][]; z: number[] };
  const d = sample.x[0]?.length ?? 0;
  const data = sample.x.map((
    p,
    i,
  ) => (d === 1 ? { x: sample.z[i], y: p[0] } : { x: p[0], y: p[1] }));
  return {
    title: `${r.params.dataset}: ${sample.x.length} training points` +
      (d === 1 ? " (x against the true code z*)" : ""),
    config: {
      type: "scatter",
      data: { datasets: [{ label: r.params.dataset as string, data, pointRadius: 2 }] },
      options: {
        scales: {
          x: { title: { display: true, text: d === 1 ? "z*" : "x1" } },
          y: { title: { display: true, text: d === 1 ? "x" : "x2" } },
        },
      },
    },
  };
}

function intervalChart(title: string, yLabel: string, rows: [string, Spread][]): ChartSpec {
  return {
    title,
    config: {
      type: "bar",
      data: {
        labels: rows.map(([label]) => label),
        datasets: [
          {
            type: "bar",
            label: "95% interval over the chosen points",
            data: rows.map(([, s]) =>
              s.ciLow === null || s.ciHigh === null ? null : [s.ciLow, s.ciHigh]
            ),
            backgroundColor: "rgba(54, 162, 235, 0.35)",
            barPercentage: 0.4,
          },
          {
            type: "line",
            label: "mean over the points",
            data: rows.map(([, s]) => s.mean),
            showLine: false,
            pointRadius: 5,
            borderColor: "rgb(220, 53, 69)",
            backgroundColor: "rgb(220, 53, 69)",
          },
        ],
      },
      options: { scales: { y: { min: 0, max: 1, title: { display: true, text: yLabel } } } },
    },
  };
}

/** The mean and interval of metric `name` (stored as name, nameCiLow, nameCiHigh). */
function triple(r: CaseResult, name: string): Spread {
  return {
    mean: num(r.metrics[name]),
    ciLow: num(r.metrics[`${name}CiLow`]),
    ciHigh: num(r.metrics[`${name}CiHigh`]),
    n: (r.metrics.points as number[] | undefined)?.length ?? 0,
  };
}

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
  const trend = ok(results, "trend"), nonident = ok(results, "nonident");
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
          : "MAPA's q is not clearly closer to q_GT than a uniform q (disagrees with the paper)."),
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
        "on x with h = sigma2, the form MAPA's q has.",
    );
  }
  const failed = results.filter((r) => r.suite === "posterior" && r.status !== "ok");
  if (failed.length > 0) {
    notes.push(
      `Cases not run: ${failed.map((r) => `${r.name}: ${r.status} (${r.error})`).join("; ")}.`,
    );
  }
  const charts: ChartSpec[] = [];
  if (trend.length > 0) {
    charts.push(intervalChart(
      "TV between MAPA's q and the ground-truth empiricalized posterior (Eq. 7): h = 2 sigma2 " +
        "(default), h = sigma2, and a uniform q; mean over points and 95% interval over points",
      "total variation (lower is closer)",
      trend.flatMap((r) => {
        const ds = r.params.dataset as string;
        return [
          [`${ds}: h = 2 sigma2`, triple(r, "tvToGt")],
          [`${ds}: h = sigma2`, triple(r, "tvToGtBandwidthSigma2")],
          [`${ds}: uniform q`, triple(r, "tvToGtUniform")],
        ] as [string, Spread][];
      }),
    ));
  }
  if (nonident.length > 0) {
    charts.push(intervalChart(
      "Non-identifiability: TV of MAPA's q to the truth's and to the VAE's empiricalized " +
        "posterior, and between the two references; mean and 95% interval over points",
      "total variation",
      nonident.flatMap((r) => {
        const ds = r.params.dataset as string;
        return [
          [`${ds}: q vs truth`, triple(r, "tvToGt")],
          [`${ds}: q vs VAE`, triple(r, "tvToVae")],
          [`${ds}: truth vs VAE`, triple(r, "tvGtToVae")],
        ] as [string, Spread][];
      }),
    ));
  }
  for (const r of trend) {
    const sc = (r.metrics.scatter ?? []) as Record<string, JsonValue>[];
    for (const s of sc.slice(0, 1)) {
      charts.push(scatterChart(
        `${r.params.dataset}: log posteriors over n against z*_n for point ${s.point} (Fig. 3)`,
        s,
        "true code z*_n",
        true,
      ));
      charts.push(
        qVsGtChart(`${r.params.dataset}: MAPA vs ground-truth log posterior, point ${s.point}`, s),
      );
    }
  }
  for (const r of nonident) {
    const ds = r.params.dataset as string, m = (r.metrics.points as number[])[0];
    charts.push(scatterChart(
      `${ds}, variant 1 (truth): point ${m}`,
      r.metrics.scatterTruth as Record<string, JsonValue>,
      "true code z*_n",
      false,
    ));
    charts.push(scatterChart(
      `${ds}, variant 2 (VAE): point ${m}`,
      r.metrics.scatterVae as Record<string, JsonValue>,
      "VAE code (encoder mean)",
      false,
    ));
  }
  for (const r of trend) if (r.metrics.sample) charts.push(datasetChart(r));
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
        ],
        rows: trend.map((r) => [
          r.params.dataset,
          r.params.n,
          (r.metrics.points as number[]).length,
          ...spreadCells(triple(r, "tvToGt")),
          ...spreadCells(triple(r, "tvToGtBandwidthSigma2")),
          ...spreadCells(r.metrics.tvSigma2MinusDefault),
          r.metrics.tvToGtUniform,
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
