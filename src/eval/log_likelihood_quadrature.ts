/**
 * Exact-up-to-the-grid log-likelihood for models with L <= 2 (methods.md 8):
 * log p(x) = log int prior(w) p(x | decoder(w)) dw by the trapezoid rule on
 * a uniform grid over the box holding the prior's mass, refined by halving
 * the spacing until the estimate stops moving.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { checkModel, logPriorDensity, priorBox, toDecoderInput } from "./latent.ts";
import { decodedConstants, pairLogLik } from "./observation.ts";
import { logAddExp } from "./stats.ts";

/** Options of {@linkcode logLikelihoodQuadrature}. */
export interface QuadratureOptions {
  /** The box covers every prior component +- this many sd (default 8). */
  halfWidth?: number;
  /** Nodes per dimension of the first grid (default 129 for L = 1, 33 for L = 2). */
  initialNodes?: number;
  /**
   * Largest nodes per dimension before giving up (default 131073 for L = 1, 1025 for L = 2;
   * a MAPA decoder on spiral_dots needed more than 32769).
   */
  maxNodes?: number;
  /**
   * Convergence tolerance in nats (default 1e-3): refinement stops when halving
   * the spacing moves log p(x) by less than this, averaged over points in
   * absolute value (stricter than the change of the mean, which it bounds).
   */
  tolerance?: number;
  /** Grid nodes decoded at once; bounds memory for large D (default 4096). */
  chunkNodes?: number;
}

/** The grid a quadrature result was computed on. */
export interface QuadratureGrid {
  /** Integration space: `z`, or `u` for the copula prior (prior N(0, 1), decoder(map(u))). */
  space: "z" | "u";
  /** Lower bound of the box per dimension. */
  lower: number[];
  /** Upper bound of the box per dimension. */
  upper: number[];
  /** Nodes per dimension of the final grid. */
  nodesPerDim: number;
  /** Final spacing per dimension. */
  spacing: number[];
  /** Grids evaluated (the final one and its coarser predecessors). */
  levels: number;
  /** Mean over points of |log p(x)| change at the last halving, in nats. */
  meanAbsChange: number;
  /** Change of the mean log p(x) at the last halving, in nats. */
  meanChange: number;
}

/** Per-point log-likelihoods with the grid that produced them. */
export interface QuadratureResult {
  /** log p(x_i) per row of x, natural log. */
  logPx: Float64Array;
  /** Mean of `logPx`. */
  mean: number;
  /** The final grid. */
  grid: QuadratureGrid;
}

/**
 * log p(x_i) for every row of `x` under `model` (L <= 2) by trapezoid
 * quadrature. The grid starts at `initialNodes` per dimension and halves its
 * spacing (reusing every node already decoded) until the per-point change
 * is below `tolerance`; throws {@linkcode InputError} "grid too coarse ..."
 * when that needs more than `maxNodes` per dimension.
 *
 * @example
 * ```ts
 * import { logLikelihoodQuadrature } from "./log_likelihood_quadrature.ts";
 * const model = {
 *   l: 1, d: 1, likelihood: "gaussian" as const, sigma2: 0.5,
 *   prior: { kind: "standard_normal" as const },
 *   decoder: { layers: [{ inputs: 1, outputs: 1, weights: new Float64Array([1]),
 *     bias: new Float64Array([0]), activation: "linear" as const }] },
 * };
 * const x = { rows: 1, cols: 1, data: new Float64Array([0]) };
 * logLikelihoodQuadrature(model, x).logPx[0]; // log N(0; 0, 1.5)
 * ```
 */
