/**
 * Runs an optional Python peer (faiss, PyTorch) for side-by-side figures.
 *
 * @module
 */

import { CaseSkipped } from "./suite.ts";

/**
 * The Python that has Debian's `python3-*` packages: `$MAPA_BENCH_PYTHON`
 * when set, else `/usr/bin/python3` when it exists (a pyenv or venv python3
 * earlier on PATH does not see Debian's packages), else `python3`.
 */
export function peerPython(): string {
  const chosen = Deno.env.get("MAPA_BENCH_PYTHON");
  if (chosen) return chosen;
  try {
    Deno.statSync("/usr/bin/python3");
    return "/usr/bin/python3";
  } catch {
    return "python3";
  }
}

/** Options for {@linkcode runPeer}. */
export interface RunPeerOptions {
  /** Arguments after the script path. */
  args: string[];
  /** Peer name for messages, e.g. "faiss". */
  peer: string;
  /** The Python module whose absence skips the case, e.g. "faiss". */
  module: string;
  /** The Debian package that provides it, e.g. "python3-faiss". */
  debianPackage: string;
}

/**
 * Runs the Python script `script` and parses the JSON it prints. A missing
 * Python or module skips the case (throws {@linkcode CaseSkipped}) with the
 * command that installs it; any other failure throws.
 */
export async function runPeer(
  script: URL,
  options: RunPeerOptions,
): Promise<Record<string, unknown>> {
  let out;
  try {
    out = await new Deno.Command(peerPython(), {
      args: [script.pathname, ...options.args],
      stdout: "piped",
      stderr: "piped",
    }).output();
  } catch {
    throw new CaseSkipped(`python3 not found (peer ${options.peer})`);
  }
  const err = new TextDecoder().decode(out.stderr);
  if (!out.success) {
    if (new RegExp(`No module named .?${options.module}`).test(err)) {
      throw new CaseSkipped(
        `${options.debianPackage} not installed (apt-get install -y ${options.debianPackage})`,
      );
    }
    throw new Error(`${options.peer} peer failed: ${err.trim().split("\n").pop()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}
