/**
 * The passes suite's counting: batches drawn as the trainer draws them, the
 * exact MAPA rows and tail draws of the batch rows only (N reaches 100,000),
 * MAPA's terms over them, and each model's own pass counter read on them.
 *
 * @module
 */

import { getSyntheticDataset } from "../../../src/data/registry.ts";
import { exactRowsFor } from "../../../src/mapa/exact/mod.ts";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import {
  buildIndexModel,
  type RowTerms,
  type TermSource,
} from "../../../src/models/index_model.ts";
import type { MethodModel, TrainingData } from "../../../src/models/method.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { Rng } from "../../../src/rng.ts";
import { countPasses } from "../../../src/train/count_passes.ts";
import { BATCH, MAPA_K, S_VALUES } from "./passes_settings.ts";
import { type TailOrder, tailOrder, tailTerms } from "./tail_order.ts";

/**
 * `steps` batches of `min(batch, n)` distinct rows, drawn as the trainer
 * draws them (an epoch order reshuffled whenever it runs out).
 */
export function drawBatches(
  n: number,
  steps: number,
  options: { batch: number; rng: Rng },
): Int32Array[] {
  const b = Math.min(options.batch, n);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  let cursor = n;
  const out: Int32Array[] = [];
  for (let t = 0; t < steps; t++) {
    if (cursor + b > n) {
      options.rng.shuffle(order);
      cursor = 0;
    }
    out.push(order.slice(cursor, cursor + b));
    cursor += b;
  }
  return out;
}

/** The data and the MAPA rows of the batch rows of one (data set, N). */
export interface BatchRows {
  /** The training data. */
  data: TrainingData;
  /** The counted batches. */
  batches: Int32Array[];
  /** Top-K neighbours of each batch row, batch-major: [step][row][K]. */
  top: Int32Array;
  /** Tail draws of each batch row, [step][row]. */
  tails: TailOrder[];
  /** K. */
  k: number;
}

/**
 * Draws `n` points of `dataset` and, for `steps` batches drawn as the
 * trainer does, the exact top-K rows of the batch rows against all N
 * (`exactRowsFor`) and their tail draws up to `sMax` (fresh per step and
 * row). Only the batch rows are computed: a pass count reads nothing else.
 */
export async function batchRows(
  dataset: string,
  n: number,
  options: { seed: number; steps: number; k: number; sMax: number; batch?: number },
): Promise<BatchRows> {
  const ds = getSyntheticDataset(dataset);
  const drawSeed = Rng.stream(options.seed, `passes/draw/${dataset}/${n}`).int(2 ** 31 - 1);
  const draw = ds.draw(n, drawSeed);
  const data: TrainingData = {
    x: draw.x,
    l: ds.l,
    likelihood: "gaussian",
    sigma2: ds.sigma2,
    groundTruth: { codes: draw.z, decoder: ds.surrogate },
  };
  const rng = Rng.stream(options.seed, `passes/batches/${dataset}/${n}`);
  const batches = drawBatches(n, options.steps, { batch: options.batch ?? BATCH, rng });
  const queries = new Int32Array(batches.reduce((a, b) => a + b.length, 0));
  let o = 0;
  for (const b of batches) {
    queries.set(b, o);
    o += b.length;
  }
  // Rows use the budget suite's kernel (bandwidth 2 sigma2, the default).
  const rows = await exactRowsFor(draw.x, queries, { k: options.k, sigma2: ds.sigma2 });
  const scale = resolveKernel({ sigma2: ds.sigma2 }).scale;
  const scratch = new Float64Array(n);
  const tailRng = rng.fork("tail");
  const tails: TailOrder[] = [];
  for (let p = 0; p < queries.length; p++) {
    tails.push(tailOrder(draw.x, queries[p], {
      top: rows.neighbors.subarray(p * options.k, (p + 1) * options.k),
      scale,
      sMax: options.sMax,
      rng: tailRng,
      scratch,
    }));
  }
  return { data, batches, top: rows.neighbors, tails, k: options.k };
}

/**
 * MAPA's terms (top K at weight 1/N, then S tail draws at their
 * without-replacement weights over N, the layout of `mapaTerms`) for the
 * batches of `rows`, in order: call i must pass `rows.batches[i]`.
 */
export function batchTerms(rows: BatchRows, s: number): TermSource {
  const { k, batches } = rows;
  const j = k + s;
  const logN = Math.log(rows.data.x.rows);
  let step = 0, offset = 0;
  return (batch) => {
    if (batch !== batches[step]) {
      throw new Error(`the passes suite's MAPA terms were asked for a batch out of order`);
    }
    const index = new Int32Array(batch.length * j);
    const logCoef = new Float32Array(batch.length * j);
    for (let b = 0; b < batch.length; b++, offset++) {
      let o = b * j;
      for (let i = 0; i < k; i++, o++) {
        index[o] = rows.top[offset * k + i];
        logCoef[o] = -logN;
      }
      const tail = tailTerms(rows.tails[offset], s, batch[b]);
      for (let t = 0; t < s; t++, o++) {
        index[o] = tail.indices[t];
        logCoef[o] = tail.logWeight[t] - logN;
      }
    }
    step++;
    return { j, index, logCoef } satisfies RowTerms;
  };
}

const rowsCache = new Map<string, Promise<BatchRows>>();

/** {@linkcode batchRows} with MAPA_K and the largest S, cached for the cases of one (data set, N). */
export function cachedRows(
  dataset: string,
  n: number,
  seed: number,
  steps: number,
): Promise<BatchRows> {
  const key = `${dataset}/${n}/${seed}/${steps}`;
  let hit = rowsCache.get(key);
  if (!hit) {
    hit = batchRows(dataset, n, { seed, steps, k: MAPA_K, sMax: Math.max(...S_VALUES) });
    // Cases of one (data set, N) run together; keep only the last few.
    if (rowsCache.size >= 2) rowsCache.delete(rowsCache.keys().next().value!);
    rowsCache.set(key, hit);
    hit.catch(() => rowsCache.delete(key));
  }
  return hit;
}

/**
 * Counts the passes per point per step of `method` (mapa, iwae or vae) with
 * `s` samples on the batches of `rows`, by the model's own counter.
 */
export function countMethodPasses(
  method: string,
  rows: BatchRows,
  options: { s: number; seed: number },
): { encoderPassesPerPoint: number; decoderPassesPerPoint: number; perStepDecoder: number[] } {
  const rng = Rng.stream(options.seed, `passes/count/${method}`);
  let model: MethodModel;
  if (method === "mapa") {
    // MAPA's own model (index_model.ts): one encoder and decoder pass per
    // distinct index of the batch's terms.
    model = buildIndexModel("mapa", rows.data, {
      rng: rng.fork("init"),
      terms: batchTerms(rows, options.s),
    });
  } else {
    model = getMethod(method).build(rows.data, { s: options.s, rng: rng.fork("init") });
  }
  try {
    const c = countPasses(model, rows.batches, { rng });
    return {
      encoderPassesPerPoint: c.encoderPassesPerPoint,
      decoderPassesPerPoint: c.decoderPassesPerPoint,
      perStepDecoder: c.perStep.map((p) => p.decoder),
    };
  } finally {
    model.dispose();
  }
}
