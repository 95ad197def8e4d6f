import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import { exactRows } from "../mapa/exact/mod.ts";
import { makeTailPool } from "../mapa/tail.ts";
import { Rng } from "../rng.ts";
import { unionOf } from "./index_model.ts";
import { mapa } from "./mapa.ts";
import { mapaNaive } from "./mapa_naive.ts";
import { mapaGt } from "./mapa_gt.ts";
import { type MethodModel, scoped, type TrainingData } from "./method.ts";
import { logSumExp } from "../eval/stats.ts";
import { circleData, forwardPlain, gaussianLogLik } from "./testing.ts";

await tf.setBackend("wasm");

const SIGMA2 = 0.01;
const N = 24;
const x = circleData(N, 1, SIGMA2);
const data: TrainingData = { x, l: 1, likelihood: "gaussian", sigma2: SIGMA2 };
const nets = {
  encoder: { hidden: [8], activation: "tanh" as const },
  decoder: { hidden: [8], activation: "tanh" as const },
};

/** log p(x_m | f(g(x_n))) for all m, n, from the model's plain weights. */
async function logLikTable(model: MethodModel, sigma2 = SIGMA2): Promise<number[][]> {
  const exported = await model.exportModel(Rng.stream(0, "export"));
  const z = forwardPlain(await model.encoderWeights(), x);
  const f = forwardPlain(exported.decoder, z);
  return Array.from(
    { length: N },
    (_, m) => Array.from({ length: N }, (_, n) => gaussianLogLik(x, m, f, n, sigma2)),
  );
}

function lossOf(model: MethodModel, batch: number[], rng: Rng): number {
  return tf.tidy(() => model.loss(Int32Array.from(batch), rng).loss).dataSync()[0];
}

Deno.test("MAPA bound", async (t) => {
  const rowsFull = await exactRows(x, { k: N, sigma2: SIGMA2, workers: 0 });
  const rows3 = await exactRows(x, { k: 3, sigma2: SIGMA2, workers: 0 });

  await t.step("K = 1, S = 0 is the autoencoder loss minus log N", async () => {
    const model = mapa.build(data, { ...nets, rows: rows3, k: 1, s: 0, rng: Rng.stream(1, "m") });
    const table = await logLikTable(model);
    const batch = [0, 5, 7, 11];
    const want = -batch.reduce((a, m) => a + table[m][m] - Math.log(N), 0) / batch.length;
    const got = lossOf(model, batch, Rng.stream(2, "l"));
    assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
    model.dispose();
  });

  await t.step("K = N is the exact empiricalized log-likelihood", async () => {
    const model = mapa.build(data, {
      ...nets,
      rows: rowsFull,
      k: N,
      s: 0,
      rng: Rng.stream(1, "m"),
    });
    const table = await logLikTable(model);
    const batch = [1, 2, 3, 20];
    const want = -batch.reduce((a, m) => a + logSumExp(table[m]) - Math.log(N), 0) / 4;
    const got = lossOf(model, batch, Rng.stream(2, "l"));
    assert.ok(Math.abs(got - want) < 1e-4 * Math.max(1, Math.abs(want)), `${got} vs ${want}`);
    const all = Array.from({ length: N }, (_, m) => logSumExp(table[m]) - Math.log(N));
    const val = await model.validationBound(x, Rng.stream(0, "v"));
    assert.ok(Math.abs(val - all.reduce((a, b) => a + b) / N) < 1e-3);
    model.dispose();
  });

  for (const scheme of ["iid", "without_replacement"] as const) {
    await t.step(
      `K = 3, S = 2 (${scheme}): unbiased inside the log, below the exact value`,
      async () => {
        // A wide likelihood and kernel keep the importance weights' variance small enough to average.
        const wide = { ...data, sigma2: 0.5 };
        const rowsWide = await exactRows(x, { k: 3, bandwidth: 1, workers: 0 });
        const pool = makeTailPool(x, rowsWide, { s: 2, rounds: 1000, scheme, seed: 3 });
        const model = mapa.build(wide, {
          ...nets,
          rows: rowsWide,
          pool,
          k: 3,
          s: 2,
          rng: Rng.stream(1, "m"),
        });
        const table = await logLikTable(model, wide.sigma2);
        const rng = Rng.stream(4, "draws");
        for (const m of [0, 9, 17]) {
          const exact = logSumExp(table[m]) - Math.log(N);
          let meanBound = 0, meanRatio = 0;
          const draws = 1000;
          for (let i = 0; i < draws; i++) {
            const b = -lossOf(model, [m], rng);
            meanBound += b / draws;
            meanRatio += Math.exp(b - exact) / draws;
          }
          assert.ok(
            meanBound <= exact + 1e-4,
            `row ${m}: mean bound ${meanBound} > exact ${exact}`,
          );
          // The bracket is unbiased for p(x_m): its mean ratio to the exact value is near 1.
          assert.ok(Math.abs(meanRatio - 1) < 0.15, `row ${m}: E[exp(L)] / p = ${meanRatio}`);
        }
        model.dispose();
      },
    );
  }

  await t.step("passes: one encoder and one decoder pass per distinct index", () => {
    const pool = makeTailPool(x, rows3, { s: 2, rounds: 1, scheme: "iid", seed: 5 });
    const model = mapa.build(data, {
      ...nets,
      rows: rows3,
      pool,
      k: 3,
      s: 2,
      rng: Rng.stream(1, "m"),
    });
    const batch = [0, 1, 2];
    const distinct = new Set<number>();
    for (const m of batch) {
      for (let i = 0; i < 3; i++) distinct.add(rows3.neighbors[m * 3 + i]);
      for (let i = 0; i < 2; i++) distinct.add(pool.indices[m * 2 + i]);
    }
    const r = scoped(() => {
      const out = model.loss(Int32Array.from(batch), Rng.stream(0, "p"));
      return { passes: out.passes, loss: out.loss.dataSync()[0] };
    });
    assert.deepEqual(r.passes, { encoder: distinct.size, decoder: distinct.size });
    assert.deepEqual(model.passes.snapshot(), { encoder: distinct.size, decoder: distinct.size });
    model.dispose();
  });

  await t.step("bad input is a one-line InputError", () => {
    const rng = Rng.stream(0, "bad");
    const pool = makeTailPool(x, rows3, { s: 2, rounds: 1, scheme: "without_replacement" });
    const bad = [
      () => mapa.build(data, { rows: rows3, k: 4, s: 0, rng }),
      () => mapa.build(data, { rows: rows3, pool, k: 3, s: 3, rng }),
      () => mapa.build(data, { rows: rows3, pool, k: 3, s: 1, rng }),
      () => mapa.build(data, { rows: rows3, k: 3, s: 1, tailDraws: "some" as "pool", rng }),
      () => mapa.build(data, { rows: rows3, k: 3, s: 1, tailDraws: "pool", rounds: 0, rng }),
      () => mapa.build(data, { rows: rows3, k: 3, s: 1, codeScale: -1, rng }),
      () => mapa.build(data, { rng }),
      () =>
        mapa.build({ ...data, x: { ...x, data: x.data.map((v) => v + 1) } }, { rows: rows3, rng }),
      () => mapaNaive.build(data, { s: 0, rng }),
      () => mapaGt.build(data, { rng }),
    ];
    for (const f of bad) {
      assert.throws(f, (e: unknown) => e instanceof InputError && !e.message.includes("\n"));
    }
  });
});