export function logLikelihoodQuadrature(
  model: GenerativeModel,
  x: Matrix,
  options: QuadratureOptions = {},
): QuadratureResult {
  checkModel(model, x);
  const l = model.l;
  if (l > 2) {
    throw new InputError(
      `quadrature needs L <= 2, got L = ${l}: use iwaeMogLogLikelihood for larger L`,
    );
  }
  const halfWidth = options.halfWidth ?? 8;
  const n0 = options.initialNodes ?? (l === 1 ? 129 : 33);
  const maxNodes = options.maxNodes ?? (l === 1 ? 131073 : 1025);
  const tol = options.tolerance ?? 1e-3;
  const chunk = options.chunkNodes ?? 4096;
  if (!(halfWidth > 0) || !(tol > 0) || !(chunk >= 1)) {
    throw new InputError("quadrature options: halfWidth, tolerance and chunkNodes must be > 0");
  }
  if (!Number.isInteger(n0) || n0 < 3) {
    throw new InputError(`quadrature initialNodes must be an integer >= 3, got ${n0}`);
  }
  const { lower, upper } = priorBox(model.prior, l, halfWidth);
  const space = model.prior.kind === "copula" ? "u" : "z";
  const range = () =>
    lower.map((lo, j) => `[${lo.toPrecision(4)}, ${upper[j].toPrecision(4)}]`).join(" x ");

  let n = n0;
  let logT = new Float64Array(x.rows).fill(-Infinity);
  addLevel(model, x, { lower, upper, n, fineOnly: false, chunk }, logT);
  let levels = 1;
  const shrink = l * Math.LN2;
  let lastChange = NaN;
  for (;;) {
    const next = (n - 1) * 2 + 1;
    if (next > maxNodes) {
      throw new InputError(
        `grid too coarse for the latent range ${range()}: at ${n} nodes per dimension halving ` +
          `the spacing ${
            levels > 1 ? `moved log p(x) by ${lastChange.toPrecision(3)}` : "was not tried"
          }` +
          ` (tolerance ${tol}); raise maxNodes (now ${maxNodes}) or narrow halfWidth`,
      );
    }
    const fresh = new Float64Array(x.rows).fill(-Infinity);
    addLevel(model, x, { lower, upper, n: next, fineOnly: true, chunk }, fresh);
    const refined = new Float64Array(x.rows);
    let absChange = 0;
    let meanChange = 0;
    for (let i = 0; i < x.rows; i++) {
      // Trapezoid weights of the old nodes halve per dimension on the finer grid.
      refined[i] = logAddExp(logT[i] - shrink, fresh[i]);
      const diff = refined[i] - logT[i];
      absChange += Math.abs(diff);
      meanChange += diff;
    }
    absChange /= x.rows;
    meanChange /= x.rows;
    logT = refined;
    n = next;
    levels++;
    lastChange = absChange;
    if (!(absChange >= tol) && Number.isFinite(absChange)) {
      let mean = 0;
      for (let i = 0; i < x.rows; i++) mean += logT[i];
      mean /= x.rows;
      const spacing = lower.map((lo, j) => (upper[j] - lo) / (n - 1));
      return {
        logPx: logT,
        mean,
        grid: {
          space,
          lower,
          upper,
          nodesPerDim: n,
          spacing,
          levels,
          meanAbsChange: absChange,
          meanChange,
        },
      };
    }
  }
}

interface LevelSpec {
  lower: number[];
  upper: number[];
  /** Nodes per dimension of this grid. */
  n: number;
  /** Only the nodes absent from the grid with half as many intervals. */
  fineOnly: boolean;
  chunk: number;
}

/**
 * Adds log sum_j w_j prior(w_j) p(x_i | decoder(w_j)) over this level's
 * nodes to `acc[i]` (log-space), with trapezoid weights w_j of this grid.
 */
function addLevel(model: GenerativeModel, x: Matrix, spec: LevelSpec, acc: Float64Array): void {
  const l = model.l;
  const { n, lower, upper } = spec;
  const h = lower.map((lo, j) => (upper[j] - lo) / (n - 1));
  const logEdge = h.map((v) => Math.log(v / 2));
  const logInner = h.map((v) => Math.log(v));
  const total = l === 1 ? n : n * n;
  const coords = new Float64Array(spec.chunk * l);
  const logW = new Float64Array(spec.chunk);
  const vals = new Float64Array(spec.chunk);
  let count = 0;
  const flush = () => {
    if (count === 0) return;
    const w: Matrix = { rows: count, cols: l, data: coords.subarray(0, count * l) };
    const f = mlpForward(model.decoder, toDecoderInput(model.prior, w));
    const c = decodedConstants(model, f);
    for (let i = 0; i < x.rows; i++) {
      let max = -Infinity;
      for (let j = 0; j < count; j++) {
        const v = logW[j] + pairLogLik(model, x, i, f, j, c);
        vals[j] = v;
        if (v > max) max = v;
      }
      if (max === -Infinity) continue;
      let s = 0;
      for (let j = 0; j < count; j++) s += Math.exp(vals[j] - max);
      acc[i] = logAddExp(acc[i], max + Math.log(s));
    }
    count = 0;
  };
  for (let t = 0; t < total; t++) {
    const a = l === 1 ? t : Math.floor(t / n);
    const b = l === 1 ? 0 : t % n;
    if (spec.fineOnly && a % 2 === 0 && b % 2 === 0) continue;
    const idx = l === 1 ? [a] : [a, b];
    let lw = 0;
    for (let j = 0; j < l; j++) {
      coords[count * l + j] = lower[j] + idx[j] * h[j];
      lw += idx[j] === 0 || idx[j] === n - 1 ? logEdge[j] : logInner[j];
    }
    logW[count] = lw + logPriorDensity(model.prior, l, coords, count * l);
    count++;
    if (count === spec.chunk) flush();
  }
  flush();
}
