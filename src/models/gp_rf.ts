/**
 * The GP random-function VAE (Kim and Pavlovic 2021; methods.md section 9).
 *
 * **This is a reconstruction** (only the paper's abstract survived): the
 * encoder's mean and log-variance are random functions
 *
 *     m(x) = m_phi(x) + f_m(x),   log v(x) = 2 s_phi(x) + f_s(x),
 *
 * with m_phi and s_phi (the log sd, as in the VAE) the encoder's outputs and
 * one GP per latent dimension and per function, f ~ GP(0, k(h_phi(x), h_phi(x'))),
 * over the encoder's last hidden layer h_phi with an RBF kernel. A sparse
 * variational GP (src/models/sparse_gp.ts: M inducing inputs, Q(u_j) =
 * N(mu_j, L_j L_j^T), learned length-scale and signal variance) gives the
 * Gaussian marginal of f(x) in closed form. Training maximises
 *
 *     sum_i E_{Q(f(x_i))} ELBO(x_i; m(x_i), v(x_i)) - sum_j KL(Q(u_j) || P(u_j)),
 *
 * estimated with one draw of f(x_i) and one of z per row (the KL term is
 * scaled by |B| / N per batch). At test time q(z | x) takes the predictive
 * mean of both functions and adds the predictive variance of f_m to v(x):
 * N(m_phi + E f_m, exp(2 s_phi + E f_s) + Var f_m), the mean function
 * integrated out exactly; inference is one feed-forward pass.
 *
 * Passes: the encoder and the decoder count one pass per row each, as in the
 * VAE; the GP's O(|B| M H) kernel work is not a network pass and is not
 * counted.
 *
 * **Choices** (option `gp`): `inducing` M = 32 (or N when smaller); the inducing
 * inputs start at the features of M distinct training rows; `lengthscale`
 * defaults to their RMS pairwise distance; `signalVariance` 0.1; `jitter`
 * 1e-3 (relative to the signal variance); Q(u) starts at mean 0 and S = sf2 I.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix, MlpWeights } from "../types.ts";
import { normalTensor } from "./gaussian_vae.ts";
import { logLikelihood } from "./likelihood.ts";
import {
  chunks,
  fixedInputs,
  type GaussianPosterior,
  matrixTensor,
  type Method,
  type MethodModel,
  type MethodOptions,
  resolveNetworks,
  scalarValue,
  tensorMatrix,
  type TrainingData,
} from "./method.ts";
import { Mlp } from "./mlp.ts";
import { PassCounter } from "./passes.ts";
import { pickRows, SparseGp } from "./sparse_gp.ts";

/** Default number of inducing inputs. */
export const DEFAULT_INDUCING = 32;

/** GP-RF's options. */
export interface GpRfOptions extends MethodOptions {
  /**
   * Inducing inputs M (default {@linkcode DEFAULT_INDUCING}, or N when
   * smaller) and the kernel's starting hyper-parameters (see the module doc).
   */
  gp?: { inducing?: number; lengthscale?: number; signalVariance?: number; jitter?: number };
}

/** A GP-RF model: the common model plus its GP, for inspection. */
export interface GpRfModel extends MethodModel {
  /** The sparse GP over the encoder's last hidden features (outputs: f_m then f_s). */
  readonly gp: SparseGp;
  /** The test-time q(z | x): deterministic, so `rng` is not read. */
  posterior(x: Matrix, rng?: Rng): Promise<GaussianPosterior>;
  /** The GP's predictive mean and variance at the rows of `x`, each N x 2L (f_m, then f_s). */
  predictive(x: Matrix): Promise<{ mean: Matrix; variance: Matrix }>;
}

function klStandardNormal(mean: tf.Tensor2D, logVar: tf.Tensor2D): tf.Tensor1D {
  return tf.mul(
    tf.sum(tf.sub(tf.add(tf.square(mean), tf.exp(logVar)), tf.add(logVar, 1)), 1),
    0.5,
  ) as tf.Tensor1D;
}

