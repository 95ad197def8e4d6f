/**
 * MAPA-naive (methods.md section 5): the MAPA bound with q(n | x_m) set to
 * the uniform 1/N, so every term is a uniform i.i.d. draw:
 * L(x_m) = log (1/S) sum_s p(x_m | z_{n_s}), n_s ~ U{1..N}. Shows what the
 * data-driven q buys.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Rng } from "../rng.ts";
import {
  buildIndexModel,
  type IndexModelOptions,
  probeDepth,
  type TailProbe,
  type TermSource,
} from "./index_model.ts";
import { DrawMemory } from "./draw_memory.ts";
import { fixedInputs, type Method } from "./method.ts";

/** MAPA-naive's options. */
export interface MapaNaiveOptions extends IndexModelOptions {
  /** Uniform draws per row S (default {@linkcode MAPA_NAIVE_DEFAULTS}.s). */
  s?: number;
}

/** MAPA-naive's defaults. */
export const MAPA_NAIVE_DEFAULTS = { s: 10 } as const;

/** Uniform i.i.d. draws over `n` points, `s` per row. */
export function naiveTerms(n: number, s: number): TermSource {
  return naiveTermSource(n, s).terms;
}

/**
 * {@linkcode naiveTerms} with a probe: every term is a tail draw here, and
 * each row remembers the draws it last trained on.
 */
export function naiveTermSource(n: number, s: number): { terms: TermSource; probe: TailProbe } {
  const logS = Math.log(s);
  const memory = new DrawMemory(n, { s, depth: probeDepth(n, s) });
  const weights = new Float64Array(s).fill(-logS);
  const draw = (batch: Int32Array, rng: Rng, remember: boolean) => {
    const index = new Int32Array(batch.length * s);
    for (let i = 0; i < index.length; i++) index[i] = rng.int(n);
    if (remember) batch.forEach((m, b) => memory.record(m, index.subarray(b * s), weights));
    return { j: s, index, logCoef: new Float32Array(index.length).fill(-logS) };
  };
  return {
    terms: (batch, rng) => draw(batch, rng, true),
    probe: {
      rows: () => memory.rows(),
      visits: () => memory.remembered(),
      used: (batch, visit) => {
        const index = new Int32Array(batch.length * s);
        batch.forEach((m, b) => {
          const at = memory.offset(m, visit);
          index.set(memory.index.subarray(at, at + s), b * s);
        });
        return { j: s, index, logCoef: new Float32Array(index.length).fill(-logS) };
      },
      fresh: (batch, rng) => draw(batch, rng, false),
    },
  };
}

/**
 * MAPA-naive: s (default 10) uniform draws per row; with shared settings it
 * takes K + S draws, as many terms as MAPA's rows.
 */
export const mapaNaive: Method<MapaNaiveOptions> = {
  name: "mapa_naive",
  description: "MAPA-naive: uniform q over the codes (S i.i.d. draws per row)",
  likelihoods: ["gaussian", "bernoulli"],
  gaussianPosterior: false,
  prepare: (_data, { k, s }) => fixedInputs({ s: k + s }),
  build(data, options) {
    const s = options.s ?? MAPA_NAIVE_DEFAULTS.s;
    if (!Number.isInteger(s) || s < 1) {
      throw new InputError(`MAPA-naive needs s >= 1 draws (an integer), got ${s}`);
    }
    const source = naiveTermSource(data.x.rows, s);
    return buildIndexModel("mapa_naive", data, {
      ...options,
      terms: source.terms,
      tailProbe: source.probe,
    });
  },
};
