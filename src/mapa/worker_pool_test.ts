import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { runWorkers } from "./worker_pool.ts";

// A job with `fail` reports an error once the other job has started (a shared flag, so the
// order does not depend on the machine's load); the other job reports progress forever.
const WORKER = new URL(
  "data:application/javascript," + encodeURIComponent(`
  self.onmessage = (e) => {
    const flag = new Int32Array(e.data.flag);
    if (e.data.fail) {
      const poll = setInterval(() => {
        if (e.data.alone || Atomics.load(flag, 0) === 1) {
          clearInterval(poll);
          self.postMessage({ type: "error", message: "boom", input: e.data.input });
        }
      }, 5);
    } else {
      self.postMessage({ type: "progress" });
      Atomics.store(flag, 0, 1);
      setInterval(() => self.postMessage({ type: "progress" }), 5);
    }
  };`),
);

Deno.test("runWorkers: the first failure rejects and stops the other Workers", async () => {
  const flag = new SharedArrayBuffer(4);
  let replies = 0;
  await assert.rejects(
    () =>
      runWorkers(WORKER, [{ fail: true, input: false, flag }, { fail: false, flag }], {
        what: "test",
        onReply: () => replies++,
      }),
    /test worker failed: boom/,
  );
  const atFailure = replies;
  await new Promise((r) => setTimeout(r, 200));
  // A Worker left running would have reported about 40 more times by now.
  assert.ok(replies - atFailure <= 1, `${replies - atFailure} replies after the failure`);
  await assert.rejects(
    () =>
      runWorkers(WORKER, [{ fail: true, input: true, alone: true, flag }], {
        what: "test",
        onReply: () => {},
      }),
    (e) => e instanceof InputError && /boom/.test((e as Error).message),
  );
});
