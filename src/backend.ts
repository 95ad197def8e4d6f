/**
 * The tfjs backend choice (webgpu | wasm | cpu) and its report.
 *
 * `auto` takes WebGPU only when `navigator.gpu` offers a real (non-fallback)
 * adapter: a software adapter such as llvmpipe is correct but about ten times
 * slower than single-threaded WASM, so `auto` then takes WASM.
 *
 * The adapter is probed in a short child process, and the tfjs WebGPU backend
 * is imported only once WebGPU is chosen, so a process that ends up on WASM or
 * CPU never loads the GPU driver. On a machine without a GPU that driver is
 * Mesa's llvmpipe behind EGL, and once loaded it can crash the process at exit
 * ("double free or corruption", SIGSEGV in an exit handler) when its last user
 * is torn down off the main thread, as each file of `deno test` is; see
 * .ci/exit_crash/README.md for the reproducer and the counts.
 *
 * @module
 */

import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "./errors.ts";

/** A backend a user may ask for. */
export type BackendRequest = "auto" | "webgpu" | "wasm" | "cpu";

/** The backend names `initBackend` accepts. */
export const BACKEND_NAMES: readonly BackendRequest[] = ["auto", "webgpu", "wasm", "cpu"];

/** What a result records about the backend it ran on. */
export interface BackendInfo {
  /** The tfjs backend in use: `webgpu`, `wasm` or `cpu`. */
  backend: "webgpu" | "wasm" | "cpu";
  /** The WebGPU adapter's description, or a short note for the CPU backends. */
  adapter: string;
  /** True when the WebGPU adapter is a software (fallback) one. */
  fallbackAdapter: boolean;
}

/** What `navigator.gpu.requestAdapter()` reports, as far as this module reads it. */
interface AdapterView {
  /** The adapter description and vendor (newer runtimes). */
  info?: { description?: string; vendor?: string; device?: string; isFallbackAdapter?: boolean };
  /** Older runtimes put the fallback flag on the adapter itself. */
  isFallbackAdapter?: boolean;
}

/** The WebGPU adapter in this process, if the runtime offers one. */
async function probeAdapterHere(): Promise<AdapterView | undefined> {
  const gpu = (globalThis.navigator as unknown as { gpu?: { requestAdapter(): Promise<unknown> } })
    ?.gpu;
  if (!gpu) return undefined;
  try {
    const adapter = await gpu.requestAdapter();
    return adapter ? adapter as AdapterView : undefined;
  } catch {
    return undefined;
  }
}

/** Child script: prints the adapter's view as one JSON line (`null` for none). */
const PROBE_SCRIPT = `
const a = await globalThis.navigator?.gpu?.requestAdapter().catch(() => null);
const i = a?.info ?? {};
console.log(JSON.stringify(a ? { info: { description: i.description, vendor: i.vendor,
  device: i.device, isFallbackAdapter: i.isFallbackAdapter }, isFallbackAdapter: a.isFallbackAdapter }
  : null));
`;

/**
 * The WebGPU adapter as a child process sees it, so that this process does
 * not load the GPU driver just to look. Undefined when the child cannot run
 * (no run permission) or says nothing usable; the caller then probes here.
 */
async function probeAdapterInChild(): Promise<AdapterView | null | undefined> {
  if (Deno.permissions.querySync({ name: "run", command: Deno.execPath() }).state !== "granted") {
    return undefined;
  }
  try {
    const out = await new Deno.Command(Deno.execPath(), {
      args: ["eval", "--no-config", PROBE_SCRIPT],
      stdin: "null",
      stdout: "piped",
      stderr: "null",
    }).output();
    // The answer is the last line; the child's own exit status is not needed for it.
    const line = new TextDecoder().decode(out.stdout).trim().split("\n").pop() ?? "";
    const view = JSON.parse(line) as AdapterView | null;
    return view === null || typeof view === "object" ? view : undefined;
  } catch {
    return undefined;
  }
}

/** The WebGPU adapter, if the runtime offers one (probed in a child process where allowed). */
async function probeAdapter(): Promise<AdapterView | undefined> {
  const gpu = (globalThis.navigator as unknown as { gpu?: unknown })?.gpu;
  if (!gpu) return undefined;
  const child = await probeAdapterInChild();
  if (child === null) return undefined;
  return child ?? await probeAdapterHere();
}

function describe(adapter: AdapterView): { text: string; fallback: boolean } {
  const info = adapter.info ?? {};
  const fallback = Boolean(info.isFallbackAdapter ?? adapter.isFallbackAdapter);
  const text = info.description || `vendor ${info.vendor ?? "?"} device ${info.device ?? "?"}`;
  return { text: fallback ? `${text} (fallback)` : text, fallback };
}

/**
 * Selects and initialises a tfjs backend. `auto` takes WebGPU only for a
 * non-fallback adapter, else WASM. Throws InputError for an unknown name or
 * a forced `webgpu` with no adapter at all.
 *
 * @example
 * ```ts
 * import { initBackend } from "./backend.ts";
 * const info = await initBackend("wasm");
 * console.log(info.backend, info.adapter);
 * ```
 */
export async function initBackend(name: string): Promise<BackendInfo> {
  if (!(BACKEND_NAMES as readonly string[]).includes(name)) {
    throw new InputError(
      `unknown backend "${name}"; use one of ${BACKEND_NAMES.join(", ")}`,
    );
  }
  let choice = name as BackendRequest;
  const adapter = choice === "auto" || choice === "webgpu" ? await probeAdapter() : undefined;
  if (choice === "webgpu" && !adapter) {
    throw new InputError(
      "backend webgpu was forced but navigator.gpu offers no adapter; use --backend wasm or auto",
    );
  }
  if (choice === "auto") {
    choice = adapter && !describe(adapter).fallback ? "webgpu" : "wasm";
  }
  // Registered only now: once registered, tfjs would initialise WebGPU (and load the
  // GPU driver) on its own whenever an op runs before any backend was set.
  if (choice === "webgpu") await import("@tensorflow/tfjs-backend-webgpu");
  const ok = await tf.setBackend(choice);
  await tf.ready();
  if (!ok || tf.getBackend() !== choice) {
    throw new Error(`tfjs could not initialise the ${choice} backend`);
  }
  if (choice === "webgpu") {
    const d = describe(adapter!);
    return { backend: "webgpu", adapter: d.text, fallbackAdapter: d.fallback };
  }
  const note = choice === "wasm" ? "WebAssembly (CPU, single thread)" : "plain JavaScript (CPU)";
  return { backend: choice, adapter: note, fallbackAdapter: false };
}
