/**
 * Tidies a suite's chart before it is drawn, so a chart shows what its data
 * can support and nothing else:
 *
 * - a series with no finite value is dropped, and a chart left with none is
 *   left out (the page says so) rather than drawn empty;
 * - series that lie on one line (same x, every y within `mergeTolerance` of
 *   the first's, default 5%) are merged into one: their mean as the line and
 *   their range as a shaded band, under one legend entry (the passes charts
 *   drew five data sets as five legend entries on one line). Only groups of
 *   at least `minMerge` (default 3) series whose labels share their first
 *   words ("MAPA figure8", "MAPA circle", ...) merge: the same quantity over
 *   several data sets. Two series that a chart sets against each other (a
 *   method and its reference) never merge, however close;
 * - the lower edge of a shaded band (a series followed by one filled to it)
 *   leaves the legend: a band is one entry, not two.
 *
 * Charts whose bands are drawn by relative fills (`fill: "-1"`) are not
 * merged, since merging would move the series the fills refer to.
 *
 * @module
 */

import type { ChartSpec, JsonValue } from "./results.ts";
import { CHART_JS_PALETTE, type Rgb } from "./charts.ts";

type Obj = { [key: string]: JsonValue };

/** Options of {@linkcode tidyChart}. */
export interface TidyOptions {
  /** Largest relative difference at which two series count as one line (default 0.05). */
  mergeTolerance?: number;
  /** Fewest series merged into one (default 3). */
  minMerge?: number;
}

/** What {@linkcode tidyChart} made of a chart. */
export interface TidyOutcome {
  /** The chart to draw, or null when it is left out. */
  chart: ChartSpec | null;
  /** What was changed or why the chart was left out, for the page's notes. */
  notes: string[];
}

const isObj = (v: JsonValue | undefined): v is Obj =>
  v !== null && typeof v === "object" && !Array.isArray(v);

/**
 * The y value of a point (a number, `{ y }`, or a floating bar's `[low, high]`
 * read as its middle); null when missing or not finite.
 */
function yOf(p: JsonValue): number | null {
  const y = isObj(p) ? p.y : p;
  if (Array.isArray(y)) {
    const ends = y.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
    return ends.length === 2 && y.length === 2 ? (ends[0] + ends[1]) / 2 : null;
  }
  return typeof y === "number" && Number.isFinite(y) ? y : null;
}

/** True when a point is a floating bar (`[low, high]`), which never merges. */
function isRange(p: JsonValue): boolean {
  return Array.isArray(isObj(p) ? p.y : p);
}

function xOf(p: JsonValue, i: number): JsonValue {
  return isObj(p) ? p.x ?? i : i;
}

function points(ds: Obj): JsonValue[] {
  return Array.isArray(ds.data) ? ds.data : [];
}

function hasFill(ds: Obj): boolean {
  return ds.fill !== undefined && ds.fill !== false;
}

function hasColour(ds: Obj): boolean {
  return ds.borderColor !== undefined || ds.backgroundColor !== undefined;
}

/** The words all `labels` start with, and each label's rest. */
function splitCommon(labels: string[]): { common: string; rests: string[] } {
  const words = labels.map((l) => l.split(" "));
  let k = 0;
  while (words.every((w) => w.length > k + 1 && w[k] === words[0][k])) k++;
  return {
    common: words[0].slice(0, k).join(" "),
    rests: words.map((w) => w.slice(k).join(" ")),
  };
}

function sameLine(a: Obj, b: Obj, tol: number): boolean {
  const pa = points(a), pb = points(b);
  if (pa.length !== pb.length || pa.length === 0) return false;
  if (pa.some(isRange) || pb.some(isRange)) return false;
  if ((a.type ?? null) !== (b.type ?? null)) return false;
  return pa.every((p, i) => {
    const q = pb[i];
    if (JSON.stringify(xOf(p, i)) !== JSON.stringify(xOf(q, i))) return false;
    const ya = yOf(p), yb = yOf(q);
    if (ya === null || yb === null) return ya === yb;
    return Math.abs(ya - yb) <= tol * Math.max(Math.abs(ya), Math.abs(yb));
  });
}

