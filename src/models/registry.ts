/**
 * The inference methods by name. The trainer and the benchmarks look a
 * method up here and never name one.
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

/** Every method, in report order. */
export const METHODS: readonly Method[] = [vae, iwae, mapa, mapaGt, mapaNaive, saVae, gpRf];

/** The method called `name`; an unknown name is an InputError listing the known ones. */
export function getMethod(name: string): Method {
  const m = METHODS.find((x) => x.name === name);
  if (!m) {
    throw new InputError(
      `unknown method "${name}"; use one of ${METHODS.map((x) => x.name).join(", ")}`,
    );
  }
  return m;
}
