import assert from "node:assert/strict";
import { pairedRatios, roundSizes } from "./step_timing.ts";
import { summarizePasses } from "./passes_summary.ts";
import type { CaseResult } from "../../harness/suite.ts";

Deno.test("pairedRatios: each round's tfjs median over the PyTorch block after it, median over rounds", () => {
  // Round 1 ran while the machine was loaded: both sides slowed, its ratio did not move much.
  const tfjs = [0.010, 0.011, 0.012, 0.030, 0.031, 0.032, 0.010, 0.010, 0.010];
  const torch = [[0.010, 0.010, 0.010], [0.040, 0.040, 0.040], [0.020, 0.020, 0.020]];
  const out = pairedRatios(tfjs, torch, { sizes: [3, 3, 3] });
  assert.equal(out.pairedRounds, 3);
  const close = (a: unknown, b: number) => assert.ok(Math.abs((a as number) - b) < 1e-12, `${a}`);
  [1.1, 0.775, 0.5].forEach((v, i) => close((out.pairedRatios as number[])[i], v));
  close(out.pairedRatio, 0.775);
  close(out.pairedRatioMin, 0.5);
  close(out.pairedRatioMax, 1.1);
  assert.equal(out.pairedPeerStepSeconds, 0.02);
});

Deno.test("summarizePasses: the paired ratio comes from the tfjs case; null when it ran unpaired", () => {
  const step = (method: string, metrics: Record<string, number | string>): CaseResult => ({
    suite: "passes",
    name: `step/${method}/tfjs`,
    params: {
      method,
      s: 1,
      k: 0,
      n: 1000,
      batch: 100,
      hidden: 50,
      d: 2,
      l: 2,
      steps: 3,
      peer: "tfjs",
    },
    status: "ok",
    metrics: { stepSeconds: 0.005, stepSecondsSamples: [0.005], ...metrics },
    seconds: 0,
  });
  const out = summarizePasses([
    step("vae", { pairedRatio: 0.9, pairedRatioMin: 0.8, pairedRatioMax: 1.2, pairedRounds: 10 }),
    step("iwae", { pairedPeer: "not paired: python3-torch not installed" }),
  ]);
  const s = out.stepVsPytorch as Record<string, Record<string, number | null>>;
  assert.equal(s.vae.pairedTfjsOverPytorch, 0.9);
  assert.equal(s.vae.pairedRatioMin, 0.8);
  assert.equal(s.vae.pairedRatioMax, 1.2);
  assert.equal(s.iwae.pairedTfjsOverPytorch, null);
});

Deno.test("roundSizes: ten equal rounds, the last one shorter when they do not divide", () => {
  assert.deepEqual(roundSizes(200), Array(10).fill(20));
  assert.deepEqual(roundSizes(25), [3, 3, 3, 3, 3, 3, 3, 3, 1]);
  assert.deepEqual(roundSizes(4), [1, 1, 1, 1]);
  assert.deepEqual(roundSizes(0), []);
});

Deno.test("pairedRatios: a shorter last round is paired with its own block", () => {
  const out = pairedRatios([1, 1, 1, 4], [[2, 2, 2], [2]], { sizes: [3, 1] });
  assert.deepEqual(out.pairedRatios, [0.5, 2]);
});
