/**
 * A sparse variational Gaussian process (Titsias 2009; Hensman et al. 2013)
 * with P independent outputs over shared inputs: M learned inducing inputs Z,
 * an RBF kernel k(a, b) = sf2 exp(-||a - b||^2 / (2 ell^2)) with learned
 * ell and sf2, and per output p an inducing distribution
 * Q(u_p) = N(mu_p, S_p), S_p = L_p L_p^T (L_p lower triangular with a
 * positive diagonal). At any input the marginal of f_p is Gaussian in closed
 * form (the SVGP predictive), so a batch needs one pass and no sampling.
 *
 * tfjs has no Cholesky or matrix inverse. On the CPU backends K_zz^-1 and
 * log det K_zz come from a float64 Cholesky on the host inside one custom op
 * with analytic gradients; on WebGPU, where a synchronous read is not
 * possible, from M sweeps (Goodnight's sweep operator) written with ordinary
 * ops, which autodiff differentiates (same values, about twice the step time
 * at M = 32 on wasm).
 * The jitter is relative to sf2 so the conditioning does not depend on the
 * kernel's scale.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";

/** Options of {@linkcode SparseGp.create}. */
export interface SparseGpOptions {
  /** Outputs P (independent GPs sharing inputs, kernel and inducing inputs). */
  outputs: number;
  /** Initial RBF length-scale ell (> 0); default: the RMS distance between the initial inducing inputs. */
  lengthscale?: number;
  /** Initial signal variance sf2 (> 0; default 0.1). */
  signalVariance?: number;
  /** Diagonal jitter added to K_zz, relative to sf2 (default 1e-3). */
  jitter?: number;
}

/** K_zz^-1, log det K_zz and the stacked Cholesky factors, shared by a batch's predictive and KL. */
export interface GpConditional {
  /** K_zz^-1, [M, M]. */
  kInv: tf.Tensor2D;
  /** log det K_zz, scalar. */
  logDet: tf.Scalar;
  /** [L_1 | L_2 | ... | L_P], [M, P * M]. */
  lCat: tf.Tensor2D;
}

/** Throws a one-line InputError unless `v` is a finite number > 0. */
function checkPositive(v: number, what: string): void {
  if (!Number.isFinite(v) || !(v > 0)) {
    throw new InputError(`${what} must be a finite number > 0 at start, got ${v}`);
  }
}

/**
 * K^-1 and log det K of a symmetric positive-definite K by M sweeps; every
 * pivot is a Schur complement, so its log sums to log det K.
 */
export function sweepInverse(k: tf.Tensor2D): { inverse: tf.Tensor2D; logDet: tf.Scalar } {
  const m = k.shape[0];
  const eye = tf.eye(m);
  let a: tf.Tensor2D = k;
  let logDet: tf.Tensor = tf.scalar(0);
  for (let i = 0; i < m; i++) {
    const e = tf.slice(eye, [0, i], [m, 1]) as tf.Tensor2D; // constant one-hot column
    const col = tf.matMul(a, e); // [M, 1]
    const d = tf.sum(tf.mul(col, e)); // the pivot a_ii
    logDet = tf.add(logDet, tf.log(d));
    const r = tf.div(col, d);
    // a - col r^T everywhere, then row and column i become r and the pivot -1/d.
    const outer = tf.matMul(col, r, false, true);
    const er = tf.matMul(e, r, false, true);
    const re = tf.matMul(r, e, false, true);
    const ee = tf.matMul(e, e, false, true);
    a = tf.sub(
      tf.add(tf.sub(a, outer), tf.add(er, re)),
      tf.mul(ee, tf.add(tf.div(1, d), 2)),
    ) as tf.Tensor2D;
  }
  return { inverse: tf.neg(a) as tf.Tensor2D, logDet: logDet as tf.Scalar };
}

type CustomGrad = Parameters<typeof tf.customGrad>[0];

/** K^-1 and log det K of an SPD matrix in float64 by Cholesky; throws when K is not SPD. */
function choleskyInverse(
  k: ArrayLike<number>,
  m: number,
): { inverse: Float64Array; logDet: number } {
  const l = new Float64Array(m * m);
  let logDet = 0;
  for (let j = 0; j < m; j++) {
    let s = k[j * m + j];
    for (let p = 0; p < j; p++) s -= l[j * m + p] ** 2;
    if (!(s > 0)) throw new Error("sparse GP: K_zz is not positive definite; raise gp.jitter");
    const d = Math.sqrt(s);
    l[j * m + j] = d;
    logDet += 2 * Math.log(d);
    for (let i = j + 1; i < m; i++) {
      let t = k[i * m + j];
      for (let p = 0; p < j; p++) t -= l[i * m + p] * l[j * m + p];
      l[i * m + j] = t / d;
    }
  }
  // L^-1 by forward substitution, then K^-1 = L^-T L^-1.
  const li = new Float64Array(m * m);
  for (let c = 0; c < m; c++) {
    for (let i = c; i < m; i++) {
      let t = i === c ? 1 : 0;
      for (let p = c; p < i; p++) t -= l[i * m + p] * li[p * m + c];
      li[i * m + c] = t / l[i * m + i];
    }
  }
  const inverse = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let j = i; j < m; j++) {
      let t = 0;
      for (let p = j; p < m; p++) t += li[p * m + i] * li[p * m + j];
      inverse[i * m + j] = inverse[j * m + i] = t;
    }
  }
  return { inverse, logDet };
}

