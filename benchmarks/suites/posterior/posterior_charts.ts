/**
 * The posterior suite's charts: TV with its interval over points per data
 * set (trend and non-identifiability), scatter plots of the log posteriors
 * against the codes (the paper's Fig. 3) and of MAPA's against the ground
 * truth, and each data set's training points.
 *
 * @module
 */

import type { CaseResult, ChartSpec, JsonValue } from "../../harness/suite.ts";
import { intervalChart } from "../../../src/report/charts.ts";
import { num, type Spread } from "./posterior_summary.ts";

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
      data: { datasets: [{ label: String(r.params.dataset), data, pointRadius: 2 }] },
      options: {
        scales: {
          x: { title: { display: true, text: d === 1 ? "z*" : "x1" } },
          y: { title: { display: true, text: d === 1 ? "x" : "x2" } },
        },
      },
    },
  };
}

/** A TV chart: per label the mean over points on its 95% interval over points. */
function tvChart(title: string, yLabel: string, rows: [string, Spread][]): ChartSpec {
  return intervalChart(
    title,
    rows.map(([label, s]) => ({ label, low: s.ciLow, high: s.ciHigh, mean: s.mean })),
    {
      intervalLabel: "95% interval over the chosen points",
      meanLabel: "mean over the points",
      y: { min: 0, max: 1, title: { display: true, text: yLabel } },
    },
  );
}

/** The mean and interval of metric `name` (stored as name, nameCiLow, nameCiHigh). */
export function triple(r: CaseResult, name: string): Spread {
  return {
    mean: num(r.metrics[name]),
    ciLow: num(r.metrics[`${name}CiLow`]),
    ciHigh: num(r.metrics[`${name}CiHigh`]),
    n: (r.metrics.points as number[] | undefined)?.length ?? 0,
  };
}

/** Every chart of the section, from the trend and non-identifiability cases. */
export function posteriorCharts(trend: CaseResult[], nonident: CaseResult[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  if (trend.length > 0) {
    charts.push(tvChart(
      "TV between MAPA's q and the ground-truth empiricalized posterior (Eq. 7): h = 2 sigma2 " +
        "(default), h = sigma2, a uniform q and a q uniform over MAPA's nearest points; mean over points and 95% interval over points",
      "total variation (lower is closer)",
      trend.flatMap((r) => {
        const ds = String(r.params.dataset);
        return [
          [`${ds}: h = 2 sigma2`, triple(r, "tvToGt")],
          [`${ds}: h = sigma2`, triple(r, "tvToGtBandwidthSigma2")],
          [`${ds}: uniform q`, triple(r, "tvToGtUniform")],
          ...(r.metrics.tvToGtNearestUniform === undefined
            ? []
            : [[`${ds}: uniform over nearest`, triple(r, "tvToGtNearestUniform")]]),
        ] as [string, Spread][];
      }),
    ));
  }
  if (nonident.length > 0) {
    charts.push(tvChart(
      "Non-identifiability: TV of MAPA's q to the truth's and to the VAE's empiricalized " +
        "posterior, and between the two references; mean and 95% interval over points",
      "total variation",
      nonident.flatMap((r) => {
        const ds = String(r.params.dataset);
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
    const ds = String(r.params.dataset), m = (r.metrics.points as number[])[0];
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
  return charts;
}
