/**
 * The latent side of a {@linkcode GenerativeModel} as the evaluators see it:
 * the integration space (z, or u for the copula prior), its prior log
 * density and gradient, the map into the decoder's input, and the box that
 * holds the prior's mass. Also the model checks every evaluator shares.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { GenerativeModel, Matrix, Prior } from "../types.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/**
 * Checks that `model` is complete and consistent and, when given, that `x`
 * is finite, has `model.d` columns and (Bernoulli) holds only 0 and 1.
 * Throws {@linkcode InputError} naming the problem.
 */
export function checkModel(model: GenerativeModel, x?: Matrix): void {
  if (model === null || typeof model !== "object") {
    throw new InputError("model is missing: pass a GenerativeModel");
  }
  if (model.prior === undefined || model.prior === null) {
    throw new InputError(
      "model has no prior: fit one (prior recovery, methods.md 7) or set {kind: 'standard_normal'}",
    );
  }
  if (!(Number.isInteger(model.l) && model.l >= 1)) {
    throw new InputError(`model.l must be a positive integer, got ${model.l}`);
  }
  if (!(Number.isInteger(model.d) && model.d >= 1)) {
    throw new InputError(`model.d must be a positive integer, got ${model.d}`);
  }
  if (model.likelihood !== "gaussian" && model.likelihood !== "bernoulli") {
    throw new InputError(
      `model.likelihood must be 'gaussian' or 'bernoulli', got ${model.likelihood}`,
    );
  }
  if (model.likelihood === "gaussian" && !(model.sigma2 > 0 && Number.isFinite(model.sigma2))) {
    throw new InputError(`model.sigma2 must be a finite positive number, got ${model.sigma2}`);
  }
  const layers = model.decoder?.layers;
  if (!layers || layers.length === 0) throw new InputError("model.decoder has no layers");
  if (layers[0].inputs !== model.l || layers[layers.length - 1].outputs !== model.d) {
    throw new InputError(
      `model.decoder maps ${layers[0].inputs} -> ${
        layers[layers.length - 1].outputs
      } but the model ` +
        `says L=${model.l}, D=${model.d}`,
    );
  }
  checkPrior(model.prior, model.l);
  if (x !== undefined) checkData(model, x);
}

function checkPrior(prior: Prior, l: number): void {
  if (prior.kind === "standard_normal") return;
  if (prior.kind === "gmm") {
    const c = prior.weights.length;
    if (c === 0 || prior.means.length !== c * l || prior.variances.length !== c * l) {
      throw new InputError(`gmm prior: weights, means and variances must have C, C*L, C*L entries`);
    }
    let total = 0;
    for (let k = 0; k < c; k++) {
      if (!(prior.weights[k] >= 0)) throw new InputError("gmm prior: weights must be >= 0");
      total += prior.weights[k];
    }
    if (Math.abs(total - 1) > 1e-6) {
      throw new InputError(`gmm prior: weights sum to ${total}, expected 1`);
    }
    for (let i = 0; i < c * l; i++) {
      if (!Number.isFinite(prior.means[i]) || !(prior.variances[i] > 0)) {
        throw new InputError("gmm prior: means must be finite and variances positive");
      }
    }
    return;
  }
  if (prior.kind === "copula") {
    if (l !== 1) throw new InputError(`copula prior needs L = 1, got L = ${l}`);
    const u = prior.knotsU;
    const z = prior.knotsZ;
    if (u.length < 2 || u.length !== z.length) {
      throw new InputError("copula prior: knotsU and knotsZ need the same length >= 2");
    }
    for (let i = 1; i < u.length; i++) {
      if (!(u[i] > u[i - 1]) || !(z[i] >= z[i - 1])) {
        throw new InputError(
          "copula prior: knotsU must increase and knotsZ must not decrease",
        );
      }
    }
    return;
  }
  throw new InputError(`unknown prior kind ${(prior as { kind: string }).kind}`);
}

function checkData(model: GenerativeModel, x: Matrix): void {
  if (x.cols !== model.d || x.data.length !== x.rows * x.cols) {
    throw new InputError(`x has ${x.cols} columns but the model has D = ${model.d}`);
  }
  if (x.rows === 0) throw new InputError("x has no rows");
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (!Number.isFinite(v)) {
      throw new InputError(
        `x has a non-finite value (${v}) at row ${Math.floor(i / x.cols)}: remove or impute it`,
      );
    }
    if (model.likelihood === "bernoulli" && v !== 0 && v !== 1) {
      throw new InputError(
        `x has ${v} at row ${Math.floor(i / x.cols)}: a Bernoulli model needs 0/1 data (binarise)`,
      );
    }
  }
}

