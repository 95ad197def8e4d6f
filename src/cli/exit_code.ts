/**
 * The one place that turns bad input into a CLI's `error: ...` line.
 *
 * @module
 */

import { InputError } from "../errors.ts";

/** Options for {@linkcode exitCodeOf}. */
export interface ExitCodeOptions {
  /** Status for bad input (default 1; compare uses 2, as its 1 means "regressed"). */
  inputErrorCode?: number;
}

/**
 * Runs a command's body and returns its exit status. An {@linkcode InputError}
 * prints `error: <message>` on stderr and gives `inputErrorCode` (default 1),
 * and so does a closed stdout pipe (e.g. `| head`); any other error is a bug
 * and propagates with its stack.
 */
export async function exitCodeOf(
  body: () => number | Promise<number>,
  options: ExitCodeOptions = {},
): Promise<number> {
  const code = options.inputErrorCode ?? 1;
  try {
    return await body();
  } catch (e) {
    if (e instanceof InputError) {
      console.error(`error: ${e.message}`);
      return code;
    }
    if (e instanceof Deno.errors.BrokenPipe) {
      console.error("error: stdout was closed before all output was written (broken pipe)");
      return code;
    }
    throw e;
  }
}
