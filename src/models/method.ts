/**
 * The one shape every inference method has, so the trainer, the budget and
 * the report never name a method: build its networks, give the loss and the
 * passes it spent for a batch, encode, score held-out data, report extra
 * metrics, and export the learned generative model as plain data.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix, MlpWeights } from "../types.ts";
import type { LikelihoodKind } from "./likelihood.ts";
import { checkNetworkSpec, type NetworkSpec, specFromWeights } from "./mlp.ts";
import type { PassCounter, Passes } from "./passes.ts";

/** The training set and what is known about its model. */
export interface TrainingData {
  /** Observations, N x D. */
  x: Matrix;
  /** Latent dimension L. */
  l: number;
  /** Observation model. */
  likelihood: LikelihoodKind;
  /** Observation noise variance (Gaussian), fixed to the ground truth's. */
  sigma2: number;
  /** The ground truth (synthetic data): true codes z*_n (N x L) and the true decoder. */
  groundTruth?: { codes: Matrix; decoder: MlpWeights };
}

/**
 * What every method reads: the shapes of its networks. Each method file
 * declares its own options type extending this one, with its defaults.
 */
export interface MethodOptions {
  /** Encoder shape (default: the decoder's hidden widths reversed). */
  encoder?: NetworkSpec;
  /** Decoder shape (default: the ground truth's architecture, else two tanh layers of 50). */
  decoder?: NetworkSpec;
}

/**
 * What a suite shares among the methods it compares on one data set, so each
 * method sees as many terms per row: K top terms and S sampled ones.
 */
export interface SharedSettings {
  /** Top-K terms per row, for methods that keep a top K (the MAPA family). */
  k: number;
  /**
   * Sampled terms per row beyond the top K (MAPA's tail draws S). A method
   * whose terms are all sampled (IWAE, MAPA-naive) takes K + S of them.
   */
  s: number;
}

/** A method's inputs for one data set, made by {@linkcode Method.prepare}. */
export interface PreparedInputs<O> {
  /** The options to build with (the method's own; network shapes are the caller's). */
  options: O;
  /**
   * One-off figures of the preparation that a suite adds to its case's
   * metrics (MAPA: `rowsSeconds`, the time its rows took); `{}` when none.
   */
  metrics: Record<string, number>;
}

/** The loss of one batch and what it cost. */
export interface BatchLoss {
  /** Minus the method's bound, averaged over the batch rows (the value to minimise). */
  loss: tf.Scalar;
  /** Network passes spent computing it. */
  passes: Passes;
}

/** A diagonal Gaussian q(z | x) per row: N(mean, diag exp(logVariance)). */
export interface GaussianPosterior {
  /** Means, N x L. */
  mean: Matrix;
  /** Log variances, N x L. */
  logVariance: Matrix;
}

/** A method's networks and state for one restart. */
export interface MethodModel {
  /** The method's registry name. */
  readonly method: string;
  /** Training passes counted so far. */
  readonly passes: PassCounter;
  /** The trainable variables. */
  variables(): tf.Variable[];
  /** The loss of the training rows `batch` (indices into `TrainingData.x`); call inside a gradient scope. */
  loss(batch: Int32Array, rng: Rng): BatchLoss;
  /** The method's bound on log p(x), averaged over the rows of held-out `x` (passes not counted). */
  validationBound(x: Matrix, rng: Rng): Promise<number>;
  /** Codes for the rows of `x` (the encoder's mean or deterministic output). */
  encode(x: Matrix): Promise<Matrix>;
  /**
   * The Gaussian q(z | x) the method uses at test time for the rows of `x`
   * (amortized evaluation: amortization gap, importance-sampled log p(x)).
   * Optional: methods without a Gaussian posterior (MAPA) leave it out.
   */
  posterior?(x: Matrix, rng: Rng): Promise<GaussianPosterior>;
  /** Method-specific figures for the report. */
  extraMetrics(): Record<string, number>;
  /**
   * Figures that need computing at the end of training (e.g. the MAPA
   * family's `tailOverfitNats`); absent or `{}` when a method has none.
   */
  diagnostics?(rng: Rng): Promise<Record<string, number>>;
  /** The learned model as plain data (MAPA fits its prior to the codes here). */
  exportModel(rng: Rng): Promise<GenerativeModel>;
  /** The encoder's weights as plain data. */
  encoderWeights(): Promise<MlpWeights>;
  /** Frees every tensor the model holds. */
  dispose(): void;
}

/**
 * An inference method: a name, what it can train on, how it prepares its
 * inputs from shared settings, and a builder of fresh models. `O` is the
 * method's own options type.
 */
export interface Method<O extends MethodOptions = MethodOptions> {
  /** Registry name, e.g. `"iwae"`. */
  name: string;
  /** One line for listings. */
  description: string;
  /** The observation models it trains on. */
  likelihoods: readonly LikelihoodKind[];
  /** Whether its models give a Gaussian q(z | x) at test time ({@linkcode MethodModel.posterior}). */
  gaussianPosterior: boolean;
  /**
   * Its options for `data` from the settings a suite shares among methods
   * (MAPA computes its rows here); the suites call this and never name a
   * method. Throws InputError where the method cannot train on `data`.
   */
  prepare(data: TrainingData, shared: SharedSettings): Promise<PreparedInputs<O>>;
  /** Builds fresh networks (weights drawn from `rng`); throws InputError on bad options. */
  build(data: TrainingData, options: O & { rng: Rng }): MethodModel;
}

/** {@linkcode Method.prepare} for a method whose options do not depend on the data. */
export function fixedInputs<O>(options: O): Promise<PreparedInputs<O>> {
  return Promise.resolve({ options, metrics: {} });
}

/** Decoder and encoder shapes: explicit options, else the ground truth's, else 2 x 50 tanh. */
export function resolveNetworks(
  data: TrainingData,
  options: MethodOptions,
): { encoder: NetworkSpec; decoder: NetworkSpec } {
  const decoder = options.decoder ??
    (data.groundTruth ? specFromWeights(data.groundTruth.decoder) : {
      hidden: [50, 50],
      activation: "tanh" as const,
    });
  const encoder = options.encoder ?? {
    hidden: [...decoder.hidden].reverse(),
    activation: decoder.activation,
  };
  checkNetworkSpec(decoder, "decoder");
  checkNetworkSpec(encoder, "encoder");
  return { encoder, decoder };
}

/** A float32 tensor holding a plain matrix. */
export function matrixTensor(m: Matrix): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data), [m.rows, m.cols]);
}

/**
 * A plain matrix holding a 2-D tensor's values; frees the tensor. Async
 * because WebGPU reads back asynchronously (its sync path needs a canvas).
 */
export async function tensorMatrix(t: tf.Tensor2D): Promise<Matrix> {
  const data = Float64Array.from(await t.data());
  t.dispose();
  return { rows: t.shape[0], cols: t.shape[1], data };
}

/** The value of a scalar tensor; frees the tensor. */
export async function scalarValue(t: tf.Tensor): Promise<number> {
  const v = (await t.data())[0];
  t.dispose();
  return v;
}

/** Row ranges of at most `size` rows covering `n` rows, for chunked evaluation. */
export function chunks(n: number, size: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (let a = 0; a < n; a += size) out.push([a, Math.min(n, a + size)]);
  return out;
}

/**
 * Runs `fn` in a tfjs scope and frees every tensor it made: `tf.tidy` for
 * functions that return plain data.
 */
export function scoped<T>(fn: () => T): T {
  tf.engine().startScope();
  try {
    return fn();
  } finally {
    tf.engine().endScope();
  }
}
