/**
 * The surrogate MLPs of the synthetic examples: their architecture, their
 * JSON file format and a loader that checks each file against the SHA-256
 * in `datasets/surrogates/manifest.json`. Data are drawn from the surrogate,
 * not from the analytic decoder, so the truth lies in the model class (MAPA
 * paper, appendix C.1).
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { sha256Hex } from "../io/checksum.ts";
import type { Activation, DenseLayer, MlpWeights } from "../types.ts";

/**
 * Hidden widths of the surrogates, L -> 50 -> 50 -> D. The default decoder
 * of the trained models reuses this shape, so the truth is in their class.
 *
 * Stored fits, max / mean |surrogate - analytic| over 6001 z in [-3, 3]:
 * figure8 6.0e-3 / 1.3e-3, circle 7.0e-3 / 1.7e-3, absolute_value
 * 2.6e-2 / 3.2e-3 (the kink at 0), clusters 4.7e-3 / 8.3e-4, spiral_dots
 * 1.9e-2 / 1.7e-3; the noise sd is 0.07 to 0.1.
 */
export const SURROGATE_HIDDEN: readonly number[] = [50, 50];

/** Hidden activation of the surrogates; the output layer is linear. */
export const SURROGATE_ACTIVATION: Activation = "tanh";

/** Format tag written into every weights file. */
export const SURROGATE_FORMAT = "mapa-bench-mlp/1";

/** The folder that holds the committed surrogate files and their manifest. */
export const SURROGATE_DIR: URL = new URL("../../datasets/surrogates/", import.meta.url);

/** How a surrogate was fitted and how close it came, as stored beside its weights. */
export interface SurrogateFit {
  /** Seed of the fit's random streams. */
  seed: number;
  /** Adam steps taken. */
  steps: number;
  /** Largest |surrogate - analytic| over all outputs on the z grid of [-3, 3]. */
  gridMaxError: number;
  /** Mean |surrogate - analytic| over the same grid. */
  gridMeanError: number;
  /** Number of grid points used for the two errors. */
  gridPoints: number;
}

/** One surrogate weights file, parsed. */
export interface SurrogateFile {
  /** Data set name. */
  name: string;
  /** The MLP. */
  weights: MlpWeights;
  /** The fit's record. */
  fit: SurrogateFit;
}

const ACTIVATIONS: readonly Activation[] = ["tanh", "relu", "leaky_relu", "sigmoid", "linear"];

/** Serialises a surrogate as JSON text (plain numbers, exact float64 round trip). */
export function surrogateToJson(file: SurrogateFile): string {
  const layers = file.weights.layers.map((l) => ({
    inputs: l.inputs,
    outputs: l.outputs,
    activation: l.activation,
    weights: Array.from(l.weights),
    bias: Array.from(l.bias),
  }));
  return JSON.stringify({ format: SURROGATE_FORMAT, name: file.name, fit: file.fit, layers }) +
    "\n";
}

function numbers(v: unknown, length: number, what: string, source: string): Float64Array {
  if (!Array.isArray(v) || v.length !== length || !v.every((x) => Number.isFinite(x))) {
    throw new InputError(`${source}: ${what} must be ${length} finite numbers`);
  }
  return Float64Array.from(v as number[]);
}

/** Parses and validates the JSON text of a surrogate file; `source` names it in errors. */
export function surrogateFromJson(text: string, source: string): SurrogateFile {
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${source}: not valid JSON (${(e as Error).message})`);
  }
  if (raw?.format !== SURROGATE_FORMAT || !Array.isArray(raw.layers)) {
    throw new InputError(`${source}: not a ${SURROGATE_FORMAT} weights file`);
  }
  const layers: DenseLayer[] = (raw.layers as Record<string, unknown>[]).map((l, i) => {
    const inputs = l.inputs as number;
    const outputs = l.outputs as number;
    if (!(Number.isInteger(inputs) && inputs > 0 && Number.isInteger(outputs) && outputs > 0)) {
      throw new InputError(`${source}: layer ${i} needs positive integer inputs and outputs`);
    }
    if (!ACTIVATIONS.includes(l.activation as Activation)) {
      throw new InputError(`${source}: layer ${i} has unknown activation ${l.activation}`);
    }
    return {
      inputs,
      outputs,
      activation: l.activation as Activation,
      weights: numbers(l.weights, inputs * outputs, `layer ${i} weights`, source),
      bias: numbers(l.bias, outputs, `layer ${i} bias`, source),
    };
  });
  return { name: String(raw.name), weights: { layers }, fit: raw.fit as SurrogateFit };
}

function readBytes(path: string | URL, what: string): Uint8Array {
  try {
    return Deno.readFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new InputError(
      `cannot read ${what} ${path}: ${why}; restore datasets/surrogates/ from git`,
    );
  }
}

function baseName(path: string | URL): string {
  const p = path instanceof URL ? decodeURIComponent(path.pathname) : path;
  return p.slice(p.lastIndexOf("/") + 1);
}

/** Options for {@linkcode loadSurrogateFile}. */
export interface LoadSurrogateOptions {
  /** The manifest to check against. Default: `manifest.json` in the same folder as the file. */
  manifest?: string | URL;
}

/**
 * Reads a surrogate weights file and refuses it with an {@linkcode InputError}
 * unless its SHA-256 equals the one its manifest lists under its file name.
 */
export function loadSurrogateFile(
  path: string | URL,
  options: LoadSurrogateOptions = {},
): SurrogateFile {
  const name = baseName(path);
  const manifestPath = options.manifest ??
    (path instanceof URL
      ? new URL("manifest.json", path)
      : `${path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "."}/manifest.json`);
  const manifestText = new TextDecoder().decode(readBytes(manifestPath, "surrogate manifest"));
  let expected: unknown;
  try {
    expected = JSON.parse(manifestText)?.files?.[name];
  } catch {
    throw new InputError(`surrogate manifest ${manifestPath} is not valid JSON`);
  }
  if (typeof expected !== "string") {
    throw new InputError(`surrogate manifest ${manifestPath} lists no checksum for ${name}`);
  }
  const bytes = readBytes(path, "surrogate weights");
  const actual = sha256Hex(bytes);
  if (actual !== expected) {
    throw new InputError(
      `surrogate weights ${path} fail their checksum (sha256 ${actual.slice(0, 12)}..., ` +
        `manifest expects ${expected.slice(0, 12)}...): restore the file from git ` +
        `or refit with src/train/fit_surrogate.ts`,
    );
  }
  return surrogateFromJson(new TextDecoder().decode(bytes), String(path));
}
