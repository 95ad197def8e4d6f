/**
 * The budget suite's charts: test KL per data set and method with its
 * interval over draws, and per data set test KL against budget spent.
 *
 * @module
 */

import type { CaseResult, ChartSpec, JsonValue } from "../../harness/suite.ts";
import { bandDatasets, intervalChart, paletteColour } from "../../../src/report/charts.ts";
import { budgetGroups, casesOf, curveOf, num } from "./budget_results.ts";

/**
 * The test KL axis: from 0 (or the lowest mean, if below) to twice the
 * largest mean, rounded up to two significant digits. Intervals over few
 * draws can be tens of nats wide (t = 12.7 with 2 draws); an axis fitted to
 * them would flatten every mean, so wider intervals run off the chart (the
 * tables give their ends).
 */
export function klAxis(means: readonly (number | null)[]): Record<string, JsonValue> {
  const ok = means.filter((m): m is number => m !== null && Number.isFinite(m));
  const axis: Record<string, JsonValue> = {
    title: { display: true, text: "test KL (nats, lower is better)" },
  };
  if (ok.length === 0) return axis;
  const top = 2 * Math.max(...ok);
  if (top > 0) {
    const step = 10 ** (Math.floor(Math.log10(top)) - 1);
    axis.max = Number((Math.ceil(top / step - 1e-9) * step).toPrecision(12));
  }
  axis.min = Math.min(0, Math.floor(Math.min(...ok)));
  return axis;
}

/** Test KL per data set and method under `kind`: the mean over draws on its 95% interval. */
export function budgetIntervalChart(results: CaseResult[], kind: string): ChartSpec {
  const rs = casesOf(results, kind);
  const p0 = rs[0]?.params;
  const groups = budgetGroups(results, kind);
  const budget = kind === "passes"
    ? groups.length > 1
      ? `each data set's pass budget, ${
        groups.map((g) => `${g.budget} on ${g.datasets.join(", ")}`).join("; ")
      } passes (${p0?.costModel})`
      : `${p0?.passes} passes (${p0?.costModel})`
    : `${p0?.seconds} s`;
  return intervalChart(
    `Test KL (nats) per data set and method at equal ${kind} (${budget} per restart): ` +
      `mean over draws (points) and 95% interval (bars; the axis stops at twice the largest mean)`,
    rs.map((r) => ({
      label: `${r.params.dataset}: ${r.params.method}`,
      low: num(r.metrics.testKlCiLow),
      high: num(r.metrics.testKlCiHigh),
      mean: num(r.metrics.testKl),
    })),
    {
      intervalLabel: "95% interval over draws",
      meanLabel: "mean test KL",
      y: klAxis(rs.map((r) => num(r.metrics.testKl))),
    },
  );
}

/**
 * Test KL against budget spent for one data set: per method a line of the
 * mean over draws and, filled between its two edges, the 95% interval band.
 */
export function curveChart(results: CaseResult[], kind: string, dataset: string): ChartSpec {
  const rs = casesOf(results, kind, dataset);
  const datasets: JsonValue[] = rs.flatMap((r, i) => {
    const colour = paletteColour(i);
    const [cr, cg, cb] = colour;
    const method = String(r.params.method);
    const raw = (Array.isArray(r.metrics.curve) ? r.metrics.curve : []) as Record<
      string,
      JsonValue
    >[];
    const pts = raw.filter((c) => c && num(c.budget) !== null);
    const at = (key: string) => pts.map((c) => ({ x: num(c.budget), y: num(c[key]) }));
    return [
      ...bandDatasets({ low: at("ciLow"), high: at("ciHigh") }, {
        colour,
        lowLabel: `${method} 95% interval (low)`,
        highLabel: `${method} 95% interval`,
      }),
      {
        label: method,
        data: at("testKl"),
        borderColor: `rgb(${cr}, ${cg}, ${cb})`,
        backgroundColor: `rgb(${cr}, ${cg}, ${cb})`,
        fill: false,
      },
    ];
  });
  const unit = kind === "passes" ? "passes per restart" : "seconds per restart";
  return {
    title: `${dataset}: test KL against budget spent at equal ${kind} (mean over draws, ` +
      `shaded 95% interval over draws, cut at twice the largest mean; log x)`,
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: unit } },
          y: klAxis(rs.flatMap((r) => curveOf(r).map((p) => p.testKl))),
        },
      },
    },
  };
}
