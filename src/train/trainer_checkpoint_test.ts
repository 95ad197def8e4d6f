import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { InputError } from "../errors.ts";
import { passCost } from "../models/passes.ts";
import { getMethod } from "../models/registry.ts";
import { circleData } from "../models/testing.ts";
import { train } from "./trainer.ts";

await initBackend("wasm");

const data = { x: circleData(60, 3, 0.02), l: 1, likelihood: "gaussian" as const, sigma2: 0.02 };
const nets = {
  encoder: { hidden: [6], activation: "tanh" as const },
  decoder: { hidden: [6], activation: "tanh" as const },
};

Deno.test("checkpoints export a model at each budget fraction, in order", async () => {
  const budget = { kind: "passes" as const, passes: 3000, costModel: "decoder" as const };
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
