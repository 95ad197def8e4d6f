/**
 * The one place that turns bad input into a CLI's `error: ...` line.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/**
 * Runs a command's body and returns its exit status. An {@linkcode InputError}
 * prints `error: <message>` on stderr and gives status 1, and so does a closed
 * stdout pipe (e.g. `| head`); any other error is a bug and propagates with its stack.
 */
export async function exitCodeOf(body: () => number | Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      return 1;
    }
    if (e instanceof Deno.errors.BrokenPipe) {
      console.error("error: stdout was closed before all output was written (broken pipe)");
      return 1;
    }
    throw e;
  }
}
