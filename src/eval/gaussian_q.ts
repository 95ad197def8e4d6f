/**
 * Scores of a diagonal Gaussian q(z | x) per point on a frozen generative
 * model with the standard normal prior: the ELBO (Monte Carlo
 * reconstruction term, KL in closed form) and the importance-sampled
 * log p(x) with q, or an equal-weight mixture of several q, as proposal.
 * The decoder runs on tfjs (many samples of a large decoder).
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import { InputError } from "../errors.ts";
import { logLikelihood, logStandardNormal } from "../models/likelihood.ts";
import type { GaussianPosterior } from "../models/method.ts";
import { Mlp } from "../models/mlp.ts";
import { Rng } from "../rng.ts";
import type { GenerativeModel, Matrix } from "../types.ts";

const HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);

/** Options of the Gaussian-q scores. */
export interface GaussianQOptions {
  /** Samples per point (default 1000). */
  samples?: number;
  /** Base seed (default 0); the same seed gives the same noise, so two q compare with common draws. */
  seed?: number;
  /** Decoder rows per tfjs call; bounds memory (default 20000). */
  maxDecoded?: number;
}

/** Throws InputError unless `model` has the standard normal prior and `q` matches `x`. */
export function checkGaussianQ(model: GenerativeModel, x: Matrix, q: GaussianPosterior): void {
  if (model.prior.kind !== "standard_normal") {
    throw new InputError(
      `Gaussian-q scores need the standard normal prior, got "${model.prior.kind}"`,
    );
  }
  if (x.cols !== model.d) throw new InputError(`x has ${x.cols} columns, the model D = ${model.d}`);
  for (const m of [q.mean, q.logVariance]) {
    if (m.rows !== x.rows || m.cols !== model.l) {
      throw new InputError(
        `q must be ${x.rows} x ${model.l} (rows of x by L), got ${m.rows} x ${m.cols}`,
      );
    }
  }
}

function checkSamples(s: number): void {
  if (!Number.isInteger(s) || s < 1) {
    throw new InputError(`samples must be an integer >= 1, got ${s}`);
  }
}

/** Rows [a, b) of a matrix as a float32 tensor. */
export function rowsTensor(m: Matrix, a: number, b: number): tf.Tensor2D {
  return tf.tensor2d(Float32Array.from(m.data.subarray(a * m.cols, b * m.cols)), [b - a, m.cols]);
}

/**
 * Visits (row block, sample block) pairs whose decoded rows fit `maxDecoded`,
 * with a stream of noise per row block so results do not depend on the blocks
 * of other rows.
 */
async function forBlocks(
  x: Matrix,
  samples: number,
  options: GaussianQOptions,
  fn: (a: number, b: number, s: number, rng: Rng) => Promise<void>,
): Promise<void> {
  const maxDecoded = options.maxDecoded ?? 20000;
  const sb = Math.min(samples, maxDecoded);
  const rows = Math.max(1, Math.floor(maxDecoded / sb));
  for (let a = 0; a < x.rows; a += rows) {
    const b = Math.min(x.rows, a + rows);
    const rng = Rng.stream(options.seed ?? 0, `gaussian_q/${a}`);
    for (let done = 0; done < samples; done += sb) {
      await fn(a, b, Math.min(sb, samples - done), rng);
    }
  }
}

/** log N(z; mean, diag exp(logVar)) summed over the last axis; z [S, n, L], mean [n, L]. */
function logNormal(z: tf.Tensor, mean: tf.Tensor, logVar: tf.Tensor): tf.Tensor {
  const l = mean.shape[mean.shape.length - 1];
  const u = tf.div(tf.square(tf.sub(z, mean)), tf.exp(logVar));
  return tf.sub(tf.mul(tf.sum(tf.add(u, logVar), -1), -0.5), l * HALF_LOG_2PI);
}

/** log p(x | z) for z [S, n, L] and x [n, D]: [S, n]. */
function decodeLogLik(model: GenerativeModel, decoder: Mlp, x: tf.Tensor2D, z: tf.Tensor) {
  const [s, n, l] = z.shape;
  const out = decoder.apply(tf.reshape(z, [s * n, l]) as tf.Tensor2D);
  return logLikelihood(x, tf.reshape(out, [s, n, model.d]), {
    kind: model.likelihood,
    sigma2: model.sigma2,
  });
}

/** Standard normal noise [s, n, l] from `rng`. */
function noise(rng: Rng, s: number, n: number, l: number): tf.Tensor {
  return tf.tensor(rng.fillNormal(new Float32Array(s * n * l)), [s, n, l]);
}

