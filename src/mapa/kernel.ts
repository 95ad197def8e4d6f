/**
 * The MAPA kernels (methods.md section 4) in the one form the row builders
 * use: log k(a, b) = -scale * ||a - b||^2.
 *
 * - Gaussian: k(a, b) = exp(-||a - b||^2 / (2 h)), so scale = 1 / (2 h).
 * - Bernoulli: log k(a, b) = -Hamming(a, b) * log((1 - eps) / eps); for 0/1
 *   vectors the Hamming distance is the squared L2 distance, so
 *   scale = log((1 - eps) / eps).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import type { KernelName } from "./types.ts";

/** Default Bernoulli softening eps (methods.md section 4). */
export const DEFAULT_EPS = 1e-3;

/** Options naming a kernel; see {@linkcode resolveKernel}. */
export interface KernelOptions {
  /** `"gaussian"` (default) or `"bernoulli"`. */
  kernel?: KernelName;
  /** Observation noise variance; the Gaussian bandwidth defaults to 2 * sigma2. */
  sigma2?: number;
  /**
   * Gaussian bandwidth h in k = exp(-||a-b||^2 / (2h)). **(choice)** Default
   * 2 * sigma2 (methods.md 4: integrating out the decoder noise); passing
   * `sigma2` here is the other reading of the paper.
   */
  bandwidth?: number;
  /** Bernoulli softening eps in (0, 0.5); default 1e-3. */
  eps?: number;
}

/** A resolved kernel: log k(a, b) = -scale * ||a - b||^2. */
export interface Kernel {
  /** Kernel name. */
  kernel: KernelName;
  /** Gaussian bandwidth h, or the Bernoulli eps (what {@linkcode MapaRows} stores as `bandwidth`). */
  bandwidth: number;
  /** The factor in log k = -scale * squared distance. */
  scale: number;
}

function positiveFinite(name: string, v: number): void {
  if (typeof v !== "number" || !Number.isFinite(v) || !(v > 0)) {
    throw new InputError(`${name} must be a finite number > 0, got ${v}`);
  }
}

/**
 * Resolves kernel options to a {@linkcode Kernel}; bad values give an
 * {@linkcode InputError}.
 */
export function resolveKernel(options: KernelOptions): Kernel {
  const kernel = options.kernel ?? "gaussian";
  if (kernel === "gaussian") {
    if (options.bandwidth !== undefined) positiveFinite("bandwidth", options.bandwidth);
    if (options.sigma2 !== undefined) positiveFinite("sigma2", options.sigma2);
    const h = options.bandwidth ?? (options.sigma2 !== undefined ? 2 * options.sigma2 : NaN);
    if (Number.isNaN(h)) {
      throw new InputError("the Gaussian kernel needs sigma2 or a bandwidth; pass --sigma2 X");
    }
    return { kernel, bandwidth: h, scale: 1 / (2 * h) };
  }
  if (kernel === "bernoulli") {
    const eps = options.eps ?? DEFAULT_EPS;
    if (typeof eps !== "number" || !(eps > 0 && eps < 0.5)) {
      throw new InputError(`eps must be a number in (0, 0.5), got ${eps}`);
    }
    return { kernel, bandwidth: eps, scale: Math.log((1 - eps) / eps) };
  }
  throw new InputError(`unknown kernel "${kernel}"; use gaussian or bernoulli`);
}

/** log k(a, b) for rows `i` of `a` and `j` of `b` under `kernel`. */
export function logKernel(kernel: Kernel, a: Matrix, i: number, b: Matrix, j: number): number {
  let d2 = 0;
  for (let t = 0; t < a.cols; t++) {
    const diff = a.data[i * a.cols + t] - b.data[j * b.cols + t];
    d2 += diff * diff;
  }
  return -kernel.scale * d2;
}

/**
 * Checks the data for the row builders: finite cells (naming the first bad
 * row), at least one row, and 0/1 cells for the Bernoulli kernel.
 */
export function checkData(x: Matrix, kernel: KernelName): void {
  if (!(x.rows >= 1) || !(x.cols >= 1)) {
    throw new InputError(
      `the data need at least one row and one column, got ${x.rows} x ${x.cols}`,
    );
  }
  if (x.data.length !== x.rows * x.cols) {
    throw new InputError(
      `the data matrix holds ${x.data.length} values, not rows * cols = ${x.rows * x.cols}`,
    );
  }
  for (let i = 0; i < x.data.length; i++) {
    const v = x.data[i];
    if (!Number.isFinite(v)) {
      const r = Math.floor(i / x.cols);
      throw new InputError(
        `data row ${r + 1} (0-based ${r}), column ${
          (i % x.cols) + 1
        } is ${v}; every value must be finite`,
      );
    }
    if (kernel === "bernoulli" && v !== 0 && v !== 1) {
      const r = Math.floor(i / x.cols);
      throw new InputError(
        `data row ${r + 1} (0-based ${r}), column ${(i % x.cols) + 1} is ${v}; ` +
          "the Bernoulli kernel needs 0/1 values (binarise the data or use --kernel gaussian)",
      );
    }
  }
}

/** Checks 1 <= k <= n. */
export function checkK(k: number, n: number, name = "k"): void {
  if (!Number.isInteger(k) || k < 1 || k > n) {
    throw new InputError(`${name} must be an integer in [1, N = ${n}], got ${k}`);
  }
}

/** The kernel that rows were computed with (their `kernel` and `bandwidth` fields). */
export function kernelOfRows(rows: { kernel: KernelName; bandwidth: number }): Kernel {
  return rows.kernel === "gaussian"
    ? resolveKernel({ kernel: "gaussian", bandwidth: rows.bandwidth })
    : resolveKernel({ kernel: "bernoulli", eps: rows.bandwidth });
}
