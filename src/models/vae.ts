/**
 * The VAE (methods.md section 2): mean-field Gaussian encoder, ELBO with one
 * reparameterised sample for the reconstruction term and the KL divergence to
 * N(0, I) in closed form. One encoder and one decoder pass per row.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import {
  buildGaussianModel,
  encodeGaussian,
  type GaussianBound,
  normalTensor,
} from "./gaussian_vae.ts";
import { logLikelihood } from "./likelihood.ts";
import { fixedInputs, type Method, type MethodOptions } from "./method.ts";

/** The VAE's options: its networks only. */
export type VaeOptions = MethodOptions;

const elbo: GaussianBound = (parts, x, { rng, counter }) => {
  const { mu, logStd } = encodeGaussian(parts, x, counter);
  const eps = normalTensor(rng, mu.shape);
  const z = tf.add(mu, tf.mul(tf.exp(logStd), eps)) as tf.Tensor2D;
  const out = parts.decoder.apply(z, counter);
  const logp = logLikelihood(x, out, { kind: parts.likelihood, sigma2: parts.sigma2 });
  const kl = tf.mul(
    tf.sum(
      tf.sub(tf.add(tf.square(mu), tf.exp(tf.mul(logStd, 2))), tf.add(tf.mul(logStd, 2), 1)),
      1,
    ),
    0.5,
  );
  return { value: tf.sub(logp, kl) as tf.Tensor1D };
};

/** The VAE: one-sample ELBO with the KL term in closed form. */
export const vae: Method<VaeOptions> = {
  name: "vae",
  description: "VAE: mean-field Gaussian encoder, one-sample ELBO",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: true,
  prepare: () => fixedInputs({}),
  build: (data, options) => buildGaussianModel("vae", data, { ...options, bound: elbo }),
};