/**
 * The copula prior's monotone piecewise-linear map u -> z through the knots;
 * outside the knots it holds the end value (numpy `interp` convention), so
 * z stays within the codes the decoder was trained on.
 */
export function copulaMap(knotsU: Float64Array, knotsZ: Float64Array, u: number): number {
  const k = knotsU.length;
  if (u <= knotsU[0]) return knotsZ[0];
  if (u >= knotsU[k - 1]) return knotsZ[k - 1];
  const i = segmentOf(knotsU, u);
  const t = (u - knotsU[i]) / (knotsU[i + 1] - knotsU[i]);
  return knotsZ[i] + t * (knotsZ[i + 1] - knotsZ[i]);
}

/** dz/du of {@linkcode copulaMap} at u (0 outside the knots). */
export function copulaSlope(knotsU: Float64Array, knotsZ: Float64Array, u: number): number {
  const k = knotsU.length;
  if (u <= knotsU[0] || u >= knotsU[k - 1]) return 0;
  const i = segmentOf(knotsU, u);
  return (knotsZ[i + 1] - knotsZ[i]) / (knotsU[i + 1] - knotsU[i]);
}

/** The i with knots[i] <= u < knots[i + 1], by binary search (u inside the knots). */
function segmentOf(knots: Float64Array, u: number): number {
  let lo = 0;
  let hi = knots.length - 1;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (knots[mid] <= u) lo = mid;
    else hi = mid;
  }
  return lo;
}

/**
 * Maps integration-space points (rows of `w`, L columns) to decoder inputs:
 * the identity, except for the copula prior, where w is u and the decoder
 * reads map(u).
 */
export function toDecoderInput(prior: Prior, w: Matrix): Matrix {
  if (prior.kind !== "copula") return w;
  const out = new Float64Array(w.data.length);
  for (let i = 0; i < out.length; i++) out[i] = copulaMap(prior.knotsU, prior.knotsZ, w.data[i]);
  return { rows: w.rows, cols: w.cols, data: out };
}

/**
 * Log density of the prior in integration space at `w` (length L, at
 * `offset` in a flat array): N(0, I) for standard normal and copula (u-space),
 * the mixture density for a GMM. When `grad` is given, writes d/dw there.
 */
export function logPriorDensity(
  prior: Prior,
  l: number,
  w: Float64Array,
  offset = 0,
  grad?: Float64Array,
): number {
  if (prior.kind !== "gmm") {
    let s = 0;
    for (let j = 0; j < l; j++) {
      const v = w[offset + j];
      s += v * v;
      if (grad) grad[j] = -v;
    }
    return -0.5 * s - 0.5 * l * LOG_2PI;
  }
  const c = prior.weights.length;
  const logs = new Float64Array(c);
  let max = -Infinity;
  for (let k = 0; k < c; k++) {
    let s = Math.log(prior.weights[k]) - 0.5 * l * LOG_2PI;
    for (let j = 0; j < l; j++) {
      const v = prior.variances[k * l + j];
      const d = w[offset + j] - prior.means[k * l + j];
      s -= 0.5 * (Math.log(v) + d * d / v);
    }
    logs[k] = s;
    if (s > max) max = s;
  }
  if (max === -Infinity) {
    if (grad) grad.fill(0, 0, l);
    return -Infinity;
  }
  let sum = 0;
  for (let k = 0; k < c; k++) sum += Math.exp(logs[k] - max);
  const lse = max + Math.log(sum);
  if (grad) {
    grad.fill(0, 0, l);
    for (let k = 0; k < c; k++) {
      const r = Math.exp(logs[k] - lse);
      for (let j = 0; j < l; j++) {
        grad[j] -= r * (w[offset + j] - prior.means[k * l + j]) / prior.variances[k * l + j];
      }
    }
  }
  return lse;
}

/**
 * A box in integration space holding the prior's mass: +-`halfWidth` sd
 * around every mixture component (one N(0, I) component for the standard
 * normal and copula priors). Returns per-dimension lower and upper bounds.
 */
export function priorBox(
  prior: Prior,
  l: number,
  halfWidth: number,
): { lower: number[]; upper: number[] } {
  const lower = new Array<number>(l).fill(-halfWidth);
  const upper = new Array<number>(l).fill(halfWidth);
  if (prior.kind !== "gmm") return { lower, upper };
  lower.fill(Infinity);
  upper.fill(-Infinity);
  for (let k = 0; k < prior.weights.length; k++) {
    if (prior.weights[k] === 0) continue;
    for (let j = 0; j < l; j++) {
      const m = prior.means[k * l + j];
      const s = Math.sqrt(prior.variances[k * l + j]);
      lower[j] = Math.min(lower[j], m - halfWidth * s);
      upper[j] = Math.max(upper[j], m + halfWidth * s);
    }
  }
  return { lower, upper };
}
