/**
 * Test helper: runs a CLI script as its own process, as a user would.
 *
 * @module
 */

/** What a CLI run printed and returned. */
export interface CliRun {
  /** Exit status. */
  code: number;
  /** Everything printed on stdout. */
  stdout: string;
  /** Everything printed on stderr. */
  stderr: string;
}

/** Runs `deno run -A <script> ...args` and collects its output. */
export function runCliScript(script: URL, args: string[]): CliRun {
  const r = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", script.pathname, ...args],
    stdout: "piped",
    stderr: "piped",
  }).outputSync();
  const dec = new TextDecoder();
  return { code: r.code, stdout: dec.decode(r.stdout), stderr: dec.decode(r.stderr) };
}
