import assert from "node:assert/strict";
import { QUIET_RUN } from "../harness/runner_test_util.ts";
import { InputError } from "../../src/errors.ts";
import { readResults } from "../../src/report/results.ts";
import { keepRun, mergeRuns, parseReportArgs, runReport, writeHistoryPage } from "./report_cli.ts";
import { parseShard } from "../harness/cases.ts";
import { runBenchmarks } from "../harness/runner.ts";
import type { Suite } from "../harness/suite.ts";

const QUIET = QUIET_RUN;

function suite(name: string, cases: string[]): Suite {
  return {
    name,
    description: name,
    cases: () => cases.map((c, i) => ({ suite: name, name: c, params: { i } })),
    run: (spec, ctx) =>
      Promise.resolve(
        spec.name === "bad"
          ? Promise.reject(new Error("broken"))
          : { draw: ctx.rng("x").uniform(), i: spec.params.i },
      ),
    summarize: (results) => ({ cases: results.length }),
  };
}

const strip = (
  c: { suite: string; name: string; params: unknown; status: string; metrics: unknown },
) => JSON.stringify([c.suite, c.name, c.params, c.status, c.metrics]);

Deno.test("shard + merge equals an unsharded run", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "report_cli_test_" });
  try {
    const suites = [suite("one", ["a", "b", "bad", "d", "e"]), suite("two", ["p", "q"])];
    const whole = await runBenchmarks(suites, `${dir}/whole`, QUIET);
    for (const i of [1, 2, 3]) {
      await runBenchmarks(suites, `${dir}/sh${i}`, { ...QUIET, shard: parseShard(`${i}/3`) });
    }
    for (const order of [suites, []]) { // with the registry's order and by interleaving alone
      const out = `${dir}/merged${order.length}`;
      const { results, warnings } = mergeRuns(
        [`${dir}/sh3`, `${dir}/sh1`, `${dir}/sh2/results.json`],
        out,
        order,
      );
      assert.deepEqual(warnings, []);
      assert.deepEqual(results.cases.map(strip), whole.results.cases.map(strip));
      const file = readResults(`${out}/results.json`);
      assert.deepEqual(file.cases.map(strip), whole.results.cases.map(strip));
      assert.equal(file.meta.shard, null);
      if (order.length) assert.deepEqual(file.summaries, whole.results.summaries);
      assert.ok(Deno.statSync(`${out}/index.html`).isFile);
      assert.match(Deno.readTextFileSync(`${out}/results.csv`), /^suite,name/);
    }
    // Two shards of three do not make a whole run, and say so.
    const partial = mergeRuns([`${dir}/sh1`, `${dir}/sh2`], `${dir}/partial`, suites);
    assert.deepEqual(partial.warnings, ["shards 3/3 missing"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("--keep copies the run and --history lists it", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "report_cli_keep_" });
  try {
    const r = await runBenchmarks([suite("one", ["a"])], `${dir}/latest`, QUIET);
    const kept = keepRun(`${dir}/latest`, dir);
    assert.match(kept, /\/runs\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ$/);
    assert.deepEqual(readResults(`${kept}/results.json`), r.results);
    assert.ok(Deno.statSync(`${kept}/index.html`).isFile);
    assert.equal(keepRun(`${dir}/latest`, dir), kept, "keeping twice reuses the folder");
    const page = writeHistoryPage(dir, { chartJs: "window.Chart = function () {};" });
    assert.equal(page.runs, 1);
    const html = Deno.readTextFileSync(`${dir}/index.html`);
    assert.match(html, /href="latest\/index\.html"/);
    assert.match(html, /one\.cases/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("parseReportArgs", () => {
  const plain = parseReportArgs([]);
  assert.equal(plain.inDir, "reports/latest");
  assert.equal(plain.render, true);
  assert.equal(plain.history, false);
  const hist = parseReportArgs(["--history"]);
  assert.equal(hist.render, false);
  assert.equal(hist.history, true);
  const merge = parseReportArgs(["--merge", "a/", "b", "--out", "o/", "--keep"]);
  assert.deepEqual(merge.merge, ["a", "b"]);
  assert.equal(merge.out, "o");
  assert.equal(merge.history, true);
  const oneLine = (re: RegExp) => (e: unknown) =>
    e instanceof InputError && re.test(e.message) && !e.message.includes("\n");
  assert.throws(() => parseReportArgs(["--merge"]), oneLine(/--merge needs/));
  assert.throws(() => parseReportArgs(["stray"]), oneLine(/unexpected argument "stray"/));
  assert.throws(
    () => parseReportArgs(["--merge", "a", "--in", "b"]),
    oneLine(/do not go together/),
  );
  assert.throws(() => parseReportArgs(["--nope"]), oneLine(/see --help/));
});

Deno.test("report: output paths that cannot be written are one-line input errors", () => {
  const dir = Deno.makeTempDirSync({ prefix: "report_cli_test_" });
  try {
    Deno.writeTextFileSync(`${dir}/file`, "x");
    const oneLine = (re: RegExp) => (e: unknown) =>
      e instanceof InputError && re.test(e.message) && !e.message.includes("\n");
    assert.throws(
      () => runReport(parseReportArgs(["--merge", `${dir}/a`, "--out", `${dir}/file`])),
      oneLine(/cannot use --out .*not a folder/),
    );
    assert.throws(
      () => runReport(parseReportArgs(["--in", dir, `--export-gab=${dir}`])),
      oneLine(/--export-gab .* is a folder/),
    );
    assert.throws(
      () => runReport(parseReportArgs(["--history", "--root", `${dir}/file`])),
      oneLine(/cannot use --root/),
    );
    assert.equal(Deno.readTextFileSync(`${dir}/file`), "x");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
