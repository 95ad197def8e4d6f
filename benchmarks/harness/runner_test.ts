import assert from "node:assert/strict";
import { QUIET_RUN } from "./runner_test_util.ts";
import { InputError } from "../../src/errors.ts";
import { readResults } from "../../src/report/results.ts";
import { parseShard } from "./cases.ts";
import { findNonFinite, runBenchmarks } from "./runner.ts";
import { CaseSkipped, type CaseSpec, type JsonValue, type Suite } from "./suite.ts";

const QUIET = QUIET_RUN;

/** A fake suite whose case behaviour is given per name; counts how often each case ran. */
function fakeSuite(
  name: string,
  behaviour: Record<string, (spec: CaseSpec) => Record<string, JsonValue>>,
  hooks: { beforeRun?: (spec: CaseSpec) => void } = {},
): Suite & { runs: Map<string, number> } {
  const runs = new Map<string, number>();
  return {
    name,
    description: `fake suite ${name}`,
    runs,
    cases: () => Object.keys(behaviour).map((n, i) => ({ suite: name, name: n, params: { i } })),
    run: (spec, ctx) => {
      runs.set(spec.name, (runs.get(spec.name) ?? 0) + 1);
      hooks.beforeRun?.(spec);
      ctx.progress(0.5, "half");
      const metrics = behaviour[spec.name](spec);
      return Promise.resolve({ ...metrics, draw: ctx.rng("draw").uniform() });
    },
    summarize: (results) => ({ count: results.length }),
  };
}

const ok = () => ({ value: 1 });

