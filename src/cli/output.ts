/**
 * Output checks and writes for the CLIs: a path that cannot be written is a
 * one-line {@linkcode InputError}, found before any work is done where
 * possible, and a half-written file never stays behind.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import { writeFileAtomic } from "../io/atomic_write.ts";

function reason(e: unknown): string {
  if (e instanceof Deno.errors.NotFound) return "no such folder";
  if (e instanceof Deno.errors.PermissionDenied) return "permission denied";
  if (e instanceof Deno.errors.IsADirectory) return "it is a folder";
  if (e instanceof Deno.errors.NotADirectory) return "a part of the path is not a folder";
  // Deno's messages end with the system call and path, which the caller already names.
  return (e as Error).message.replace(/\s*\(os error \d+\).*$/, "");
}

function dirOf(path: string): string {
  const i = path.lastIndexOf("/");
  return i < 0 ? "." : i === 0 ? "/" : path.slice(0, i);
}

/**
 * Fails with an {@linkcode InputError} unless `path` (named by `flag`) can be
 * written as a file: not empty, not a folder, in an existing folder where a
 * probe file can be created. Call it before long work so a bad path costs nothing.
 */
export function checkWritableFile(path: string, flag: string): void {
  if (path.trim() === "") throw new InputError(`empty ${flag}; name a file`);
  let isDir = false;
  try {
    isDir = Deno.statSync(path).isDirectory;
  } catch { /* a new file */ }
  if (isDir) throw new InputError(`${flag} ${path} is a folder; name a file`);
  const dir = dirOf(path);
  try {
    if (!Deno.statSync(dir).isDirectory) throw new Deno.errors.NotADirectory();
  } catch (e) {
    throw new InputError(`cannot write ${path}: folder ${dir}: ${reason(e)}; create it first`);
  }
  const probe = `${path}.probe-${Deno.pid}`;
  try {
    Deno.writeTextFileSync(probe, "", { createNew: true });
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "files cannot be created there" : reason(e);
    throw new InputError(`cannot write ${path}: ${why}`);
  }
  Deno.removeSync(probe);
}

/**
 * Fails with an {@linkcode InputError} unless `dir` (named by `flag`) is or can
 * become a folder whose files can be written; creates it when missing.
 */
export function ensureWritableFolder(dir: string, flag: string): void {
  if (dir.trim() === "") throw new InputError(`empty ${flag}; name a folder`);
  try {
    Deno.mkdirSync(dir, { recursive: true });
  } catch (e) {
    const why = e instanceof Deno.errors.AlreadyExists ? "it is a file, not a folder" : reason(e);
    throw new InputError(`cannot use ${flag} ${dir}: ${why}`);
  }
  checkWritableFile(`${dir}/.write-check`, flag);
}

/** Writes `content` to `path` atomically; a failed write is an {@linkcode InputError}. */
export function writeOutputFile(path: string, content: string): void {
  try {
    writeFileAtomic(path, content);
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`cannot write ${path}: ${reason(e)}`);
  }
}

/** Writes `text` to stdout; a closed pipe (e.g. `| head`) is an {@linkcode InputError}. */
export async function writeStdout(text: string): Promise<void> {
  const bytes = new TextEncoder().encode(text);
  try {
    let done = 0;
    while (done < bytes.length) done += await Deno.stdout.write(bytes.subarray(done));
  } catch (e) {
    if (e instanceof Deno.errors.BrokenPipe) {
      throw new InputError("stdout was closed before all output was written (broken pipe)");
    }
    throw e;
  }
}
