import assert from "node:assert/strict";
import { InputError } from "../src/errors.ts";
import { makeResults, noisySamples, okCase } from "../src/report/test_fixtures.ts";
import { parseCompareArgs } from "./compare_cli.ts";

const CLI = new URL("./compare_cli.ts", import.meta.url).pathname;

async function compare(args: string[], env: Record<string, string> = {}) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", CLI, ...args],
    env,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, stdout: dec.decode(out.stdout), stderr: dec.decode(out.stderr) };
}

Deno.test("compare CLI: exit status, table, Markdown summary, step summary, gab export", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "compare_cli_test_" });
  try {
    const base = makeResults([okCase("a", { fitSecondsSamples: noisySamples(1, 7, 0.1, "a") })]);
    const slow = structuredClone(base);
    slow.cases[0].metrics.fitSecondsSamples = (base.cases[0].metrics.fitSecondsSamples as number[])
      .map((v) => v * 3);
    Deno.writeTextFileSync(`${dir}/base.json`, JSON.stringify(base));
    Deno.writeTextFileSync(`${dir}/slow.json`, JSON.stringify(slow));
    const same = await compare(["--baseline", `${dir}/base.json`, "--current", `${dir}/base.json`]);
    assert.equal(same.code, 0, same.stderr);
    assert.match(same.stdout, /^0 regressions/);

    Deno.writeTextFileSync(`${dir}/step.md`, "earlier step\n");
    const bad = await compare([
      "--baseline",
      `${dir}/base.json`,
      "--current",
      `${dir}/slow.json`,
      "--summary",
      `${dir}/summary.md`,
      "--export-gab",
      `${dir}/gab.json`,
    ], { GITHUB_STEP_SUMMARY: `${dir}/step.md` });
    assert.equal(bad.code, 1, bad.stderr);
    assert.match(bad.stdout, /s\/a\s+fitSecondsSamples.*3\.000x.*REGRESSED/);
    const md = Deno.readTextFileSync(`${dir}/summary.md`);
    assert.match(md, /## Benchmark comparison: regressed/);
    assert.equal(Deno.readTextFileSync(`${dir}/step.md`), "earlier step\n" + md);
    assert.equal(JSON.parse(Deno.readTextFileSync(`${dir}/gab.json`))[0].unit, "s");

    const missing = await compare([
      "--baseline",
      `${dir}/nope.json`,
      "--current",
      `${dir}/base.json`,
    ]);
    assert.equal(missing.code, 2, "bad input is 2, not 1 (regressed)");
    assert.match(missing.stderr, /^error: results file .*nope\.json does not exist/);
    for (const summary of [dir, "", "/proc/self/x.md"]) {
      const r = await compare([
        "--baseline",
        `${dir}/base.json`,
        "--current",
        `${dir}/base.json`,
        `--summary=${summary}`,
      ]);
      assert.equal(r.code, 2, summary);
      assert.match(r.stderr, /^error: .*(folder|empty|cannot write)/);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
      assert.equal(r.stdout, "", "checked before comparing");
    }
    assert.ok(!missing.stderr.includes("    at "), "no stack trace");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("parseCompareArgs", () => {
  const a = parseCompareArgs([
    "--baseline",
    "b",
    "--current",
    "c",
    "--threshold",
    "2",
    "--alpha",
    "0.05",
  ]);
  assert.equal(a.baseline, "b");
  assert.equal(a.current, "c");
  assert.deepEqual(a.options, {
    threshold: 2,
    caseThreshold: undefined,
    alpha: 0.05,
    minSamples: undefined,
  });
  assert.equal(parseCompareArgs(["--help"]).help, true);
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof InputError && re.test(e.message) && !e.message.includes("\n");
  assert.throws(
    () => parseCompareArgs(["--baseline", "b"]),
    oneLine(/needs --baseline FILE and --current FILE/),
  );
  assert.throws(
    () => parseCompareArgs(["--baseline", "b", "--current", "c", "--threshold", "0.9"]),
    oneLine(/above 1/),
  );
  assert.throws(
    () => parseCompareArgs(["--baseline", "b", "--current", "c", "--alpha", "x"]),
    oneLine(/bad --alpha/),
  );
  assert.throws(
    () => parseCompareArgs(["--baseline", "b", "--current", "c", "--min-samples", "2.5"]),
    oneLine(/integer/),
  );
  assert.throws(() => parseCompareArgs(["--what"]), oneLine(/see --help/));
});
