import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { runWorkers } from "./worker_pool.ts";

// Job 0 fails after a moment; job 1 would report progress forever.
const WORKER = new URL(
  "data:application/javascript," + encodeURIComponent(`
  self.onmessage = (e) => {
    if (e.data.fail) {
      setTimeout(() => self.postMessage({ type: "error", message: "boom", input: e.data.input }), 50);
    } else setInterval(() => self.postMessage({ type: "progress" }), 5);
  };`),
);

Deno.test("runWorkers: the first failure rejects and stops the other Workers", async () => {
  let replies = 0;
  await assert.rejects(
    () =>
      runWorkers(WORKER, [{ fail: true, input: false }, { fail: false }], {
        what: "test",
        onReply: () => replies++,
      }),
    /test worker failed: boom/,
  );
  const atFailure = replies;
  assert.ok(atFailure > 0, "the second Worker ran");
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(replies, atFailure, "the second Worker was stopped");
  await assert.rejects(
    () => runWorkers(WORKER, [{ fail: true, input: true }], { what: "test", onReply: () => {} }),
    (e) => e instanceof InputError && /boom/.test((e as Error).message),
  );
});
