import assert from "node:assert/strict";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import { Rng } from "../../../src/rng.ts";
import { tailOrder, tailTerms } from "./tail_order.ts";

/** A small 1-D problem: row 0's top K and its tail candidates. */
function smallTail() {
  const n = 20, k = 3;
  const data = Float64Array.from({ length: n }, (_, i) => 0.06 * i);
  const x = { rows: n, cols: 1, data };
  const scale = resolveKernel({ bandwidth: 0.5 }).scale;
  const top = [0, 1, 2];
  const cand = Int32Array.from({ length: n - k }, (_, i) => i + k);
  const logw = Float64Array.from(cand, (j) => -scale * data[j] * data[j]);
  return { x, n, k, scale, top, cand, logw };
}

Deno.test("tailOrder: each S's draws are sequential draws without replacement in law; weights unbiased", () => {
  const { x, n, scale, top, cand, logw } = smallTail();
  const reps = 4000;
  for (const s of [1, 3, 6]) {
    const ours = new Float64Array(n), theirs = new Float64Array(n);
    const mass: number[] = [];
    const rng = Rng.stream(5, `ours/${s}`), rng2 = Rng.stream(5, `theirs/${s}`);
    for (let r = 0; r < reps; r++) {
      const order = tailOrder(x, 0, { top, scale, sMax: 8, rng });
      const t = tailTerms(order, s, 0);
      let est = 0;
      assert.equal(new Set(t.indices).size, s);
      for (let i = 0; i < s; i++) {
        assert.ok(!top.includes(t.indices[i]));
        ours[t.indices[i]]++;
        // Horvitz-Thompson estimate of the tail's kernel mass.
        est += Math.exp(t.logWeight[i] - scale * x.data[t.indices[i]] ** 2);
      }
      mass.push(est);
      // Reference: S sequential draws without replacement, each proportional to the kernel
      // among the candidates left (the law Gumbel-top-S samples from).
      const w = Array.from(logw, Math.exp);
      for (let i = 0; i < s; i++) {
        const c = rng2.categorical(w);
        theirs[cand[c]]++;
        w[c] = 0;
      }
    }
    for (let j = 0; j < n; j++) {
      const p = (ours[j] + theirs[j]) / (2 * reps);
      const tol = 5 * Math.sqrt((2 * p * (1 - p)) / reps) + 1e-3;
      assert.ok(
        Math.abs(ours[j] - theirs[j]) / reps <= tol,
        `S=${s} j=${j}: ${ours[j]} vs ${theirs[j]}`,
      );
    }
    const exact = logw.reduce((a, v) => a + Math.exp(v), 0);
    const mean = mass.reduce((a, v) => a + v, 0) / reps;
    const sd = Math.sqrt(mass.reduce((a, v) => a + (v - mean) ** 2, 0) / (reps - 1));
    assert.ok(
      Math.abs(mean - exact) < 4 * sd / Math.sqrt(reps) + 1e-9,
      `S=${s}: ${mean} vs ${exact}`,
    );
  }
});

Deno.test("tailTerms: a short tail is taken whole, empty slots add the row itself at weight 0", () => {
  const { x, scale, top, n, k } = smallTail();
  const order = tailOrder(x, 0, { top, scale, sMax: 40, rng: Rng.stream(1, "t") });
  assert.equal(order.size, n - k);
  const t = tailTerms(order, 30, 0);
  assert.deepEqual(
    [...t.indices.slice(0, n - k)].sort((a, b) => a - b),
    [...order.indices].sort((a, b) => a - b),
  );
  assert.ok(t.logWeight.slice(0, n - k).every((w) => w === 0));
  assert.ok(t.indices.slice(n - k).every((i) => i === 0));
  assert.ok(t.logWeight.slice(n - k).every((w) => w === -Infinity));
});
