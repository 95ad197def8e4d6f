import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { exitCodeOf } from "./exit_code.ts";

Deno.test("exitCodeOf: status of the body, 1 for bad input, bugs propagate", async () => {
  assert.equal(await exitCodeOf(() => 0), 0);
  assert.equal(await exitCodeOf(() => Promise.resolve(2)), 2);
  const printed: string[] = [];
  const original = console.error;
  console.error = (m: string) => printed.push(m);
  try {
    assert.equal(
      await exitCodeOf(() => {
        throw new InputError("k must be >= 1");
      }),
      1,
    );
    assert.equal(
      await exitCodeOf(() => {
        throw new InputError("no such file");
      }, { inputErrorCode: 2 }),
      2,
    );
    assert.equal(
      await exitCodeOf(() => {
        throw new Deno.errors.BrokenPipe("Broken pipe (os error 32)");
      }),
      1,
    );
  } finally {
    console.error = original;
  }
  assert.deepEqual(printed, [
    "error: k must be >= 1",
    "error: no such file",
    "error: stdout was closed before all output was written (broken pipe)",
  ]);
  await assert.rejects(() =>
    exitCodeOf(() => {
      throw new TypeError("bug");
    }), TypeError);
});
