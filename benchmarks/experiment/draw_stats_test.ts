import assert from "node:assert/strict";
import {
  claimOutcome,
  fig2aOutcome,
  levelVerdict,
  pairedDifference,
  paperChecks,
  summarizeDraws,
} from "./draw_stats.ts";

// Student t 97.5% quantiles in closed form: df 1 is tan(0.475 pi), df 2 is 0.95 / sqrt(2 * 0.975 * 0.025).
const T1 = Math.tan(0.475 * Math.PI);
const T2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025);
const near = (a: number | null, b: number, what: string) =>
  assert.ok(a !== null && Math.abs(a - b) < 1e-9, `${what}: ${a} vs ${b}`);

Deno.test("summarizeDraws: mean and t interval over available draws, reasons kept", () => {
  const s = summarizeDraws([1, 2, 3]);
  assert.equal(s.mean, 2);
  assert.equal(s.draws, 3);
  // sd 1, se 1/sqrt(3), t_{0.975, 2} = 4.302653
  assert.ok(Math.abs(s.ciHigh! - (2 + 4.302653 / Math.sqrt(3))) < 1e-5);
  assert.ok(Math.abs(s.ciLow! - (2 - 4.302653 / Math.sqrt(3))) < 1e-5);
  assert.equal(s.note, "");

  const m = summarizeDraws([4, { unavailable: "not available: no prior" }, NaN, 6]);
  assert.equal(m.mean, 5);
  assert.equal(m.draws, 2);
  assert.match(m.note, /2 of 4 draws: not available: no prior; non-finite value NaN/);

  const one = summarizeDraws([7]);
  assert.deepEqual([one.mean, one.ciLow, one.ciHigh], [7, null, null]);

  const none = summarizeDraws([{ unavailable: "not available: no ground truth" }]);
  assert.equal(none.mean, null);
  assert.equal(none.draws, 0);
  assert.match(none.note, /no ground truth/);
});

Deno.test("pairedDifference: per-draw differences, t interval on draws - 1 df, only paired draws", () => {
  // Differences 2, 2, 3: mean 7/3, sd sqrt(1/3), standard error 1/3.
  const d = pairedDifference([12, 52, 93], [10, 50, 90]);
  assert.equal(d.draws, 3);
  near(d.difference, 7 / 3, "mean");
  near(d.ciLow, (7 - T2) / 3, "low");
  near(d.ciHigh, (7 + T2) / 3, "high");
  // Only draws 0 and 3 have both: differences 2 and 4, sd sqrt(2), standard error 1, df 1.
  const gaps = pairedDifference([3, null, 5, 7], [1, 2, null, 3]);
  assert.equal(gaps.draws, 2);
  near(gaps.difference, 3, "gap mean");
  near(gaps.ciLow, 3 - T1, "gap low");
  near(gaps.ciHigh, 3 + T1, "gap high");
  // Pairing removes the draw-to-draw spread both methods share: the means' own intervals
  // overlap almost wholly, the paired one lies above 0.
  const a = summarizeDraws([12, 52, 93]), b = summarizeDraws([10, 50, 90]);
  assert.ok(a.ciLow! < b.ciHigh! && d.ciLow! > 0);
  assert.deepEqual(pairedDifference([2], [1.5]), {
    difference: 0.5,
    ciLow: null,
    ciHigh: null,
    draws: 1,
  });
  assert.deepEqual(pairedDifference([1, null], [null, 2]), {
    difference: null,
    ciLow: null,
    ciHigh: null,
    draws: 0,
  });
});

Deno.test("levelVerdict: winner named only when every paired interval lies above 0", () => {
  const a = { method: "a", perDraw: [10, 50, 90] };
  const b = { method: "b", perDraw: [12, 52, 93] };
  const c = { method: "c", perDraw: [11, 49, 92] };
  const none = { method: "e", perDraw: [null, null, null] };
  const clear = levelVerdict([b, a, none]);
  assert.equal(clear.best, "a");
  assert.equal(clear.winner, "a");
  assert.equal(clear.runnerUp, "b");
  assert.deepEqual(clear.tiedWithBest, ["a"]);
  assert.deepEqual(clear.notAvailable, ["e"]);
  assert.equal(clear.comparisons[0].clearlyWorse, true);
  assert.equal(clear.verdict, "a wins: next best b is 2.33 nats worse, 95% interval [0.899, 3.77]");
  assert.deepEqual(clear.partlyAvailable, []);
  const partial = levelVerdict([a, b, { method: "f", perDraw: [11, null, null] }]);
  assert.deepEqual(partial.partlyAvailable, ["f: 1 of 3 draws"]);
  assert.match(partial.verdict, /; on fewer draws: f: 1 of 3 draws$/);

  // c - a = 1, -1, 2: mean 2/3, standard error sqrt(7)/3; the interval covers 0.
  const tie = levelVerdict([a, b, c]);
  assert.equal(tie.best, "a");
  assert.equal(tie.winner, null);
  assert.equal(tie.runnerUp, "c");
  assert.deepEqual(tie.tiedWithBest, ["a", "c"]);
  near(tie.comparisons[0].ciLow, 2 / 3 - T2 * Math.sqrt(7) / 3, "c low");
  assert.equal(
    tie.verdict,
    "no clear winner: a, c tied with the lowest mean (c - a = 0.667 nats, 95% interval [-3.13, 4.46])",
  );

  // The runner-up b is clearly worse, but d (higher mean, noisy) is not: no winner.
  const d = { method: "d", perDraw: [5, 60, 100] };
  const noisy = levelVerdict([a, b, d]);
  assert.equal(noisy.runnerUp, "b");
  assert.equal(noisy.winner, null);
  assert.deepEqual(noisy.tiedWithBest, ["a", "d"]);

  const one = levelVerdict([{ method: "x", perDraw: [2] }, { method: "y", perDraw: [1] }]);
  assert.equal(one.winner, null);
  assert.equal(
    one.verdict,
    "no clear winner: y, x tied with the lowest mean (x - y = 1 nats, no interval with 1 draw)",
  );
  assert.equal(levelVerdict([none]).best, null);
  assert.match(levelVerdict([none]).verdict, /^not available/);
});

