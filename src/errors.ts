/**
 * The error type for bad input that a user can fix.
 *
 * @module
 */

/**
 * Bad input: a one-line message that names the problem and, where there is
 * one, the fix. CLIs print it as `error: <message>` and exit non-zero, with
 * no stack trace.
 */
export class InputError extends Error {
  /** Makes an input error with a one-line message. */
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}
