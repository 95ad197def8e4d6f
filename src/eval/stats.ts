/**
 * Summary statistics for evaluation metrics: mean, standard error, a
 * Student-t 95% confidence interval, and a stable log-sum-exp.
 *
 * @module
 */

/** A mean with its standard error and two-sided 95% Student-t interval. */
export interface MeanSummary {
  /** Number of values. */
  n: number;
  /** Sample mean. */
  mean: number;
  /** Standard error of the mean, sd / sqrt(n) (NaN when n < 2). */
  stdError: number;
  /** Lower end of the 95% confidence interval (NaN when n < 2). */
  ci95Low: number;
  /** Upper end of the 95% confidence interval (NaN when n < 2). */
  ci95High: number;
}

/** The median of `values` (NaN when empty); the mean of the middle two for an even count. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/** log(sum exp(values[start..end))), stable for any finite or -Infinity entries. */
export function logSumExp(values: ArrayLike<number>, start = 0, end = values.length): number {
  let max = -Infinity;
  for (let i = start; i < end; i++) if (values[i] > max) max = values[i];
  if (max === -Infinity || max === Infinity || Number.isNaN(max)) return max;
  let sum = 0;
  for (let i = start; i < end; i++) sum += Math.exp(values[i] - max);
  return max + Math.log(sum);
}

/** log(exp(a) + exp(b)) without overflow. */
export function logAddExp(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** Natural log of the gamma function (Lanczos, g = 7), for x > 0. */
function logGamma(x: number): number {
  const c = [
    0.99999999999980993,
    676.5203681218851,
    -1259.1392167224028,
    771.32342877765313,
    -176.61502916214059,
    12.507343278686905,
    -0.13857109526572012,
    9.9843695780195716e-6,
    1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0];
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the regularized incomplete beta (modified Lentz). */
function betaContinuedFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - (a + b) * x / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    let aa = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    h *= step;
    if (Math.abs(step - 1) < 1e-15) break;
  }
  return h;
}

/** Regularized incomplete beta I_x(a, b). */
function incompleteBeta(a: number, b: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(
    logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x),
  );
  if (x < (a + 1) / (a + b + 2)) return front * betaContinuedFraction(a, b, x) / a;
  return 1 - front * betaContinuedFraction(b, a, 1 - x) / b;
}

/** CDF of Student's t with `df` degrees of freedom. */
export function studentTCdf(t: number, df: number): number {
  const tail = 0.5 * incompleteBeta(df / 2, 0.5, df / (df + t * t));
  return t >= 0 ? 1 - tail : tail;
}

/** Quantile of Student's t with `df` > 0 degrees of freedom, for p in (0, 1), by bisection. */
export function studentTQuantile(p: number, df: number): number {
  if (!(p > 0 && p < 1)) throw new RangeError(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(df > 0)) throw new RangeError(`studentTQuantile: df must be > 0, got ${df}`);
  if (p < 0.5) return -studentTQuantile(1 - p, df);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, df) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-13 * Math.max(1, hi); i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, df) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/**
 * Mean, standard error and two-sided 95% Student-t confidence interval of
 * `values` (the interval treats the values as independent draws).
 *
 * @example
 * ```ts
 * import { summarizeMean } from "./stats.ts";
 * summarizeMean([1, 2, 3]).mean; // 2
 * ```
 */
export function summarizeMean(values: ArrayLike<number>): MeanSummary {
  const n = values.length;
  if (n === 0) throw new RangeError("summarizeMean: no values");
  let mean = 0;
  for (let i = 0; i < n; i++) mean += values[i];
  mean /= n;
  if (n < 2) return { n, mean, stdError: NaN, ci95Low: NaN, ci95High: NaN };
  let ss = 0;
  for (let i = 0; i < n; i++) ss += (values[i] - mean) ** 2;
  const stdError = Math.sqrt(ss / (n - 1) / n);
  const half = studentTQuantile(0.975, n - 1) * stdError;
  return { n, mean, stdError, ci95Low: mean - half, ci95High: mean + half };
}
