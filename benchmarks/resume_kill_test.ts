// Kill-and-resume: a benchmark process killed with SIGKILL in the middle of a
// case loses no finished case, leaves a valid results.json at every moment,
// and `--resume` finishes the run without running a finished case twice.
import assert from "node:assert/strict";
import { parseResults, type ResultsFile } from "../src/report/results.ts";

const RUNNER = new URL("./harness/runner.ts", import.meta.url).href;
const CASES = 6;

// The child: a test-only slow suite run through the real runner, with the
// bench CLI's --out/--resume semantics. Each case appends to a marker file
// when it starts, so the parent knows which case is running and how often each ran.
const CHILD = `
import { runBenchmarks } from ${JSON.stringify(RUNNER)};
const [out, markers, resume] = Deno.args;
const suite = {
  name: "slow",
  description: "test-only suite",
  cases: () => Array.from({ length: ${CASES} }, (_, i) => ({ suite: "slow", name: "c" + i, params: { i } })),
  run: async (spec, ctx) => {
    Deno.writeTextFileSync(markers + "/" + spec.name, "x", { append: true });
    await new Promise((r) => setTimeout(r, 250));
    return { i: spec.params.i, draw: ctx.rng("d").uniform() };
  },
};
await runBenchmarks([suite], out, {
  resume: resume === "resume",
  calibrate: false,
  chartJs: "window.Chart = function () {};",
  progress: { write: () => {}, isTty: false },
});
`;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Reads results.json if present; any read must parse as a valid results file. */
function snapshot(path: string): ResultsFile | undefined {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) return undefined;
    throw e;
  }
  return parseResults(text, path); // throws if a half-written file was ever visible
}

Deno.test("SIGKILL mid-case, then --resume: nothing lost, nothing duplicated", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "resume_kill_test_" });
  try {
    const script = `${dir}/child.ts`;
    Deno.writeTextFileSync(script, CHILD);
    const out = `${dir}/out`, markers = `${dir}/markers`, results = `${out}/results.json`;
    Deno.mkdirSync(markers);
    const spawn = (mode: string) =>
      new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--no-check", script, out, markers, mode],
        stdout: "null",
        stderr: "piped",
      }).spawn();

    const first = spawn("fresh");
    let snapshots = 0;
    const deadline = Date.now() + 60_000;
    while (!exists(`${markers}/c3`)) {
      assert.ok(Date.now() < deadline, "child never reached case c3");
      if (snapshot(results)) snapshots++;
      await new Promise((r) => setTimeout(r, 5));
    }
    first.kill("SIGKILL");
    const status = await first.status;
    assert.equal(status.success, false);
    assert.equal(status.signal, "SIGKILL");
    assert.ok(snapshots > 0, "never saw results.json while the child ran");
    const cut = snapshot(results)!;
    assert.deepEqual(cut.cases.map((c) => c.name), ["c0", "c1", "c2"]);
    assert.equal(cut.meta.endedAt, null);

    const second = spawn("resume");
    let done: Deno.CommandStatus | undefined;
    second.status.then((s) => (done = s));
    while (!done) {
      snapshot(results);
      await new Promise((r) => setTimeout(r, 5));
    }
    const err = new TextDecoder().decode((await second.output()).stderr);
    assert.equal(done.code, 0, err);
    const final = snapshot(results)!;
    const names = Array.from({ length: CASES }, (_, i) => `c${i}`);
    assert.deepEqual(final.cases.map((c) => c.name), names);
    assert.ok(final.cases.every((c) => c.status === "ok"));
    assert.ok(final.meta.endedAt);
    // c3 was cut short and ran again; every other case ran exactly once.
    const runs = names.map((n) => Deno.readTextFileSync(`${markers}/${n}`).length);
    assert.deepEqual(runs, [1, 1, 1, 2, 1, 1]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
