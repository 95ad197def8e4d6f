import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { BUDGET_PROFILES } from "../budget/budget.ts";
import {
  BATCH,
  batchRows,
  countMethodPasses,
  drawBatches,
  findCrossover,
  MAPA_K,
  nGrid,
  passesSuite,
  S_VALUES,
  summarizePasses,
  tailOrder,
  tailTerms,
  uniformOccupancy,
} from "./passes.ts";
import type { CaseResult, JsonValue, Profile } from "../../harness/suite.ts";
import { useBackend } from "../../harness/tfjs_backend.ts";
import { exactRows } from "../../../src/mapa/exact/mod.ts";
import { resolveKernel } from "../../../src/mapa/kernel.ts";
import { Rng } from "../../../src/rng.ts";

await useBackend(fakeContext());

Deno.test("cases: every counted case has params.n, N spans 1,000 to 100,000 and the budget N", () => {
  for (const profile of ["quick", "standard", "full"] as Profile[]) {
    const cases = passesSuite.cases(profile).filter((c) => !c.params.peer);
    const ns = new Set(cases.map((c) => c.params.n));
    assert.ok(cases.every((c) => typeof c.params.n === "number"));
    assert.ok(ns.has(1000) && ns.has(100_000), `${profile}: ${[...ns]}`);
    assert.ok(ns.has(BUDGET_PROFILES[profile].n));
    assert.deepEqual(nGrid(profile), [...ns].sort((a, b) => (a as number) - (b as number)));
    for (const n of ns) {
      for (const s of [20, 100]) {
        assert.ok(
          cases.some((c) => c.params.n === n && c.params.method === "mapa" && c.params.s === s),
        );
        assert.ok(
          cases.some((c) => c.params.n === n && c.params.method === "iwae" && c.params.s === s),
        );
      }
    }
  }
  const names = passesSuite.cases("quick").map((c) => c.name);
  for (const m of ["vae", "iwae", "mapa"]) {
    assert.ok(names.includes(`step/${m}/tfjs`) && names.includes(`step/${m}/pytorch`), m);
  }
});

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

Deno.test("findCrossover: interpolates on log N; says beyond or never when the ratio does not cross", () => {
  const x = findCrossover([{ n: 1e5, ratio: 1.2 }, { n: 1e3, ratio: 0.5 }, { n: 1e4, ratio: 0.8 }]);
  assert.equal(x.status, "crossed");
  assert.ok(Math.abs(Math.log10(x.n!) - 4.5) < 1e-12);
  assert.deepEqual(findCrossover([{ n: 1e3, ratio: 0.1 }, { n: 1e5, ratio: 0.99 }]), {
    status: "beyond",
    n: null,
  });
  assert.deepEqual(findCrossover([{ n: 1e3, ratio: 1 }, { n: 1e5, ratio: 2 }]), {
    status: "never",
    n: null,
  });
  // The first upward crossing counts, even if noise dips below 1 again later.
  const y = findCrossover([{ n: 10, ratio: 0 }, { n: 100, ratio: 2 }, { n: 1000, ratio: 0.9 }]);
  assert.ok(Math.abs(y.n! - Math.sqrt(10 * 100)) < 1e-9);
});

function counted(
  dataset: string,
  method: string,
  n: number,
  s: number,
  enc: number,
  dec: number,
): CaseResult {
  return {
    suite: "passes",
    name: `${dataset}/n${n}/${method}/s${s}`,
    params: {
      method,
      dataset,
      n,
      s,
      k: method === "mapa" ? 10 : null,
      batch: BATCH,
      budgetN: 1000,
      budgetK: 10,
      budgetS: 10,
    },
    status: "ok",
    metrics: { encoderPassesPerPoint: enc, decoderPassesPerPoint: dec },
    seconds: 0,
  };
}

Deno.test("summarizePasses and the report: crossover per S and cost model, budget N marked", () => {
  const results: CaseResult[] = [];
  // MAPA's cost at N: min(N / B, K + S) less a little sharing; IWAE's S.
  const ns = [1000, 10_000, 100_000];
  for (const n of ns) {
    for (const s of S_VALUES) {
      const u = Math.min(n / BATCH, 10 + s) * (n >= 100_000 ? 0.99 : 0.9);
      results.push(counted("a", "mapa", n, s, u, u), counted("b", "mapa", n, s, u, u));
      results.push(counted("a", "iwae", n, s, 1, s));
    }
  }
  const sum = summarizePasses(results);
  // S = 20, decoder: ratios 0.45, 1.35 -> crossing between 1,000 and 10,000.
  const n20 = sum.crossoverNS20Decoder as number;
  const f = (1 - 0.45) / (1.35 - 0.45);
  assert.ok(Math.abs(Math.log10(n20) - (3 + f)) < 1e-9, String(n20));
  // S = 100, decoder: 0.09, 0.9, 1.089 -> between 10,000 and 100,000.
  const n100 = sum.crossoverNS100Decoder as number;
  assert.ok(n100 > 10_000 && n100 < 100_000);
  assert.equal(sum.budgetN, 1000);
  const br = sum.budgetPassRatio as Record<string, number>;
  assert.ok(Math.abs(br.decoder - 9 / 20) < 1e-12);
  // A ratio that never reaches 1 is reported as beyond the largest N.
  const never = summarizePasses(results.filter((r) => r.params.n !== 100_000));
  assert.equal(never.crossoverNS100Decoder, null);
  assert.equal(
    (never.crossover as Record<string, Record<string, JsonValue>>)["s100/decoder"].status,
    "beyond",
  );
  // Largest deviation from the uniform-occupancy count, over the synthetic MAPA cases.
  let worst = 0;
  for (const r of results.filter((r) => r.params.method === "mapa")) {
    const u = uniformOccupancy(r.params.n as number, {
      batch: BATCH,
      terms: 10 + (r.params.s as number),
    });
    worst = Math.max(worst, Math.abs((r.metrics.decoderPassesPerPoint as number) / u - 1));
  }
  assert.ok(Math.abs((sum.uniformOccupancyMaxDeviation as number) - worst) < 1e-12);
  assert.ok(
    Math.abs(uniformOccupancy(5000, { batch: 100, terms: 110 }) - 50 * (1 - Math.exp(-2.2))) <
      1e-12,
  );
  const cut = results.filter((r) => r.params.n !== 100_000);
  const beyond = passesSuite.report!(cut, summarizePasses(cut)).notes.join(" ");
  assert.match(
    beyond,
    /At S = 100, MAPA stops saving passes against IWAE from no N measured \(it still saves at N = 10,000, the largest\)/,
  );
  const section = passesSuite.report!(results, sum);
  const text = section.notes.join(" ");
  assert.match(text, /rows sharing codes/);
  assert.match(text, /capped by N \/ B/);
  assert.match(text, /At S = 20, MAPA stops saving passes against IWAE from N ≈ /);
  const dev = sum.uniformOccupancyMaxDeviation as number;
  assert.ok(dev > 0.1); // the synthetic counts are not uniform occupancy
  assert.ok(text.includes(`by up to ${(100 * dev).toFixed(1)}%`));
  assert.match(text, /budget suite trains at N = 1,000/);
  const labels = section.charts.flatMap((c) =>
    (c.config.data as { datasets: { label: string }[] }).datasets.map((d) => d.label)
  );
  assert.ok(labels.some((l) => l.startsWith("cap: N / B")));
  assert.ok(labels.some((l) => l.startsWith("budget suite N = 1,000")));
});
