import assert from "node:assert/strict";
import { BUDGET_PROFILES } from "../budget/budget_settings.ts";
import { passesSuite } from "./passes.ts";
import { passesParams } from "./passes_params.ts";
import { nGrid } from "./passes_settings.ts";
import type { Profile } from "../../harness/suite.ts";

Deno.test("cases: every counted case has params.n, N spans 1,000 to 100,000 and the budget N", () => {
  for (const profile of ["quick", "standard", "full"] as Profile[]) {
    const cases = passesSuite.cases(profile).filter((c) => !c.params.peer);
    const ns = new Set(cases.map((c) => c.params.n));
    assert.ok(cases.every((c) => typeof c.params.n === "number"));
    assert.ok(ns.has(1000) && ns.has(100_000), `${profile}: ${[...ns]}`);
    assert.ok(ns.has(BUDGET_PROFILES[profile].n));
    assert.deepEqual(nGrid(profile), [...ns].sort((a, b) => (a as number) - (b as number)));
    for (const n of ns) {
      for (const s of [20, 100]) {
        assert.ok(
          cases.some((c) => c.params.n === n && c.params.method === "mapa" && c.params.s === s),
        );
        assert.ok(
          cases.some((c) => c.params.n === n && c.params.method === "iwae" && c.params.s === s),
        );
      }
    }
  }
  const names = passesSuite.cases("quick").map((c) => c.name);
  for (const m of ["vae", "iwae", "mapa"]) {
    assert.ok(names.includes(`step/${m}/tfjs`) && names.includes(`step/${m}/pytorch`), m);
  }
});

Deno.test("passes params: every case's params convert, and a bad one names its key", () => {
  for (const profile of ["quick", "standard", "full"] as Profile[]) {
    for (const c of passesSuite.cases(profile)) {
      const p = passesParams(c.params, c.name);
      assert.deepEqual(
        Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)),
        c.params,
        c.name,
      );
    }
  }
  const c = passesSuite.cases("quick").find((c) => c.params.peer === "tfjs")!;
  assert.throws(
    () => passesParams({ ...c.params, peer: "jax" }, c.name),
    /param peer must be one of/,
  );
  assert.throws(() => passesParams({ ...c.params, hidden: null }, c.name), /param hidden/);
});