/** Builds a GP-RF model; throws InputError on bad options (see the module doc). */
export function buildGpRf(data: TrainingData, options: GpRfOptions & { rng: Rng }): GpRfModel {
  const nets = resolveNetworks(data, options);
  const d = data.x.cols, l = data.l, n = data.x.rows;
  const hidden = nets.encoder.hidden;
  if (hidden.length === 0) {
    throw new InputError(
      "GP-RF needs an encoder with at least one hidden layer (its features are the GP's inputs)",
    );
  }
  const m = options.gp?.inducing ?? Math.min(DEFAULT_INDUCING, n);
  if (!Number.isInteger(m) || m < 1 || m > n) {
    throw new InputError(
      `GP-RF inducing inputs M must be an integer in [1, N = ${n}], got ${m}; lower gp.inducing`,
    );
  }
  // The trunk and head draw from one stream in layer order: the same weights as the VAE's encoder.
  const rngE = options.rng.fork("encoder");
  const trunk = Mlp.create({ inputs: d, outputs: hidden[hidden.length - 1] }, {
    hidden: hidden.slice(0, -1),
    activation: nets.encoder.activation,
    outputActivation: nets.encoder.activation,
  }, { role: "encoder", rng: rngE });
  const head = Mlp.create({ inputs: hidden[hidden.length - 1], outputs: 2 * l }, {
    hidden: [],
    activation: nets.encoder.activation,
    outputActivation: "linear",
  }, { role: "encoder", rng: rngE });
  const decoder = Mlp.create({ inputs: l, outputs: d }, nets.decoder, {
    role: "decoder",
    rng: options.rng.fork("decoder"),
  });
  let gp: SparseGp;
  try {
    const order = Int32Array.from({ length: n }, (_, i) => i);
    options.rng.fork("inducing").shuffle(order);
    const start = tf.tidy(() => trunk.apply(matrixTensor(pickRows(data.x, order.subarray(0, m)))));
    try {
      gp = SparseGp.create(start, { outputs: 2 * l, ...options.gp });
    } finally {
      start.dispose();
    }
  } catch (e) {
    trunk.dispose();
    head.dispose();
    decoder.dispose();
    throw e;
  }
  const xAll = matrixTensor(data.x);
  const passes = new PassCounter();
  const obs = { kind: data.likelihood, sigma2: data.sigma2 };
  let cached: Record<string, number> = {};

  const encodeParts = (x: tf.Tensor2D, counter?: PassCounter) => {
    const h = trunk.apply(x, counter);
    const [mu, logStd] = tf.split(head.apply(h), [l, l], 1) as [tf.Tensor2D, tf.Tensor2D];
    return { h, mu, logStd };
  };
  /** The test-time q: predictive means, Var f_m added to v(x). */
  const testPosterior = (x: tf.Tensor2D, counter?: PassCounter) => {
    const { h, mu, logStd } = encodeParts(x, counter);
    const p = gp.predict(h, gp.conditional());
    const [meanM, meanS] = tf.split(p.mean, [l, l], 1);
    const [varM] = tf.split(p.variance, [l, l], 1);
    const mean = tf.add(mu, meanM) as tf.Tensor2D;
    const logVar = tf.log(tf.add(tf.exp(tf.add(tf.mul(logStd, 2), meanS)), varM)) as tf.Tensor2D;
    return { mean, logVar, variance: p.variance };
  };
  const elbo = (
    x: tf.Tensor2D,
    q: { mean: tf.Tensor2D; logVar: tf.Tensor2D },
    eps: tf.Tensor,
    counter?: PassCounter,
  ) => {
    const z = tf.add(q.mean, tf.mul(tf.exp(tf.mul(q.logVar, 0.5)), eps)) as tf.Tensor2D;
    const logp = logLikelihood(x, decoder.apply(z, counter), obs);
    return tf.sub(logp, klStandardNormal(q.mean, q.logVar)) as tf.Tensor1D;
  };
  const byChunks = async (
    x: Matrix,
    fn: (xb: tf.Tensor2D) => tf.Tensor2D,
    cols: number,
  ): Promise<Matrix> => {
    const data = new Float64Array(x.rows * cols);
    for (const [a, b] of chunks(x.rows, 500)) {
      const t = tf.tidy(() =>
        fn(tf.tensor2d(Float32Array.from(x.data.subarray(a * d, b * d)), [b - a, d]))
      );
      data.set((await tensorMatrix(t)).data, a * cols);
    }
    return { rows: x.rows, cols, data };
  };

  return {
    method: "gp_rf",
    passes,
    gp,
    variables: () => [
      ...trunk.variables(),
      ...head.variables(),
      ...decoder.variables(),
      ...gp.variables(),
    ],
    loss(batch, rng) {
      const before = passes.snapshot();
      const xb = tf.gather(xAll, tf.tensor1d(batch, "int32")) as tf.Tensor2D;
      const { h, mu, logStd } = encodeParts(xb, passes);
      const c = gp.conditional();
      const p = gp.predict(h, c);
      // z's noise first, as the VAE draws it: with f = 0 the two bounds coincide draw for draw.
      const epsZ = normalTensor(rng, [batch.length, l]);
      const epsF = normalTensor(rng, [batch.length, 2 * l]);
      const f = tf.add(p.mean, tf.mul(tf.sqrt(tf.add(p.variance, 1e-10)), epsF));
      const [fm, fs] = tf.split(f, [l, l], 1);
      const q = {
        mean: tf.add(mu, fm) as tf.Tensor2D,
        logVar: tf.add(tf.mul(logStd, 2), fs) as tf.Tensor2D,
      };
      const value = elbo(xb, q, epsZ, passes);
      const loss = tf.neg(tf.sub(tf.mean(value), tf.div(gp.kl(c), n))) as tf.Scalar;
      return { loss, passes: passes.since(before) };
    },
    async validationBound(x: Matrix, rng: Rng) {
      let total = 0, varSum = 0;
      for (const [a, b] of chunks(x.rows, 500)) {
        const t = tf.tidy(() => {
          const xb = tf.tensor2d(Float32Array.from(x.data.subarray(a * d, b * d)), [b - a, d]);
          const q = testPosterior(xb);
          const value = elbo(xb, q, normalTensor(rng, [b - a, l]));
          return tf.stack([tf.sum(value), tf.mean(tf.split(q.variance, [l, l], 1)[0])]);
        });
        const v = await t.data();
        t.dispose();
        total += v[0];
        varSum += v[1] * (b - a);
      }
      cached = {
        ...(await gp.hyperParameters()),
        meanPredictiveVarianceM: varSum / x.rows,
      };
      return total / x.rows;
    },
    encode: (x) => byChunks(x, (xb) => testPosterior(xb).mean, l),
    async posterior(x: Matrix): Promise<GaussianPosterior> {
      const both = await byChunks(x, (xb) => {
        const q = testPosterior(xb);
        return tf.concat([q.mean, q.logVar], 1) as tf.Tensor2D;
      }, 2 * l);
      return splitColumns(both, l);
    },
    async predictive(x: Matrix) {
      const both = await byChunks(x, (xb) => {
        const p = gp.predict(trunk.apply(xb), gp.conditional());
        return tf.concat([p.mean, p.variance], 1) as tf.Tensor2D;
      }, 4 * l);
      const s = splitColumns(both, 2 * l);
      return { mean: s.mean, variance: s.logVariance };
    },
    extraMetrics: () => ({ ...cached, inducing: m }),
    async exportModel(): Promise<GenerativeModel> {
      return {
        l,
        d,
        likelihood: data.likelihood,
        sigma2: data.sigma2,
        prior: { kind: "standard_normal" },
        decoder: await decoder.toWeights(),
      };
    },
    async encoderWeights(): Promise<MlpWeights> {
      const a = await trunk.toWeights(), b = await head.toWeights();
      return { layers: [...a.layers, ...b.layers] };
    },
    dispose() {
      trunk.dispose();
      head.dispose();
      decoder.dispose();
      gp.dispose();
      xAll.dispose();
    },
  };
}

/** Splits the columns of `m` into the first `k` and the rest. */
function splitColumns(m: Matrix, k: number): GaussianPosterior {
  const r = m.cols - k;
  const a = new Float64Array(m.rows * k), b = new Float64Array(m.rows * r);
  for (let i = 0; i < m.rows; i++) {
    a.set(m.data.subarray(i * m.cols, i * m.cols + k), i * k);
    b.set(m.data.subarray(i * m.cols + k, (i + 1) * m.cols), i * r);
  }
  return {
    mean: { rows: m.rows, cols: k, data: a },
    logVariance: { rows: m.rows, cols: r, data: b },
  };
}

/** The GP random-function VAE (a reconstruction; see the module doc). */
export const gpRf: Method<GpRfOptions> = {
  name: "gp_rf",
  description: "GP-RF: VAE whose encoder mean/log-variance get sparse-GP random functions",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: true,
  prepare: () => fixedInputs({}),
  build: (data, options) => buildGpRf(data, options),
};

/** For tests: the scalar value of the GP's KL term of a model. */
export function inducingKl(model: GpRfModel): Promise<number> {
  return scalarValue(tf.tidy(() => model.gp.kl(model.gp.conditional())));
}
