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
  DENSITY_PROFILES,
  DENSITY_ROWS,
  densityResults,
  densitySeries,
} from "./scaling_density.ts";

const COLOURS: Record<string, [number, number, number]> = {
  exact: [54, 162, 235],
  hnsw: [255, 99, 132],
};

/**
 * The two charts of the study: test KL against N for both row kinds with
 * shaded 95% intervals over test points, and row-building seconds against N.
 */
export function densityCharts(results: CaseResult[]): ChartSpec[] {
  const charts: ChartSpec[] = [];
  const kl: JsonValue[] = [], time: JsonValue[] = [];
  for (const ds of datasetsOf(results)) {
    for (const rows of DENSITY_ROWS) {
      const s = densitySeries(results, ds, rows);
      if (s.length === 0) continue;
      const [cr, cg, cb] = COLOURS[rows];
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
        edge("testKlCiLow", `${ds} ${rows} 95% interval (low)`, false),
        edge("testKlCiHigh", `${ds} ${rows} 95% interval`, "-1"),
        {
          label: `${ds} ${rows}`,
          data: pts("testKl"),
          borderColor: `rgb(${cr}, ${cg}, ${cb})`,
          backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
          borderDash: dash,
          fill: false,
        },
      );
      time.push({
        label: `${ds} ${rows}`,
        data: pts("rowsSeconds"),
        borderColor: `rgb(${cr}, ${cg}, ${cb})`,
        backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
        borderDash: dash,
        fill: false,
      });
    }
    // The second HNSW seed as bare points: how far training noise alone moves test KL.
    const reseeded = densityResults(results).filter(({ r, p }) =>
      r.status === "ok" && p.dataset === ds && p.rows === "hnsw" && p.trainSeed === 1
    ).sort((a, b) => a.p.n - b.p.n);
    if (reseeded.length > 0) {
      const [cr, cg, cb] = COLOURS.hnsw;
      kl.push({
        label: `${ds} hnsw, training seed 1`,
        data: reseeded.map(({ r, p }) => ({ x: p.n, y: r.metrics.testKl as number })),
        showLine: false,
        pointStyle: "triangle",
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
      "(lines: training seed 0, shaded 95% interval over test points; triangles: HNSW rows " +
      "from training seed 1; log x)",
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

/** The report note of the study, with its measured gaps. */
export function densityNote(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
  fmt: (v: JsonValue | undefined) => JsonValue,
): string | null {
  const ds = datasetsOf(results);
  if (ds.length === 0) return null;
  const any = densityResults(results)[0].p;
  const parts = ds.map((d) => {
    const s = summary[`density_${d}`] as { points: Record<string, JsonValue>[]; met: boolean };
    if (!s) return `${d}: no N with both row kinds`;
    return `${d}: ` + s.points.map((q) =>
      `N = ${q.n}: exact ${fmt(q.exactTestKl)}, hnsw ${fmt(q.hnswTestKl)} (seeds ${
        (q.hnswTestKlSeeds as number[]).map((v) =>
          fmt(v)
        ).join(", ")
      }; gap ${fmt(q.gap)})`
    ).join("; ") + ` — target ${s.met ? "met" : "not met"}`;
  });
  const choice = Object.values(DENSITY_PROFILES).find((x) => x.passes === any.passes)?.choice ??
    "";
  return `Density study (*_density_*): MAPA trained on exact and on HNSW rows of the same draw, ` +
    `${any.passes} encoder+decoder passes per run at every N, K = ${any.k}, S = ${any.s}, one ` +
    `restart; test KL on ${any.nTest} held-out points, 95% interval over test points (not ` +
    `over training runs); HNSW rows are trained from two seeds, exact rows from one, and the ` +
    `gap is the HNSW mean minus exact. Target (one-sided: HNSW rows must not cost test KL): ` +
    `the HNSW mean at most the top of the exact one's interval, or at most 0.05 nats above it. ` +
    `Read every gap against the spread of the two HNSW seeds: training noise, which the ` +
    `test-point interval leaves out, is of the same size at this budget. ` +
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
