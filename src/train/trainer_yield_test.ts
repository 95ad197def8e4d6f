// Ctrl-C during training: the step loop must let the event loop run (timers, signal
// listeners), or an interrupt is only seen once the whole benchmark run has ended.
import assert from "node:assert/strict";
import { initBackend } from "../backend.ts";
import { getMethod } from "../models/registry.ts";
import { circleData } from "../models/testing.ts";
import { measureSteps } from "./measure_steps.ts";
import { train } from "./trainer.ts";

await initBackend("wasm");

const data = { x: circleData(120, 3, 0.02), l: 1, likelihood: "gaussian" as const, sigma2: 0.02 };
const nets = {
  encoder: { hidden: [10], activation: "tanh" as const },
  decoder: { hidden: [10], activation: "tanh" as const },
};

/** Counts timer callbacks that ran while `work` ran. */
async function timerTicksDuring(work: () => Promise<unknown>): Promise<number> {
  let ticks = 0;
  let running = true;
  const tick = () => {
    ticks++;
    if (running) setTimeout(tick, 0);
  };
  setTimeout(tick, 0);
  await work();
  running = false;
  const seen = ticks;
  await new Promise((r) => setTimeout(r, 5)); // let the last timer end before the sanitizer looks
  return seen;
}

Deno.test("train() lets timers run between steps", async () => {
  const ticks = await timerTicksDuring(() =>
    train(getMethod("vae"), data, {
      ...nets,
      s: 3,
      budget: { kind: "seconds", seconds: 1 },
      batchSize: 20,
      seed: 1,
    })
  );
  // One second of steps with a yield every 100 ms: several ticks; without a yield, at most one.
  assert.ok(ticks >= 3, `only ${ticks} timer callbacks ran during 1 s of training`);
});

Deno.test("measureSteps() lets timers run between steps", async () => {
  const start = performance.now();
  let steps = 0;
  const ticks = await timerTicksDuring(async () => {
    // Enough steps for about a second on any machine: measure, then grow.
    while (performance.now() - start < 1000) {
      await measureSteps("vae", data, { ...nets, s: 3, steps: 20, seed: 1 });
      steps += 20;
    }
  });
  assert.ok(ticks >= 3, `only ${ticks} timer callbacks ran during ${steps} measured steps`);
});
