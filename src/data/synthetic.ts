/**
 * The five synthetic examples as {@linkcode SyntheticDataset}s: analytic
 * decoder, stored surrogate MLP (loaded on first use, checksum-verified) and
 * seeded draws x = surrogate(z) + sqrt(sigma2) eps.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { Matrix, MlpWeights } from "../types.ts";
import { analyticDecode, SYNTHETIC_SPECS, type SyntheticName } from "./analytic.ts";
import { loadSurrogateFile, SURROGATE_DIR, type SurrogateFile } from "./surrogate.ts";
import type { Draw, SyntheticDataset } from "./types.ts";

/** Largest N a single draw accepts. */
export const MAX_DRAW = 1_000_000;

/** Checks a draw size: an integer in [1, {@linkcode MAX_DRAW}], else an {@linkcode InputError}. */
export function checkDrawSize(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_DRAW) {
    throw new InputError(`N must be an integer from 1 to ${MAX_DRAW}, got ${n}`);
  }
}

/** Checks a seed: a finite integer, else an {@linkcode InputError}. */
export function checkSeed(seed: number): void {
  if (!Number.isSafeInteger(seed)) {
    throw new InputError(`seed must be an integer, got ${seed}`);
  }
}

/** The URL of the committed surrogate file of `name`. */
export function surrogatePath(name: SyntheticName): URL {
  return new URL(`${name}.json`, SURROGATE_DIR);
}

const loaded = new Map<SyntheticName, SurrogateFile>();

/** The stored surrogate of `name`, read and verified once per process. */
export function loadSurrogate(name: SyntheticName): SurrogateFile {
  let file = loaded.get(name);
  if (!file) {
    file = loadSurrogateFile(surrogatePath(name));
    if (file.name !== name) {
      throw new InputError(`${surrogatePath(name)} holds the surrogate of ${file.name}`);
    }
    loaded.set(name, file);
  }
  return file;
}

/**
 * Draws N points from a decoder: z ~ N(0, 1) from stream `<name>/z`, noise
 * from the separate stream `<name>/noise`, x = decoder(z) + sqrt(sigma2) eps.
 * Separate streams keep the codes of a draw unchanged when only the noise
 * model changes.
 */
export function drawFrom(
  name: string,
  decoder: MlpWeights,
  options: { n: number; seed: number; sigma2: number },
): Draw {
  const { n, seed, sigma2 } = options;
  checkDrawSize(n);
  checkSeed(seed);
  const l = decoder.layers[0].inputs;
  const z: Matrix = {
    rows: n,
    cols: l,
    data: Rng.stream(seed, `${name}/z`).fillNormal(new Float64Array(n * l)),
  };
  const x = mlpForward(decoder, z);
  const noise = Rng.stream(seed, `${name}/noise`);
  const s = Math.sqrt(sigma2);
  for (let i = 0; i < x.data.length; i++) x.data[i] += s * noise.normal();
  return { x, z };
}

/** The synthetic example `name` (methods.md section 10). */
export function makeSyntheticDataset(name: SyntheticName): SyntheticDataset {
  const spec = SYNTHETIC_SPECS[name];
  return {
    name,
    description: spec.description,
    d: spec.d,
    l: 1,
    sigma2: spec.sigma2,
    likelihood: "gaussian",
    analyticDecoder: (z: Matrix) => analyticDecode(spec, z),
    trueDecoder: (z: Matrix) => mlpForward(loadSurrogate(name).weights, z),
    get surrogate(): MlpWeights {
      return loadSurrogate(name).weights;
    },
    draw(n: number, seed: number): Draw {
      checkDrawSize(n);
      return drawFrom(name, loadSurrogate(name).weights, { n, seed, sigma2: spec.sigma2 });
    },
  };
}
