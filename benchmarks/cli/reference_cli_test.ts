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
  // The suites that time against peers run alone; only density seeds after the first leave.
  assert.ok(parts[2].every((c) => /^(passes|scaling)\//.test(c)));
  for (const p of parts.slice(0, 2)) {
    const scaling = p.filter((c) => c.startsWith("scaling/"));
    assert.ok(scaling.length > 0);
    assert.ok(
      scaling.every((c) => /_density_(exact_mixture|hnsw)_n\d+_seed[1-9]\d*$/.test(c)),
      p[0],
    );
    // Each seed's exact and HNSW runs share a part (the gap pairs them in one process).
    for (const c of scaling.filter((c) => c.includes("_density_hnsw_"))) {
      assert.ok(p.includes(c.replace("_density_hnsw_", "_density_exact_mixture_")), c);
    }
  }
  // Seed 0 of every N, which builds and times the density report's rows, runs alone.
  assert.ok(
    all.filter((c) => /_density_.*_n\d+$/.test(c.name)).every((c) =>
      parts[2].includes(`scaling/${c.name}`)
    ),
  );
  assert.ok(parts[2].some((c) => c.startsWith("passes/")));
  assert.ok(plan.parallel.every((a) => a.includes("standard") && a.includes("wasm")));
});