Deno.test("runBenchmarks", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "runner_test_" });

  await t.step("writes results.json after each case", async () => {
    const out = `${dir}/each`;
    const seen: number[] = [];
    const suite = fakeSuite("s", { a: ok, b: ok, c: ok }, {
      beforeRun: (spec) => {
        if (spec.name === "a") return; // the file is written before the first case too
        seen.push(readResults(`${out}/results.json`).cases.length);
      },
    });
    const outcome = await runBenchmarks([suite], out, QUIET);
    assert.deepEqual(seen, [1, 2]);
    assert.equal(outcome.ran, 3);
    const file = readResults(`${out}/results.json`);
    assert.deepEqual(file.cases.map((c) => c.name), ["a", "b", "c"]);
    assert.deepEqual(file.summaries, { s: { count: 3 } });
    assert.equal(file.meta.profile, "quick");
    assert.equal(file.meta.seed, 1);
    assert.equal(file.meta.adapter, "not initialised");
    assert.ok(file.meta.endedAt);
    assert.ok(Deno.statSync(`${out}/index.html`).isFile);
    assert.match(Deno.readTextFileSync(`${out}/results.csv`), /^suite,name,status/);
  });

  await t.step(
    "a throwing, skipped or non-finite case is recorded and the run goes on",
    async () => {
      const out = `${dir}/fail`;
      const suite = fakeSuite("s", {
        a: ok,
        boom: () => {
          throw new RangeError("kaboom");
        },
        nan: () => ({ loss: NaN }),
        deep: () => ({ curve: [1, 2, Infinity] }),
        peer: () => {
          throw new CaseSkipped("peer faiss not installed");
        },
        z: ok,
      });
      const outcome = await runBenchmarks([suite], out, QUIET);
      const by = new Map(outcome.results.cases.map((c) => [c.name, c]));
      assert.equal(by.get("a")?.status, "ok");
      assert.equal(by.get("boom")?.status, "failed");
      assert.equal(by.get("boom")?.error, "RangeError: kaboom");
      assert.equal(by.get("nan")?.status, "failed");
      assert.match(by.get("nan")?.error ?? "", /metrics\.loss is NaN/);
      assert.equal(by.get("deep")?.status, "failed");
      assert.match(by.get("deep")?.error ?? "", /metrics\.curve\[2\] is Infinity/);
      assert.equal(by.get("peer")?.status, "skipped");
      assert.equal(by.get("peer")?.error, "peer faiss not installed");
      assert.equal(by.get("z")?.status, "ok");
      const html = Deno.readTextFileSync(`${out}/index.html`);
      assert.match(html, /RangeError: kaboom/);
    },
  );

  await t.step("case streams depend only on (seed, suite, case, key)", async () => {
    const a = await runBenchmarks([fakeSuite("s", { x: ok, y: ok })], `${dir}/r1`, QUIET);
    const b = await runBenchmarks([fakeSuite("s", { new: ok, y: ok })], `${dir}/r2`, QUIET);
    const c = await runBenchmarks([fakeSuite("s", { y: ok })], `${dir}/r3`, {
      ...QUIET,
      seed: 2,
    });
    const draw = (r: typeof a, n: string) =>
      r.results.cases.find((k) => k.name === n)?.metrics.draw;
    assert.equal(draw(a, "y"), draw(b, "y"));
    assert.notEqual(draw(a, "x"), draw(a, "y"));
    assert.notEqual(draw(a, "y"), draw(c, "y"));
  });

  await t.step("shards are disjoint and their union is the unsharded run", async () => {
    const behaviour = Object.fromEntries("abcdefg".split("").map((n) => [n, ok]));
    const suites = [fakeSuite("s1", behaviour), fakeSuite("s2", { p: ok, q: ok })];
    const whole = await runBenchmarks(suites, `${dir}/whole`, QUIET);
    const one = await runBenchmarks(suites, `${dir}/sh1`, { ...QUIET, shard: parseShard("1/2") });
    const two = await runBenchmarks(suites, `${dir}/sh2`, { ...QUIET, shard: parseShard("2/2") });
    const key = (c: { suite: string; name: string; metrics: unknown }) =>
      JSON.stringify([c.suite, c.name, c.metrics]);
    const a = one.results.cases.map(key);
    const b = two.results.cases.map(key);
    assert.equal(a.filter((k) => b.includes(k)).length, 0);
    assert.deepEqual([...a, ...b].sort(), whole.results.cases.map(key).sort());
    assert.ok(Math.abs(a.length - b.length) <= 1);
    assert.equal(one.results.meta.shard, "1/2");
  });

  await t.step("resume after an interruption finishes the rest with no duplicates", async () => {
    const out = `${dir}/resume`;
    const controller = new AbortController();
    const first = fakeSuite("s", { a: ok, b: ok, c: ok, d: ok, e: ok }, {
      beforeRun: (spec) => {
        if (spec.name === "c") {
          controller.abort();
          throw new Error("interrupted mid-case");
        }
      },
    });
    const cut = await runBenchmarks([first], out, { ...QUIET, signal: controller.signal });
    assert.equal(cut.interrupted, true);
    assert.deepEqual(cut.results.cases.map((c) => c.name), ["a", "b"]);
    assert.equal(readResults(`${out}/results.json`).meta.endedAt, null);

    const second = fakeSuite("s", { a: ok, b: ok, c: ok, d: ok, e: ok });
    const rest = await runBenchmarks([second], out, { ...QUIET, resume: true });
    assert.equal(rest.interrupted, false);
    assert.equal(rest.alreadyDone, 2);
    assert.deepEqual([...second.runs.keys()], ["c", "d", "e"]);
    const names = readResults(`${out}/results.json`).cases.map((c) => c.name);
    assert.deepEqual(names, ["a", "b", "c", "d", "e"]);

    // A third resume has nothing left to do.
    const third = fakeSuite("s", { a: ok, b: ok, c: ok, d: ok, e: ok });
    const none = await runBenchmarks([third], out, { ...QUIET, resume: true });
    assert.equal(none.ran, 0);
    assert.equal(readResults(`${out}/results.json`).cases.length, 5);
  });

  await t.step(
    "a case that finishes after the interrupt is kept, the next is not run",
    async () => {
      const controller = new AbortController();
      const suite = fakeSuite("s", { a: ok, b: ok, c: ok }, {
        beforeRun: (spec) => spec.name === "a" && controller.abort(),
      });
      const r = await runBenchmarks([suite], `${dir}/late`, {
        ...QUIET,
        signal: controller.signal,
      });
      assert.equal(r.interrupted, true);
      assert.deepEqual(r.results.cases.map((c) => c.name), ["a"]);
    },
  );

  await t.step("resume from a hand-written partial file; failed cases are not rerun", async () => {
    const out = `${dir}/hand`;
    Deno.mkdirSync(out);
    const prev = await runBenchmarks([fakeSuite("s", { a: ok })], `${dir}/hand_src`, QUIET);
    const file = structuredClone(prev.results);
    file.cases.push({
      suite: "s",
      name: "b",
      // The params the fake suite gives case b (a resumed case must match its spec's).
      params: { i: 1 },
      status: "failed",
      metrics: {},
      seconds: 0,
    });
    Deno.writeTextFileSync(`${out}/results.json`, JSON.stringify(file));
    const suite = fakeSuite("s", { a: ok, b: ok, c: ok });
    await runBenchmarks([suite], out, { ...QUIET, resume: true });
    assert.deepEqual([...suite.runs.keys()], ["c"]);
  });

  await t.step("resume with another seed or profile is a clear error", async () => {
    const out = `${dir}/each`;
    const suite = fakeSuite("s", { a: ok });
    await assert.rejects(
      () => runBenchmarks([suite], out, { ...QUIET, resume: true, seed: 7 }),
      (e: Error) =>
        e instanceof InputError && /--seed 1/.test(e.message) && !e.message.includes("\n"),
    );
    await assert.rejects(
      () => runBenchmarks([suite], out, { ...QUIET, resume: true, profile: "full" }),
      InputError,
    );
  });

  await t.step(
    "resume when the code gives a recorded case other params is a clear error",
    async () => {
      const out = `${dir}/params`;
      const withParams = (names: string[], params: (i: number) => Record<string, JsonValue>) => {
        const suite = fakeSuite("s", Object.fromEntries(names.map((n) => [n, ok])));
        return {
          ...suite,
          cases: () => names.map((n, i) => ({ suite: "s", name: n, params: params(i) })),
        };
      };
      await runBenchmarks([withParams(["a", "b"], (i) => ({ i, k: 1 }))], out, QUIET);
      const before = Deno.readTextFileSync(`${out}/results.json`);
      const abc = ["a", "b", "c"];
      await assert.rejects(
        () =>
          runBenchmarks([withParams(abc, () => ({ i: 0, k: 1, passes: 3 }))], out, {
            ...QUIET,
            resume: true,
          }),
        (e: Error) =>
          e instanceof InputError && /2 recorded case\(s\) ran with other params/.test(e.message) &&
          /s\/a: passes; s\/b: i, passes\)/.test(e.message) && e.message.includes(out),
      );
      // Cases outside this session's --case are checked too.
      await assert.rejects(
        () =>
          runBenchmarks([withParams(abc, (i) => ({ i, k: 2 }))], out, {
            ...QUIET,
            resume: true,
            caseFilter: /^s\/c$/,
          }),
        /s\/a: k; s\/b: k/,
      );
      assert.equal(
        Deno.readTextFileSync(`${out}/results.json`),
        before,
        "a refusal writes nothing",
      );
      // Key order alone is not a change: the same params in another order resume as before.
      const same = withParams(abc, (i) => ({ k: 1, i }));
      await runBenchmarks([same], out, { ...QUIET, resume: true });
      assert.deepEqual([...same.runs.keys()], ["c"]);
    },
  );

  await t.step("resume with another backend is a clear error naming both", async () => {
    const out = `${dir}/backends`;
    const cases = ["x", "y"];
    let stopAfter = 1;
    const backendSuite = (reported: string): Suite => ({
      name: "b",
      description: "backend",
      cases: () => cases.map((name) => ({ suite: "b", name, params: {} })),
      run: (spec, ctx) => {
        ctx.reportBackend(reported, "adapter");
        if (cases.indexOf(spec.name) + 1 >= stopAfter) controller.abort();
        return Promise.resolve({ v: 1 });
      },
    });
    let controller = new AbortController();
    const first = await runBenchmarks([backendSuite("wasm")], out, {
      ...QUIET,
      backend: "wasm",
      signal: controller.signal,
    });
    assert.equal(first.interrupted, true);
    await assert.rejects(
      () => runBenchmarks([backendSuite("cpu")], out, { ...QUIET, resume: true, backend: "cpu" }),
      (e: Error) =>
        e instanceof InputError && /--backend wasm, not cpu/.test(e.message) &&
        !e.message.includes("\n"),
    );
    // "auto" that resolves to another backend is stopped when the case reports it.
    controller = new AbortController();
    stopAfter = 99;
    await assert.rejects(
      () => runBenchmarks([backendSuite("webgpu")], out, { ...QUIET, resume: true }),
      (e: Error) => e instanceof InputError && /backend wasm, but .* uses webgpu/.test(e.message),
    );
    const kept = readResults(`${out}/results.json`);
    assert.deepEqual(kept.cases.map((c) => c.name), ["x"]);
    assert.equal(kept.meta.backend, "wasm");
    const done = await runBenchmarks([backendSuite("wasm")], out, { ...QUIET, resume: true });
    assert.equal(done.interrupted, false);
    assert.deepEqual(done.results.cases.map((c) => c.name), ["x", "y"]);
  });

  await t.step("ctx.reportBackend fills meta.backend and meta.adapter", async () => {
    const suite: Suite = {
      name: "b",
      description: "backend",
      cases: () => [{ suite: "b", name: "x", params: {} }],
      run: (_spec, ctx) => {
        ctx.reportBackend("wasm", "SIMD, 1 thread");
        return Promise.resolve({ v: 1 });
      },
    };
    const r = await runBenchmarks([suite], `${dir}/backend`, QUIET);
    assert.equal(r.results.meta.backend, "wasm");
    assert.equal(r.results.meta.adapter, "SIMD, 1 thread");
  });

  await t.step("a software WebGPU adapter gets one console note", async () => {
    const lines: string[] = [];
    const suite: Suite = {
      name: "g",
      description: "gpu",
      cases: () => ["x", "y"].map((name) => ({ suite: "g", name, params: {} })),
      run: (_spec, ctx) => {
        ctx.reportBackend("webgpu", "llvmpipe (fallback)");
        return Promise.resolve({ v: 1 });
      },
    };
    await runBenchmarks([suite], `${dir}/fallback`, {
      ...QUIET,
      progress: { write: (s) => lines.push(s), isTty: false },
    });
    const notes = lines.filter((l) => /software \(fallback\) adapter, llvmpipe/.test(l));
    assert.equal(notes.length, 1);
  });

  await t.step("no suites still writes an empty report", async () => {
    const r = await runBenchmarks([], `${dir}/empty`, QUIET);
    assert.equal(r.results.cases.length, 0);
    assert.match(Deno.readTextFileSync(`${dir}/empty/index.html`), /No suites in this run/);
  });

  Deno.removeSync(dir, { recursive: true });
});

Deno.test("findNonFinite", () => {
  assert.equal(findNonFinite({ a: 1, b: [2, { c: 3 }], s: "x", n: null }), undefined);
  assert.equal(findNonFinite({ a: 1, b: [2, { c: -Infinity }] }), "metrics.b[1].c is -Infinity");
});
