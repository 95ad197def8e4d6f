/**
 * Fits the surrogate MLP of each synthetic example to its analytic decoder
 * by supervised regression (MAPA paper, appendix C.1), then writes
 * `datasets/surrogates/<name>.json` and refreshes the SHA-256 manifest.
 * Run once; the committed files are what every draw uses.
 *
 *     deno run -A src/train/fit_surrogate.ts [--name clusters] [--steps 10000] [--seed 0]
 *
 * Training sample per step (fresh draws from the project's Rng, so there is
 * no fixed training set to overfit): half z ~ N(0, 1), which weights the fit
 * by the prior's density, half z ~ Uniform(-4, 4), which keeps the tails
 * right. Loss: mean squared error. Adam with a cosine-decayed step size.
 * Weights are initialised from the Rng, so a rerun on the same backend gives
 * the same file.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { parseArgs } from "node:util";
import { InputError } from "../errors.ts";
import { sha256Hex } from "../io/checksum.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import { mlpForward } from "../mlp_forward.ts";
import { Rng } from "../rng.ts";
import type { DenseLayer, Matrix, MlpWeights } from "../types.ts";
import {
  analyticDecode,
  SYNTHETIC_NAMES,
  SYNTHETIC_SPECS,
  type SyntheticName,
} from "../data/analytic.ts";
import {
  SURROGATE_ACTIVATION,
  SURROGATE_DIR,
  SURROGATE_HIDDEN,
  type SurrogateFile,
  type SurrogateFit,
  surrogateToJson,
} from "../data/surrogate.ts";

/** Options for {@linkcode fitSurrogate}. */
export interface FitSurrogateOptions {
  /** Seed of the initial weights and of the training draws. Default 0. */
  seed?: number;
  /** Adam steps. Default 10000. */
  steps?: number;
  /** Points per step (half normal, half uniform). Default 1024. */
  batch?: number;
  /** Peak Adam step size. Default 1e-2. */
  learningRate?: number;
  /** Called every few hundred steps with the step and the batch loss. */
  onProgress?: (step: number, loss: number) => void;
}

/**
 * Initial weights from the Rng. First layer: each unit gets a slope of
 * random sign and size in [1, 30] and a kink placed uniformly in [-3.5, 3.5],
 * so sharp steps anywhere in the prior's range are reachable from the
 * start. Later layers: N(0, 1 / fan_in), zero biases.
 */
export function initSurrogate(d: number, seed: number): MlpWeights {
  const rng = Rng.stream(seed, "surrogate/init");
  const widths = [1, ...SURROGATE_HIDDEN, d];
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    const inputs = widths[l];
    const outputs = widths[l + 1];
    const weights = new Float64Array(inputs * outputs);
    const bias = new Float64Array(outputs);
    if (l === 0) {
      for (let k = 0; k < outputs; k++) {
        const slope = (rng.uniform() < 0.5 ? -1 : 1) * (1 + 29 * rng.uniform());
        weights[k] = slope;
        bias[k] = -slope * (7 * rng.uniform() - 3.5);
      }
    } else {
      const s = Math.sqrt(1 / inputs);
      for (let i = 0; i < weights.length; i++) weights[i] = s * rng.normal();
    }
    const last = l + 2 === widths.length;
    layers.push({
      inputs,
      outputs,
      weights,
      bias,
      activation: last ? "linear" : SURROGATE_ACTIVATION,
    });
  }
  return { layers };
}

/** Max and mean |net(z) - f(z)| over `points` evenly spaced z in [-3, 3]. */
export function gridError(
  name: SyntheticName,
  net: MlpWeights,
  points = 6001,
): { max: number; mean: number } {
  const z: Matrix = { rows: points, cols: 1, data: new Float64Array(points) };
  for (let i = 0; i < points; i++) z.data[i] = -3 + (6 * i) / (points - 1);
  const a = analyticDecode(SYNTHETIC_SPECS[name], z);
  const b = mlpForward(net, z);
  let max = 0;
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) {
    const e = Math.abs(a.data[i] - b.data[i]);
    if (e > max) max = e;
    sum += e;
  }
  return { max, mean: sum / a.data.length };
}

function act(x: tf.Tensor, activation: string): tf.Tensor {
  if (activation === "tanh") return tf.tanh(x);
  if (activation === "linear") return x;
  throw new RangeError(`fit_surrogate: unsupported activation ${activation}`);
}

