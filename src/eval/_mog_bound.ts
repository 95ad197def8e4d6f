/**
 * The stratified IWAE bound with a mixture-of-Gaussians proposal and its
 * reparameterised gradient (private to src/eval; see iwae_mog.ts).
 *
 * @module
 */

import { mlpForward } from "../mlp_forward.ts";
import type { GenerativeModel, Matrix } from "../types.ts";
import { mlpForwardTape, mlpInputGrad, tapeOutput } from "./decoder_grad.ts";
import { copulaSlope, logPriorDensity, toDecoderInput } from "./latent.ts";
import { decodedConstants, pairLogLik, pairLogLikGrad } from "./observation.ts";
import { logSumExp } from "./stats.ts";

const LOG_2PI = Math.log(2 * Math.PI);

/** A diagonal-Gaussian mixture in integration space: C components of dimension L. */
export interface MogProposal {
  /** Means, C x L row-major. */
  mu: Float64Array;
  /** Log standard deviations, C x L row-major. */
  rho: Float64Array;
  /** Unnormalised log weights, length C. */
  alpha: Float64Array;
}

/** The bound, its effective sample size and (optionally) its gradient. */
export interface BoundResult {
  /** The bound value, natural log. */
  value: number;
  /** Effective sample size of the normalised importance weights. */
  ess: number;
  /** The samples w_ct, (C T) x L row-major, component-major (need `resp`). */
  samples?: Float64Array;
  /** Unnormalised log importance weights per sample (need `resp`). */
  logWeights?: Float64Array;
  /** Responsibilities q_k(w) pi_k / q(w), (C T) x C row-major (need `resp`). */
  resp?: Float64Array;
  /** d value / d mu. */
  gMu?: Float64Array;
  /** d value / d rho. */
  gRho?: Float64Array;
  /** d value / d alpha. */
  gAlpha?: Float64Array;
}

/**
 * The stratified IWAE bound log sum_{c,t} pi_c p(x, w_ct) / q(w_ct) - log T
 * with w_ct = mu_c + sigma_c eps_ct; `need` adds the samples, log weights and
 * component responsibilities (`resp`) or the reparameterised
 * gradient with respect to the mixture parameters.
 */
export function bound(
  model: GenerativeModel,
  x: Matrix,
  i: number,
  mix: MogProposal,
  eps: Float64Array,
  t: number,
  need: "value" | "resp" | "grad",
): BoundResult {
  const withGrad = need === "grad";
  const l = model.l;
  const c = mix.alpha.length;
  const n = c * t;
  const logPi = new Float64Array(c);
  const alphaLse = logSumExp(mix.alpha);
  for (let k = 0; k < c; k++) logPi[k] = mix.alpha[k] - alphaLse;
  const sigma = mix.rho.map(Math.exp);
  const w = new Float64Array(n * l);
  for (let k = 0; k < c; k++) {
    for (let s = 0; s < t; s++) {
      const row = k * t + s;
      for (let j = 0; j < l; j++) {
        w[row * l + j] = mix.mu[k * l + j] + sigma[k * l + j] * eps[row * l + j];
      }
    }
  }
  const wm: Matrix = { rows: n, cols: l, data: w };
  const zIn = toDecoderInput(model.prior, wm);
  const tape = withGrad ? mlpForwardTape(model.decoder, zIn) : undefined;
  const f = tape ? tapeOutput(model.decoder, tape) : mlpForward(model.decoder, zIn);
  const consts = decodedConstants(model, f);

  // Joint log density and, for gradients, its w-gradient per sample.
  const a = new Float64Array(n);
  const gw = withGrad ? new Float64Array(n * l) : undefined;
  const priorGrad = new Float64Array(l);
  let gradOut: Matrix | undefined;
  if (withGrad) {
    gradOut = { rows: n, cols: model.d, data: new Float64Array(n * model.d) };
    const tmp = new Float64Array(model.d);
    for (let r = 0; r < n; r++) {
      pairLogLikGrad(model, x, i, f, r, tmp);
      gradOut.data.set(tmp, r * model.d);
    }
  }
  const gz = withGrad ? mlpInputGrad(model.decoder, tape!, gradOut!) : undefined;

  const logComp = new Float64Array(c);
  const resp = need !== "value" ? new Float64Array(n * c) : undefined;
  for (let r = 0; r < n; r++) {
    const k0 = Math.floor(r / t);
    const lp = logPriorDensity(model.prior, l, w, r * l, withGrad ? priorGrad : undefined);
    const ll = pairLogLik(model, x, i, f, r, consts);
    for (let k = 0; k < c; k++) {
      let v = logPi[k] - 0.5 * l * LOG_2PI;
      for (let j = 0; j < l; j++) {
        const d = (w[r * l + j] - mix.mu[k * l + j]) / sigma[k * l + j];
        v -= mix.rho[k * l + j] + 0.5 * d * d;
      }
      logComp[k] = v;
    }
    const logQ = logSumExp(logComp);
    a[r] = logPi[k0] + lp + ll - logQ;
    if (resp) { for (let k = 0; k < c; k++) resp[r * c + k] = Math.exp(logComp[k] - logQ); }
    if (withGrad) {
      for (let j = 0; j < l; j++) {
        const zj = w[r * l + j];
        const slope = model.prior.kind === "copula"
          ? copulaSlope(model.prior.knotsU, model.prior.knotsZ, zj)
          : 1;
        let g = gz!.data[r * l + j] * slope + priorGrad[j];
        for (let k = 0; k < c; k++) {
          g += resp![r * c + k] * (zj - mix.mu[k * l + j]) / sigma[k * l + j] ** 2;
        }
        gw![r * l + j] = g;
      }
    }
  }
  const lse = logSumExp(a);
  const value = lse - Math.log(t);
  let sumW2 = 0;
  for (let r = 0; r < n; r++) sumW2 += Math.exp(2 * (a[r] - lse));
  const ess = sumW2 > 0 ? 1 / sumW2 : 0;
  if (need === "value") return { value, ess };
  if (need === "resp") return { value, ess, samples: w, logWeights: a, resp };

  const gMu = new Float64Array(c * l);
  const gRho = new Float64Array(c * l);
  const gAlpha = new Float64Array(c);
  if (!Number.isFinite(lse)) return { value, ess, gMu, gRho, gAlpha };
  for (let r = 0; r < n; r++) {
    const om = Math.exp(a[r] - lse);
    if (om === 0) continue;
    const k0 = Math.floor(r / t);
    gAlpha[k0] += om;
    for (let k = 0; k < c; k++) {
      const rk = resp![r * c + k];
      gAlpha[k] -= om * rk;
      for (let j = 0; j < l; j++) {
        const d = (w[r * l + j] - mix.mu[k * l + j]) / sigma[k * l + j];
        gMu[k * l + j] -= om * rk * d / sigma[k * l + j];
        gRho[k * l + j] -= om * rk * (d * d - 1);
      }
    }
    for (let j = 0; j < l; j++) {
      const g = om * gw![r * l + j];
      gMu[k0 * l + j] += g;
      gRho[k0 * l + j] += g * sigma[k0 * l + j] * eps[r * l + j];
    }
  }
  return { value, ess, gMu, gRho, gAlpha };
}

