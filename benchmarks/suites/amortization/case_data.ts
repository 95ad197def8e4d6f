/**
 * The amortization suite's data of one case: training and test points and
 * the network shapes (MNIST's MLPs; the synthetic sets use the ground
 * truth's architecture).
 *
 * @module
 */

import { loadMnist } from "../../../src/data/mnist.ts";
import { getSyntheticDataset } from "../../../src/data/registry.ts";
import type { LikelihoodKind } from "../../../src/models/likelihood.ts";
import type { MethodOptions, TrainingData } from "../../../src/models/method.ts";
import type { Matrix } from "../../../src/types.ts";
import { MNIST_L } from "./amortization_settings.ts";

/** Rows a to b of `m`. */
export function firstRows(m: Matrix, a: number, b: number): Matrix {
  return { rows: b - a, cols: m.cols, data: m.data.slice(a * m.cols, b * m.cols) };
}

/** The observation model of `dataset`: binarised MNIST is Bernoulli, the synthetic sets Gaussian. */
export function caseLikelihood(dataset: string): LikelihoodKind {
  return dataset === "mnist" ? "bernoulli" : "gaussian";
}

/** One case's data. */
export interface CaseData {
  /** Training data. */
  data: TrainingData;
  /** Test points. */
  test: Matrix;
  /** Network shapes (empty: the method's default). */
  options: MethodOptions;
}

/** `train` training and `test` test points of `dataset` (synthetic sets: drawn with `seed`). */
export function caseData(
  dataset: string,
  sizes: { train: number; test: number; seed: number },
): CaseData {
  const { train, test, seed } = sizes;
  if (dataset === "mnist") {
    const mn = loadMnist();
    const net = { hidden: [200], activation: "tanh" as const };
    return {
      data: {
        x: firstRows(mn.train, 0, train),
        l: MNIST_L,
        likelihood: "bernoulli",
        sigma2: 1,
      },
      test: firstRows(mn.test, 0, test),
      options: { encoder: net, decoder: net },
    };
  }
  const ds = getSyntheticDataset(dataset);
  const draw = ds.draw(train + test, seed);
  return {
    data: {
      x: firstRows(draw.x, 0, train),
      l: ds.l,
      likelihood: "gaussian",
      sigma2: ds.sigma2,
      groundTruth: { codes: firstRows(draw.z, 0, train), decoder: ds.surrogate },
    },
    test: firstRows(draw.x, train, train + test),
    options: {},
  };
}
