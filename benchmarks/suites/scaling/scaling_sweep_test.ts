import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { scalingSuite } from "./scaling.ts";
import { paretoFront, summarizeSweep, SWEEP_PROFILES } from "./scaling_sweep.ts";
import type { CaseResult, CaseSpec } from "../../harness/suite.ts";

Deno.test("sweep cases: every (M, ef) of each grid once", () => {
  for (const profile of ["quick", "standard"] as const) {
    const cases = scalingSuite.cases(profile).filter((c) => c.params.study === "sweep");
    const want = SWEEP_PROFILES[profile].reduce((a, g) => a + g.m.length * g.ef.length, 0);
    assert.equal(cases.length, want);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    // The beam is max(ef, k'): k' never exceeds ef, so every ef is the beam used.
    for (const c of cases) assert.ok((c.params.kPrime as number) <= (c.params.ef as number));
  }
});

Deno.test("paretoFront keeps the settings nothing beats on both axes, fastest first", () => {
  const pts = [
    { rowsPerSecond: 100, recall: 0.9 },
    { rowsPerSecond: 50, recall: 0.99 },
    { rowsPerSecond: 40, recall: 0.95 },
    { rowsPerSecond: 10, recall: 1 },
    { rowsPerSecond: 10, recall: 0.99 },
  ];
  assert.deepEqual(paretoFront(pts), [pts[0], pts[1], pts[3]]);
});

Deno.test("sweep run: a narrow beam on 64-D data misses neighbours a wide one finds", async () => {
  const spec = (m: number, ef: number): CaseSpec => ({
    suite: "scaling",
    name: `manifold64_sweep_m${m}_ef${ef}_n1500`,
    params: {
      study: "sweep",
      dataset: "manifold64",
      method: "hnsw",
      n: 1500,
      k: 16,
      m,
      ef,
      kPrime: Math.min(ef, 48),
    },
  });
  const ctx = fakeContext(2);
  const narrow = await scalingSuite.run(spec(2, 16), ctx);
  const wide = await scalingSuite.run(spec(16, 128), ctx);
  for (const r of [narrow, wide]) {
    assert.ok((r.rowsPerSecond as number) > 0);
    assert.ok((r.logZErrMean as number) >= 0);
    assert.equal(r.scoredRows, 1000);
  }
  assert.equal(narrow.efUsed, 16);
  assert.equal(narrow.kPrime, 16);
  assert.ok((narrow.recallAtKTies as number) < 0.99, `${narrow.recallAtKTies}`);
  assert.ok((wide.recallAtKTies as number) > 0.999, `${wide.recallAtKTies}`);
  const results = [narrow, wide].map((metrics, i) => ({
    suite: "scaling",
    name: `c${i}`,
    params: spec(i ? 16 : 2, i ? 128 : 16).params,
    status: "ok",
    metrics,
  })) as unknown as CaseResult[];
  const s = summarizeSweep(results).sweep_manifold64 as { pareto: unknown[] };
  assert.ok(s.pareto.length >= 1 && s.pareto.length <= 2);
});
