/**
 * The one shape every inference method has, so the trainer, the budget and
 * the report never name a method: build its networks, give the loss and the
 * passes it spent for a batch, encode, score held-out data, report extra
 * metrics, and export the learned generative model as plain data.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { MapaRows, TailPool } from "../mapa/types.ts";
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

/** Options every method reads the parts it needs of; unknown parts are ignored. */
export interface MethodOptions {
  /** Encoder shape (default: the decoder's hidden widths reversed). */
  encoder?: NetworkSpec;
  /** Decoder shape (default: the ground truth's architecture, else two tanh layers of 50). */
  decoder?: NetworkSpec;
  /** Importance samples: IWAE samples, or MAPA tail draws per row. */
  s?: number;
  /** MAPA: top-K neighbours used per row. */
  k?: number;
  /** IWAE encoder gradient estimator (default `dreg`). */
  estimator?: "dreg" | "naive";
  /**
   * MAPA family (**choice**, README "Code scale at initialisation"): the
   * deterministic encoder's linear output layer starts rescaled so the codes
   * of the training points have standard deviation `codeScale` per latent
   * dimension (default 3; 0 keeps the plain Glorot start, whose codes sit
   * near 0 and leave MAPA on a long early plateau).
   */
  codeScale?: number;
  /** MAPA: the rows of q(n | x_m) for the training set. */
  rows?: MapaRows;
  /** MAPA: a fixed tail pool from the same rows (overrides fresh draws; see `tailDraws`). */
  pool?: TailPool;
  /**
   * MAPA family (**choice**, default `"fresh"`): tail draws made afresh each
   * time a row enters a batch, or a fixed `"pool"` of `rounds` draws per row
   * made once (the paper-era behaviour; the decoder fits those draws).
   */
  tailDraws?: "fresh" | "pool";
  /** MAPA family, `tailDraws: "pool"`: rounds per row in the pool (default 8). */
  rounds?: number;
  /** MAPA family: tail draws without replacement (default, methods.md 5) or i.i.d. */
  tailScheme?: "iid" | "without_replacement";
  /** SA-VAE: SVI refinement (defaults: 20 steps, step 1 (binary) or sigma2 / 4, momentum 0.5, clip 5). */
  svi?: { steps?: number; stepSize?: number; momentum?: number; clip?: number };
  /** GP-RF: inducing inputs M (default 32) and the kernel's starting hyper-parameters. */
  gp?: { inducing?: number; lengthscale?: number; signalVariance?: number; jitter?: number };
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

/** An inference method: a name and a builder of fresh models. */
export interface Method {
  /** Registry name, e.g. `"iwae"`. */
  name: string;
  /** One line for listings. */
  description: string;
  /** Builds fresh networks (weights drawn from `rng`); throws InputError on bad options. */
  build(data: TrainingData, options: MethodOptions & { rng: Rng }): MethodModel;
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