/**
 * One importance-weighted EM update of `mix` in place (M-PMC, Cappe et al.
 * 2008): draw T per component, weight by p(x, w) / q(w), then refit weights,
 * means and variances to the weighted samples, which lowers the inclusive
 * KL(p(w | x) || q). Scales are kept >= `minSd` and weights >= `minWeight`,
 * so no component dies. Returns the bound of the draws it used.
 */
export function emStep(
  model: GenerativeModel,
  x: Matrix,
  i: number,
  mix: MogProposal,
  eps: Float64Array,
  t: number,
  limits: { minSd: number; minWeight: number },
): number {
  const l = model.l;
  const c = mix.alpha.length;
  const r = bound(model, x, i, mix, eps, t, "resp");
  if (!Number.isFinite(r.value)) return r.value;
  const a = r.logWeights!;
  const w = r.samples!;
  const resp = r.resp!;
  const top = logSumExp(a);
  const mass = new Float64Array(c);
  const sum1 = new Float64Array(c * l);
  const sum2 = new Float64Array(c * l);
  for (let s = 0; s < c * t; s++) {
    const om = Math.exp(a[s] - top);
    if (om === 0) continue;
    for (let k = 0; k < c; k++) {
      const g = om * resp[s * c + k];
      mass[k] += g;
      for (let j = 0; j < l; j++) sum1[k * l + j] += g * w[s * l + j];
    }
  }
  for (let k = 0; k < c; k++) {
    if (mass[k] < 1e-12) continue;
    for (let j = 0; j < l; j++) sum1[k * l + j] /= mass[k];
  }
  for (let s = 0; s < c * t; s++) {
    const om = Math.exp(a[s] - top);
    if (om === 0) continue;
    for (let k = 0; k < c; k++) {
      const g = om * resp[s * c + k];
      for (let j = 0; j < l; j++) sum2[k * l + j] += g * (w[s * l + j] - sum1[k * l + j]) ** 2;
    }
  }
  let total = 0;
  for (let k = 0; k < c; k++) total += Math.max(mass[k], limits.minWeight);
  for (let k = 0; k < c; k++) {
    mix.alpha[k] = Math.log(Math.max(mass[k], limits.minWeight) / total);
    // A component with (almost) no weighted samples keeps its place and scale.
    if (mass[k] < 1e-12 * c) continue;
    for (let j = 0; j < l; j++) {
      mix.mu[k * l + j] = sum1[k * l + j];
      const sd = Math.sqrt(sum2[k * l + j] / mass[k]);
      mix.rho[k * l + j] = Math.log(Math.max(sd, limits.minSd));
    }
  }
  return r.value;
}