/**
 * K^-1 and log det K as one custom op: a float64 Cholesky on the host, and the
 * analytic gradients -K^-1 G K^-1 and K^-1. Needs a synchronous read of K,
 * which the CPU backends (wasm, cpu) allow; WebGPU uses {@linkcode sweepInverse}.
 */
export function hostInverse(k: tf.Tensor2D): { inverse: tf.Tensor2D; logDet: tf.Scalar } {
  const m = k.shape[0];
  // customGrad ops have one output: the inverse and the log determinant are two ops.
  const inverseOp = tf.customGrad(
    ((kk: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
      const inv = tf.tensor2d(Float32Array.from(choleskyInverse(kk.dataSync(), m).inverse), [m, m]);
      save([inv]);
      return {
        value: inv,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) =>
          tf.neg(tf.matMul(tf.matMul(saved[0], dy), saved[0])),
      };
    }) as CustomGrad,
  );
  const logDetOp = tf.customGrad(
    ((kk: tf.Tensor2D, save: (t: tf.Tensor[]) => void) => {
      const { inverse, logDet } = choleskyInverse(kk.dataSync(), m);
      save([tf.tensor2d(Float32Array.from(inverse), [m, m])]);
      return {
        value: tf.scalar(logDet),
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.mul(dy, saved[0]),
      };
    }) as CustomGrad,
  );
  return { inverse: inverseOp(k) as tf.Tensor2D, logDet: logDetOp(k) as tf.Scalar };
}

/** Squared Euclidean distances between the rows of `a` [A, H] and `b` [B, H]: [A, B]. */
function squaredDistances(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  const aa = tf.sum(tf.square(a), 1, true);
  const bb = tf.transpose(tf.sum(tf.square(b), 1, true));
  return tf.relu(tf.sub(tf.add(aa, bb), tf.mul(tf.matMul(a, b, false, true), 2))) as tf.Tensor2D;
}

/** A sparse variational GP whose parameters live in tfjs variables. */
export class SparseGp {
  /** Inducing inputs Z, [M, H]. */
  readonly inducing: tf.Variable<tf.Rank.R2>;
  /** log ell. */
  readonly logLengthscale: tf.Variable<tf.Rank.R0>;
  /** log sf2. */
  readonly logSignalVariance: tf.Variable<tf.Rank.R0>;
  /** Inducing means mu, [M, P]. */
  readonly mean: tf.Variable<tf.Rank.R2>;
  /** Strictly lower part of each L_p, [P, M, M] (the upper part is masked out). */
  readonly lower: tf.Variable<tf.Rank.R3>;
  /** log of each L_p's diagonal, [P, M]. */
  readonly logDiag: tf.Variable<tf.Rank.R2>;
  /** Outputs P. */
  readonly outputs: number;
  /** Inducing inputs M. */
  readonly m: number;
  #jitter: number;
  #mask: tf.Tensor3D;
  #eye: tf.Tensor3D;

