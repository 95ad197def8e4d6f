import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { exactRows } from "./exact/mod.ts";
import { splitExtras } from "./split_extras.ts";
import { rowsTailSampler } from "./tail_sampler.ts";
import type { Matrix } from "../types.ts";
import { tailMonteCarlo } from "./test_util.ts";

function blob(n: number): Matrix {
  const rng = Rng.stream(3, "blob");
  const data = new Float64Array(n * 2);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal() * 0.3;
  return { rows: n, cols: 2, data };
}

Deno.test("split rows keep the top K, move the rest of k' to extras and know the rest's sum", async () => {
  const x = blob(40);
  const wide = await exactRows(x, { k: 12, sigma2: 0.02, workers: 0 });
  const narrow = await exactRows(x, { k: 4, sigma2: 0.02, workers: 0 });
  const rows = splitExtras(wide, 4);
  assert.equal(rows.k, 4);
  assert.equal(rows.extraK, 8);
  assert.deepEqual(rows.neighbors, narrow.neighbors);
  assert.deepEqual(rows.logq, narrow.logq);
  for (const m of [0, 17, 39]) {
    const found = new Set(Array.from(wide.neighbors.subarray(m * 12, m * 12 + 12)));
    let rest = 0;
    for (let j = 0; j < 40; j++) {
      if (found.has(j)) continue;
      let d2 = 0;
      for (let t = 0; t < 2; t++) d2 += (x.data[j * 2 + t] - x.data[m * 2 + t]) ** 2;
      rest += Math.exp(-d2 / (2 * 2 * 0.02));
    }
    assert.ok(Math.abs(rows.logRestSum![m] - Math.log(rest)) < 1e-9, `row ${m}`);
    assert.deepEqual(
      Array.from(rows.extraNeighbors!.subarray(m * 8, m * 8 + 8)),
      Array.from(wide.neighbors.subarray(m * 12 + 4, m * 12 + 12)),
    );
  }
});

Deno.test("split rows refuse a K above k' and rows that already have extras", async () => {
  const x = blob(20);
  const wide = await exactRows(x, { k: 6, sigma2: 0.02, workers: 0 });
  assert.throws(() => splitExtras(wide, 7), /split k must be an integer in \[1, 6\]/);
  assert.throws(() => splitExtras(splitExtras(wide, 3), 2), /already have extras/);
});

for (const restProposal of ["cells", "uniform"] as const) {
  Deno.test(`split exact rows' mixture draws (${restProposal}) are unbiased for the tail sum`, async () => {
    const x = blob(60);
    const rows = splitExtras(await exactRows(x, { k: 14, sigma2: 0.02, workers: 0 }), 4);
    const s = 3, m = 11;
    const sampler = rowsTailSampler(x, rows, { s, restProposal });
    const top = new Set(Array.from(rows.neighbors.subarray(m * 4, m * 4 + 4)));
    const h = (n: number) => 1 + Math.sin(3 * n);
    const rng = Rng.stream(9, restProposal);
    const { mean, se, want, seen } = tailMonteCarlo(sampler, {
      m,
      n: 60,
      top,
      h,
      reps: 40000,
      rng,
    });
    assert.ok(Math.abs(mean - want) < 4 * se, `mean ${mean} vs ${want} (se ${se})`);
    assert.equal(seen.size, 60 - 4, "every tail point can be drawn");
    // Split rows take the HNSW rows' branch of the sampler: the draws of the same arrays
    // labelled "hnsw" are identical (real HNSW rows also differ in their estimated rest sum).
    const asHnsw = rowsTailSampler(x, { ...rows, method: "hnsw" }, { s, restProposal });
    const a = { offset: 0, indices: new Int32Array(s), logWeight: new Float64Array(s) };
    const b = { offset: 0, indices: new Int32Array(s), logWeight: new Float64Array(s) };
    sampler.draw(m, Rng.stream(1, "same"), a);
    asHnsw.draw(m, Rng.stream(1, "same"), b);
    assert.deepEqual([a.indices, a.logWeight], [b.indices, b.logWeight]);
  });
}
