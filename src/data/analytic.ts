/**
 * The analytic decoders of the five synthetic examples (methods.md section
 * 10). The paper takes them from Yacoby et al. (2020) without formulas:
 * these definitions are the project's own reconstructions.
 *
 * @module
 */

import type { Matrix } from "../types.ts";
import { normalCdf, normalQuantile } from "./normal.ts";

/** Names of the synthetic examples, in the order of methods.md's table. */
export const SYNTHETIC_NAMES = [
  "figure8",
  "circle",
  "absolute_value",
  "clusters",
  "spiral_dots",
] as const;

/** One of {@linkcode SYNTHETIC_NAMES}. */
export type SyntheticName = typeof SYNTHETIC_NAMES[number];

/** The fixed constants of one example. */
export interface SyntheticSpec {
  /** Registry name. */
  name: SyntheticName;
  /** One-line description: the decoder and what makes the posterior hard. */
  description: string;
  /** Observation dimension D. */
  d: number;
  /** Observation noise variance. */
  sigma2: number;
  /** f(z) for one scalar code, written into `out` (length d). */
  decode(z: number, out: Float64Array): void;
}

/** Steepness of the soft steps of `clusters` and `spiral_dots`. */
export const STEP_KAPPA = 50;

function sigmoid(v: number): number {
  if (v >= 0) return 1 / (1 + Math.exp(-v));
  const e = Math.exp(v);
  return e / (1 + e);
}

/** The C - 1 prior quantiles Phi^-1(c / C), c = 1..C-1: each step gets mass 1/C. */
function stepCentres(count: number): Float64Array {
  const out = new Float64Array(count - 1);
  for (let c = 1; c < count; c++) out[c - 1] = normalQuantile(c / count);
  return out;
}

/** sum_c sigmoid(kappa (z - centre_c)): a staircase from 0 to C - 1. */
function staircase(z: number, centres: Float64Array): number {
  let s = 0;
  for (let i = 0; i < centres.length; i++) s += sigmoid(STEP_KAPPA * (z - centres[i]));
  return s;
}

const CLUSTER_COUNT = 5;
const DOT_COUNT = 8;
const CLUSTER_CENTRES = stepCentres(CLUSTER_COUNT);
const DOT_CENTRES = stepCentres(DOT_COUNT);

/** The five examples' constants and analytic decoders, keyed by name. */
export const SYNTHETIC_SPECS: Readonly<Record<SyntheticName, SyntheticSpec>> = {
  figure8: {
    name: "figure8",
    description:
      "2-D lemniscate, u = (0.6 + 1.8 Phi(z)) pi; far-apart z meet at the crossing: bimodal posterior",
    d: 2,
    sigma2: 0.01,
    decode(z, out) {
      const u = (0.6 + 1.8 * normalCdf(z)) * Math.PI;
      const s = Math.sin(u);
      const c = Math.cos(u);
      const den = s * s + 1;
      out[0] = (Math.SQRT2 / 2) * c / den;
      out[1] = Math.SQRT2 * c * s / den;
    },
  },
  circle: {
    name: "circle",
    description:
      "2-D unit circle, u = 2 pi Phi(z); both tails of z meet at the seam: bimodal, non-identifiable",
    d: 2,
    sigma2: 0.01,
    decode(z, out) {
      const u = 2 * Math.PI * normalCdf(z);
      out[0] = Math.cos(u);
      out[1] = Math.sin(u);
    },
  },
  absolute_value: {
    name: "absolute_value",
    description: "1-D f(z) = |z|; +z and -z give the same x: non-identifiable",
    d: 1,
    sigma2: 0.01,
    decode(z, out) {
      out[0] = Math.abs(z);
    },
  },
  clusters: {
    name: "clusters",
    description:
      "2-D, 5 clusters on the unit circle from a soft staircase (kappa 50): near-discrete latent",
    d: 2,
    sigma2: 0.005,
    decode(z, out) {
      const u = (2 * Math.PI / CLUSTER_COUNT) * staircase(z, CLUSTER_CENTRES);
      out[0] = Math.cos(u);
      out[1] = Math.sin(u);
    },
  },
  spiral_dots: {
    name: "spiral_dots",
    description:
      "2-D, 8 dots on the spiral 0.25 t (cos t, sin t) (kappa 50): dots far apart in x, close in z",
    d: 2,
    sigma2: 0.005,
    decode(z, out) {
      const t = Math.PI / 2 + (3.5 * Math.PI / DOT_COUNT) * staircase(z, DOT_CENTRES);
      out[0] = 0.25 * t * Math.cos(t);
      out[1] = 0.25 * t * Math.sin(t);
    },
  },
};

/** Applies an example's analytic decoder row-wise to an N x 1 matrix of codes. */
export function analyticDecode(spec: SyntheticSpec, z: Matrix): Matrix {
  if (z.cols !== 1) {
    throw new RangeError(`analyticDecode: ${spec.name} has L = 1 but z has ${z.cols} columns`);
  }
  const out = new Float64Array(z.rows * spec.d);
  const buf = new Float64Array(spec.d);
  for (let i = 0; i < z.rows; i++) {
    spec.decode(z.data[i], buf);
    out.set(buf, i * spec.d);
  }
  return { rows: z.rows, cols: spec.d, data: out };
}
