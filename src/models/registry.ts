/**
 * The inference methods by name. The trainer and the benchmarks look a
 * method up here and never name one. Adding a method is its file plus one
 * entry in {@linkcode METHODS}: the union of every method's options
 * ({@linkcode KnownMethodOptions}) follows from the list.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { gpRf } from "./gp_rf.ts";
import { iwae } from "./iwae.ts";
import { mapa } from "./mapa.ts";
import { mapaGt } from "./mapa_gt.ts";
import { mapaNaive } from "./mapa_naive.ts";
import type { Method } from "./method.ts";
import { saVae } from "./sa_vae.ts";
import { vae } from "./vae.ts";

const ALL = [vae, iwae, mapa, mapaGt, mapaNaive, saVae, gpRf] as const;

type OptionsOf<M> = M extends Method<infer O> ? O : never;
type Intersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I
  : never;

/**
 * Every registered method's options in one type: what a caller may pass to
 * a method looked up by name (each method reads its own fields).
 */
export type KnownMethodOptions = Intersection<OptionsOf<typeof ALL[number]>>;

/** Every method, in report order. */
export const METHODS: readonly Method<KnownMethodOptions>[] = ALL;

/** The method called `name`; an unknown name is an InputError listing the known ones. */
export function getMethod(name: string): Method<KnownMethodOptions> {
  const m = METHODS.find((x) => x.name === name);
  if (!m) {
    throw new InputError(
      `unknown method "${name}"; use one of ${METHODS.map((x) => x.name).join(", ")}`,
    );
  }
  return m;
}
