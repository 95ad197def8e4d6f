/**
 * Chart set-up that several report sections share: the colour palettes, a
 * chart of 95% intervals with their means, and the two edges of a shaded
 * interval band. Each returns plain chart.js config (JSON), so a section's
 * chart stays data that the page inlines.
 *
 * @module
 */

import type { ChartSpec, JsonValue } from "./results.ts";

/** An RGB colour, each channel 0-255. */
export type Rgb = readonly [number, number, number];

/** Series colours, in the order series take them (wraps around). */
export const PALETTE: readonly Rgb[] = [
  [54, 162, 235],
  [220, 53, 69],
  [40, 167, 69],
  [255, 159, 64],
  [153, 102, 255],
  [23, 162, 184],
  [108, 117, 125],
  [232, 62, 140],
];

/**
 * chart.js's default series colours, in its order: for charts that give one
 * series a colour of their own and must keep the others as chart.js draws them.
 */
export const CHART_JS_PALETTE: readonly Rgb[] = [
  [54, 162, 235],
  [255, 99, 132],
  [75, 192, 192],
  [255, 159, 64],
  [153, 102, 255],
  [255, 205, 86],
  [201, 203, 207],
];

/** The colour of series `i`. */
export function paletteColour(i: number): Rgb {
  return PALETTE[i % PALETTE.length];
}

/** One bar of {@linkcode intervalChart}: a label, its interval ends and its mean (null: none). */
export interface IntervalBar {
  /** Category label on the x axis. */
  label: string;
  /** Lower end of the 95% interval. */
  low: number | null;
  /** Upper end of the 95% interval. */
  high: number | null;
  /** The mean, drawn as a point. */
  mean: number | null;
}

/** Options of {@linkcode intervalChart}. */
export interface IntervalChartOptions {
  /** Legend of the interval bars (e.g. "95% interval over draws"). */
  intervalLabel: string;
  /** Legend of the mean points. */
  meanLabel: string;
  /** The y axis (chart.js scale options: title, min, max). */
  y: Record<string, JsonValue>;
}

/**
 * A chart of one floating bar per category spanning its 95% interval, with
 * the mean as a point on it; a bar without both ends is left out.
 */
export function intervalChart(
  title: string,
  bars: readonly IntervalBar[],
  options: IntervalChartOptions,
): ChartSpec {
  return {
    title,
    config: {
      type: "bar",
      data: {
        labels: bars.map((b) => b.label),
        datasets: [
          {
            type: "bar",
            label: options.intervalLabel,
            data: bars.map((b) => b.low === null || b.high === null ? null : [b.low, b.high]),
            backgroundColor: "rgba(54, 162, 235, 0.35)",
            barPercentage: 0.4,
          },
          {
            type: "line",
            label: options.meanLabel,
            data: bars.map((b) => b.mean),
            showLine: false,
            pointRadius: 5,
            borderColor: "rgb(220, 53, 69)",
            backgroundColor: "rgb(220, 53, 69)",
          },
        ],
      },
      options: { scales: { y: options.y } },
    },
  };
}

/** A point of a line chart (a type, not an interface, so it is a JsonValue). */
export type XY = {
  /** x value. */
  x: number | null;
  /** y value. */
  y: number | null;
};

/**
 * The two datasets of a shaded interval band in `colour`: the lower edge
 * (`low`), then the upper edge (`high`), which fills down to the dataset just
 * before it. Both edges are invisible lines; `lowLabel` names the lower edge
 * and `highLabel` the band.
 */
export function bandDatasets(
  edges: { low: readonly XY[]; high: readonly XY[] },
  options: { colour: Rgb; lowLabel: string; highLabel: string },
): JsonValue[] {
  const [r, g, b] = options.colour;
  const edge = (label: string, data: readonly XY[], fill: JsonValue) => ({
    label,
    data: [...data],
    borderWidth: 0,
    pointRadius: 0,
    backgroundColor: `rgba(${r}, ${g}, ${b}, 0.15)`,
    borderColor: `rgba(${r}, ${g}, ${b}, 0)`,
    fill,
  });
  return [edge(options.lowLabel, edges.low, false), edge(options.highLabel, edges.high, "-1")];
}
