import assert from "node:assert/strict";
import { clearlyBelow, judgeDataset, summarizeDraws } from "./budget_stats.ts";

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

Deno.test("judgeDataset: winner, paper agreement, missing methods never win", () => {
  const kl = (method: string, mean: number | null, half = 0.1) => ({
    method,
    mean,
    ciLow: mean === null ? null : mean - half,
    ciHigh: mean === null ? null : mean + half,
  });
  const rows = [
    kl("vae", 1),
    kl("iwae", 0.8),
    kl("mapa", 0.3),
    kl("mapa_gt", 0.25),
    kl("mapa_naive", 2),
    kl("gp_rf", null),
  ];
  const j = judgeDataset("figure8", rows);
  assert.equal(j.winner, "mapa_gt");
  assert.deepEqual(j.ranking, ["mapa_gt", "mapa", "iwae", "vae", "mapa_naive"]);
  assert.deepEqual(j.notAvailable, ["gp_rf"]);
  assert.equal(j.mapaBeatsVaeAndIwae, true);
  assert.equal(j.agreesWithPaper, true);
  assert.equal(j.mapaClearlyBelowIwae, true);
  assert.ok(Math.abs((j.mapaMinusGt as number) - 0.05) < 1e-12);
  assert.ok(Math.abs((j.naiveMinusMapa as number) - 1.7) < 1e-12);
  // On clusters the paper has MAPA losing, so a MAPA win disagrees.
  assert.equal(judgeDataset("clusters", rows).agreesWithPaper, false);
  // Without MAPA there is nothing to judge.
  const noMapa = judgeDataset("circle", rows.filter((r) => r.method !== "mapa"));
  assert.equal(noMapa.mapaBeatsVaeAndIwae, null);
  assert.equal(noMapa.agreesWithPaper, null);
  assert.equal(clearlyBelow(kl("a", 1, 0.5), kl("b", 1.8, 0.5)), false);
  assert.equal(
    clearlyBelow(kl("a", 1, 0.5), { method: "b", mean: 3, ciLow: null, ciHigh: null }),
    null,
  );
});