/** Fits the surrogate of `name` with tfjs (backend as currently set) and returns it. */
export function fitSurrogate(
  name: SyntheticName,
  options: FitSurrogateOptions = {},
): SurrogateFile {
  const seed = options.seed ?? 0;
  const steps = options.steps ?? 10000;
  const batch = options.batch ?? 1024;
  const lr0 = options.learningRate ?? 1e-2;
  const spec = SYNTHETIC_SPECS[name];
  const init = initSurrogate(spec.d, seed);
  // tf.variable keeps its initial tensor alive as a separate tensor: dispose it.
  const variable = (t: tf.Tensor): tf.Variable => {
    const v = tf.variable(t);
    t.dispose();
    return v;
  };
  const vars = init.layers.flatMap((l) => [
    variable(tf.tensor2d(Float32Array.from(l.weights), [l.inputs, l.outputs])),
    variable(tf.tensor1d(Float32Array.from(l.bias))),
  ]);
  const m = vars.map((v) => variable(tf.zerosLike(v)));
  const s = vars.map((v) => variable(tf.zerosLike(v)));
  const draws = Rng.stream(seed, `surrogate/${name}/train`);
  const zBuf = new Float32Array(batch);
  const yBuf = new Float32Array(batch * spec.d);
  const out = new Float64Array(spec.d);
  const [beta1, beta2, eps] = [0.9, 0.999, 1e-8];
  for (let step = 1; step <= steps; step++) {
    for (let i = 0; i < batch; i++) {
      const z = i < batch / 2 ? draws.normal() : -4 + 8 * draws.uniform();
      zBuf[i] = z;
      spec.decode(z, out);
      for (let j = 0; j < spec.d; j++) yBuf[i * spec.d + j] = out[j];
    }
    const lr = 1e-5 + 0.5 * (lr0 - 1e-5) * (1 + Math.cos((Math.PI * (step - 1)) / steps));
    const loss = tf.tidy(() => {
      const zt = tf.tensor2d(zBuf, [batch, 1]);
      const yt = tf.tensor2d(yBuf, [batch, spec.d]);
      const { value, grads } = tf.variableGrads(() => {
        let h: tf.Tensor = zt;
        for (let l = 0; l < init.layers.length; l++) {
          h = act(tf.add(tf.matMul(h, vars[2 * l]), vars[2 * l + 1]), init.layers[l].activation);
        }
        return tf.mean(tf.square(tf.sub(h, yt))) as tf.Scalar;
      }, vars);
      const c1 = 1 - beta1 ** step;
      const c2 = 1 - beta2 ** step;
      vars.forEach((v, i) => {
        const g = grads[v.name];
        m[i].assign(tf.add(tf.mul(m[i], beta1), tf.mul(g, 1 - beta1)));
        s[i].assign(tf.add(tf.mul(s[i], beta2), tf.mul(tf.square(g), 1 - beta2)));
        const upd = tf.div(tf.div(m[i], c1), tf.add(tf.sqrt(tf.div(s[i], c2)), eps));
        v.assign(tf.sub(v, tf.mul(upd, lr)));
      });
      return value;
    });
    if (options.onProgress && (step % 500 === 0 || step === steps)) {
      options.onProgress(step, loss.dataSync()[0]);
    }
    loss.dispose();
  }
  const layers: DenseLayer[] = init.layers.map((l, i) => ({
    ...l,
    weights: Float64Array.from(vars[2 * i].dataSync()),
    bias: Float64Array.from(vars[2 * i + 1].dataSync()),
  }));
  for (const v of [...vars, ...m, ...s]) v.dispose();
  const weights = { layers };
  const err = gridError(name, weights);
  const fit: SurrogateFit = {
    seed,
    steps,
    gridMaxError: err.max,
    gridMeanError: err.mean,
    gridPoints: 6001,
  };
  return { name, weights, fit };
}

/** Writes a surrogate file into `dir` and records its SHA-256 in `dir/manifest.json`. */
export function writeSurrogate(file: SurrogateFile, dir: URL = SURROGATE_DIR): void {
  const text = surrogateToJson(file);
  const path = new URL(`${file.name}.json`, dir);
  const manifestPath = new URL("manifest.json", dir);
  let manifest: { format: string; files: Record<string, string> } = {
    format: "mapa-bench-surrogates/1",
    files: {},
  };
  try {
    manifest = JSON.parse(Deno.readTextFileSync(manifestPath));
  } catch (e) {
    if (!(e instanceof Deno.errors.NotFound)) throw e;
  }
  manifest.files[`${file.name}.json`] = sha256Hex(text);
  const sorted = Object.fromEntries(Object.entries(manifest.files).sort());
  writeFileAtomic(path.pathname, text);
  writeFileAtomic(
    manifestPath.pathname,
    JSON.stringify({ format: manifest.format, files: sorted }, null, 2) + "\n",
  );
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    args: Deno.args,
    strict: true,
    options: {
      name: { type: "string" },
      steps: { type: "string", default: "10000" },
      seed: { type: "string", default: "0" },
    },
  });
  const names = values.name ? values.name.split(",") : [...SYNTHETIC_NAMES];
  for (const n of names) {
    if (!(SYNTHETIC_NAMES as readonly string[]).includes(n)) {
      throw new InputError(`unknown synthetic data set ${n}; known: ${SYNTHETIC_NAMES.join(", ")}`);
    }
  }
  await tf.setBackend("wasm");
  Deno.mkdirSync(SURROGATE_DIR, { recursive: true });
  for (const n of names as SyntheticName[]) {
    const t0 = performance.now();
    const file = fitSurrogate(n, {
      seed: Number(values.seed),
      steps: Number(values.steps),
      onProgress: (step, loss) => console.error(`${n}: step ${step} loss ${loss.toExponential(3)}`),
    });
    writeSurrogate(file);
    console.error(
      `${n}: grid [-3, 3] max error ${file.fit.gridMaxError.toExponential(3)}, mean ${
        file.fit.gridMeanError.toExponential(3)
      } (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  }
}

if (import.meta.main) {
  try {
    await main();
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      Deno.exit(1);
    }
    throw e;
  }
}
