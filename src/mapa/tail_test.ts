import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { exactRows } from "./exact/mod.ts";
import { makeTailPool, sampleTail } from "./tail.ts";
import { Rng } from "../rng.ts";
import { randomData } from "./test_util.ts";

Deno.test("tail pool", async (t) => {
  const x = randomData(12, 1, 11);
  const sigma2 = 0.3, k = 3;
  const rows = await exactRows(x, { k, sigma2 });
  const scale = 1 / (4 * sigma2);
  // The true tail of row m: weights k(x_j, x_m) outside its top K.
  const tailOf = (m: number) => {
    const top = new Set(Array.from(rows.neighbors.subarray(m * k, (m + 1) * k)));
    const w = new Map<number, number>();
    for (let j = 0; j < x.rows; j++) {
      if (!top.has(j)) w.set(j, Math.exp(-scale * (x.data[j] - x.data[m]) ** 2));
    }
    return w;
  };

  await t.step("iid draws follow q~ (chi-square) with logWeight -log S - log q~", () => {
    const rounds = 6000, s = 2;
    const pool = makeTailPool(x, rows, { s, rounds, scheme: "iid", seed: 3 });
    for (const m of [0, 5]) {
      const w = tailOf(m);
      const total = [...w.values()].reduce((a, b) => a + b, 0);
      const counts = new Map<number, number>();
      for (let i = 0; i < rounds * s; i++) {
        const j = pool.indices[m * rounds * s + i];
        assert.ok(w.has(j), "draw outside the tail");
        counts.set(j, (counts.get(j) ?? 0) + 1);
        const want = -Math.log(s) - Math.log(w.get(j)! / total);
        assert.ok(Math.abs(pool.logWeight[m * rounds * s + i] - want) < 1e-9);
      }
      // Chi-square over cells with expected count >= 5, the rest pooled.
      let chi = 0, df = -1, restE = 0, restO = 0;
      for (const [j, wj] of w) {
        const e = (rounds * s * wj) / total, o = counts.get(j) ?? 0;
        if (e >= 5) {
          chi += (o - e) ** 2 / e;
          df++;
        } else {
          restE += e;
          restO += o;
        }
      }
      if (restE > 0) {
        chi += (restO - restE) ** 2 / Math.max(restE, 1e-300);
        df++;
      }
      // 0.999 quantile of chi-square with df <= 8 is below 26.2.
      assert.ok(df >= 2 && chi < 26.2, `row ${m}: chi2 ${chi} on ${df} df`);
      assert.ok(Math.abs(pool.logTailMass[m] - (Math.log(total) - rows.logNormalizer[m])) < 1e-9);
    }
  });

  await t.step("without replacement: distinct draws, unbiased for a known tail sum", () => {
    const rounds = 20000, s = 3;
    const pool = makeTailPool(x, rows, { s, rounds, scheme: "without_replacement", seed: 4 });
    for (const m of [1, 7]) {
      const w = tailOf(m);
      const total = [...w.values()].reduce((a, b) => a + b, 0);
      const f = (j: number) => (w.get(j)! / total) * (1 + j);
      let truth = 0;
      for (const j of w.keys()) truth += f(j);
      let mean = 0, sq = 0;
      for (let r = 0; r < rounds; r++) {
        const base = m * rounds * s + r * s;
        const seen = new Set<number>();
        let est = 0;
        for (let i = 0; i < s; i++) {
          const j = pool.indices[base + i];
          assert.ok(w.has(j) && !seen.has(j));
          seen.add(j);
          est += Math.exp(pool.logWeight[base + i]) * f(j);
        }
        mean += est;
        sq += est * est;
      }
      mean /= rounds;
      const se = Math.sqrt((sq / rounds - mean * mean) / rounds);
      assert.ok(
        Math.abs(mean - truth) < 4 * se + 1e-12,
        `row ${m}: ${mean} vs ${truth} (se ${se})`,
      );
    }
  });

  await t.step("same seed, same pool; short tails are padded with zero weight", async () => {
    const a = makeTailPool(x, rows, { s: 2, rounds: 3, seed: 9 });
    const b = makeTailPool(x, rows, { s: 2, rounds: 3, seed: 9 });
    assert.deepEqual(a.indices, b.indices);
    const all = await exactRows(x, { k: 11, sigma2 });
    const p = makeTailPool(x, all, { s: 3, rounds: 2, seed: 1 });
    for (let m = 0; m < 12; m++) {
      const ws = Array.from(p.logWeight.subarray(m * 6, m * 6 + 6));
      assert.deepEqual(ws, [0, -Infinity, -Infinity, 0, -Infinity, -Infinity]);
    }
    assert.throws(() => makeTailPool(randomData(12, 1, 99), rows, { s: 1 }), InputError);
  });
});

