/**
 * The passes suite's timed training steps: seconds per gradient step of
 * each step method on tfjs, and on PyTorch CPU through the Python peer, on
 * the same model and data shape; the tfjs case also times PyTorch in
 * interleaved rounds for a ratio that load on a shared machine moves less.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import { openPeer, type PeerSession, runPeer } from "../../harness/peer_python.ts";
import { CaseSkipped } from "../../harness/suite.ts";
import { median } from "../../../src/eval/stats.ts";
import type { TrainingData } from "../../../src/models/method.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { measureSteps } from "../../../src/train/measure_steps.ts";
import type { Matrix } from "../../../src/types.ts";
import type { JsonValue, Suite } from "../../harness/suite.ts";
import type { StepParams } from "./passes_params.ts";
import { PAIRED_ROUNDS, STEP_N, STEP_SIGMA2 } from "./passes_settings.ts";

const TORCH_SCRIPT = new URL("./passes_torch.py", import.meta.url);
const TORCH_PEER = { peer: "PyTorch", module: "torch", debianPackage: "python3-torch" };

function torchArgs(p: StepParams): string[] {
  return [p.method, p.batch, p.s, p.d, p.l, p.hidden, p.steps, p.k ?? 0].map(String);
}

/** Seconds per PyTorch CPU step of the case, from the Python peer. */
export async function torchStep(p: StepParams): Promise<Record<string, JsonValue>> {
  return await runPeer(TORCH_SCRIPT, { args: torchArgs(p), ...TORCH_PEER }) as Record<
    string,
    JsonValue
  >;
}

/**
 * The paired figures of interleaved rounds: per round, the median tfjs
 * step over the median PyTorch step of the block that followed it.
 */
export function pairedRatios(
  tfjs: number[],
  torch: number[][],
  roundSteps: number,
): Record<string, JsonValue> {
  const ratios = torch.map((block, r) =>
    median(tfjs.slice(r * roundSteps, (r + 1) * roundSteps)) / median(block)
  );
  return {
    pairedRounds: ratios.length,
    pairedRatio: median(ratios),
    pairedRatioMin: Math.min(...ratios),
    pairedRatioMax: Math.max(...ratios),
    pairedRatios: ratios,
    pairedPeerStepSeconds: median(torch.flat()),
  };
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
  let peer: PeerSession | undefined, peerNote: string | undefined;
  try {
    peer = await openPeer(TORCH_SCRIPT, { args: [...torchArgs(p), "--serve"], ...TORCH_PEER });
  } catch (e) {
    if (!(e instanceof CaseSkipped)) throw e;
    peerNote = `not paired: ${e.message}`;
  }
  const roundSteps = Math.max(1, Math.floor(p.steps / PAIRED_ROUNDS));
  const torchBlocks: number[][] = [];
  try {
    const measured = await measureSteps(p.method, data, {
      encoder: net,
      decoder: net,
      ...prepared.options,
      // The peer draws any tail i.i.d. from the renormalised tail.
      tailScheme: "iid",
      steps: p.steps,
      seed: ctx.seed,
      batchSize: p.batch,
      signal: ctx.signal,
      roundSteps,
      betweenRounds: peer && (async () => {
        const reply = await peer!.request(String(roundSteps));
        torchBlocks.push(reply.stepSecondsSamples as number[]);
      }),
    });
    return {
      ...measured,
      ...(peer ? pairedRatios(measured.stepSecondsSamples, torchBlocks, roundSteps) : {}),
      ...(peerNote ? { pairedPeer: peerNote } : {}),
      backend: info.backend,
    };
  } finally {
    await peer?.close();
  }
}
