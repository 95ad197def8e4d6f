/**
 * What MAPA and its variants share (methods.md sections 3, 5 and 6): a
 * deterministic encoder g (codes z_n = g(x_n)), a decoder f, and the bound
 *
 *     L(x_m) = log sum_j exp(c_mj) p(x_m | z_{n_mj})
 *
 * over per-row terms (index n_mj, log coefficient c_mj) that each variant
 * supplies. The encoder and decoder run once per distinct index in the batch:
 * the union U of all indices is encoded and decoded once, then gathered.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { logSumExpRows } from "./dense.ts";
import type { LikelihoodKind } from "./likelihood.ts";
import {
  chunks,
  matrixTensor,
  type MethodModel,
  type MethodOptions,
  resolveNetworks,
  scalarValue,
  tensorMatrix,
  type TrainingData,
} from "./method.ts";
import { Mlp } from "./mlp.ts";
import { PassCounter } from "./passes.ts";
import { recoverPrior } from "./prior_recovery.ts";

/** Options every MAPA-family method reads. */
export interface IndexModelOptions extends MethodOptions {
  /**
   * The deterministic encoder's linear output layer starts rescaled so the
   * codes of the training points have standard deviation `codeScale` per
   * latent dimension (**choice**, README "Code scale at initialisation";
   * default {@linkcode DEFAULT_CODE_SCALE}; 0 keeps the plain Glorot start,
   * whose codes sit near 0 and leave MAPA on a long early plateau).
   */
  codeScale?: number;
}

/**
 * The default of `IndexModelOptions.codeScale`: the MAPA family's codes start with
 * this standard deviation. Measured on figure8 and circle (N = 1000): with the
 * plain Glorot start the codes shrink to a spread near 0.4 and the bound sits
 * on a plateau for 700-1400+ steps; started at a spread of 1.5-4.5 it leaves
 * within about 100 steps.
 */
export const DEFAULT_CODE_SCALE = 3;

/** The terms of a batch: `j` per row, row-major [B, J]. */
export interface RowTerms {
  /** Terms per row J. */
  j: number;
  /** Training-point index of each term, length B * J. */
  index: Int32Array;
  /** Natural-log coefficient of each term, length B * J. */
  logCoef: Float32Array;
}

/** Supplies the terms of the bound for the training rows `batch`. */
export type TermSource = (batch: Int32Array, rng: Rng) => RowTerms;

/**
 * Compares the tail draws training used with fresh ones (a fixed set of
 * draws that the decoder has fitted scores higher than fresh draws).
 */
export interface TailProbe {
  /** The training rows that have trained on tail draws. */
  rows(): Int32Array;
  /** Visits remembered for every one of those rows (up to {@linkcode TAIL_PROBE_ROUNDS}). */
  visits(): number;
  /** The terms each row of `batch` trained on at remembered visit `visit` (< `visits()`). */
  used(batch: Int32Array, visit: number): RowTerms;
  /** The same rows' terms with fresh tail draws (not remembered). */
  fresh(batch: Int32Array, rng: Rng): RowTerms;
}

/**
 * Visits remembered per row and fresh rounds drawn for `tailOverfitNats`:
 * the last 32 visits' draws against 32 fresh sets. Importance-weighted tail
 * terms make one row's bound noisy (standard deviation near 1 nat on
 * figure8), so both sides are averaged to bring the estimate's standard
 * error near 0.005 nats at N = 1000.
 */
export const TAIL_PROBE_ROUNDS = 32;

/**
 * Rows per batch of the tail probe for `n` training points: up to 1,000
 * (fewer, larger batches dispatch fewer kernels), fewer when the batch's
 * [rows, distinct codes] matrices (up to n codes) would pass 4e6 entries.
 */
function probeChunk(n: number): number {
  return Math.max(1, Math.min(1000, Math.floor(4e6 / n)));
}

/**
 * Visits a {@linkcode DrawMemory} keeps per row for `n` rows of `s` draws:
 * {@linkcode TAIL_PROBE_ROUNDS}, fewer where that would pass 64 MiB (large N),
 * at least 1.
 */
export function probeDepth(n: number, s: number): number {
  return Math.max(1, Math.min(TAIL_PROBE_ROUNDS, Math.floor(64 * 2 ** 20 / (12 * n * s))));
}

