/**
 * Atomic file writes: a reader never sees a half-written file.
 *
 * @module
 */

import { InputError } from "../errors.ts";

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/** Fails with an {@linkcode InputError} when the folder that would hold `path` does not exist. */
export function assertParentExists(path: string): void {
  const dir = dirOf(path);
  try {
    if (!Deno.statSync(dir).isDirectory) {
      throw new InputError(`output folder ${dir} is not a folder (for ${path})`);
    }
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) {
      throw new InputError(`output folder ${dir} does not exist (for ${path}); create it first`);
    }
    throw e;
  }
}

/**
 * Writes `content` to `path` atomically: it goes to a temporary file in the
 * same folder, which is then renamed over `path`.
 */
export function writeFileAtomic(path: string, content: string | Uint8Array): void {
  assertParentExists(path);
  const tmp = `${path}.tmp-${Deno.pid}-${Date.now()}`;
  try {
    if (typeof content === "string") Deno.writeTextFileSync(tmp, content);
    else Deno.writeFileSync(tmp, content);
    Deno.renameSync(tmp, path);
  } catch (e) {
    try {
      Deno.removeSync(tmp);
    } catch { /* the temporary file may not exist */ }
    throw e;
  }
}