function merged(group: Obj[], rgb: Rgb, tol: number): Obj[] {
  const labels = group.map((d, i) => String(d.label ?? `series ${i + 1}`));
  const { common, rests } = splitCommon(labels);
  const label = `${common ? `${common} ` : ""}${rests.join(", ")}`;
  const first = points(group[0]);
  const at = (i: number, f: (ys: number[]) => number): JsonValue => {
    const ys = group.map((d) => yOf(points(d)[i])).filter((y): y is number => y !== null);
    const y = ys.length ? Number(f(ys).toPrecision(6)) : null;
    return isObj(first[i]) ? { x: xOf(first[i], i), y } : y;
  };
  const data = (f: (ys: number[]) => number) => first.map((_, i) => at(i, f));
  const line = `rgb(${rgb.join(", ")})`, band = `rgba(${rgb.join(", ")}, 0.18)`;
  const base: Obj = { ...group[0] };
  delete base.label;
  delete base.data;
  delete base.errorBars;
  return [
    {
      ...base,
      label: `${label}: range`,
      legend: false,
      data: data((ys) => Math.min(...ys)),
      borderWidth: 0,
      pointRadius: 0,
      borderColor: band,
      backgroundColor: band,
      fill: false,
    },
    {
      ...base,
      label: `${label}: range over the ${group.length} (within ${Math.round(tol * 100)}%)`,
      data: data((ys) => Math.max(...ys)),
      borderWidth: 0,
      pointRadius: 0,
      borderColor: band,
      backgroundColor: band,
      fill: "-1",
    },
    {
      ...base,
      label: `${label} (mean)`,
      data: data((ys) => ys.reduce((a, b) => a + b, 0) / ys.length),
      borderColor: line,
      backgroundColor: line,
      fill: false,
    },
  ];
}

/** `chart` tidied as the module documentation says; the input is not changed. */
export function tidyChart(chart: ChartSpec, options: TidyOptions = {}): TidyOutcome {
  const tol = options.mergeTolerance ?? 0.05;
  const minMerge = options.minMerge ?? 3;
  const notes: string[] = [];
  const config = structuredClone(chart.config);
  const data = isObj(config.data) ? config.data : undefined;
  const all = data && Array.isArray(data.datasets) ? data.datasets.filter(isObj) : [];
  const drawn = all.filter((d) => points(d).some((p) => yOf(p) !== null));
  if (drawn.length === 0) {
    return { chart: null, notes: [`"${chart.title}" left out: no series has a value to draw.`] };
  }
  const dropped = all.length - drawn.length;
  if (dropped > 0 && !all.some(hasFill)) {
    const names = all.filter((d) => !drawn.includes(d)).map((d) => String(d.label ?? "?"));
    notes.push(`"${chart.title}": ${names.join(", ")} left out (no value to draw).`);
  }
  // Dropping series would move what relative fills point at; keep bands' charts whole.
  let datasets: Obj[] = all.some(hasFill) ? all : drawn;
  if (!datasets.some(hasFill)) {
    const groups: Obj[][] = [];
    for (const d of datasets) {
      const g = groups.find((g) => sameLine(g[0], d, tol));
      if (g) g.push(d);
      else groups.push([d]);
    }
    const merges = (g: Obj[]) =>
      g.length >= Math.max(2, minMerge) &&
      splitCommon(g.map((d) => String(d.label ?? ""))).common !== "";
    // A group that does not merge goes back to its series, each on its own.
    const final = groups.flatMap((g) => merges(g) ? [g] : g.map((d) => [d]));
    if (final.some(merges)) {
      const out: Obj[] = [];
      final.forEach((g, i) => {
        // chart.js's own colours, made explicit once one series has a colour of its own.
        const rgb = CHART_JS_PALETTE[i % CHART_JS_PALETTE.length];
        if (merges(g)) {
          out.push(...merged(g, rgb, tol));
          notes.push(
            `"${chart.title}": ${g.map((d) => d.label).join(", ")} lie within ` +
              `${Math.round(tol * 100)}% of each other at every point, so they are drawn as ` +
              `one line (their mean) with their range shaded.`,
          );
        } else if (!hasColour(g[0])) {
          // chart.js colours series itself only while none has a colour; merged ones now do.
          const c = `rgb(${rgb.join(", ")})`;
          out.push({ ...g[0], borderColor: c, backgroundColor: c });
        } else {
          out.push(g[0]);
        }
      });
      datasets = out;
    }
  }
  // The lower edge of a band is drawn but not listed.
  datasets = datasets.map((d, i) => {
    const next = datasets[i + 1];
    return next && next.fill === "-1" && !hasFill(d) && d.legend === undefined
      ? { ...d, legend: false }
      : d;
  });
  config.data = { ...data, datasets };
  return { chart: { title: chart.title, config }, notes };
}