/** The distinct indices of `index` and, for each entry, its position among them. */
export function unionOf(index: Int32Array): { union: Int32Array; local: Int32Array } {
  const position = new Map<number, number>();
  const local = new Int32Array(index.length);
  const union: number[] = [];
  for (let i = 0; i < index.length; i++) {
    let p = position.get(index[i]);
    if (p === undefined) {
      p = union.length;
      position.set(index[i], p);
      union.push(index[i]);
    }
    local[i] = p;
  }
  return { union: Int32Array.from(union), local };
}

/**
 * log p(x_b | f_u) for every row b of `x` [B, D] and u of `f` [U, D], as a
 * [B, U] matrix built from matrix products.
 */
export function pairLogLik(
  x: tf.Tensor2D,
  f: tf.Tensor2D,
  lik: { kind: LikelihoodKind; sigma2: number },
): tf.Tensor2D {
  const d = x.shape[1];
  if (lik.kind === "gaussian") {
    // ||x - f||^2 = ||x||^2 - 2 x.f + ||f||^2
    const cross = tf.matMul(x, f, false, true);
    const xx = tf.sum(tf.square(x), 1, true);
    const ff = tf.reshape(tf.sum(tf.square(f), 1), [1, -1]);
    const sq = tf.relu(tf.add(tf.sub(xx, tf.mul(cross, 2)), ff));
    return tf.sub(tf.mul(sq, -0.5 / lik.sigma2), 0.5 * d * Math.log(2 * Math.PI * lik.sigma2));
  }
  // Bernoulli on logits: x.l - sum softplus(l).
  return tf.sub(tf.matMul(x, f, false, true), tf.reshape(tf.sum(tf.softplus(f), 1), [1, -1]));
}

