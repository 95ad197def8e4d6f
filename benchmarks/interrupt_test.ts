// Ctrl-C on a bench run, as a subprocess that gets real SIGINTs: one interrupt stops after the
// running case even when the case never yields to the event loop; one keypress delivered twice
// (terminal + `deno task`) counts once; a later second Ctrl-C quits at once; every way out
// leaves results.json, results.csv and index.html of what finished, and --resume completes it.
import assert from "node:assert/strict";
import { parseResults, type ResultsFile } from "../src/report/results.ts";

const MAIN = new URL("./main.ts", import.meta.url).href;
const EXIT = new URL("../src/cli/exit_code.ts", import.meta.url).href;
const YIELD = new URL("../src/event_loop.ts", import.meta.url).href;
const CONFIG = new URL("../deno.json", import.meta.url).pathname;
const CASES = 4;

// Case c1 spins until the parent creates markers/release; every await in it is a microtask
// unless the run was started with "yield" (as the training loops now do).
const CHILD = `
import { runBenchCli } from ${JSON.stringify(MAIN)};
import { exitCodeOf } from ${JSON.stringify(EXIT)};
import { yieldToEventLoop } from ${JSON.stringify(YIELD)};
const [markers, mode, ...args] = Deno.args;
const exists = (p) => { try { Deno.statSync(p); return true; } catch { return false; } };
const suite = {
  name: "slow",
  description: "test-only suite",
  cases: () => Array.from({ length: ${CASES} }, (_, i) => ({ suite: "slow", name: "c" + i, params: { i } })),
  run: async (spec) => {
    Deno.writeTextFileSync(markers + "/" + spec.name, "x", { append: true });
    const t0 = performance.now();
    const until = spec.name === "c1" ? () => exists(markers + "/release") : () => performance.now() - t0 > 100;
    while (!until() && performance.now() - t0 < 60_000) {
      await Promise.resolve();
      if (mode === "yield") await yieldToEventLoop();
    }
    return { i: spec.params.i };
  },
};
Deno.exit(await exitCodeOf(() => runBenchCli(args, { registry: [suite] })));
`;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor(path: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!exists(path)) {
    assert.ok(Date.now() < deadline, `never saw ${path}`);
    await sleep(10);
  }
}

interface Ended {
  code: number;
  stderr: string;
  results: ResultsFile;
}

/** Runs the child until c1 starts, calls `interrupt`, then releases c1 and waits for the end. */
async function interrupted(
  dir: string,
  mode: "spin" | "yield",
  interrupt: (child: Deno.ChildProcess) => Promise<void>,
): Promise<Ended> {
  const script = `${dir}/child.ts`, markers = `${dir}/markers`, out = `${dir}/out`;
  Deno.writeTextFileSync(script, CHILD);
  Deno.mkdirSync(markers);
  const child = new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--no-check", "--config", CONFIG, script, markers, mode, "--out", out],
    stdout: "null",
    stderr: "piped",
  }).spawn();
  await waitFor(`${markers}/c1`);
  await interrupt(child);
  Deno.writeTextFileSync(`${markers}/release`, "");
  const r = await child.output();
  const results = parseResults(Deno.readTextFileSync(`${out}/results.json`), "results.json");
  return { code: r.code, stderr: new TextDecoder().decode(r.stderr), results };
}

function assertPage(dir: string, names: string[]): void {
  assert.ok(Deno.statSync(`${dir}/out/index.html`).isFile);
  const csv = Deno.readTextFileSync(`${dir}/out/results.csv`);
  for (const n of names) assert.match(csv, new RegExp(`slow,${n},ok`));
  assert.equal(csv.trim().split("\n").length, names.length + 1, csv);
}

Deno.test("one SIGINT during a case that never yields stops after it; --resume finishes", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "interrupt_test_" });
  try {
    const r = await interrupted(dir, "spin", async (child) => {
      child.kill("SIGINT");
      await sleep(300);
    });
    assert.equal(r.code, 130, r.stderr);
    // The interrupt reaches its listener a few event-loop turns after c1; c2 is short and may run.
    const done = r.results.cases.map((c) => c.name);
    assert.deepEqual(done.slice(0, 2), ["c0", "c1"]);
    assert.ok(done.length < CASES, `ran every case: ${done}`);
    assertPage(dir, done);
    const again = new Deno.Command(Deno.execPath(), {
      args: [
        "run",
        "-A",
        "--no-check",
        "--config",
        CONFIG,
        `${dir}/child.ts`,
        `${dir}/markers`,
        "spin",
      ]
        .concat(["--out", `${dir}/out`, "--resume"]),
      stdout: "null",
      stderr: "piped",
    }).outputSync();
    assert.equal(again.code, 0, new TextDecoder().decode(again.stderr));
    const names = Array.from({ length: CASES }, (_, i) => `c${i}`);
    assertPage(dir, names);
    const runs = names.map((n) => Deno.readTextFileSync(`${dir}/markers/${n}`).length);
    assert.deepEqual(runs, [1, 1, 1, 1]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("one keypress delivered twice (terminal + deno task) counts as one interrupt", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "interrupt_test_" });
  try {
    const r = await interrupted(dir, "yield", async (child) => {
      child.kill("SIGINT");
      // Copies that arrive together merge into one signal; this one comes after the first was seen.
      await sleep(200);
      child.kill("SIGINT");
      await sleep(300);
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /stopping after the running case/);
    assert.deepEqual(r.results.cases.map((c) => c.name), ["c0", "c1"]);
    assertPage(dir, ["c0", "c1"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("a second Ctrl-C a moment later quits at once and still writes the page", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "interrupt_test_" });
  try {
    const r = await interrupted(dir, "yield", async (child) => {
      child.kill("SIGINT");
      await sleep(1500);
      child.kill("SIGINT");
      await child.status;
    });
    assert.equal(r.code, 130, r.stderr);
    assert.match(r.stderr, /quitting now/);
    assert.deepEqual(r.results.cases.map((c) => c.name), ["c0"]);
    assert.equal(r.results.meta.endedAt, null);
    assertPage(dir, ["c0"]);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
