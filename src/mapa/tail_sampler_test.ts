import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { exactRows } from "./exact/mod.ts";
import { hnswRowsWithStats } from "./hnsw.ts";
import { rowsTailSampler } from "./tail_sampler.ts";
import { buildRestCells } from "./rest_cells.ts";
import type { Matrix } from "../types.ts";
import { tailMonteCarlo } from "./test_util.ts";

function line(n: number): Matrix {
  const data = new Float64Array(n * 2);
  for (let i = 0; i < n; i++) {
    data[2 * i] = i / n;
    data[2 * i + 1] = (i % 3) / 10;
  }
  return { rows: n, cols: 2, data };
}

for (const scheme of ["iid", "without_replacement"] as const) {
  Deno.test(`fresh ${scheme} tail draws are unbiased for a sum over every point outside the top K`, async () => {
    const x = line(30);
    const rows = await exactRows(x, { k: 4, sigma2: 0.02, workers: 0 });
    const s = 3, m = 7;
    const sampler = rowsTailSampler(x, rows, { s, scheme });
    const top = new Set(Array.from(rows.neighbors.subarray(m * 4, m * 4 + 4)));
    const h = (n: number) => 1 + Math.sin(n);
    const rng = Rng.stream(5, scheme);
    const { mean, se, want, seen } = tailMonteCarlo(sampler, {
      m,
      n: 30,
      top,
      h,
      reps: 40000,
      rng,
    });
    assert.ok(Math.abs(mean - want) < 4 * se + 1e-9, `mean ${mean} vs ${want} (se ${se})`);
    assert.equal(seen.size, 26, "every tail point is drawn at some point");
  });
}

Deno.test("fresh draws differ between calls; the same stream repeats them", async () => {
  const x = line(40);
  const rows = await exactRows(x, { k: 3, sigma2: 0.05, workers: 0 });
  const sampler = rowsTailSampler(x, rows, { s: 4 });
  const draw = (rng: Rng) => {
    const out = { indices: new Int32Array(4), logWeight: new Float64Array(4), offset: 0 };
    sampler.draw(11, rng, out);
    return [...out.indices];
  };
  const a = Rng.stream(1, "a");
  const first = draw(a), second = draw(a);
  assert.notDeepEqual(first, second);
  assert.deepEqual(draw(Rng.stream(1, "a")), first);
});

Deno.test("a sampler refuses data that do not match the rows", async () => {
  const x = line(20);
  const rows = await exactRows(x, { k: 3, sigma2: 0.05, workers: 0 });
  assert.throws(() => rowsTailSampler(line(21), rows, { s: 2 }), /checksum/);
  assert.throws(() => rowsTailSampler(x, rows, { s: 0 }), /S must be/);
});

for (const scheme of ["iid", "without_replacement"] as const) {
  for (
    const [s, restProposal] of [[1, "uniform"], [3, "uniform"], [1, "cells"], [3, "cells"]] as const
  ) {
    Deno.test(`HNSW ${scheme} S=${s} ${restProposal} tail draws are unbiased for the sum over every point outside the top K`, async () => {
      // k' = 10 of N = 60: the extras E and the 50 others R both carry tail mass.
      const x = line(60);
      const { rows } = await hnswRowsWithStats(x, {
        k: 4,
        kPrime: 10,
        sigma2: 0.02,
        restDraws: 8,
        seed: 3,
      });
      assert.ok(rows.logRestSum![7] > -Infinity);
      for (const variant of [rows, { ...rows, logRestSum: undefined }]) {
        // 8 cells of about 8 points: several hold only members of the found set.
        const cells = buildRestCells(x, { cells: 8, seed: 2 });
        const sampler = rowsTailSampler(x, variant, { s, scheme, restProposal, cells });
        for (const m of [7, 59]) {
          const top = new Set(Array.from(rows.neighbors.subarray(m * 4, m * 4 + 4)));
          const h = (n: number) => 1 + Math.sin(n);
          const rng = Rng.stream(5, `${scheme}/${m}`);
          const { mean, se, want, seen } = tailMonteCarlo(sampler, {
            m,
            n: 60,
            top,
            h,
            reps: 30000,
            rng,
          });
          assert.ok(
            Math.abs(mean - want) < 4 * se + 1e-9,
            `row ${m}: mean ${mean} vs ${want} (se ${se})`,
          );
          assert.equal(seen.size, 56, "every tail point is drawn at some point");
        }
      }
    });
  }
}

Deno.test("HNSW draws with k' = N cover the extras alone", async () => {
  const x = line(20);
  const { rows } = await hnswRowsWithStats(x, { k: 3, kPrime: 20, sigma2: 0.02 });
  const sampler = rowsTailSampler(x, rows, { s: 30, scheme: "without_replacement" });
  const out = { indices: new Int32Array(30), logWeight: new Float64Array(30), offset: 0 };
  sampler.draw(4, Rng.stream(1, "all"), out);
  const got = new Set<number>();
  for (let t = 0; t < 30; t++) if (out.logWeight[t] > -Infinity) got.add(out.indices[t]);
  assert.equal(got.size, 17);
});
