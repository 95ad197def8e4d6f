import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { InputError } from "../errors.ts";
import { passCost } from "../models/passes.ts";
import { getMethod } from "../models/registry.ts";
import { circleData } from "../models/testing.ts";
import { InterruptedError, train } from "./trainer.ts";

await initBackend("wasm");

const data = { x: circleData(60, 3, 0.02), l: 1, likelihood: "gaussian" as const, sigma2: 0.02 };
const nets = {
  encoder: { hidden: [6], activation: "tanh" as const },
  decoder: { hidden: [6], activation: "tanh" as const },
};

const budget = { kind: "passes" as const, passes: 3000, costModel: "decoder" as const };

Deno.test("checkpoints export a model at each budget fraction, in order", async () => {
  const r = await train(getMethod("vae"), data, {
    ...nets,
    budget,
    batchSize: 20,
    restarts: 2,
    checkpoints: [0.5, 0.25],
  });
  for (const rr of r.restarts) {
    const cps = rr.checkpoints!;
    assert.deepEqual(cps.map((c) => c.fraction), [0.25, 0.5]);
    for (const c of cps) {
      const cost = passCost(c.passes, "decoder");
      // The step that crossed the mark: at most one batch (20 decoder passes) past it.
      assert.ok(cost >= c.fraction * 3000 && cost < c.fraction * 3000 + 20, `${cost}`);
      assert.equal(c.model.decoder.layers.length, 2);
    }
    assert.ok(cps[0].steps < cps[1].steps && cps[1].steps < rr.steps);
  }
  const none = await train(getMethod("vae"), data, { ...nets, budget, batchSize: 20 });
  assert.equal(none.restarts[0].checkpoints, undefined);
  await assert.rejects(
    () => train(getMethod("vae"), data, { ...nets, budget, checkpoints: [1] }),
    InputError,
  );
});

Deno.test("a passes_and_seconds budget spends both and exports at marks of either kind", async () => {
  const r = await train(getMethod("vae"), data, {
    ...nets,
    budget: { kind: "passes_and_seconds", passes: 2000, seconds: 0.3, costModel: "decoder" },
    batchSize: 20,
    marks: [{ kind: "seconds", at: 0.15 }, { kind: "passes", at: 1000, diagnostics: true }],
  });
  const rr = r.restarts[0];
  assert.ok(passCost(rr.passes, "decoder") >= 2000 && rr.seconds >= 0.3, JSON.stringify(rr));
  const cps = rr.checkpoints!;
  assert.deepEqual(cps.map((c) => c.mark.kind).sort(), ["passes", "seconds"]);
  for (const c of cps) {
    assert.ok(Number.isNaN(c.fraction));
    assert.equal(c.metrics !== undefined, c.mark.kind === "passes");
    if (c.mark.kind === "passes") assert.ok(passCost(c.passes, "decoder") >= 1000);
    else assert.ok(c.seconds >= 0.15);
  }
  await assert.rejects(
    () =>
      train(getMethod("vae"), data, {
        ...nets,
        budget: { kind: "passes_and_seconds", passes: 2000, seconds: 0.3, costModel: "decoder" },
        checkpoints: [0.5],
      }),
    InputError,
  );
  await assert.rejects(
    () =>
      train(getMethod("vae"), data, {
        ...nets,
        budget,
        marks: [{ kind: "seconds", at: -1 }],
      }),
    InputError,
  );
});

Deno.test("an aborted signal stops training with InterruptedError, not a failed restart", async () => {
  const controller = new AbortController();
  controller.abort();
  await assert.rejects(
    () => train(getMethod("vae"), data, { ...nets, budget, signal: controller.signal }),
    InterruptedError,
  );
});
