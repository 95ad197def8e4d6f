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

/**
 * Environment every peer runs with: its BLAS on one thread. The PyTorch peer
 * is one thread by design, and `torch.set_num_threads` does not reach
 * OpenBLAS's own pool. faiss calls its GEMM outside its OpenMP loops; in
 * the suite's one faiss case (D = 2) that GEMM is cheap, and OpenBLAS's
 * pool, left at its default, competed with the OpenMP threads: 190-206 M
 * pairs/s at N = 20,000 on 2 cores, against 266-284 M on one BLAS thread
 * (reports/perf/peer_blas.md). A faiss case at high D would want the pool.
 */
export const PEER_ENV: Readonly<Record<string, string>> = {
  OPENBLAS_NUM_THREADS: "1",
  MKL_NUM_THREADS: "1",
  BLIS_NUM_THREADS: "1",
};

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
  /**
   * Debian packages the install command names beside it, for a peer that is
   * only a fair reference with them (an optimised BLAS).
   */
  companions?: string[];
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
      env: { ...PEER_ENV },
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
        `${options.debianPackage} not installed (${installCommand(options)})`,
      );
    }
    throw new Error(`${options.peer} peer failed: ${err.trim().split("\n").pop()}`);
  }
  return JSON.parse(new TextDecoder().decode(out.stdout));
}

/** The apt-get command that installs a peer and its companions. */
function installCommand(options: Pick<RunPeerOptions, "debianPackage" | "companions">): string {
  return `apt-get install -y ${[options.debianPackage, ...options.companions ?? []].join(" ")}`;
}

/** Milliseconds a peer has to exit once its input closes before it is killed. */
const CLOSE_MS = 5000;

/** A Python peer kept running to answer requests, one JSON line each. */
export interface PeerSession {
  /** The first line the peer printed once ready (its versions). */
  ready: Record<string, unknown>;
  /** Sends `line` and returns the peer's JSON answer to it. */
  request(line: string): Promise<Record<string, unknown>>;
  /** Closes the peer's stdin and waits for it to exit. */
  close(): Promise<void>;
}

/**
 * Starts the Python script `script` as a long-lived peer that prints one
 * JSON line when ready and one per line it reads. A missing Python or
 * module skips the case (throws {@linkcode CaseSkipped}) as
 * {@linkcode runPeer} does; a peer that exits early throws with its last
 * error line.
 */
export async function openPeer(
  script: URL,
  options: RunPeerOptions & {
    /** Milliseconds the peer has to exit once its input closes before it is killed; default 5000. */
    closeMs?: number;
  },
): Promise<PeerSession> {
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(peerPython(), {
      args: [script.pathname, ...options.args],
      env: { ...PEER_ENV },
      stdin: "piped",
      stdout: "piped",
      stderr: "piped",
    }).spawn();
  } catch {
    throw new CaseSkipped(`python3 not found (peer ${options.peer})`);
  }
  const stderr = new Response(child.stderr).text();
  const lines = child.stdout.pipeThrough(new TextDecoderStream()).pipeThrough(lineSplitter())
    .getReader();
  const writer = child.stdin.getWriter();
  const encoder = new TextEncoder();
  const next = async (): Promise<Record<string, unknown>> => {
    const { value, done } = await lines.read();
    if (!done) {
      try {
        return JSON.parse(value);
      } catch {
        throw new Error(
          `${options.peer} peer printed a line that is not JSON: ${value.slice(0, 80)}`,
        );
      }
    }
    const err = await stderr;
    await child.status;
    if (new RegExp(`No module named .?${options.module}`).test(err)) {
      throw new CaseSkipped(
        `${options.debianPackage} not installed (${installCommand(options)})`,
      );
    }
    throw new Error(`${options.peer} peer failed: ${err.trim().split("\n").pop()}`);
  };
  const close = async () => {
    await writer.close().catch(() => {});
    await lines.cancel().catch(() => {});
    // A peer that ignores the end of its input is killed rather than left to hang the run.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<"late">((done) =>
      timer = setTimeout(() => done("late"), options.closeMs ?? CLOSE_MS)
    );
    if (await Promise.race([child.status, late]) === "late") {
      try {
        child.kill();
      } catch { /* it exited meanwhile */ }
    }
    clearTimeout(timer);
    await child.status;
    await stderr;
  };
  try {
    const ready = await next();
    return {
      ready,
      request: async (line) => {
        // A peer that died is read to its end, for its error line, rather than "broken pipe".
        await writer.write(encoder.encode(line + "\n")).catch(() => {});
        return await next();
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Splits a text stream into lines (without their "\n"), dropping empty ones. */
function lineSplitter(): TransformStream<string, string> {
  let rest = "";
  return new TransformStream({
    transform(chunk, out) {
      const parts = (rest + chunk).split("\n");
      rest = parts.pop()!;
      for (const p of parts) if (p.trim()) out.enqueue(p);
    },
    flush(out) {
      if (rest.trim()) out.enqueue(rest);
    },
  });
}

/**
 * What a Python peer's BLAS means for its ratio: the netlib reference BLAS
 * (Debian's default libblas3) flatters this project; others are named.
 */
export function peerBlasNote(peer: string, blas: unknown): string {
  if (blas === "reference") {
    return ` This ${peer} ran on the netlib reference BLAS (Debian's default libblas3), slower ` +
      "than an optimised one (on this project's machine PyTorch's IWAE and MAPA steps " +
      "2.6-3.7x, faiss 1.1-1.3x; " +
      "reports/perf/peer_blas.md), so the ratio flatters this project; " +
      "`apt-get install -y libopenblas0-pthread` switches it to OpenBLAS.";
  }
  if (blas === "generic") {
    return ` This ${peer} was built against the generic libblas.so.3 and did not say which ` +
      "library that resolved to; read the ratio with care.";
  }
  return typeof blas === "string" && blas !== "unknown"
    ? ` ${peer}'s BLAS: ${blas}, one thread.`
    : "";
}
