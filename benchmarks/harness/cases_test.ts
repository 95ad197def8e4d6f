import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { expandCases, parseShard, selectShard } from "./cases.ts";
import type { Suite } from "./suite.ts";

Deno.test("expandCases rejects duplicate case names", () => {
  const suite: Suite = {
    name: "s",
    description: "a suite that lists one case twice",
    cases: () => [{ suite: "s", name: "a", params: {} }, { suite: "s", name: "a", params: {} }],
    run: () => Promise.resolve({}),
  };
  assert.throws(() => expandCases([suite], "quick"), /twice/);
});

Deno.test("parseShard and selectShard", () => {
  assert.deepEqual(parseShard("2/3"), { index: 2, count: 3 });
  for (const bad of ["0/2", "3/2", "1/0", "a/b", "1", "-1/2"]) {
    assert.throws(() => parseShard(bad), InputError);
  }
  const cases = Array.from({ length: 10 }, (_, i) => ({ suite: "s", name: `c${i}`, params: {} }));
  const parts = [1, 2, 3].map((i) => selectShard(cases, { index: i, count: 3 }));
  assert.deepEqual(parts.flat().map((c) => c.name).sort(), cases.map((c) => c.name).sort());
  assert.deepEqual(parts.map((p) => p.length), [4, 3, 3]);
});