/**
 * Draws `rounds` rounds of S by sampleTail and by perturbing every candidate,
 * and checks the inclusion counts and the tail-sum estimate's mean and spread.
 */
function checkGumbelTopLaw(logw: Float64Array, s: number, rounds: number): void {
  const len = logw.length;
  let max = -Infinity;
  for (const v of logw) max = Math.max(max, v);
  // Weights relative to the largest, so that spans beyond exp's range stay finite.
  const tailSum = logw.reduce((a, v) => a + Math.exp(v - max), 0);
  const cand = Int32Array.from({ length: len }, (_, i) => i);
  const out = {
    indices: new Int32Array(rounds * s),
    logWeight: new Float64Array(rounds * s),
    base: 0,
  };
  const rng = Rng.stream(9, "jumps");
  const scheme = "without_replacement" as const;
  sampleTail(cand, logw, len, -1, { s, rounds, scheme, rng }, out, new Float64Array(len));
  const ref = Rng.stream(9, "brute");
  const counts = new Float64Array(len), refCounts = new Float64Array(len);
  let ht = 0, htSq = 0, refHt = 0, refHtSq = 0;
  for (let r = 0; r < rounds; r++) {
    let sum = 0;
    for (let t = 0; t < s; t++) {
      const j = out.indices[r * s + t];
      counts[j]++;
      sum += Math.exp(out.logWeight[r * s + t] + logw[j] - max);
    }
    ht += sum;
    htSq += sum * sum;
    const keyed = Array.from(logw, (v, i) => ({ i, key: v + ref.gumbel() }))
      .filter((e) => e.key > -Infinity)
      .sort((a, b) => b.key - a.key);
    const kappa = keyed[s].key;
    let refSum = 0;
    for (const e of keyed.slice(0, s)) {
      refCounts[e.i]++;
      refSum += Math.exp(logw[e.i] - max) / -Math.expm1(-Math.exp(logw[e.i] - kappa));
    }
    refHt += refSum;
    refHtSq += refSum * refSum;
  }
  for (let i = 0; i < len; i++) {
    if (logw[i] === -Infinity) {
      assert.equal(counts[i], 0, `drew zero-weight candidate ${i}`);
      continue;
    }
    // Two binomial counts of the same p: their difference has variance <= 2 rounds p (1 - p).
    const p = (counts[i] + refCounts[i]) / (2 * rounds);
    const sd = Math.sqrt(2 * rounds * p * (1 - p)) + 1e-9;
    assert.ok(
      Math.abs(counts[i] - refCounts[i]) < 5 * sd,
      `candidate ${i}: ${counts[i]} vs ${refCounts[i]}`,
    );
  }
  // The estimate MAPA uses, sum of w / pi over the draws, is unbiased for the tail sum only
  // when kappa, the (S + 1)-th key, has the right law; its spread should match the reference's.
  const mean = ht / rounds, se = Math.sqrt((htSq / rounds - mean * mean) / rounds);
  assert.ok(Math.abs(mean - tailSum) < 5 * se + 1e-12, `${mean} +- ${se} vs ${tailSum}`);
  const refMean = refHt / rounds;
  const refSd = Math.sqrt(refHtSq / rounds - refMean * refMean), sd = se * Math.sqrt(rounds);
  assert.ok(Math.abs(sd / refSd - 1) < 0.05, `spread ${sd} vs ${refSd}`);
}

Deno.test("without replacement, the exponential jumps draw the Gumbel-top-S law", async (t) => {
  const len = 40, s = 4, rounds = 30000;
  await t.step("weights falling with the index, some zero: the first keys are the heaviest", () => {
    checkGumbelTopLaw(
      Float64Array.from({ length: len }, (_, i) => i % 7 === 3 ? -Infinity : -0.25 * i),
      s,
      rounds,
    );
  });
  await t.step("weights rising with the index: many entries, each raising the threshold", () => {
    checkGumbelTopLaw(Float64Array.from({ length: len }, (_, i) => 0.25 * i), s, rounds);
  });
  await t.step("the first keys over 709 nats below the rest: exp(max - kappa) overflows", () => {
    checkGumbelTopLaw(
      Float64Array.from({ length: len }, (_, i) => i < 12 ? -1000 - i : -0.2 * (i - 12)),
      s,
      rounds,
    );
  });
  await t.step("fewer than S + 1 keys within 709 nats: far candidates later still enter", () => {
    const far = (i: number) => -1000 - 0.1 * i;
    checkGumbelTopLaw(
      Float64Array.from({ length: len }, (_, i) => i >= 12 && i < 15 ? -0.5 * (i - 12) : far(i)),
      s,
      rounds,
    );
  });
});
