/**
 * MAPA tail draws for counting: one Gumbel perturbation per row serves every
 * S at once (the draws of a smaller S are a prefix of a larger S's), and
 * the S tail terms with their without-replacement weights.
 *
 * @module
 */

import { offerTopKey } from "../../../src/mapa/top_keys.ts";
import type { Rng } from "../../../src/rng.ts";
import type { Matrix } from "../../../src/types.ts";

/**
 * One row's tail draws for every S up to `sMax` at once: the tail
 * candidates (all points outside the row's top K) perturbed once with
 * Gumbel noise and the `sMax + 1` largest keys kept, sorted. The first S of
 * them are a Gumbel-top-S draw without replacement (Kool et al. 2019) from
 * the renormalised tail, as `makeTailPool`'s default scheme draws, and key S
 * is its threshold kappa; so one perturbation serves every S, and the draws
 * of a smaller S are a prefix of a larger S's.
 */
export interface TailOrder {
  /** Candidate indices by decreasing key, length `size` (at most sMax + 1). */
  indices: Int32Array;
  /** Log kernel of each kept candidate (a common offset does not matter). */
  logw: Float64Array;
  /** The perturbed keys, decreasing. */
  keys: Float64Array;
  /** How many are kept. */
  size: number;
}

/**
 * Candidates whose kernel value is below 2^-60 / N of the row's largest tail
 * kernel are skipped: together they hold under 2^-60 of the tail's mass, so
 * the chance that any of them enters a draw is below S * 2^-60.
 */
const TAIL_CUTOFF = 60 * Math.LN2;

/**
 * Tail draws for counting (see {@linkcode TailOrder}): fresh per call, from
 * the exact tail over all N points. This is the one place the suite makes
 * MAPA tail draws; if MAPA's own sampler gains a per-step API, swap it in
 * here.
 */
export function tailOrder(
  x: Matrix,
  m: number,
  options: {
    top: ArrayLike<number>;
    scale: number;
    sMax: number;
    rng: Rng;
    scratch?: Float64Array;
  },
): TailOrder {
  const n = x.rows, d = x.cols, data = x.data;
  const lw = options.scratch && options.scratch.length >= n ? options.scratch : new Float64Array(n);
  for (let j = 0; j < n; j++) {
    let d2 = 0;
    for (let t = 0; t < d; t++) {
      const diff = data[j * d + t] - data[m * d + t];
      d2 += diff * diff;
    }
    lw[j] = -options.scale * d2;
  }
  for (let i = 0; i < options.top.length; i++) lw[options.top[i]] = -Infinity;
  let max = -Infinity;
  for (let j = 0; j < n; j++) if (lw[j] > max) max = lw[j];
  const floor = max - TAIL_CUTOFF - Math.log(n);
  const cap = options.sMax + 1;
  // A min-heap of the cap largest keys (src/mapa/top_keys.ts).
  const keys = new Float64Array(cap);
  const who = new Int32Array(cap);
  let size = 0;
  for (let j = 0; j < n; j++) {
    if (!(lw[j] > floor)) continue;
    size = offerTopKey({ keys, who }, size, { key: lw[j] + options.rng.gumbel(), index: j });
  }
  const order = Array.from({ length: size }, (_, i) => i).sort((a, b) => keys[b] - keys[a]);
  return {
    indices: Int32Array.from(order, (i) => who[i]),
    logw: Float64Array.from(order, (i) => lw[who[i]]),
    keys: Float64Array.from(order, (i) => keys[i]),
    size,
  };
}

/**
 * The S tail terms of a {@linkcode TailOrder}: indices and log weights
 * -log pi(n), pi(n) = 1 - exp(-exp(log w(n) - kappa)), as `sampleTail`
 * writes them; a tail shorter than S is taken whole (weight 1) and the
 * empty slots hold `self` with weight 0, so they add no code.
 */
export function tailTerms(
  order: TailOrder,
  s: number,
  self: number,
): { indices: Int32Array; logWeight: Float64Array } {
  const indices = new Int32Array(s).fill(self);
  const logWeight = new Float64Array(s).fill(-Infinity);
  if (order.size <= s) {
    for (let t = 0; t < order.size; t++) {
      indices[t] = order.indices[t];
      logWeight[t] = 0;
    }
    return { indices, logWeight };
  }
  const kappa = order.keys[s];
  for (let t = 0; t < s; t++) {
    indices[t] = order.indices[t];
    logWeight[t] = -Math.log(-Math.expm1(-Math.exp(order.logw[t] - kappa)));
  }
  return { indices, logWeight };
}
