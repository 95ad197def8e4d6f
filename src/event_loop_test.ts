import assert from "node:assert/strict";
import { yieldToEventLoop } from "./event_loop.ts";

Deno.test("yieldToEventLoop lets a timer run inside a microtask-only loop", async () => {
  let fired = false;
  setTimeout(() => fired = true, 0);
  // Without a real yield this loop would spin until the deadline: its awaits are microtasks.
  const deadline = performance.now() + 30_000;
  while (!fired && performance.now() < deadline) {
    await Promise.resolve();
    await yieldToEventLoop({ everyMs: 5 });
  }
  assert.equal(fired, true);
  assert.equal(await yieldToEventLoop({ everyMs: 60_000 }), 0);
});
