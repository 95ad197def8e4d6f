/**
 * The MAPA rows cache: a binary file with a JSON header (N, K, D, kernel,
 * bandwidth, method, data checksum) followed by the arrays. A file whose
 * header does not match what the caller expects is refused with an
 * {@linkcode InputError} naming the mismatch, never silently used.
 *
 * Layout: 8 bytes `MAPAROWS`, u32 format version, u32 header length L, L
 * bytes of UTF-8 JSON padded with spaces to a multiple of 8, then
 * neighbors (i32, N*K), logq (f64, N*K), logNormalizer (f64, N), and when
 * the header says so sqdist (f64, N*K), extraNeighbors (i32, N*E),
 * extraLogq (f64, or f32 when the header says so, N*E), and for HNSW rows
 * logNormalizerSe and logRestSum (f64, N each); all little-endian, each array padded to 8 bytes. Version 2:
 * HNSW normalisers now include the rest of the points, so version-1 files
 * (normaliser over the k' found only) are refused.
 *
 * Not part of mod.ts: nothing reads or writes a cache yet. Its user is to be
 * MAPA's row preparation (rows computed once per data set and reused across
 * restarts, methods.md 4); until then only its tests call it.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";
import type { KernelName, MapaRows, RowMethod } from "./types.ts";

const MAGIC = "MAPAROWS";
const VERSION = 2;

interface Header {
  n: number;
  k: number;
  d: number;
  kernel: KernelName;
  bandwidth: number;
  method: RowMethod;
  dataChecksum: string;
  hasSqdist: boolean;
  extraK: number;
  /** HNSW rows: logNormalizerSe and logRestSum follow the extras. */
  hasRest?: boolean;
  /** The extras' log q are float32. */
  extraF32?: boolean;
}

/** What a loaded cache must match; every field given is checked. */
export interface CacheExpectation {
  /** Checksum of the data the rows must come from (`matrixChecksum(x)`). */
  dataChecksum?: string;
  /** Number of rows N. */
  n?: number;
  /** Neighbours per row K. */
  k?: number;
  /** Data dimension D. */
  d?: number;
  /** Kernel the rows were computed with. */
  kernel?: KernelName;
  /** Bandwidth (Gaussian h or Bernoulli eps); compared to 1e-12 relative. */
  bandwidth?: number;
  /** Exact or HNSW rows. */
  method?: RowMethod;
}

const pad8 = (b: number) => (b + 7) & ~7;

/** Encodes rows into the cache format. */
export function encodeRows(rows: MapaRows): Uint8Array {
  const e = rows.extraK ?? 0;
  const header: Header = {
    n: rows.n,
    k: rows.k,
    d: rows.d,
    kernel: rows.kernel,
    bandwidth: rows.bandwidth,
    method: rows.method,
    dataChecksum: rows.dataChecksum,
    hasSqdist: rows.sqdist !== undefined,
    extraK: e,
    hasRest: rows.logNormalizerSe !== undefined && rows.logRestSum !== undefined,
    extraF32: rows.extraLogq instanceof Float32Array,
  };
  let json = JSON.stringify(header);
  while ((16 + json.length) % 8 !== 0) json += " ";
  const head = new TextEncoder().encode(json);
  const parts: ArrayBufferView[] = [rows.neighbors, rows.logq, rows.logNormalizer];
  if (rows.sqdist) parts.push(rows.sqdist);
  if (e > 0) parts.push(rows.extraNeighbors!, rows.extraLogq!);
  if (header.hasRest) parts.push(rows.logNormalizerSe!, rows.logRestSum!);
  const total = 16 + head.length + parts.reduce((s, p) => s + pad8(p.byteLength), 0);
  const out = new Uint8Array(total);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, VERSION, true);
  view.setUint32(12, head.length, true);
  out.set(head, 16);
  let off = 16 + head.length;
  // Typed arrays are little-endian on every platform Deno runs on.
  for (const p of parts) {
    out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), off);
    off += pad8(p.byteLength);
  }
  return out;
}

