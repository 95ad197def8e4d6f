/**
 * The scaling suite's case params, typed: one checked conversion from a
 * case's `params` (JSON) to the study it belongs to, so the run, summary and
 * report read fields without casts.
 *
 * @module
 */

import { paramReader } from "../../harness/params.ts";
import type { JsonValue } from "../../harness/suite.ts";

/** A rows case (no `study` key): one builder's rows or k-NN search on one draw. */
export interface RowsParams {
  /** The study (absent in the JSON params of a rows case). */
  study: "rows";
  /** Data set. */
  dataset: string;
  /** Row or k-NN builder name (src/mapa/row_builders.ts, scaling_peers.ts). */
  method: string;
  /** Points N. */
  n: number;
  /** Dimension D. */
  d: number;
  /** Neighbours per row K. */
  k: number;
  /** HNSW rows' extras' log q storage, when not the default f64 (see `HnswOptions`). */
  extraPrecision?: "f32";
}

/** The bound study: L_{K,S} with HNSW rows minus with exact rows at figure8's truth. */
export interface BoundParams extends Omit<RowsParams, "study"> {
  /** The study. */
  study: "bound";
  /** Tail draws S per row. */
  s: number;
  /** The HNSW rows' proposal for tail draws outside the k' found. */
  restProposal: "cells" | "uniform";
}

/** The density study: MAPA trained on one kind of rows (scaling_density.ts). */
export interface DensityParams {
  /** The study. */
  study: "density";
  /** Data set. */
  dataset: string;
  /** Row builder name. */
  rows: string;
  /**
   * MAPA's tail estimator: `"scan"` (the paper's: draws from q~ over all N;
   * exact rows only) or `"mixture"` (extras plus the rest proposal; HNSW
   * rows, and exact rows computed with K = k' and split).
   */
  tail: "scan" | "mixture";
  /** Points N. */
  n: number;
  /** Training seed offset (0: the draw's own seed). */
  trainSeed: number;
  /** Pass budget per training run. */
  passes: number;
  /** Validation points. */
  nValidation: number;
  /** Test points. */
  nTest: number;
  /** MAPA's top-K. */
  k: number;
  /** MAPA's tail draws S. */
  s: number;
  /** Neighbours k' an index keeps per row. */
  kPrime: number;
  /**
   * Learning-rate schedule over the pass budget: "constant" (the papers'
   * and, before it was recorded, every run's) or "cosine" down to
   * `scheduleFloor` times the rate.
   */
  schedule: "constant" | "cosine";
  /** The cosine schedule's floor, as a fraction of the learning rate. */
  scheduleFloor: number;
  /** MAPA's proposal for tail draws outside the k' found. */
  restProposal: "cells" | "uniform";
  /** Adam learning rate. */
  learningRate: number;
}

/** The HNSW sweep: one (M, ef) setting (scaling_sweep.ts). */
export interface SweepParams {
  /** The study. */
  study: "sweep";
  /** Data set. */
  dataset: string;
  /** Row builder name. */
  method: string;
  /** Points N. */
  n: number;
  /** Neighbours per row K. */
  k: number;
  /** Graph degree M. */
  m: number;
  /** Query beam ef. */
  ef: number;
  /** Neighbours k' per row. */
  kPrime: number;
}

/** Any scaling case's params. */
export type ScalingParams = RowsParams | BoundParams | DensityParams | SweepParams;

type Params = Record<string, JsonValue>;

function num(p: Params, key: string): number {
  return paramReader(p, "scaling case").number(key);
}

function str(p: Params, key: string): string {
  return paramReader(p, "scaling case").string(key);
}

/** A case's rest proposal; runs recorded before the cell proposal used uniform draws. */
function restProposalOf(p: Params): "cells" | "uniform" {
  return p.restProposal === undefined
    ? "uniform"
    : paramReader(p, "scaling case").oneOf("restProposal", ["cells", "uniform"] as const);
}

/** Checks a case's JSON params and gives them their study's type; a TypeError if they do not fit. */
export function scalingParams(p: Params): ScalingParams {
  const dataset = str(p, "dataset"), n = num(p, "n"), k = num(p, "k");
  switch (p.study) {
    case undefined: {
      const rows: RowsParams = {
        study: "rows",
        dataset,
        method: str(p, "method"),
        n,
        d: num(p, "d"),
        k,
      };
      if (p.extraPrecision !== undefined) {
        rows.extraPrecision = paramReader(p, "scaling case").oneOf(
          "extraPrecision",
          ["f32"] as const,
        );
      }
      return rows;
    }
    case "bound":
      return {
        study: "bound",
        dataset,
        method: str(p, "method"),
        n,
        d: num(p, "d"),
        k,
        s: num(p, "s"),
        restProposal: restProposalOf(p),
      };
    case "density":
      return {
        study: "density",
        dataset,
        rows: str(p, "rows"),
        // Runs recorded before the tail param: exact rows scanned, HNSW rows mixed.
        tail: p.tail === undefined
          ? (p.rows === "exact" ? "scan" : "mixture")
          : paramReader(p, "scaling case").oneOf("tail", ["scan", "mixture"] as const),
        n,
        trainSeed: p.trainSeed === undefined ? 0 : num(p, "trainSeed"),
        passes: num(p, "passes"),
        nValidation: num(p, "nValidation"),
        nTest: num(p, "nTest"),
        k,
        s: num(p, "s"),
        kPrime: num(p, "kPrime"),
        restProposal: restProposalOf(p),
        learningRate: num(p, "learningRate"),
        // Runs recorded before the schedule param trained at a constant rate.
        schedule: p.schedule === undefined
          ? "constant"
          : paramReader(p, "scaling case").oneOf("schedule", ["constant", "cosine"] as const),
        // A cosine needs its floor: a default of 1 would be a cosine that never decays.
        scheduleFloor: p.scheduleFloor === undefined && p.schedule !== "cosine"
          ? 1
          : num(p, "scheduleFloor"),
      };
    case "sweep":
      return {
        study: "sweep",
        dataset,
        method: str(p, "method"),
        n,
        k,
        m: num(p, "m"),
        ef: num(p, "ef"),
        kPrime: num(p, "kPrime"),
      };
    default:
      throw new TypeError(`unknown scaling study ${JSON.stringify(p.study)}`);
  }
}

/** The params of `p` if they belong to `study`, else null (for filters over results). */
export function paramsOf<S extends ScalingParams["study"]>(
  p: Params,
  study: S,
): Extract<ScalingParams, { study: S }> | null {
  const typed = scalingParams(p);
  return typed.study === study ? typed as Extract<ScalingParams, { study: S }> : null;
}
