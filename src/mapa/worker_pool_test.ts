import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { runWorkers, WorkerPool } from "./worker_pool.ts";

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

// Replies with its own id (taken from a shared counter on its first job) and the job's value;
// "fail" errors.
const ECHO = new URL(
  "data:application/javascript," + encodeURIComponent(`
  let id = -1;
  self.onmessage = (e) => {
    if (id < 0) id = Atomics.add(new Int32Array(e.data.ids), 0, 1);
    if (e.data.fail) self.postMessage({ type: "error", message: "boom" });
    else self.postMessage({ type: "done", id, value: e.data.value });
    if (e.data.dieIdle) setTimeout(() => { throw new Error("died while idle"); }, 10);
  };`),
);

/** The ids the ECHO Workers reply with, in order, and the reply handler that collects them. */
function echoIds() {
  const ids: number[] = [];
  const onReply = (r: { type: string; id?: number }) => {
    if (r.id !== undefined) ids.push(r.id);
  };
  return { ids, onReply };
}

Deno.test("WorkerPool: a pooled Worker serves the next call; a failed one is not kept", async () => {
  using pool = new WorkerPool();
  const counter = new SharedArrayBuffer(4);
  const { ids, onReply } = echoIds();
  const job = (value: number) => ({ value, ids: counter });
  await runWorkers(ECHO, [job(1), job(2)], { what: "test", onReply, pool });
  assert.equal(pool.idle, 2);
  await runWorkers(ECHO, [job(3), job(4)], { what: "test", onReply, pool });
  assert.equal(pool.idle, 2);
  // The second call ran on the first call's two Workers: no third Worker took an id.
  assert.deepEqual(new Set(ids.slice(2)), new Set(ids.slice(0, 2)));
  assert.equal(new Int32Array(counter)[0], 2);
  await assert.rejects(
    () => runWorkers(ECHO, [{ fail: true, ids: counter }], { what: "test", onReply, pool }),
    /test worker failed: boom/,
  );
  assert.equal(pool.idle, 1);
  pool.close();
  assert.equal(pool.idle, 0);
  assert.throws(() => pool.take(ECHO), /after close/);
});

Deno.test("runWorkers: a handler that throws fails the call", async () => {
  using pool = new WorkerPool();
  await assert.rejects(
    () =>
      runWorkers(ECHO, [{ value: 1, ids: new SharedArrayBuffer(4) }], {
        what: "test",
        onReply: () => {
          throw new Error("handler broke");
        },
        pool,
      }),
    /handler broke/,
  );
  assert.equal(pool.idle, 0);
});

Deno.test("WorkerPool: a Worker that fails while idle is dropped, and the next call starts another", async () => {
  using pool = new WorkerPool();
  const counter = new SharedArrayBuffer(4);
  const { ids, onReply } = echoIds();
  await runWorkers(ECHO, [{ value: 1, ids: counter, dieIdle: true }], {
    what: "test",
    onReply,
    pool,
  });
  // The error comes 10 ms after "done", while the Worker sits in the pool; a loaded machine may
  // deliver it late, so wait for it (up to 5 s) rather than a fixed time.
  for (let waited = 0; pool.idle > 0 && waited < 5000; waited += 20) {
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(pool.idle, 0);
  await runWorkers(ECHO, [{ value: 2, ids: counter }], { what: "test", onReply, pool });
  assert.deepEqual(ids, [0, 1]);
});
