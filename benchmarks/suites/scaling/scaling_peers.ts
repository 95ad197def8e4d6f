/**
 * The scaling suite's Python peers as k-NN builders (src/mapa/row_builder.ts):
 * faiss IndexFlatL2 (exact k-NN by brute force, scaling_faiss.py, on its own
 * standard-normal draw of the same shape) and Python hnswlib (build plus
 * k'-NN, scaling_hnswlib.py, on the case's own data draw, passed as
 * little-endian float32). A missing Python or library skips the case.
 *
 * @module
 */

import type { Matrix } from "../../../src/types.ts";
import type { KnnBuilder, KnnOptions, KnnTiming } from "../../../src/mapa/row_builder.ts";
import { runPeer, type RunPeerOptions } from "../../harness/peer_python.ts";

/** Threads a peer may use: as many as there are cores. */
function cores(): number {
  return typeof navigator !== "undefined" ? navigator.hardwareConcurrency ?? 1 : 1;
}

/** A reader of the numbers in a peer's JSON line; an Error names a field that is not one. */
function numbers(o: Record<string, unknown>, peer: string): (key: string) => number {
  return (key) => {
    const v = o[key];
    if (typeof v !== "number") throw new Error(`${peer} peer: ${key} is not a number`);
    return v;
  };
}

/**
 * Runs `script` on `x` written to a temporary float32 file; `args` follow
 * the file's path. Returns a reader of the numbers in the peer's one JSON
 * line (an Error naming a field that is missing or not a number).
 */
async function runOnData(
  script: string,
  x: Matrix,
  args: number[],
  peer: Omit<RunPeerOptions, "args">,
): Promise<(key: string) => number> {
  const path = await Deno.makeTempFile({ prefix: "mapa-peer-", suffix: ".f32" });
  try {
    await Deno.writeFile(path, new Uint8Array(Float32Array.from(x.data).buffer));
    const o = await runPeer(new URL(script, import.meta.url), {
      ...peer,
      args: [path, ...args.map(String)],
    });
    return numbers(o, peer.peer);
  } finally {
    await Deno.remove(path);
  }
}

/** A peer's k-NN builder that also names the BLAS it ran on (harness/peer_blas.py). */
export interface BlasKnnBuilder extends KnnBuilder {
  /** As {@linkcode KnnBuilder.knn}, plus the BLAS: the reference one would flatter our rows. */
  knn(x: Matrix, options: KnnOptions): Promise<KnnTiming & { blas: string }>;
}

/**
 * faiss IndexFlatL2: add plus search of the K nearest of every point, all in
 * the query time, on a standard-normal draw of x's shape (seeded by
 * `options.seed`): brute force costs the same whatever the values.
 */
export const faissFlatBuilder: BlasKnnBuilder = {
  name: "faiss_flat",
  description: "faiss IndexFlatL2 exact k-NN (Python peer)",
  peer: true,
  async knn(x: Matrix, options: KnnOptions) {
    const raw = await runPeer(new URL("./scaling_faiss.py", import.meta.url), {
      args: [x.rows, x.cols, options.k, options.seed ?? 0].map(String),
      peer: "faiss",
      module: "faiss",
      debianPackage: "python3-faiss",
      companions: ["libopenblas0-pthread"],
    });
    const o = numbers(raw, "faiss");
    return {
      buildSeconds: 0,
      querySeconds: o("seconds"),
      stats: { pairsPerSecond: o("pairsPerSecond"), threads: o("threads") },
      blas: String(raw.blas ?? "unknown"),
    };
  },
};

/**
 * Python hnswlib: build plus k'-NN of every point on as many threads as
 * there are cores (hnswlib-node builds on one), the same work as
 * src/mapa/row_builders.ts `hnswKnnBuilder`.
 */
export const hnswlibPyBuilder: KnnBuilder = {
  name: "hnswlib_py",
  description: "Python hnswlib build plus k'-NN of every point (Python peer)",
  peer: true,
  async knn(x: Matrix, options: KnnOptions) {
    const kPrime = options.kPrime ?? options.k;
    const m = options.m ?? 16, efConstruction = options.efConstruction ?? 200;
    const ef = options.ef ?? Math.max(2 * kPrime, 64);
    const o = await runOnData(
      "./scaling_hnswlib.py",
      x,
      [x.rows, x.cols, m, efConstruction, kPrime, ef, cores(), options.seed ?? 0],
      { peer: "Python hnswlib", module: "hnswlib", debianPackage: "python3-hnswlib" },
    );
    return {
      buildSeconds: o("buildSeconds"),
      querySeconds: o("querySeconds"),
      stats: { threads: o("threads"), m, efConstruction, kPrime, ef },
    };
  },
};

/** The suite's peers. */
export const PEER_BUILDERS: readonly KnnBuilder[] = [faissFlatBuilder, hnswlibPyBuilder];
