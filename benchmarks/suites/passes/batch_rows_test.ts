import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { useBackend } from "../../harness/tfjs_backend.ts";
import { exactRows } from "../../../src/mapa/exact/mod.ts";
import { Rng } from "../../../src/rng.ts";
import { batchRows, countMethodPasses, drawBatches } from "./batch_rows.ts";
import { BATCH, MAPA_K } from "./passes_settings.ts";
import { tailTerms } from "./tail_order.ts";

await useBackend(fakeContext());

Deno.test("drawBatches: distinct rows per batch; an epoch covers every row once", () => {
  const batches = drawBatches(250, 5, { batch: 100, rng: Rng.stream(1, "b") });
  assert.equal(batches.length, 5);
  for (const b of batches) {
    assert.equal(b.length, 100);
    assert.equal(new Set(b).size, 100);
  }
  // The first two batches come from one epoch order, so they share no row.
  assert.equal(new Set([...batches[0], ...batches[1]]).size, 200);
  assert.equal(drawBatches(30, 1, { batch: 100, rng: Rng.stream(1, "b") })[0].length, 30);
});

Deno.test("MAPA at N <= B(K+S): decoder passes per point = distinct codes / B, at most N / B", async () => {
  const n = 300, steps = 2;
  assert.ok(n <= BATCH * (MAPA_K + 1));
  const rows = await batchRows("figure8", n, { seed: 3, steps, k: MAPA_K, sMax: 100 });
  // The batch rows' top K are the exact rows' top K.
  const full = await exactRows(rows.data.x, { k: MAPA_K, sigma2: rows.data.sigma2 });
  let o = 0;
  for (const b of rows.batches) {
    for (const m of b) {
      const want = new Set(full.neighbors.subarray(m * MAPA_K, (m + 1) * MAPA_K));
      assert.deepEqual(new Set(rows.top.subarray(o * MAPA_K, (o + 1) * MAPA_K)), want);
      o++;
    }
  }
  for (const s of [1, 5, 20, 100]) {
    const c = countMethodPasses("mapa", rows, { s, seed: 3 });
    o = 0;
    const distinct: number[] = [];
    for (const b of rows.batches) {
      const codes = new Set<number>();
      for (let r = 0; r < b.length; r++, o++) {
        for (const i of rows.top.subarray(o * MAPA_K, (o + 1) * MAPA_K)) codes.add(i);
        for (const i of tailTerms(rows.tails[o], s, b[r]).indices) codes.add(i);
      }
      distinct.push(codes.size);
    }
    assert.deepEqual(c.perStepDecoder, distinct);
    const mean = distinct.reduce((a, v) => a + v, 0) / (steps * BATCH);
    assert.equal(c.decoderPassesPerPoint, mean);
    assert.equal(c.encoderPassesPerPoint, mean);
    assert.ok(c.decoderPassesPerPoint <= n / BATCH);
    assert.ok(c.decoderPassesPerPoint <= MAPA_K + s);
  }
  // With K + S = 110 terms per row over 300 points, the batch uses nearly all of them.
  assert.ok(
    countMethodPasses("mapa", rows, { s: 100, seed: 3 }).decoderPassesPerPoint > 0.95 * n / BATCH,
  );
  const iwae = countMethodPasses("iwae", rows, { s: 20, seed: 3 });
  assert.equal(iwae.decoderPassesPerPoint, 20);
  assert.equal(iwae.encoderPassesPerPoint, 1);
});

Deno.test("MAPA at large N: rows stop sharing codes and passes per point approach K + S", async () => {
  const rows = await batchRows("clusters", 50_000, { seed: 3, steps: 1, k: MAPA_K, sMax: 20 });
  const c = countMethodPasses("mapa", rows, { s: 20, seed: 3 });
  assert.ok(c.decoderPassesPerPoint > 0.9 * (MAPA_K + 20), String(c.decoderPassesPerPoint));
  assert.ok(c.decoderPassesPerPoint <= MAPA_K + 20);
});
