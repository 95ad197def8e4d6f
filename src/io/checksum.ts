/**
 * SHA-256 checksums of files and matrices, so caches and stored weights that
 * no longer match their source are refused instead of silently used.
 *
 * @module
 */

import { createHash } from "node:crypto";
import type { Matrix } from "../types.ts";

/** The SHA-256 of `bytes` (a string is hashed as UTF-8), as 64 lowercase hex digits. */
export function sha256Hex(bytes: Uint8Array | string): string {
  return createHash("sha256").update(bytes).digest("hex");
}

/**
 * The SHA-256 of a matrix: its shape (`"<rows>x<cols>;"` in ASCII) followed by
 * its float64 values as little-endian bytes. Two matrices with the same
 * values but different shapes get different checksums.
 */
export function matrixChecksum(m: Matrix): string {
  if (m.data.length !== m.rows * m.cols) {
    throw new RangeError(`matrixChecksum: data length ${m.data.length} != rows * cols`);
  }
  const hash = createHash("sha256").update(`${m.rows}x${m.cols};`);
  if (LITTLE_ENDIAN) {
    // The host's own bytes are already the little-endian encoding: hash them in place
    // (a per-value DataView loop took a third of a second on MNIST).
    const d = m.data;
    return hash.update(new Uint8Array(d.buffer, d.byteOffset, d.byteLength)).digest("hex");
  }
  const bytes = new Uint8Array(m.data.length * 8);
  // A DataView pins the byte order, so the checksum is the same on any host.
  const view = new DataView(bytes.buffer);
  for (let i = 0; i < m.data.length; i++) view.setFloat64(i * 8, m.data[i], true);
  return hash.update(bytes).digest("hex");
}

const LITTLE_ENDIAN = new Uint8Array(new Float64Array([1]).buffer)[7] === 0x3f;
