/**
 * The inference methods by name. The trainer and the benchmarks look a
 * method up here and never name one. Adding a method is its file plus its
 * entry in {@linkcode METHODS} and its options in
 * {@linkcode KnownMethodOptions}.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { gpRf, type GpRfOptions } from "./gp_rf.ts";
import { iwae, type IwaeOptions } from "./iwae.ts";
import { mapa, type MapaOptions } from "./mapa.ts";
import { mapaGt, type MapaGtOptions } from "./mapa_gt.ts";
import { mapaNaive, type MapaNaiveOptions } from "./mapa_naive.ts";
import type { Method } from "./method.ts";
import { saVae, type SaVaeOptions } from "./sa_vae.ts";
import { vae, type VaeOptions } from "./vae.ts";

/**
 * Every registered method's options in one type: what a caller may pass to
 * a method looked up by name (each method reads its own fields). A new
 * method adds its options here and itself to {@linkcode METHODS}.
 */
export type KnownMethodOptions =
  & VaeOptions
  & IwaeOptions
  & MapaOptions
  & MapaGtOptions
  & MapaNaiveOptions
  & SaVaeOptions
  & GpRfOptions;

/** Every method, in report order. */
export const METHODS: readonly Method<KnownMethodOptions>[] = [
  vae,
  iwae,
  mapa,
  mapaGt,
  mapaNaive,
  saVae,
  gpRf,
];

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