/** The ELBO of q per row of `x`: Monte Carlo reconstruction term plus the closed-form KL. */
export async function gaussianElbo(
  model: GenerativeModel,
  data: { x: Matrix; q: GaussianPosterior },
  options: GaussianQOptions = {},
): Promise<Float64Array> {
  const { x, q } = data;
  checkGaussianQ(model, x, q);
  const samples = options.samples ?? 1000;
  checkSamples(samples);
  const l = model.l;
  const recon = new Float64Array(x.rows);
  const decoder = Mlp.fromWeights(model.decoder, { role: "decoder" });
  try {
    await forBlocks(x, samples, options, async (a, b, s, rng) => {
      const t = tf.tidy(() => {
        const mean = rowsTensor(q.mean, a, b), logVar = rowsTensor(q.logVariance, a, b);
        const z = tf.add(mean, tf.mul(tf.exp(tf.mul(logVar, 0.5)), noise(rng, s, b - a, l)));
        return tf.sum(decodeLogLik(model, decoder, rowsTensor(x, a, b), z), 0);
      });
      const v = await t.data();
      t.dispose();
      for (let i = 0; i < b - a; i++) recon[a + i] += v[i];
    });
  } finally {
    decoder.dispose();
  }
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) {
    let kl = 0;
    for (let j = 0; j < l; j++) {
      const m = q.mean.data[i * l + j], lv = q.logVariance.data[i * l + j];
      kl += 0.5 * (m * m + Math.exp(lv) - lv - 1);
    }
    out[i] = recon[i] / samples - kl;
  }
  return out;
}

/**
 * The importance-sampled log p(x) per row with proposal the equal-weight
 * mixture of `proposals`, drawn stratified (samples / C from each component):
 * log (1/S) sum p(x, z) / q_mix(z), a stochastic lower bound that tightens
 * as S grows. One proposal is plain importance sampling with that q.
 */
export async function importanceLogLikelihood(
  model: GenerativeModel,
  data: { x: Matrix; proposals: GaussianPosterior[] },
  options: GaussianQOptions = {},
): Promise<Float64Array> {
  const { x, proposals } = data;
  if (proposals.length === 0) throw new InputError("importance sampling needs a proposal");
  for (const q of proposals) checkGaussianQ(model, x, q);
  const c = proposals.length;
  const samples = options.samples ?? 1000;
  checkSamples(samples);
  const perComponent = Math.max(1, Math.round(samples / c));
  const l = model.l;
  const max = new Float64Array(x.rows).fill(-Infinity), sum = new Float64Array(x.rows);
  const decoder = Mlp.fromWeights(model.decoder, { role: "decoder" });
  try {
    for (let k = 0; k < c; k++) {
      await forBlocks(x, perComponent, { ...options, seed: (options.seed ?? 0) + k }, async (
        a,
        b,
        s,
        rng,
      ) => {
        const t = tf.tidy(() => {
          const means = proposals.map((q) => rowsTensor(q.mean, a, b));
          const logVars = proposals.map((q) => rowsTensor(q.logVariance, a, b));
          const z = tf.add(
            means[k],
            tf.mul(tf.exp(tf.mul(logVars[k], 0.5)), noise(rng, s, b - a, l)),
          );
          const logQ = tf.sub(
            tf.logSumExp(tf.stack(means.map((m, j) => logNormal(z, m, logVars[j]))), 0),
            Math.log(c),
          );
          const logP = tf.add(
            decodeLogLik(model, decoder, rowsTensor(x, a, b), z),
            logStandardNormal(z),
          );
          return tf.transpose(tf.sub(logP, logQ)); // [n, S]
        });
        const v = await t.data();
        t.dispose();
        for (let i = 0; i < b - a; i++) {
          let m = max[a + i];
          for (let j = 0; j < s; j++) m = Math.max(m, v[i * s + j]);
          let acc = sum[a + i] * Math.exp(max[a + i] - m);
          if (!Number.isFinite(acc)) acc = 0;
          for (let j = 0; j < s; j++) acc += Math.exp(v[i * s + j] - m);
          max[a + i] = m;
          sum[a + i] = acc;
        }
      });
    }
  } finally {
    decoder.dispose();
  }
  const out = new Float64Array(x.rows);
  for (let i = 0; i < x.rows; i++) out[i] = max[i] + Math.log(sum[i]) - Math.log(perComponent * c);
  return out;
}