/** Builds a model with a deterministic encoder whose bound uses the terms from `terms`. */
export function buildIndexModel(
  method: string,
  data: TrainingData,
  options: IndexModelOptions & { rng: Rng; terms: TermSource; tailProbe?: TailProbe },
): MethodModel {
  const nets = resolveNetworks(data, options);
  const n = data.x.rows, d = data.x.cols, l = data.l;
  const encoder = Mlp.create({ inputs: d, outputs: l }, {
    ...nets.encoder,
    outputActivation: "linear",
  }, {
    role: "encoder",
    rng: options.rng.fork("encoder"),
  });
  const decoder = Mlp.create({ inputs: l, outputs: d }, nets.decoder, {
    role: "decoder",
    rng: options.rng.fork("decoder"),
  });
  const lik = { kind: data.likelihood, sigma2: data.sigma2 };
  const xAll = matrixTensor(data.x);
  const codeScale = options.codeScale ?? DEFAULT_CODE_SCALE;
  if (!(codeScale >= 0) || !Number.isFinite(codeScale)) {
    throw new InputError(`codeScale must be a finite number >= 0, got ${codeScale}`);
  }
  if (codeScale > 0) {
    // Up to 1000 rows fix the scale well enough, at a bounded cost on large N.
    const sample = tf.slice(xAll, [0, 0], [Math.min(n, 1000), d]);
    encoder.scaleOutputs(sample, codeScale);
    sample.dispose();
  }
  const passes = new PassCounter();
  let steps = 0, uniqueTotal = 0, termsTotal = 0, rowsTotal = 0;

  /**
   * The bound of every row of `batch` [B] from its terms. Terms sharing a
   * (row, index) pair are merged into one weight, so the bound is a dense
   * log-sum-exp over [B, |U|]: a matmul, no gather whose gradient (a segment
   * sum) the WASM backend lacks.
   */
  const rowBounds = (batch: Int32Array, t: RowTerms, counter?: PassCounter) => {
    const b = batch.length;
    const { union, local } = unionOf(t.index);
    const logW = new Float32Array(b * union.length).fill(-Infinity);
    for (let r = 0; r < b; r++) {
      for (let q = 0; q < t.j; q++) {
        const at = r * union.length + local[r * t.j + q];
        const c = t.logCoef[r * t.j + q];
        const w = logW[at];
        logW[at] = w === -Infinity ? c : Math.max(w, c) + Math.log1p(Math.exp(-Math.abs(w - c)));
      }
    }
    const bounds = tf.tidy(() => {
      const xu = tf.gather(xAll, tf.tensor1d(union, "int32")) as tf.Tensor2D;
      const fu = decoder.apply(encoder.apply(xu, counter), counter);
      const xb = tf.gather(xAll, tf.tensor1d(batch, "int32")) as tf.Tensor2D;
      const terms = tf.add(pairLogLik(xb, fu, lik), tf.tensor2d(logW, [b, union.length]));
      return logSumExpRows(terms as tf.Tensor2D);
    });
    return { bounds, unique: union.length };
  };

  /**
   * Mean over rows of (mean bound on the draws of the last visits) - (mean
   * bound on as many fresh sets of draws), and its standard error over rows.
   */
  const tailOverfit = async (probe: TailProbe, rng: Rng) => {
    const all = probe.rows(), rounds = probe.visits();
    let sum = 0, sumSq = 0;
    for (const [a, e] of chunks(rounds > 0 ? all.length : 0, probeChunk(n))) {
      const batch = all.subarray(a, e);
      let diff = tf.zeros([batch.length]) as tf.Tensor1D;
      for (let v = 0; v < rounds; v++) {
        const used = probe.used(batch, v), fresh = probe.fresh(batch, rng);
        const next = tf.tidy(() =>
          tf.add(
            diff,
            tf.div(tf.sub(rowBounds(batch, used).bounds, rowBounds(batch, fresh).bounds), rounds),
          ) as tf.Tensor1D
        );
        diff.dispose();
        diff = next;
      }
      for (const v of await diff.data()) {
        sum += v;
        sumSq += v * v;
      }
      diff.dispose();
    }
    const m = rounds > 0 ? all.length : 0;
    if (m === 0) return { tailOverfitNats: NaN, tailOverfitSe: NaN };
    const mean = sum / m;
    return {
      tailOverfitNats: mean,
      tailOverfitSe: m > 1 ? Math.sqrt(Math.max(0, sumSq / m - mean * mean) / (m - 1)) : NaN,
    };
  };

  /** Decoder outputs for every training point (not counted: evaluation). */
  const decodeAll = (): tf.Tensor2D => decoder.apply(encoder.apply(xAll));

  return {
    method,
    passes,
    variables: () => [...encoder.variables(), ...decoder.variables()],
    loss(batch, rng) {
      const before = passes.snapshot();
      const t = options.terms(batch, rng);
      const b = batch.length;
      const u = rowBounds(batch, t, passes);
      steps++;
      uniqueTotal += u.unique;
      termsTotal += t.index.length;
      rowsTotal += b;
      const loss = tf.tidy(() => tf.neg(tf.mean(u.bounds)) as tf.Scalar);
      u.bounds.dispose();
      return { loss, passes: passes.since(before) };
    },
    async validationBound(x: Matrix) {
      // The exact empiricalized log-likelihood of held-out points under the N training codes.
      const fAll = tf.tidy(decodeAll);
      const per = Math.max(1, Math.floor(4e6 / (n * d)));
      let total = 0;
      for (const [a, b] of chunks(x.rows, per)) {
        total += await scalarValue(tf.tidy(() => {
          const xv = tf.tensor2d(Float32Array.from(x.data.subarray(a * d, b * d)), [b - a, d]);
          return tf.sum(tf.logSumExp(pairLogLik(xv, fAll, lik), 1));
        }));
      }
      fAll.dispose();
      return total / x.rows - Math.log(n);
    },
    diagnostics: async (rng: Rng): Promise<Record<string, number>> =>
      options.tailProbe ? await tailOverfit(options.tailProbe, rng) : {},
    encode: (x: Matrix) => tensorMatrix(tf.tidy(() => encoder.apply(matrixTensor(x)))),
    extraMetrics: () => ({
      uniqueCodesPerRow: rowsTotal ? uniqueTotal / rowsTotal : 0,
      termsPerRow: rowsTotal ? termsTotal / rowsTotal : 0,
      steps,
    }),
    async exportModel(rng: Rng): Promise<GenerativeModel> {
      const codes = await tensorMatrix(tf.tidy(() => encoder.apply(xAll)));
      return {
        l,
        d,
        likelihood: data.likelihood,
        sigma2: data.sigma2,
        prior: recoverPrior(codes, { rng }),
        decoder: await decoder.toWeights(),
      };
    },
    encoderWeights: () => encoder.toWeights(),
    dispose() {
      encoder.dispose();
      decoder.dispose();
      xAll.dispose();
    },
  };
}
