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
import { median } from "../../../src/eval/stats.ts";
import { pairedRoundsSummary } from "../../harness/paired_rounds.ts";
import type { TrainingData } from "../../../src/models/method.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { measureSteps } from "../../../src/train/measure_steps.ts";
import type { Matrix } from "../../../src/types.ts";
import type { JsonValue, Suite } from "../../harness/suite.ts";
import type { StepParams } from "./passes_params.ts";
import { PAIRED_ROUNDS, STEP_N, STEP_SIGMA2 } from "./passes_settings.ts";

const TORCH_SCRIPT = new URL("./passes_torch.py", import.meta.url);
const TORCH_PEER = {
  peer: "PyTorch",
  module: "torch",
  debianPackage: "python3-torch",
  // Without it Debian's torch runs on the netlib reference BLAS (reports/perf/peer_blas.md).
  companions: ["libopenblas0-pthread"],
};

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
 * The timed steps of each round when `steps` are split into
 * {@linkcode PAIRED_ROUNDS} rounds: equal rounds, the last one shorter
 * when they do not divide.
 */
export function roundSizes(steps: number): number[] {
  const per = Math.max(1, Math.ceil(steps / PAIRED_ROUNDS));
  const sizes: number[] = [];
  for (let done = 0; done < steps; done += per) sizes.push(Math.min(per, steps - done));
  return sizes;
}

/**
 * The paired figures of interleaved rounds: per round, the median tfjs
 * step of the round over the median PyTorch step of the block timed beside
 * it (`options.sizes[r]` tfjs steps each, in step order).
 */
export function pairedRatios(
  tfjs: number[],
  torch: number[][],
  options: { sizes: number[] },
): Record<string, JsonValue> {
  let at = 0;
  const ratios = torch.map((block, r) => {
    const own = tfjs.slice(at, at + options.sizes[r]);
    at += options.sizes[r];
    return median(own) / median(block);
  });
  return { ...pairedRoundsSummary(ratios), pairedPeerStepSeconds: median(torch.flat()) };
}

/**
 * Seconds per tfjs gradient step on the same model and data shape as the
 * PyTorch peer; the method prepares its own inputs from the case's K and S.
 * When PyTorch runs here the steps are also timed against it in
 * {@linkcode PAIRED_ROUNDS} rounds, in the order T0 P0 P1 T1 T2 P2 P3 T3 ...
 * (round r pairs tfjs block T_r with PyTorch block P_r, each side first in
 * every other round, so a steady drift in load does not favour one side).
 * A PyTorch that is missing or fails leaves the tfjs figures unpaired, with
 * the reason in `pairedPeer`.
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
  const unpaired = async (why: string) => {
    if (ctx.signal?.aborted) return;
    peerNote = `not paired: ${why}`;
    const closing = peer;
    peer = undefined;
    await closing?.close();
  };
  try {
    peer = await openPeer(TORCH_SCRIPT, { args: [...torchArgs(p), "--serve"], ...TORCH_PEER });
  } catch (e) {
    await unpaired((e as Error).message);
  }
  const sizes = roundSizes(p.steps);
  const torchBlocks: number[][] = [];
  const block = async (r: number) => {
    const reply = await peer!.request(String(sizes[r]));
    const samples = reply.stepSecondsSamples;
    if (!Array.isArray(samples) || samples.length !== sizes[r]) {
      throw new Error(`PyTorch peer answered ${JSON.stringify(reply).slice(0, 80)}`);
    }
    torchBlocks.push(samples as number[]);
  };
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
      roundSizes: sizes,
      betweenRounds: async (r) => {
        if (!peer || r % 2 === 1) return;
        try {
          await block(r);
          if (r + 1 < sizes.length) await block(r + 1);
        } catch (e) {
          await unpaired(`PyTorch failed in round ${r}: ${(e as Error).message}`);
        }
      },
    });
    return {
      ...measured,
      ...(peer ? pairedRatios(measured.stepSecondsSamples, torchBlocks, { sizes }) : {}),
      ...(peer ? { pairedPeerBlas: String(peer.ready.blas ?? "unknown") } : {}),
      ...(peerNote ? { pairedPeer: peerNote } : {}),
      backend: info.backend,
    };
  } finally {
    await peer?.close();
  }
}
