import assert from "node:assert/strict";
import { paramReader } from "./params.ts";

Deno.test("paramReader: typed reads, and errors that name the case and key", () => {
  const r = paramReader({ n: 3, name: "a", kind: "steps", on: true, gone: null }, "suite/case");
  assert.equal(r.number("n"), 3);
  assert.equal(r.optionalNumber("gone"), undefined);
  assert.equal(r.optionalNumber("missing"), undefined);
  assert.equal(r.string("name"), "a");
  assert.equal(r.optionalString("name"), "a");
  assert.equal(r.optionalString("gone"), undefined);
  assert.equal(r.oneOf("kind", ["steps", "passes"] as const), "steps");
  assert.equal(r.boolean("on"), true);
  assert.throws(() => r.number("name"), /suite\/case: param name must be a finite number, got "a"/);
  assert.throws(() => r.string("n"), /param n must be a string/);
  assert.throws(() => r.oneOf("kind", ["passes"] as const), /one of passes, got "steps"/);
  assert.throws(() => r.number("missing"), /got null/);
});

Deno.test("paramReader: arrays of numbers", () => {
  const r = paramReader({ a: [0.5, 1], b: [1, "2"], c: 3 }, "suite/case");
  assert.deepEqual(r.numbers("a"), [0.5, 1]);
  assert.throws(() => r.numbers("b"), /suite\/case: param b must be an array of finite numbers/);
  assert.throws(() => r.numbers("c"), /param c must be an array/);
});
