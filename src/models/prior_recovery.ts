/**
 * Prior recovery after MAPA training (methods.md section 7): the learned
 * codes z_n = g(x_n) are not N(0, I), so a prior is fitted to them.
 * - L = 1: a Gaussian copula. u_n = Phi^-1(rank(z_n) / (N + 1)), whitened, and
 *   the monotone piecewise-linear map through (u, z) at up to `knots` ranks;
 *   the model is then u ~ N(0, 1), z = map(u).
 * - L > 1: a Gaussian mixture with diagonal covariances fitted by EM
 *   **(choice; methods.md 7)**, k-means++ starts.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import type { Matrix, Prior } from "../types.ts";

/** The standard normal quantile Phi^-1(p), p in (0, 1) (Acklam's rational approximation, ~1e-9). */
export function normalQuantile(p: number): number {
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const dd = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const lo = 0.02425;
  if (p < lo) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
      ((((dd[0] * q + dd[1]) * q + dd[2]) * q + dd[3]) * q + 1);
  }
  if (p > 1 - lo) return -normalQuantile(1 - p);
  const q = p - 0.5, r = q * q;
  return (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
}

/** The Gaussian-copula prior of one-dimensional codes `z` (N x 1), with at most `knots` knots. */
export function fitCopula(z: Matrix, options: { knots?: number } = {}): Prior {
  const n = z.rows;
  if (z.cols !== 1) throw new InputError(`the copula prior is for L = 1 codes, got L = ${z.cols}`);
  if (n < 2) throw new InputError("the copula prior needs at least 2 codes");
  const sorted = Float64Array.from(z.data).sort();
  const u = new Float64Array(n);
  let mean = 0;
  for (let i = 0; i < n; i++) mean += u[i] = normalQuantile((i + 1) / (n + 1));
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) v += (u[i] - mean) ** 2;
  const sd = Math.sqrt(v / n);
  const m = Math.min(n, Math.max(2, options.knots ?? 256));
  const knotsU = new Float64Array(m), knotsZ = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    const r = Math.round(i * (n - 1) / (m - 1));
    knotsU[i] = (u[r] - mean) / sd;
    knotsZ[i] = sorted[r];
  }
  return { kind: "copula", knotsU, knotsZ };
}

/** Options for {@linkcode fitGmm}. */
export interface GmmOptions {
  /** Components C (default min(10, N)). */
  components?: number;
  /** EM iterations at most (default 200). */
  iterations?: number;
  /** Random stream for the k-means++ start. */
  rng: Rng;
}

/** A diagonal Gaussian mixture fitted to the rows of `z` by EM. */
export function fitGmm(z: Matrix, options: GmmOptions): Prior & { kind: "gmm" } {
  const n = z.rows, l = z.cols, x = z.data;
  const c = Math.min(options.components ?? 10, n);
  if (n < 1 || c < 1) throw new InputError("the mixture prior needs at least one code");
  const rng = options.rng;
  const globalVar = new Float64Array(l);
  for (let j = 0; j < l; j++) {
    let s = 0, s2 = 0;
    for (let i = 0; i < n; i++) {
      s += x[i * l + j];
      s2 += x[i * l + j] ** 2;
    }
    globalVar[j] = Math.max(s2 / n - (s / n) ** 2, 1e-12);
  }
  // k-means++ start.
  const means = new Float64Array(c * l);
  const dist = new Float64Array(n).fill(Infinity);
  let pick = rng.int(n);
  for (let k = 0; k < c; k++) {
    for (let j = 0; j < l; j++) means[k * l + j] = x[pick * l + j];
    for (let i = 0; i < n; i++) {
      let d2 = 0;
      for (let j = 0; j < l; j++) d2 += (x[i * l + j] - means[k * l + j]) ** 2;
      if (d2 < dist[i]) dist[i] = d2;
    }
    if (k + 1 < c) pick = dist.some((d) => d > 0) ? rng.categorical(dist) : rng.int(n);
  }
  const variances = new Float64Array(c * l);
  for (let k = 0; k < c; k++) for (let j = 0; j < l; j++) variances[k * l + j] = globalVar[j];
  const weights = new Float64Array(c).fill(1 / c);
  const resp = new Float64Array(n * c);
  let prev = -Infinity;
  for (let it = 0; it < (options.iterations ?? 200); it++) {
    let ll = 0;
    for (let i = 0; i < n; i++) {
      let max = -Infinity;
      for (let k = 0; k < c; k++) {
        let lp = Math.log(weights[k]);
        for (let j = 0; j < l; j++) {
          const vv = variances[k * l + j];
          lp -= 0.5 * ((x[i * l + j] - means[k * l + j]) ** 2 / vv + Math.log(2 * Math.PI * vv));
        }
        resp[i * c + k] = lp;
        if (lp > max) max = lp;
      }
      let s = 0;
      for (let k = 0; k < c; k++) s += resp[i * c + k] = Math.exp(resp[i * c + k] - max);
      for (let k = 0; k < c; k++) resp[i * c + k] /= s;
      ll += max + Math.log(s);
    }
    for (let k = 0; k < c; k++) {
      let nk = 0;
      for (let i = 0; i < n; i++) nk += resp[i * c + k];
      weights[k] = Math.max(nk / n, 1e-300);
      for (let j = 0; j < l; j++) {
        let mu = 0;
        for (let i = 0; i < n; i++) mu += resp[i * c + k] * x[i * l + j];
        mu = nk > 0 ? mu / nk : means[k * l + j];
        let vv = 0;
        for (let i = 0; i < n; i++) vv += resp[i * c + k] * (x[i * l + j] - mu) ** 2;
        means[k * l + j] = mu;
        // A floor keeps a component from collapsing onto one code.
        variances[k * l + j] = Math.max(nk > 0 ? vv / nk : globalVar[j], 1e-6 * globalVar[j]);
      }
    }
    if (ll - prev < 1e-8 * n) break;
    prev = ll;
  }
  let total = 0;
  for (const w of weights) total += w;
  for (let k = 0; k < c; k++) weights[k] /= total;
  return { kind: "gmm", weights, means, variances };
}

/** The recovered prior for codes `z`: the copula for L = 1, else a Gaussian mixture. */
export function recoverPrior(z: Matrix, options: { rng: Rng; components?: number }): Prior {
  return z.cols === 1 ? fitCopula(z) : fitGmm(z, options);
}
