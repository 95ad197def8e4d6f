/**
 * `manifold64`: a high-dimensional synthetic set with a known truth, for
 * growing N where exact MAPA rows cost O(N^2 D) and HNSW should win (issue
 * 12, item 6). z ~ N(0, I_2) is mapped by a fixed random MLP
 * 2 -> 50 -> 50 -> 64 (tanh, linear output) to a curved 2-D sheet in 64-D,
 * and x = f(z) + sqrt(sigma2) eps. The MLP is the ground truth itself (there
 * is no separate analytic formula to fit, so the fit error is 0) and has the
 * trained models' decoder shape, so the truth lies in their class.
 *
 * The weights are made from the project's Rng by {@linkcode makeManifoldSurrogate}
 * and committed, like the other surrogates, as
 * `datasets/surrogates/manifold64.json` with its SHA-256 in the manifest;
 * loading checks the checksum. Regenerate with
 *
 *     deno run -A src/data/manifold.ts
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { sha256Hex } from "../io/checksum.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { DenseLayer, Matrix, MlpWeights } from "../types.ts";
import {
  loadSurrogateFile,
  SURROGATE_ACTIVATION,
  SURROGATE_DIR,
  SURROGATE_HIDDEN,
  type SurrogateFile,
  surrogateToJson,
} from "./surrogate.ts";
import { checkDrawSize, drawFrom } from "./synthetic.ts";
import type { Draw, SyntheticDataset } from "./types.ts";

/** Name of the set. */
export const MANIFOLD_NAME = "manifold64";

/** Its fixed constants. */
export const MANIFOLD_SPEC = {
  name: MANIFOLD_NAME,
  description: "64-D, a random tanh MLP from L = 2 (the truth itself): a curved 2-D sheet in " +
    "64-D for growing N in high D",
  l: 2,
  d: 64,
  sigma2: 0.01,
  /** Seed of the weights' Rng stream. */
  seed: 12,
} as const;

/**
 * Gain of the hidden layers' weights: N(0, gain^2 / fan_in). Above 1 the
 * tanh units saturate in parts of the prior's range, so the sheet folds
 * instead of staying near a plane; 1.5 gives a sheet whose 64 output
 * coordinates each vary by about +-1 over z in [-2, 2].
 */
const HIDDEN_GAIN = 1.5;

/**
 * The ground-truth MLP of {@linkcode MANIFOLD_NAME} from `seed`: hidden
 * layers N(0, 1.5^2 / fan_in) with N(0, 0.5^2) biases, output layer
 * N(0, 1 / fan_in) with zero bias, all from Rng stream "manifold64/weights".
 */
export function makeManifoldSurrogate(seed: number = MANIFOLD_SPEC.seed): SurrogateFile {
  const rng = Rng.stream(seed, `${MANIFOLD_NAME}/weights`);
  const widths = [MANIFOLD_SPEC.l, ...SURROGATE_HIDDEN, MANIFOLD_SPEC.d];
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l], outputs = widths[l + 1];
    const last = l + 2 === widths.length;
    const s = (last ? 1 : HIDDEN_GAIN) / Math.sqrt(inputs);
    const weights = new Float64Array(inputs * outputs);
    for (let i = 0; i < weights.length; i++) weights[i] = s * rng.normal();
    const bias = new Float64Array(outputs);
    if (!last) { for (let i = 0; i < outputs; i++) bias[i] = 0.5 * rng.normal(); }
    layers.push({
      inputs,
      outputs,
      activation: last ? "linear" : SURROGATE_ACTIVATION,
      weights,
      bias,
    });
  }
  return {
    name: MANIFOLD_NAME,
    weights: { layers },
    fit: { seed, steps: 0, gridMaxError: 0, gridMeanError: 0, gridPoints: 0 },
  };
}

/** Writes the surrogate file and records its SHA-256 in the folder's manifest. */
export function writeManifoldSurrogate(dir: URL = SURROGATE_DIR): void {
  const file = makeManifoldSurrogate();
  const text = surrogateToJson(file);
  const manifestPath = new URL("manifest.json", dir);
  const manifest = JSON.parse(Deno.readTextFileSync(manifestPath));
  manifest.files[`${file.name}.json`] = sha256Hex(text);
  manifest.files = Object.fromEntries(Object.entries(manifest.files).sort());
  writeFileAtomic(new URL(`${file.name}.json`, dir).pathname, text);
  writeFileAtomic(manifestPath.pathname, JSON.stringify(manifest, null, 2) + "\n");
}

let loaded: SurrogateFile | undefined;

/** The committed ground truth, read and checksum-verified once per process. */
export function loadManifoldSurrogate(): SurrogateFile {
  if (!loaded) {
    const path = new URL(`${MANIFOLD_NAME}.json`, SURROGATE_DIR);
    const file = loadSurrogateFile(path);
    if (file.name !== MANIFOLD_NAME) {
      throw new InputError(`${path.pathname} holds the surrogate of ${file.name}`);
    }
    loaded = file;
  }
  return loaded;
}

/** The `manifold64` data set; its analytic decoder is the stored MLP itself. */
export function makeManifoldDataset(): SyntheticDataset {
  const decode = (z: Matrix) => mlpForward(loadManifoldSurrogate().weights, z);
  return {
    name: MANIFOLD_NAME,
    description: MANIFOLD_SPEC.description,
    d: MANIFOLD_SPEC.d,
    l: MANIFOLD_SPEC.l,
    sigma2: MANIFOLD_SPEC.sigma2,
    likelihood: "gaussian",
    analyticDecoder: decode,
    trueDecoder: decode,
    get surrogate(): MlpWeights {
      return loadManifoldSurrogate().weights;
    },
    draw(n: number, seed: number): Draw {
      checkDrawSize(n);
      return drawFrom(MANIFOLD_NAME, loadManifoldSurrogate().weights, {
        n,
        seed,
        sigma2: MANIFOLD_SPEC.sigma2,
      });
    },
  };
}

if (import.meta.main) {
  writeManifoldSurrogate();
  console.log(`wrote ${new URL(`${MANIFOLD_NAME}.json`, SURROGATE_DIR).pathname}`);
}
