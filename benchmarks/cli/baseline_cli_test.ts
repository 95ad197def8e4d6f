import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { readResults } from "../../src/report/results.ts";
import { makeResults, okCase } from "../../src/report/test_fixtures.ts";
import { baselineProblems, runBaselineCli } from "./baseline_cli.ts";

Deno.test("baselineProblems: only a whole, finished wasm run of the profile with no failure", () => {
  const good = makeResults([okCase("a", { passes: 1 })], { profile: "standard" });
  assert.deepEqual(baselineProblems(good, "standard"), []);
  const bad = makeResults([{ ...okCase("a", {}), status: "failed", error: "x" }], {
    profile: "quick",
    backend: "cpu",
    shard: "1/4",
    endedAt: null,
  });
  const problems = baselineProblems(bad, "standard").join("; ");
  for (const re of [/quick run, not standard/, /cpu, not wasm/, /shard 1\/4/, /did not finish/]) {
    assert.match(problems, re);
  }
  assert.match(problems, /1 case\(s\) failed, e\.g\. s\/a/);
});

Deno.test("deno task baseline --from promotes a finished run to DIR/<profile>.json", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "baseline_cli_test_" });
  const error = console.error;
  console.error = () => {};
  try {
    const run = makeResults([okCase("a", { passes: 1 })], { profile: "standard" });
    Deno.writeTextFileSync(`${dir}/run.json`, JSON.stringify(run));
    const code = await runBaselineCli([
      "--profile",
      "standard",
      "--from",
      `${dir}/run.json`,
      "--dir",
      `${dir}/baseline`,
    ]);
    assert.equal(code, 0);
    assert.deepEqual(readResults(`${dir}/baseline/standard.json`), run);
    // A run of the wrong profile is refused and writes nothing.
    await assert.rejects(
      () =>
        runBaselineCli(["--profile", "quick", "--from", `${dir}/run.json`, "--dir", `${dir}/b2`]),
      (e) =>
        e instanceof InputError &&
        /cannot be the quick baseline: it is a standard run/.test(e.message),
    );
    assert.throws(() => Deno.statSync(`${dir}/b2/quick.json`), Deno.errors.NotFound);
    await assert.rejects(
      () => runBaselineCli(["--profile", "huge"]),
      (e) => e instanceof InputError && /bad --profile "huge"/.test(e.message),
    );
  } finally {
    console.error = error;
    Deno.removeSync(dir, { recursive: true });
  }
});