Deno.test("claimOutcome: agrees / disagrees / not resolved from the interval's side of the threshold", () => {
  const iv = (lo: number | null, hi: number | null, draws = 3) => ({
    difference: lo === null ? 0 : (lo + hi!) / 2,
    ciLow: lo,
    ciHigh: hi,
    draws,
  });
  assert.equal(claimOutcome(iv(-0.5, -0.1), "below"), "agrees");
  assert.equal(claimOutcome(iv(-0.5, -0.1), "above"), "disagrees");
  assert.equal(claimOutcome(iv(-0.1, 0.2), "below"), "not resolved");
  assert.equal(claimOutcome(iv(-0.1, 0.2), "above"), "not resolved");
  assert.equal(claimOutcome(iv(null, null, 1), "below"), "not resolved");
  assert.equal(claimOutcome(iv(null, null, 0), "below"), "not available");
  assert.equal(claimOutcome(iv(0.01, 0.04), "below", { threshold: 0.05 }), "agrees");
  assert.equal(claimOutcome(iv(0.06, 0.1), "below", { threshold: 0.05 }), "disagrees");
  assert.equal(claimOutcome(iv(0.03, 0.1), "below", { threshold: 0.05 }), "not resolved");
});

Deno.test("paperChecks: each claim with its paired interval; clusters expects MAPA to lose", () => {
  const rows = [
    { method: "mapa", perDraw: [10, 50, 90] },
    { method: "vae", perDraw: [12, 52, 93] },
    { method: "iwae", perDraw: [11, 49, 92] },
    { method: "mapa_gt", perDraw: [10, 50, 90] },
    { method: "mapa_naive", perDraw: [12, 52, 93] },
  ];
  const f8 = paperChecks("figure8", rows);
  assert.deepEqual(f8.map((c) => [c.id, c.comparison, c.outcome]), [
    ["mapaVsVae", "mapa - vae", "agrees"],
    ["mapaVsIwae", "mapa - iwae", "not resolved"],
    ["mapaVsGt", "mapa - mapa_gt", "agrees"],
    ["naiveVsMapa", "mapa_naive - mapa", "agrees"],
  ]);
  assert.deepEqual(f8.map((c) => c.claim), [
    "Fig. 2a: MAPA has lower test KL than the VAE",
    "Fig. 2a: MAPA has lower test KL than IWAE",
    "6.1: MAPA is about as good as MAPA-GT (at most 0.05 nats worse)",
    "6.1: MAPA-naive is clearly worse than MAPA",
  ]);
  near(f8[0].difference, -7 / 3, "mapa - vae");
  near(f8[0].ciHigh, -(7 - T2) / 3, "mapa - vae high");
  assert.deepEqual([f8[2].difference, f8[2].ciLow, f8[2].ciHigh], [0, 0, 0]);
  assert.equal(fig2aOutcome(f8), "not resolved");

  const cl = paperChecks("clusters", rows, { marginNats: 0 });
  assert.equal(cl[0].claim, "Fig. 2a: MAPA has higher test KL than the VAE on clusters");
  assert.equal(cl[0].outcome, "disagrees");
  assert.equal(fig2aOutcome(cl), "disagrees");
  // A zero margin makes "about as good" need an interval wholly below 0: [0, 0] is not.
  assert.equal(cl[2].outcome, "not resolved");

  const noIwae = paperChecks("circle", rows.filter((r) => r.method !== "iwae"));
  assert.equal(noIwae[1].outcome, "not available");
  assert.equal(fig2aOutcome(noIwae), "not available");
  const both = paperChecks(
    "circle",
    rows.filter((r) => r.method !== "iwae").concat({
      method: "iwae",
      perDraw: [13, 52, 92],
    }),
  );
  assert.equal(fig2aOutcome(both), "agrees");
});