/** Saves rows to `path` atomically. */
export function saveRows(path: string, rows: MapaRows): void {
  writeFileAtomic(path, encodeRows(rows));
}

function refuse(source: string, why: string): never {
  throw new InputError(`cache ${source} ${why}; delete it or recompute the rows`);
}

/** Decodes a cache file's bytes, checking them against `expect`. */
export function decodeRows(
  bytes: Uint8Array,
  expect: CacheExpectation = {},
  source = "<bytes>",
): MapaRows {
  if (bytes.length < 16 || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    refuse(source, "is not a MAPA rows file");
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== VERSION) refuse(source, `has format version ${version}, expected ${VERSION}`);
  const hl = view.getUint32(12, true);
  let h: Header;
  try {
    h = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + hl)));
  } catch {
    refuse(source, "has a corrupt header");
  }
  for (const key of ["n", "k", "d", "kernel", "method", "dataChecksum"] as const) {
    const want = expect[key];
    if (want !== undefined && want !== h[key]) {
      const show = (v: unknown) => key === "dataChecksum" ? String(v).slice(0, 12) : String(v);
      refuse(source, `was made with ${key} = ${show(h[key])}, not ${show(want)} (stale or wrong)`);
    }
  }
  if (
    expect.bandwidth !== undefined &&
    !(Math.abs(h.bandwidth - expect.bandwidth) <= 1e-12 * Math.abs(expect.bandwidth))
  ) {
    refuse(source, `was made with bandwidth ${h.bandwidth}, not ${expect.bandwidth}`);
  }
  const nk = h.n * h.k, ne = h.n * h.extraK, extraWidth = h.extraF32 ? 4 : 8;
  let off = 16 + hl;
  const need = off + pad8(nk * 4) + nk * 8 + h.n * 8 + (h.hasSqdist ? nk * 8 : 0) +
    (h.extraK > 0 ? pad8(ne * 4) + pad8(ne * extraWidth) : 0) + (h.hasRest ? 2 * h.n * 8 : 0);
  if (bytes.length !== need) {
    refuse(source, `is truncated or padded (${bytes.length} bytes, expected ${need})`);
  }
  const take = <T>(len: number, width: number, make: (b: ArrayBuffer) => T): T => {
    const b = bytes.slice(off, off + len * width).buffer;
    off += pad8(len * width);
    return make(b);
  };
  const rows: MapaRows = {
    n: h.n,
    k: h.k,
    d: h.d,
    kernel: h.kernel,
    bandwidth: h.bandwidth,
    method: h.method,
    dataChecksum: h.dataChecksum,
    neighbors: take(nk, 4, (b) => new Int32Array(b)),
    logq: take(nk, 8, (b) => new Float64Array(b)),
    logNormalizer: take(h.n, 8, (b) => new Float64Array(b)),
  };
  if (h.hasSqdist) rows.sqdist = take(nk, 8, (b) => new Float64Array(b));
  if (h.extraK > 0) {
    rows.extraK = h.extraK;
    rows.extraNeighbors = take(ne, 4, (b) => new Int32Array(b));
    rows.extraLogq = take(
      ne,
      extraWidth,
      (b) => h.extraF32 ? new Float32Array(b) : new Float64Array(b),
    );
  }
  if (h.hasRest) {
    rows.logNormalizerSe = take(h.n, 8, (b) => new Float64Array(b));
    rows.logRestSum = take(h.n, 8, (b) => new Float64Array(b));
  }
  return rows;
}

/**
 * Loads rows from `path`, refusing (with an {@linkcode InputError}) a file
 * that is missing, corrupt, or made for other data or settings than `expect`.
 */
export function loadRows(path: string, expect: CacheExpectation = {}): MapaRows {
  let bytes: Uint8Array;
  try {
    bytes = Deno.readFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "does not exist" : (e as Error).message;
    throw new InputError(`cache ${path} ${why}`);
  }
  return decodeRows(bytes, expect, path);
}
