/**
 * The density study's part of the scaling report: its charts (test KL and
 * row seconds against N for each row kind), its note with the measured
 * gaps, and its table.
 *
 * @module
 */

import type { CaseResult, ChartSpec, JsonValue, TableSpec } from "../../harness/suite.ts";
import {
  datasetsOf,
  DENSITY_SERIES,
  densityResults,
  densitySeries,
  seriesOf,
} from "./scaling_density.ts";
import { DENSITY_PROFILES } from "./scaling_density_settings.ts";

const COLOURS: Record<string, [number, number, number]> = {
  exact: [54, 162, 235],
  exact_mixture: [75, 192, 192],
  hnsw: [255, 99, 132],
};

/** Series labels on the page. */
const LABELS: Record<string, string> = {
  exact: "exact (scan tail)",
  exact_mixture: "exact (mixture tail)",
  hnsw: "hnsw (mixture tail)",
};

/**
 * The two charts of the study: test KL against N for both row kinds with
 * shaded 95% intervals over test points, and row-building seconds against N.
 */
export function densityCharts(results: CaseResult[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const kl: JsonValue[] = [], time: JsonValue[] = [];
  for (const ds of datasetsOf(results)) {
    for (const rows of DENSITY_SERIES) {
      const s = densitySeries(results, ds, rows);
      if (s.length === 0) continue;
      const [cr, cg, cb] = COLOURS[rows];
      const name = `${ds} ${LABELS[rows]}`;
      const dash = ds === "figure8" ? [] : [6, 4];
      const pts = (key: string) => s.map((q) => ({ x: q.n, y: q.metrics[key] as number }));
      const edge = (key: string, label: string, fill: JsonValue) => ({
        label,
        data: pts(key),
        borderWidth: 0,
        pointRadius: 0,
        backgroundColor: `rgba(${cr}, ${cg}, ${cb}, 0.15)`,
        borderColor: `rgba(${cr}, ${cg}, ${cb}, 0)`,
        fill,
      });
      kl.push(
        // The upper edge fills down to the dataset just before it, the lower edge.
        edge("testKlCiLow", `${name} 95% interval (low)`, false),
        edge("testKlCiHigh", `${name} 95% interval`, "-1"),
        {
          label: name,
          data: pts("testKl"),
          borderColor: `rgb(${cr}, ${cg}, ${cb})`,
          backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
          borderDash: dash,
          fill: false,
        },
      );
      if (rows === "exact_mixture") continue; // the same rows as "exact", with k' kept
      time.push({
        label: `${ds} ${rows}`,
        data: pts("rowsSeconds"),
        borderColor: `rgb(${cr}, ${cg}, ${cb})`,
        backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
        borderDash: dash,
        fill: false,
      });
    }
    // Further training seeds as bare points: how far training noise alone moves test KL.
    for (const series of ["exact_mixture", "hnsw"]) {
      const reseeded = densityResults(results).filter(({ r, p }) =>
        r.status === "ok" && p.dataset === ds && seriesOf(p) === series && p.trainSeed > 0
      ).sort((a, b) => a.p.n - b.p.n);
      if (reseeded.length === 0) continue;
      const [cr, cg, cb] = COLOURS[series];
      kl.push({
        label: `${ds} ${LABELS[series]}, training seeds 1+`,
        data: reseeded.map(({ r, p }) => ({ x: p.n, y: r.metrics.testKl as number })),
        showLine: false,
        pointStyle: series === "hnsw" ? "triangle" : "rect",
        pointRadius: 5,
        borderColor: `rgb(${cr}, ${cg}, ${cb})`,
        backgroundColor: `rgba(${cr}, ${cg}, ${cb}, 0.5)`,
        fill: false,
      });
    }
  }
  if (kl.length === 0) return charts;
  const axis = (text: string, log: boolean) => ({
    type: log ? "logarithmic" : "linear",
    title: { display: true, text },
  });
  charts.push({
    title: "Density study: test KL of MAPA trained on exact vs HNSW rows, same pass budget " +
      "(lines: training seed 0, shaded 95% interval over test points; squares and " +
      "triangles: exact (mixture) and HNSW rows from further training seeds; log x)",
    config: {
      type: "line",
      data: { datasets: kl },
      options: { scales: { x: axis("N", true), y: axis("test KL (nats)", false) } },
    },
  });
  charts.push({
    title: "Density study: seconds to build the rows vs N (log-log)",
    config: {
      type: "line",
      data: { datasets: time },
      options: { scales: { x: axis("N", true), y: axis("row seconds", true) } },
    },
  });
  return charts;
}

/** What leaving out one seed does to a verdict (see `summarizeDensity`). */
export function flipsNote(flips: JsonValue | undefined): string {
  if (!Array.isArray(flips)) return "";
  if (flips.length === 0) return ", the same with any one seed left out";
  const which = flips.length > 1 ? `any one of seeds ${flips.join(", ")}` : `seed ${flips[0]}`;
  return ` (leaving out ${which} changes it)`;
}

/**
 * The report note of the study, with its measured gaps: `options.summary` is
 * the scaling suite's summary of `results`, `options.fmt` the page's number format.
 */
export function densityNote(
  results: CaseResult[],
  options: {
    summary: Record<string, JsonValue>;
    fmt: (v: JsonValue | undefined) => JsonValue;
  },
): string | null {
  const { summary, fmt } = options;
  const ds = datasetsOf(results);
  if (ds.length === 0) return null;
  const any = densityResults(results)[0].p;
  const parts = ds.map((d) => {
    const s = summary[`density_${d}`] as { points: Record<string, JsonValue>[]; met: boolean };
    if (!s) {
      const mixed = densityResults(results).some(({ p }) => seriesOf(p) === "exact_mixture");
      return `${d}: ${
        mixed ? "no N with both mixture series" : "this run predates the exact (mixture) series"
      }`;
    }
    return `${d}: ` + s.points.map((q) =>
      `N = ${q.n}: exact ${fmt(q.exactTestKl)}, hnsw ${fmt(q.hnswTestKl)}, gap ${fmt(q.gap)} [${
        fmt(q.gapCiLow)
      }, ${fmt(q.gapCiHigh)}] over ${q.interval}${
        q.identicalModels
          ? ", identical models: both row kinds held the same neighbours and split the tail " +
            "draws alike (training reads the normaliser only through that split), so this " +
            "holds by construction"
          : ""
      } (exact ${
        (q.exactTestKlSeeds as number[]).map((v) => fmt(v)).join(", ")
      }; hnsw ${(q.hnswTestKlSeeds as number[]).map((v) => fmt(v)).join(", ")}): ${q.verdict}${
        flipsNote(q.verdictFlipsWithout)
      }${
        q.exactScanTestKl === null
          ? ""
          : `; exact rows with the scan tail ${fmt(q.exactScanTestKl)}, HNSW minus it ${
            fmt(q.gapVsScan)
          }`
      }`
    ).join("; ") + ` — target ${s.met ? "met" : "not met"}`;
  });
  // The profile whose settings the cases ran with: a run recorded under older settings gets none.
  const choice =
    Object.values(DENSITY_PROFILES).find((x) =>
      x.passes === any.passes && x.schedule === any.schedule && x.nTest === any.nTest
    )?.choice ?? "";
  const rate = any.schedule === "cosine"
    ? `Adam from ${any.learningRate} down a half cosine to ${any.scheduleFloor} of it`
    : `Adam at a constant ${any.learningRate}`;
  return `Density study (*_density_*): MAPA trained on exact and on HNSW rows of the same draw, ` +
    `${any.passes} encoder+decoder passes per run at every N (${rate}), K = ${any.k}, ` +
    `S = ${any.s}, one ` +
    `restart; test KL on ${any.nTest} held-out points. Three series: exact rows with the ` +
    `paper's tail estimator (draws from q~ by a scan of all N, training seed 0), and exact ` +
    `rows and HNSW rows under one estimator, the mixture proposal over their k' = ` +
    `${any.kPrime} neighbours and the rest, from several training seeds. The last two differ ` +
    `only in the rows, so their gap (HNSW minus exact, paired by training seed, mean over ` +
    `seeds with a 95% t interval over seeds) is what the sparsification costs. Target ` +
    `(one-sided: HNSW rows must not cost test KL): "no cost" when the interval lies at or ` +
    `below 0.05 nats, "costs" when above, else "not resolved". Training noise, which the ` +
    `shaded test-point intervals leave out, is of the same size as the gaps at this budget. ` +
    `${choice} ${parts.join(". ")}.`;
}

/** The study's table: one row per case. */
export function densityTable(
  results: CaseResult[],
  fmt: (v: JsonValue | undefined) => JsonValue,
): TableSpec | null {
  const rs = densityResults(results).map(({ r }) => r);
  if (rs.length === 0) return null;
  return {
    title: "Density study cases",
    columns: [
      "case",
      "status",
      "test KL",
      "95% low",
      "95% high",
      "gap vs exact",
      "gap low",
      "gap high",
      "row s",
      "train s",
      "steps",
    ],
    rows: rs.map((r) => [
      r.name,
      r.status,
      fmt(r.metrics.testKl),
      fmt(r.metrics.testKlCiLow),
      fmt(r.metrics.testKlCiHigh),
      fmt(r.metrics.testKlGapVsExact),
      fmt(r.metrics.testKlGapCiLow),
      fmt(r.metrics.testKlGapCiHigh),
      fmt(r.metrics.rowsSeconds),
      fmt(r.metrics.trainSeconds),
      fmt(r.metrics.steps),
    ]),
  };
}
