/**
 * MAPA-naive (methods.md section 5): the MAPA bound with q(n | x_m) set to
 * the uniform 1/N, so every term is a uniform i.i.d. draw:
 * L(x_m) = log (1/S) sum_s p(x_m | z_{n_s}), n_s ~ U{1..N}. Shows what the
 * data-driven q buys.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { buildIndexModel, type TermSource } from "./index_model.ts";
import type { Method } from "./method.ts";

/** Uniform i.i.d. draws over `n` points, `s` per row. */
export function naiveTerms(n: number, s: number): TermSource {
  const logS = Math.log(s);
  return (batch, rng) => {
    const index = new Int32Array(batch.length * s);
    for (let i = 0; i < index.length; i++) index[i] = rng.int(n);
    return { j: s, index, logCoef: new Float32Array(index.length).fill(-logS) };
  };
}

/** MAPA-naive: uniform q, `s` draws per row (default 10). */
export const mapaNaive: Method = {
  name: "mapa_naive",
  description: "MAPA-naive: uniform q over the codes (S i.i.d. draws per row)",
  build(data, options) {
    const s = options.s ?? 10;
    if (!Number.isInteger(s) || s < 1) {
      throw new InputError(`MAPA-naive needs s >= 1 draws (an integer), got ${s}`);
    }
    return buildIndexModel("mapa_naive", data, { ...options, terms: naiveTerms(data.x.rows, s) });
  },
};