  private constructor(
    z: tf.Tensor2D,
    options: Required<Omit<SparseGpOptions, "lengthscale">> & { logLengthscale: tf.Scalar },
  ) {
    const m = z.shape[0], p = options.outputs;
    this.m = m;
    this.outputs = p;
    this.#jitter = options.jitter;
    this.inducing = tf.variable(z, true);
    this.logLengthscale = tf.variable(options.logLengthscale, true);
    this.logSignalVariance = tf.variable(tf.scalar(Math.log(options.signalVariance)), true);
    this.mean = tf.variable(tf.zeros([m, p]), true);
    this.lower = tf.variable(tf.zeros([p, m, m]), true);
    // S_p = sf2 I at start: Q(u) has the prior's scale, so f starts as wide as the prior says.
    this.logDiag = tf.variable(tf.fill([p, m], 0.5 * Math.log(options.signalVariance)), true);
    this.#mask = tf.tidy(() =>
      tf.expandDims(tf.sub(tf.linalg.bandPart(tf.ones([m, m]), -1, 0), tf.eye(m)), 0)
    ) as tf.Tensor3D;
    this.#eye = tf.tidy(() => tf.expandDims(tf.eye(m), 0)) as tf.Tensor3D;
  }

  /**
   * A GP whose inducing inputs start at the rows of `inducing` (an [M, H]
   * tensor, copied). Throws InputError on non-positive hyper-parameters.
   */
  static create(inducing: tf.Tensor2D, options: SparseGpOptions): SparseGp {
    const p = options.outputs;
    if (!Number.isInteger(p) || p < 1) {
      throw new InputError(`a sparse GP needs outputs >= 1 (an integer), got ${p}`);
    }
    const sf2 = options.signalVariance ?? 0.1;
    checkPositive(sf2, "GP signal variance");
    const jitter = options.jitter ?? 1e-3;
    checkPositive(jitter, "GP jitter");
    if (options.lengthscale !== undefined) checkPositive(options.lengthscale, "GP length-scale");
    const m = inducing.shape[0];
    const logEll = tf.tidy(() => {
      if (options.lengthscale !== undefined) return tf.scalar(Math.log(options.lengthscale));
      if (m < 2) return tf.scalar(0);
      // RMS pairwise distance; the floor keeps coincident starts usable.
      const meanSq = tf.div(tf.sum(squaredDistances(inducing, inducing)), m * (m - 1));
      return tf.mul(tf.log(tf.maximum(meanSq, 1e-6)), 0.5) as tf.Scalar;
    });
    const gp = new SparseGp(inducing.clone(), {
      outputs: p,
      signalVariance: sf2,
      jitter,
      logLengthscale: logEll,
    });
    logEll.dispose();
    return gp;
  }

  /** The kernel matrix between the rows of `a` and `b`. */
  kernel(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
    const ell2 = tf.exp(tf.mul(this.logLengthscale, 2));
    return tf.mul(
      tf.exp(this.logSignalVariance),
      tf.exp(tf.div(squaredDistances(a, b), tf.mul(ell2, -2))),
    ) as tf.Tensor2D;
  }

  /** K_zz^-1, log det K_zz and the factors of S; compute once per batch. */
  conditional(): GpConditional {
    const m = this.m, p = this.outputs;
    const kzz = tf.add(
      this.kernel(this.inducing, this.inducing),
      tf.mul(tf.eye(m), tf.mul(tf.exp(this.logSignalVariance), this.#jitter)),
    ) as tf.Tensor2D;
    const { inverse, logDet } = tf.getBackend() === "webgpu" ? sweepInverse(kzz) : hostInverse(kzz);
    const l = tf.add(
      tf.mul(this.lower, this.#mask),
      tf.mul(this.#eye, tf.expandDims(tf.exp(this.logDiag), 2)),
    ); // [P, M, M]
    const lCat = tf.reshape(tf.transpose(l, [1, 0, 2]), [m, p * m]) as tf.Tensor2D;
    return { kInv: inverse, logDet, lCat };
  }

  /**
   * The Gaussian marginal of f at the rows of `h` [B, H]: mean and variance,
   * each [B, P]. The variance is floored at 0 against round-off.
   */
  predict(h: tf.Tensor2D, c: GpConditional): { mean: tf.Tensor2D; variance: tf.Tensor2D } {
    const b = h.shape[0], m = this.m, p = this.outputs;
    const kxz = this.kernel(h, this.inducing); // [B, M]
    const a = tf.matMul(kxz, c.kInv); // [B, M]
    const mean = tf.matMul(a, this.mean) as tf.Tensor2D;
    const explained = tf.sum(tf.mul(a, kxz), 1, true); // [B, 1]
    const fromS = tf.sum(tf.square(tf.reshape(tf.matMul(a, c.lCat), [b, p, m])), 2); // [B, P]
    const variance = tf.relu(
      tf.add(tf.sub(tf.exp(this.logSignalVariance), explained), fromS),
    ) as tf.Tensor2D;
    return { mean, variance };
  }

  /** sum_p KL(Q(u_p) || N(0, K_zz)), scalar. */
  kl(c: GpConditional): tf.Scalar {
    const m = this.m, p = this.outputs;
    const trace = tf.sum(tf.mul(tf.matMul(c.kInv, c.lCat), c.lCat));
    const quad = tf.sum(tf.mul(this.mean, tf.matMul(c.kInv, this.mean)));
    const logDetS = tf.mul(tf.sum(this.logDiag), 2);
    return tf.mul(
      tf.sub(tf.add(tf.add(trace, quad), tf.mul(c.logDet, p)), tf.add(logDetS, p * m)),
      0.5,
    ) as tf.Scalar;
  }

  /** The trainable variables. */
  variables(): tf.Variable[] {
    return [
      this.inducing,
      this.logLengthscale,
      this.logSignalVariance,
      this.mean,
      this.lower,
      this.logDiag,
    ];
  }

  /** The current length-scale and signal variance (async readback). */
  async hyperParameters(): Promise<{ lengthscale: number; signalVariance: number }> {
    const [le, ls] = await Promise.all([
      this.logLengthscale.data(),
      this.logSignalVariance.data(),
    ]);
    return { lengthscale: Math.exp(le[0]), signalVariance: Math.exp(ls[0]) };
  }

  /** Frees every tensor. */
  dispose(): void {
    for (const v of this.variables()) v.dispose();
    this.#mask.dispose();
    this.#eye.dispose();
  }
}

/** Rows of `x` at `indices` as a new matrix (plain data, for picking inducing starts). */
export function pickRows(x: Matrix, indices: ArrayLike<number>): Matrix {
  const out = new Float64Array(indices.length * x.cols);
  for (let i = 0; i < indices.length; i++) {
    out.set(x.data.subarray(indices[i] * x.cols, (indices[i] + 1) * x.cols), i * x.cols);
  }
  return { rows: indices.length, cols: x.cols, data: out };
}
