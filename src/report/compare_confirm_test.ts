import assert from "node:assert/strict";
import { compareResults } from "./compare.ts";
import {
  caseRegex,
  casesToConfirm,
  confirmTimeRegressions,
  isTimeRegression,
} from "./compare_confirm.ts";
import type { ResultsFile } from "./results.ts";
import { makeResults, noisySamples, okCase } from "./test_fixtures.ts";

function run(slowdown: Record<string, number>, key: string): ResultsFile {
  return makeResults(["a", "b", "c"].map((n) =>
    okCase(n, {
      fitSecondsSamples: noisySamples(slowdown[n] ?? 1, 7, 0.1, `${key}/${n}`),
      passes: 100,
    })
  ));
}

Deno.test("casesToConfirm: flagged cases first, then a flagged suite's slowest, capped", () => {
  const base = run({}, "base");
  const c = compareResults(base, run({ b: 4 }, "cur"));
  assert.deepEqual(c.rows.filter(isTimeRegression).map((r) => r.case), ["s/b"]);
  assert.deepEqual(casesToConfirm(c), ["s/b"]);
  // Every case 1.6x slower: the suite row is flagged, no single case is.
  const many = makeResults(
    Array.from(
      { length: 12 },
      (_, i) => okCase(`k${i}`, { tSecondsSamples: noisySamples(1 + i / 100, 7, 0.02, `b${i}`) }),
    ),
  );
  const slower = structuredClone(many);
  for (const x of slower.cases) {
    x.metrics.tSecondsSamples = (x.metrics.tSecondsSamples as number[]).map((v) => v * 1.6);
  }
  const cs = compareResults(many, slower);
  assert.deepEqual(cs.rows.filter(isTimeRegression).map((r) => r.case), ["s/*"]);
  assert.equal(casesToConfirm(cs).length, 12);
  assert.equal(casesToConfirm(cs, { max: 5 }).length, 5);
});

Deno.test("caseRegex matches exactly the keys, with their special characters", () => {
  const re = new RegExp(caseRegex(["s/n=1.5(x)", "t/a|b"]));
  assert.ok(re.test("s/n=1.5(x)"));
  assert.ok(re.test("t/a|b"));
  assert.ok(!re.test("s/n=1.5(x)y"));
  assert.ok(!re.test("s/n=105(x)"));
  assert.ok(!re.test("t/a"));
});

Deno.test("confirmTimeRegressions: a reproduced slowdown fails, a passing blip does not", () => {
  const base = run({}, "base");
  const first = compareResults(base, run({ b: 4, c: 4 }, "cur"));
  assert.equal(first.regressions, 2);
  // The rerun finds b still 4x slower, c back to normal.
  const rerun = run({ b: 4 }, "rerun");
  rerun.cases = rerun.cases.filter((x) => x.name !== "a");
  const confirmed = confirmTimeRegressions(first, { baseline: base, rerun });
  assert.equal(confirmed.regressions, 1);
  const b = confirmed.rows.find((r) => r.case === "s/b" && r.metric === "fitSecondsSamples")!;
  const c = confirmed.rows.find((r) => r.case === "s/c" && r.metric === "fitSecondsSamples")!;
  assert.equal(b.verdict, "regressed");
  assert.match(b.note ?? "", /rerun: 4\.\d+x/);
  assert.equal(c.verdict, "not reproduced");
  assert.equal(c.regression, false);
  assert.match(confirmed.warnings.join("\n"), /confirmation rerun of 2 cases/);

  // A case that failed in the rerun (b) is not confirmed either way: it stays flagged.
  const failed = structuredClone(rerun);
  failed.cases[0] = { ...failed.cases[0], status: "failed", error: "x" };
  const kept = confirmTimeRegressions(first, { baseline: base, rerun: failed });
  assert.equal(kept.regressions, 1);
  assert.match(
    kept.rows.find((r) => r.case === "s/b" && r.metric === "fitSecondsSamples")!.note ?? "",
    /not rerun/,
  );
});

Deno.test("confirmTimeRegressions leaves deterministic regressions alone", () => {
  const base = run({}, "base");
  const cur = run({}, "base");
  cur.cases[0].metrics.passes = 101;
  const first = compareResults(base, cur);
  assert.equal(first.regressions, 1);
  const confirmed = confirmTimeRegressions(first, { baseline: base, rerun: run({}, "base") });
  assert.equal(confirmed.regressions, 1);
});
