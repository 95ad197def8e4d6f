import assert from "node:assert/strict";
import { referenceParts } from "./reference_cli.ts";
import { expandCases } from "../harness/cases.ts";
import { SUITES } from "../harness/registry.ts";

/** The cases one part's bench arguments select, as `--suite` and `--case` would. */
function selected(args: string[], all: { suite: string; name: string }[]): string[] {
  const suites = args[args.indexOf("--suite") + 1].split(",");
  const at = args.indexOf("--case");
  const re = at >= 0 ? new RegExp(args[at + 1]) : null;
  return all
    .filter((c) => suites.includes(c.suite) && (!re || re.test(`${c.suite}/${c.name}`)))
    .map((c) => `${c.suite}/${c.name}`);
}

Deno.test("the reference run's parts cover every standard case exactly once", () => {
  const all = expandCases(SUITES, "standard");
  const plan = referenceParts({ parts: "p", seed: 1, resume: false });
  const parts = [...plan.parallel, plan.after].map((a) => selected(a, all));
  const counts = new Map<string, number>();
  for (const p of parts) for (const c of p) counts.set(c, (counts.get(c) ?? 0) + 1);
  assert.equal(counts.size, all.length);
  assert.ok([...counts.values()].every((n) => n === 1));
  // A data set's equal-passes and equal-seconds budget cases share a process (and its runs).
  for (const p of parts) {
    for (const c of p.filter((c) => c.includes("/passes/") && c.startsWith("budget/"))) {
      assert.ok(p.includes(c.replace("/passes/", "/seconds/")), c);
    }
  }
  // The suites that time against peers run alone.
  assert.ok(parts[2].every((c) => /^(passes|scaling)\//.test(c)));
  assert.ok(parts[2].some((c) => c.startsWith("passes/")));
  assert.ok(plan.parallel.every((a) => a.includes("standard") && a.includes("wasm")));
});
