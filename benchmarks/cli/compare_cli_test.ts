import assert from "node:assert/strict";
import { InputError } from "../../src/errors.ts";
import { makeResults, noisySamples, okCase } from "../../src/report/test_fixtures.ts";
import { compareResults } from "../../src/report/compare.ts";
import { readResults } from "../../src/report/results.ts";
import { isPeerCase, parseCompareArgs, runCompare } from "./compare_cli.ts";
import { expandCases } from "../harness/cases.ts";
import { SUITES } from "../harness/registry.ts";

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
    peerCase: isPeerCase,
  });
  assert.equal(parseCompareArgs(["--help"]).help, true);
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof InputError && re.test(e.message) && !e.message.includes("\n");
  assert.throws(
    () => parseCompareArgs(["--baseline", "b"]),
    oneLine(/needs --baseline PATH and --current FILE/),
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
  assert.throws(
    () => parseCompareArgs(["--baseline", "b", "--current", "c", "--min-coverage", "1.5"]),
    oneLine(/bad --min-coverage/),
  );
  assert.throws(
    () => parseCompareArgs(["--baseline", "b", "--current", "c", "--confirm-max", "1.5"]),
    oneLine(/bad --confirm-max/),
  );
  const d = parseCompareArgs(["--baseline", "b", "--current", "c", "--confirm"]);
  assert.equal(d.confirm, true);
  assert.equal(d.confirmMax, 20);
  assert.equal(d.minCoverage, 0.9);
  assert.throws(() => parseCompareArgs(["--what"]), oneLine(/see --help/));
});

Deno.test("runCompare: a baseline folder, --confirm reruns the flagged cases, coverage gate", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "compare_confirm_cli_" });
  const log = console.log;
  console.log = () => {};
  try {
    const run = (slow: number, key: string) =>
      makeResults(["a", "b"].map((n) =>
        okCase(n, {
          fitSecondsSamples: noisySamples(n === "b" ? slow : 1, 7, 0.1, `${key}/${n}`),
        })
      ));
    Deno.mkdirSync(`${dir}/baseline`);
    Deno.writeTextFileSync(`${dir}/baseline/quick.json`, JSON.stringify(run(1, "base")));
    Deno.writeTextFileSync(`${dir}/cur.json`, JSON.stringify(run(4, "cur")));
    const args = parseCompareArgs([
      "--baseline",
      `${dir}/baseline`,
      "--current",
      `${dir}/cur.json`,
      "--confirm",
    ]);
    const asked: string[][] = [];
    const blip = await runCompare(args, {
      rerun: (keys) => {
        asked.push(keys);
        return Promise.resolve(run(1, "rerun"));
      },
    });
    assert.deepEqual(asked, [["s/b"]]);
    assert.deepEqual(blip.failures, []);
    assert.equal(
      blip.comparison.rows.find((r) => r.case === "s/b" && r.metric === "fitSecondsSamples")
        ?.verdict,
      "not reproduced",
    );
    const real = await runCompare(args, { rerun: () => Promise.resolve(run(4, "rerun")) });
    assert.deepEqual(real.failures, ["1 regression(s)"]);

    // A baseline of other cases compares too little to pass for a check.
    const other = makeResults([okCase("z", { passes: 1 })]);
    Deno.writeTextFileSync(`${dir}/baseline/quick.json`, JSON.stringify(other));
    const thin = await runCompare({ ...args, confirm: false });
    assert.match(thin.failures.join("\n"), /only 0 of 2 cases compared/);

    // No baseline for the run's profile: a one-line input error naming the command.
    const standard = makeResults([okCase("a", {})], { profile: "standard" });
    Deno.writeTextFileSync(`${dir}/std.json`, JSON.stringify(standard));
    await assert.rejects(
      () => runCompare({ ...args, current: `${dir}/std.json` }),
      (e) => e instanceof InputError && /deno task baseline --profile standard/.test(e.message),
    );
  } finally {
    console.log = log;
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("baselines: the reference run and today's quick case list compare >= 90% of their cases", () => {
  const root = new URL("../../", import.meta.url).pathname;
  const reference = readResults(`${root}reports/reference/results.json`);
  const baseline = readResults(`${root}reports/baseline/standard.json`);
  const c = compareResults(baseline, reference);
  assert.ok(
    c.coverage.compared >= 0.9 * c.coverage.current,
    `compared ${c.coverage.compared} of ${c.coverage.current}`,
  );
  assert.equal(c.regressions, 0);
  // The quick baseline (minutes to refresh) must still hold >= 90% of today's quick case list.
  // The standard one is the reference run, refreshed with it (an hour): between reference runs
  // the nightly's own --min-coverage gate is what reports a standard baseline gone stale.
  for (const profile of ["quick"] as const) {
    const base = readResults(`${root}reports/baseline/${profile}.json`);
    const byKey = new Map(base.cases.map((x) => [`${x.suite}/${x.name}`, x]));
    const today = expandCases(SUITES, profile);
    const matched = today.filter((s) => {
      const b = byKey.get(`${s.suite}/${s.name}`);
      return b !== undefined && b.status !== "failed" &&
        JSON.stringify(b.params) === JSON.stringify(s.params);
    });
    assert.ok(
      matched.length >= 0.9 * today.length,
      `the ${profile} baseline matches ${matched.length} of ${today.length} cases; ` +
        `refresh it with \`deno task baseline --profile ${profile}\``,
    );
  }
});

Deno.test("isPeerCase: the suites name their peers' cases (PyTorch steps, faiss, Python hnswlib)", () => {
  const peer = (suite: string, params: Record<string, string>) => isPeerCase({ suite, params });
  assert.equal(peer("passes", { method: "iwae", peer: "pytorch" }), true);
  assert.equal(peer("passes", { method: "iwae", peer: "tfjs" }), false);
  assert.equal(peer("passes", { method: "iwae" }), false);
  assert.equal(peer("scaling", { method: "faiss_flat" }), true);
  assert.equal(peer("scaling", { method: "hnswlib_py" }), true);
  assert.equal(peer("scaling", { method: "hnsw_knn" }), false);
  assert.equal(peer("scaling", { method: "exact" }), false);
  assert.equal(peer("budget", { method: "vae" }), false);
});
