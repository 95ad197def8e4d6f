/**
 * What the VAE and the IWAE share: a mean-field Gaussian encoder
 * q(z | x) = N(mu(x), diag exp(2 logStd(x))), a decoder, the standard normal
 * prior, chunked held-out scoring and export. Each method supplies only its
 * bound.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import type { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix, MlpWeights } from "../types.ts";
import { stopGradient } from "./grad_ops.ts";
import type { LikelihoodKind } from "./likelihood.ts";
import {
  chunks,
  type GaussianPosterior,
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

/** The networks and settings a bound reads. */
export interface GaussianParts {
  /** Encoder: D -> 2L (means, then log standard deviations). */
  encoder: Mlp;
  /** Decoder: L -> D. */
  decoder: Mlp;
  /** Latent dimension. */
  l: number;
  /** Observation model. */
  likelihood: LikelihoodKind;
  /** Gaussian noise variance. */
  sigma2: number;
}

/** Encodes `x` into the mean and log standard deviation of q(z | x). */
export function encodeGaussian(
  parts: GaussianParts,
  x: tf.Tensor2D,
  counter?: PassCounter,
): { mu: tf.Tensor2D; logStd: tf.Tensor2D } {
  const h = parts.encoder.apply(x, counter);
  const [mu, logStd] = tf.split(h, [parts.l, parts.l], 1) as [tf.Tensor2D, tf.Tensor2D];
  return { mu, logStd };
}

/** What a bound returns for a batch. */
export interface BoundResult {
  /** The bound per row, [B]. */
  value: tf.Tensor1D;
  /** A scalar whose gradient is the estimator's (to maximise); the mean of `value` if absent. */
  surrogate?: tf.Scalar;
}

/** A method's bound on the rows `x` of a batch, counting passes on `counter`. */
export type GaussianBound = (
  parts: GaussianParts,
  x: tf.Tensor2D,
  options: { rng: Rng; counter?: PassCounter; training: boolean },
) => BoundResult;

/**
 * The test-time q(z | x) of a batch as mean and log standard deviation
 * (default: the encoder's output; SA-VAE refines it).
 */
export type PosteriorFn = (
  parts: GaussianParts,
  x: tf.Tensor2D,
  rng: Rng,
) => { mu: tf.Tensor2D; logStd: tf.Tensor2D };

/** Standard normal draws from `rng` as a tensor of `shape`. */
export function normalTensor(rng: Rng, shape: number[]): tf.Tensor {
  const size = shape.reduce((a, b) => a * b, 1);
  return tf.tensor(rng.fillNormal(new Float32Array(size)), shape);
}

/** Builds a Gaussian-encoder model whose objective is `bound`. */
export function buildGaussianModel(
  method: string,
  data: TrainingData,
  options: MethodOptions & {
    rng: Rng;
    bound: GaussianBound;
    extra?: () => Record<string, number>;
    posterior?: PosteriorFn;
  },
): MethodModel {
  const nets = resolveNetworks(data, options);
  const d = data.x.cols, l = data.l;
  const parts: GaussianParts = {
    encoder: Mlp.create({ inputs: d, outputs: 2 * l }, {
      ...nets.encoder,
      outputActivation: "linear",
    }, {
      role: "encoder",
      rng: options.rng.fork("encoder"),
    }),
    decoder: Mlp.create({ inputs: l, outputs: d }, nets.decoder, {
      role: "decoder",
      rng: options.rng.fork("decoder"),
    }),
    l,
    likelihood: data.likelihood,
    sigma2: data.sigma2,
  };
  const xAll = matrixTensor(data.x);
  const passes = new PassCounter();
  const bound = options.bound;
  return {
    method,
    passes,
    variables: () => [...parts.encoder.variables(), ...parts.decoder.variables()],
    loss(batch, rng) {
      const before = passes.snapshot();
      // No tidy here: the caller's gradient scope owns the intermediates, and
      // DReG's gradient scale must outlive this forward pass.
      const xb = tf.gather(xAll, tf.tensor1d(batch, "int32")) as tf.Tensor2D;
      const r = bound(parts, xb, { rng, counter: passes, training: true });
      const mean = tf.mean(r.value) as tf.Scalar;
      // Value of the bound, gradient of the estimator's surrogate.
      const loss = r.surrogate
        ? tf.neg(tf.add(tf.sub(r.surrogate, stopGradient(r.surrogate)), stopGradient(mean)))
        : tf.neg(mean);
      return { loss: loss as tf.Scalar, passes: passes.since(before) };
    },
    async validationBound(x: Matrix, rng: Rng) {
      let total = 0;
      for (const [a, b] of chunks(x.rows, 500)) {
        total += await scalarValue(tf.tidy(() => {
          const xb = tf.tensor2d(Float32Array.from(x.data.subarray(a * d, b * d)), [b - a, d]);
          return tf.sum(bound(parts, xb, { rng, training: false }).value);
        }));
      }
      return total / x.rows;
    },
    encode: (x: Matrix) => tensorMatrix(tf.tidy(() => encodeGaussian(parts, matrixTensor(x)).mu)),
    async posterior(x: Matrix, rng: Rng): Promise<GaussianPosterior> {
      const mean = new Float64Array(x.rows * l), logVariance = new Float64Array(x.rows * l);
      for (const [a, b] of chunks(x.rows, 500)) {
        const t = tf.tidy(() => {
          const xb = tf.tensor2d(Float32Array.from(x.data.subarray(a * d, b * d)), [b - a, d]);
          const q = options.posterior
            ? options.posterior(parts, xb, rng)
            : encodeGaussian(parts, xb);
          return tf.concat([q.mu, tf.mul(q.logStd, 2)], 1);
        });
        const v = await t.data();
        t.dispose();
        for (let i = 0; i < b - a; i++) {
          for (let j = 0; j < l; j++) {
            mean[(a + i) * l + j] = v[i * 2 * l + j];
            logVariance[(a + i) * l + j] = v[i * 2 * l + l + j];
          }
        }
      }
      return {
        mean: { rows: x.rows, cols: l, data: mean },
        logVariance: { rows: x.rows, cols: l, data: logVariance },
      };
    },
    extraMetrics: () => options.extra?.() ?? {},
    async exportModel(): Promise<GenerativeModel> {
      return {
        l,
        d,
        likelihood: data.likelihood,
        sigma2: data.sigma2,
        prior: { kind: "standard_normal" },
        decoder: await parts.decoder.toWeights(),
      };
    },
    encoderWeights: (): Promise<MlpWeights> => parts.encoder.toWeights(),
    dispose() {
      parts.encoder.dispose();
      parts.decoder.dispose();
      xAll.dispose();
    },
  };
}
