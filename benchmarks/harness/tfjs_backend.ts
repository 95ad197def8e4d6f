/**
 * The tfjs backend for suites that train: initialised once per run and
 * reported into the run's meta. The runner itself never loads tfjs, so runs
 * of suites that do not need it stay light.
 *
 * @module
 */

import { type BackendInfo, initBackend } from "../../src/backend.ts";
import type { CaseContext } from "./suite.ts";

const ready = new Map<string, Promise<BackendInfo>>();

/**
 * Initialises the backend the run asked for (`ctx.backend`) the first time a
 * case needs it, and records the backend and adapter actually in use.
 */
export async function useBackend(ctx: CaseContext): Promise<BackendInfo> {
  let pending = ready.get(ctx.backend);
  if (!pending) {
    pending = initBackend(ctx.backend);
    ready.set(ctx.backend, pending);
  }
  const info = await pending;
  ctx.reportBackend(info.backend, info.adapter);
  return info;
}
