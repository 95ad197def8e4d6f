import assert from "node:assert/strict";
import { fakeContext } from "../../harness/runner_test_util.ts";
import { scalingSuite } from "./scaling.ts";
import { DENSITY_PROFILES, densityCases, summarizeDensity } from "./scaling_density.ts";
import type { CaseResult, CaseSpec } from "../../harness/suite.ts";

Deno.test("density cases: both row kinds at every N of figure8 and one more set", () => {
  for (const profile of ["quick", "standard"] as const) {
    const cases = scalingSuite.cases(profile).filter((c) => c.params.study === "density");
    const grids = DENSITY_PROFILES[profile].grids;
    // Exact rows and HNSW rows from training seeds 0 and 1 at every N.
    const expected = Object.values(grids).reduce((a, ns) => a + 3 * ns.length, 0);
    assert.equal(cases.length, expected);
    assert.equal(new Set(cases.map((c) => c.name)).size, cases.length);
    const reseeded = cases.filter((c) => c.params.trainSeed === 1);
    assert.ok(reseeded.every((c) => c.params.rows === "hnsw"));
    for (const c of cases.filter((c) => c.params.trainSeed === 0)) {
      assert.ok(["exact", "hnsw"].includes(c.params.rows as string));
      assert.equal(c.params.method, "mapa");
      assert.equal(typeof c.params.n, "number");
      assert.equal(c.params.passes, DENSITY_PROFILES[profile].passes);
      // The pair of one N shares every setting but the row kind.
      const twin = cases.find((d) =>
        d !== c && d.params.dataset === c.params.dataset && d.params.n === c.params.n &&
        d.params.trainSeed === 0
      );
      assert.ok(twin, c.name);
      assert.deepEqual({ ...twin.params, rows: c.params.rows }, c.params);
    }
    assert.ok(cases.some((c) => c.params.dataset === "figure8"));
  }
  const standard = densityCases("standard");
  assert.ok(new Set(standard.map((c) => c.params.dataset)).size >= 2);
  assert.ok(Math.max(...standard.map((c) => c.params.n as number)) >= 30000);
});

Deno.test("density run: exact then HNSW rows train, get test KL and the paired gap", async () => {
  const base = densityCases("quick")[0];
  const spec = (rows: string): CaseSpec => ({
    ...base,
    name: `figure8_density_${rows}_n150`,
    params: { ...base.params, rows, n: 150, passes: 2e4, nValidation: 40, nTest: 60 },
  });
  const ctx = fakeContext(5);
  const ex = await scalingSuite.run(spec("exact"), ctx);
  const hn = await scalingSuite.run(spec("hnsw"), ctx);
  const reseed = spec("hnsw");
  const again = await scalingSuite.run(
    { ...reseed, params: { ...reseed.params, trainSeed: 1 } },
    ctx,
  );
  // Another training seed trains another model on the same draw, and is paired with seed 0.
  assert.notEqual(again.testKl, hn.testKl);
  assert.equal(again.testLogLikTruth, ex.testLogLikTruth);
  assert.equal(typeof again.testKlGapVsExact, "number");
  for (const m of [ex, hn]) {
    const kl = m.testKl as number;
    assert.ok(Number.isFinite(kl));
    assert.ok((m.testKlCiLow as number) < kl && kl < (m.testKlCiHigh as number));
    assert.equal(m.testKlInterval, "test points");
    assert.ok((m.rowsSeconds as number) >= 0);
    assert.ok((m.steps as number) > 0);
    assert.ok((m.passes as number) >= 2e4);
  }
  // Same draw, same test points: the truth's log-likelihood is the same number.
  assert.equal(ex.testLogLikTruth, hn.testLogLikTruth);
  assert.equal(ex.testKlGapVsExact, undefined);
  const gap = hn.testKlGapVsExact as number;
  assert.ok(Math.abs(gap - ((hn.testKl as number) - (ex.testKl as number))) < 1e-9);
  assert.ok((hn.testKlGapCiLow as number) <= gap && gap <= (hn.testKlGapCiHigh as number));
  assert.equal(typeof hn.kPrime, "number");
});

Deno.test("density summary: gap per N and the target check", () => {
  const r = (rows: string, n: number, kl: number, trainSeed = 0): CaseResult =>
    ({
      suite: "scaling",
      name: `figure8_density_${rows}_n${n}`,
      params: { ...densityCases("quick")[0].params, rows, n, trainSeed },
      status: "ok",
      metrics: {
        testKl: kl,
        testKlCiLow: kl - 0.02,
        testKlCiHigh: kl + 0.02,
        rowsSeconds: 1,
        ...(trainSeed
          ? { testKlGapVsExact: 0.07, testKlGapCiLow: 0.01, testKlGapCiHigh: 0.13 }
          : {}),
      },
    }) as unknown as CaseResult;
  const s = summarizeDensity([
    r("exact", 1000, 0.3),
    r("hnsw", 1000, 0.34),
    r("hnsw", 1000, 0.38, 1),
    r("exact", 3000, 0.3),
    r("hnsw", 3000, 0.1),
  ]);
  const d = s.density_figure8 as {
    points: { gap: number; hnswSeedSpread: number | null; withinTarget: boolean }[];
    met: boolean;
  };
  assert.equal(d.points.length, 2);
  // The HNSW figure is the mean over its seeds; the spread is their range.
  assert.ok(Math.abs(d.points[0].gap - 0.06) < 1e-12);
  assert.ok(Math.abs(d.points[0].hnswSeedSpread! - 0.04) < 1e-12);
  assert.equal(d.points[1].hnswSeedSpread, null);
  assert.deepEqual(d.points.map((p) => p.withinTarget), [false, true], "lower KL is no miss");
  assert.equal(d.met, false);
  const close = summarizeDensity([r("exact", 1000, 0.3), r("hnsw", 1000, 0.31)]);
  assert.equal((close.density_figure8 as { met: boolean }).met, true);
  const bad = summarizeDensity([r("exact", 1000, 0.3), r("hnsw", 1000, 0.4)]);
  assert.equal((bad.density_figure8 as { met: boolean }).met, false);
});
