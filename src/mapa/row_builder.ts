/**
 * One interface for whatever turns a data matrix into MAPA rows (exact rows,
 * HNSW rows) or into the k-nearest-neighbour search that rows rest on (an
 * ANN library's build and batch query, a Python peer). Plain data in and
 * out, so the scaling suite and `deno task mapa` loop over a list of
 * builders (src/mapa/row_builders.ts, plus the suite's peers) and name none.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { WorkerPool } from "./worker_pool.ts";
import type { Matrix } from "../types.ts";
import type { KernelOptions } from "./kernel.ts";
import type { MapaRows } from "./types.ts";

/** What every builder says about itself. */
export interface BuilderInfo {
  /** Short name, as in a case's `method` param and the CLI's `--method`. */
  readonly name: string;
  /** One line for help texts and reports. */
  readonly description: string;
  /** Whether it runs outside this process (another language, e.g. a Python library). */
  readonly peer: boolean;
}

/**
 * Options every row builder takes. The index settings are read only by
 * builders with an index (exact rows have none and ignore them), so one
 * options object can go to every builder of a list.
 */
export interface RowBuildOptions extends KernelOptions {
  /** Neighbours kept per row K (1 <= K <= N). */
  k: number;
  /** Seed of whatever the builder draws (an index's levels, sampled normaliser terms). */
  seed?: number;
  /** Worker threads; each builder's own default when absent. */
  workers?: number;
  /**
   * Workers kept across calls, for a caller that builds many times (exact
   * rows use it; builders whose Workers end with their job ignore it).
   */
  pool?: WorkerPool;
  /** Neighbours an index queries per row k' >= K. */
  kPrime?: number;
  /** Graph degree of an index (HNSW's M). */
  m?: number;
  /** Build-time beam width of an index. */
  efConstruction?: number;
  /** Query-time beam width of an index. */
  ef?: number;
  /** Shards an index is built as, side by side (HNSW, see `HnswOptions`). */
  shards?: number;
  /**
   * How an approximate builder samples the normaliser's sum over the points
   * it did not find (HNSW: `"cells"` or `"uniform"`, see `HnswOptions`).
   */
  restProposal?: "cells" | "uniform";
  /** How an approximate builder stores its extras' log q (HNSW: see `HnswOptions`). */
  extraPrecision?: "f64" | "f32";
  /** Called with the fraction of the whole build done, in [0, 1], and a phase label. */
  onProgress?: (fraction: number, label: string) => void;
}

/** A builder's own figures, named as a benchmark case records them. */
export type BuildStats = Record<string, number | boolean>;

/** Rows plus what building them cost and found. */
export interface BuiltRows {
  /** The rows. */
  rows: MapaRows;
  /** Seconds building an index (0 for a builder without one). */
  buildSeconds: number;
  /** Seconds querying it and forming the rows (all of it for a builder without an index). */
  querySeconds: number;
  /** The builder's own figures (settings used, work done, its accuracy estimates). */
  stats: BuildStats;
  /** One line on the approximation for a user, or null when the rows are exact. */
  summary: string | null;
}

/** Builds MAPA rows for every point of a data matrix. */
export interface RowBuilder extends BuilderInfo {
  /**
   * Whether the rows are exact (the reference that approximate rows are
   * scored against), so their accuracy against exact rows is perfect by
   * construction.
   */
  readonly exact: boolean;
  /** The rows of every point of `x`. Bad input gives an InputError. */
  build(x: Matrix, options: RowBuildOptions): Promise<BuiltRows>;
  /**
   * Predicted seconds of {@linkcode RowBuilder.build} on `x`, from a small
   * probe, for builders whose cost can outgrow a benchmark's time cap.
   */
  predictSeconds?(x: Matrix, options: RowBuildOptions): Promise<number>;
}

/** Options of a k-NN timing: the K nearest, or k' where the builder has an index. */
export type KnnOptions = Omit<RowBuildOptions, keyof KernelOptions | "onProgress">;

/** Seconds of a k-NN search of every point, plus the builder's own figures. */
export interface KnnTiming {
  /** Seconds building an index (0 for brute force). */
  buildSeconds: number;
  /** Seconds of the queries. */
  querySeconds: number;
  /** The builder's own figures (settings used, threads). */
  stats: BuildStats;
}

/**
 * Times the nearest-neighbour search of every point of a data matrix under
 * squared Euclidean distance, without forming rows: what another library
 * can be compared on at equal work.
 */
export interface KnnBuilder extends BuilderInfo {
  /** Searches the neighbours of every point of `x` and times it. */
  knn(x: Matrix, options: KnnOptions): Promise<KnnTiming>;
}

/** The builder called `name` in `builders`; an Error naming the known ones otherwise. */
export function findBuilder<B extends BuilderInfo>(builders: readonly B[], name: string): B {
  const b = builders.find((b) => b.name === name);
  if (!b) {
    throw new InputError(
      `unknown builder "${name}" (known: ${builders.map((b) => b.name).join(", ")})`,
    );
  }
  return b;
}
