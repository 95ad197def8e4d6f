/**
 * The passes suite's timed training steps: seconds per gradient step of
 * each step method on tfjs, and on PyTorch CPU through the Python peer, on
 * the same model and data shape.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import { runPeer } from "../../harness/peer_python.ts";
import type { TrainingData } from "../../../src/models/method.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { measureSteps } from "../../../src/train/measure_steps.ts";
import type { Matrix } from "../../../src/types.ts";
import type { JsonValue, Suite } from "../../harness/suite.ts";
import type { StepParams } from "./passes_params.ts";
import { STEP_N, STEP_SIGMA2 } from "./passes_settings.ts";

/** Seconds per PyTorch CPU step of the case, from the Python peer. */
export async function torchStep(p: StepParams): Promise<Record<string, JsonValue>> {
  const args = [p.method, p.batch, p.s, p.d, p.l, p.hidden, p.steps, p.k ?? 0].map(String);
  return await runPeer(new URL("./passes_torch.py", import.meta.url), {
    args,
    peer: "PyTorch",
    module: "torch",
    debianPackage: "python3-torch",
  }) as Record<string, JsonValue>;
}

/**
 * Seconds per tfjs gradient step on the same model and data shape as the
 * PyTorch peer; the method prepares its own inputs from the case's K and S.
 */
export async function tfjsStep(
  p: StepParams,
  ctx: Parameters<Suite["run"]>[1],
): Promise<Record<string, JsonValue>> {
  const info = await useBackend(ctx);
  const rng = ctx.rng("x");
  const d = p.d, hidden = p.hidden;
  const x: Matrix = { rows: STEP_N, cols: d, data: rng.fillNormal(new Float64Array(STEP_N * d)) };
  const data: TrainingData = { x, l: p.l, likelihood: "gaussian", sigma2: STEP_SIGMA2 };
  const net = { hidden: [hidden, hidden], activation: "tanh" as const };
  const prepared = await getMethod(p.method).prepare(data, { k: p.k ?? 0, s: p.s });
  return {
    ...(await measureSteps(p.method, data, {
      encoder: net,
      decoder: net,
      ...prepared.options,
      // The peer draws any tail i.i.d. from the renormalised tail.
      tailScheme: "iid",
      steps: p.steps,
      seed: ctx.seed,
      batchSize: p.batch,
      signal: ctx.signal,
    })),
    backend: info.backend,
  };
}
