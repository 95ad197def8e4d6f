import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import { expNonPositive } from "./fast_exp.ts";

Deno.test("expNonPositive is within 2 ulp of Math.exp", () => {
  const rng = Rng.stream(7, "fast-exp-test");
  const xs = [0, -0, -1e-300, -1e-17, -0.5, -Math.LN2, -708, -709.7, -745.3, -1e5, -Infinity];
  for (let i = 0; i < 20000; i++) xs.push(-rng.uniform() * (i % 2 ? 1 : 708));
  for (const x of xs) {
    const want = Math.exp(x), got = expNonPositive(x);
    if (want < 2.2250738585072014e-308) {
      assert.ok(Math.abs(got - want) <= 1e-320, `x = ${x}`);
    } else {
      assert.ok(Math.abs(got - want) <= 4.5e-16 * want, `x = ${x}: ${got} vs ${want}`);
    }
  }
});