Deno.test("unionOf maps each entry to its distinct index", () => {
  const { union, local } = unionOf(Int32Array.from([4, 2, 4, 7, 2]));
  assert.deepEqual([...union], [4, 2, 7]);
  assert.deepEqual([...local], [0, 1, 0, 2, 1]);
});

Deno.test("MAPA-naive and MAPA-GT give finite bounds and count passes", () => {
  const naive = mapaNaive.build(data, { ...nets, s: 5, rng: Rng.stream(0, "n") });
  const r = scoped(() => {
    const out = naive.loss(Int32Array.from([0, 1]), Rng.stream(0, "p"));
    return { passes: out.passes, loss: out.loss.dataSync()[0] };
  });
  assert.ok(Number.isFinite(r.loss));
  assert.ok(r.passes.encoder >= 1 && r.passes.encoder <= 10);
  naive.dispose();
  // Ground truth: codes on the circle's angle, decoder (cos, sin) approximated by the data itself.
  const codes = {
    rows: N,
    cols: 1,
    data: new Float64Array(N).map((_, i) => Math.atan2(x.data[2 * i + 1], x.data[2 * i])),
  };
  const decoder = {
    layers: [{
      inputs: 1,
      outputs: 2,
      weights: new Float64Array([1, 0.5]),
      bias: new Float64Array(2),
      activation: "tanh" as const,
    }],
  };
  const gt = mapaGt.build({ ...data, groundTruth: { codes, decoder } }, {
    ...nets,
    k: 4,
    s: 3,
    rounds: 2,
    rng: Rng.stream(0, "g"),
  });
  const lossGt =
    tf.tidy(() => gt.loss(Int32Array.from([3, 4]), Rng.stream(0, "p")).loss).dataSync()[0];
  assert.ok(Number.isFinite(lossGt));
  gt.dispose();
});

Deno.test("MAPA on HNSW rows passes restProposal to its tail draws", async () => {
  const { hnswRowsWithStats } = await import("../mapa/hnsw.ts");
  const { rows } = await hnswRowsWithStats(x, { k: 4, kPrime: 8, sigma2: 0.05, seed: 1 });
  const losses = new Map<string, number>();
  for (const restProposal of ["uniform", "cells"] as const) {
    const model = mapa.build(data, {
      ...nets,
      rows,
      k: 4,
      s: 6,
      restProposal,
      rng: Rng.stream(1, "init"),
    });
    try {
      losses.set(restProposal, lossOf(model, [0, 5, 9, 17], Rng.stream(2, "loss")));
    } finally {
      model.dispose();
    }
  }
  assert.ok(Number.isFinite(losses.get("cells")!));
  // Same weights, same stream: only the proposal on R differs.
  assert.notEqual(losses.get("cells"), losses.get("uniform"));
  assert.throws(
    () =>
      mapa.build(data, {
        ...nets,
        rows,
        k: 4,
        s: 6,
        restProposal: "grid" as never,
        rng: Rng.stream(1, "init"),
      }),
    /unknown rest proposal "grid"; use cells or uniform/,
  );
});

Deno.test("MAPA's prepare gives binary data Bernoulli-kernel rows", async () => {
  const bits = {
    rows: 12,
    cols: 8,
    data: new Float64Array(96).map((_, i) => (i * 7) % 3 === 0 ? 1 : 0),
  };
  const prepared = await mapa.prepare(
    { x: bits, l: 1, likelihood: "bernoulli", sigma2: 1 },
    { k: 3, s: 2 },
  );
  assert.equal(prepared.options.rows!.kernel, "bernoulli");
  const gauss = await mapa.prepare(data, { k: 3, s: 2 });
  assert.equal(gauss.options.rows!.kernel, "gaussian");
});
