import assert from "node:assert/strict";
import { InputError } from "../src/errors.ts";
import { helpText, parseBenchArgs, runBenchCli } from "./main.ts";
import type { Suite } from "./harness/suite.ts";

const fake = (name: string): Suite => ({
  name,
  description: `does ${name}`,
  cases: () => [],
  run: () => Promise.resolve({}),
});
const REGISTRY = [fake("alpha"), fake("beta"), fake("gamma")];

function oneLine(pattern: RegExp) {
  return (e: unknown) =>
    e instanceof InputError && pattern.test(e.message) && !/\n/.test(e.message);
}

Deno.test("parseBenchArgs defaults", () => {
  const a = parseBenchArgs([], REGISTRY);
  assert.deepEqual(a.suites.map((s) => s.name), ["alpha", "beta", "gamma"]);
  assert.equal(a.profile, "quick");
  assert.equal(a.out, "reports/latest");
  assert.equal(a.backend, "auto");
  assert.equal(a.seed, 1);
  assert.equal(a.shard, undefined);
  assert.equal(a.resume, false);
});

Deno.test("parseBenchArgs options", () => {
  const a = parseBenchArgs(
    [
      "--suite",
      "gamma,alpha",
      "--profile",
      "full",
      "--out",
      "x/",
      "--backend",
      "wasm",
      "--seed",
      "42",
    ]
      .concat(["--shard", "2/3", "--resume"]),
    REGISTRY,
  );
  assert.deepEqual(a.suites.map((s) => s.name), ["alpha", "gamma"]);
  assert.equal(a.profile, "full");
  assert.equal(a.out, "x");
  assert.equal(a.backend, "wasm");
  assert.equal(a.seed, 42);
  assert.deepEqual(a.shard, { index: 2, count: 3 });
  assert.equal(a.resume, true);
});

Deno.test("parseBenchArgs rejects bad input with one line naming the fix", () => {
  const bad: [string[], RegExp][] = [
    [["--suite", "alpha,nope"], /unknown suite "nope"; choose from: alpha, beta, gamma/],
    [["--profile", "huge"], /unknown profile "huge"; use --profile quick\|standard\|full/],
    [["--backend", "gpu"], /unknown backend "gpu"; use --backend auto\|webgpu\|wasm\|cpu/],
    [["--seed", "1.5"], /bad --seed "1\.5"; use an integer >= 0/],
    [["--seed", "-1"], /--seed/],
    [["--shard", "3/2"], /bad --shard "3\/2"; use i\/n/],
    [["--frobnicate"], /Unknown option '--frobnicate'.*see --help/],
    [["positional"], /positional/],
  ];
  for (const [args, re] of bad) assert.throws(() => parseBenchArgs(args, REGISTRY), oneLine(re));
});

Deno.test("helpText lists suites with descriptions and profiles", () => {
  const text = helpText(REGISTRY);
  assert.match(text, /alpha\s+does alpha/);
  assert.match(text, /gamma\s+does gamma/);
  assert.match(text, /quick\s+minutes/);
  assert.match(text, /--shard i\/n/);
  assert.match(helpText([]), /none registered yet/);
});

Deno.test("parseBenchArgs --case filters by suite/name and refuses what matches nothing", () => {
  const withCases: Suite = {
    ...fake("delta"),
    cases: () => [
      { suite: "delta", name: "small_n10", params: {} },
      { suite: "delta", name: "big_n100", params: {} },
    ],
  };
  const a = parseBenchArgs(["--case", "delta/big"], [withCases]);
  assert.ok(a.caseFilter!.test("delta/big_n100"));
  assert.ok(!a.caseFilter!.test("delta/small_n10"));
  assert.throws(
    () => parseBenchArgs(["--case", "nothing"], [withCases]),
    oneLine(/matches no case/),
  );
  assert.throws(() => parseBenchArgs(["--case", "("], [withCases]), oneLine(/bad --case/));
});

Deno.test("bench --out that cannot hold the results: one-line error before any case runs", async () => {
  const dir = Deno.makeTempDirSync({ prefix: "main_test_" });
  try {
    let ran = 0;
    const suite: Suite = {
      name: "s",
      description: "one case",
      cases: () => [{ suite: "s", name: "a", params: {} }],
      run: () => {
        ran++;
        return Promise.resolve({ v: 1 });
      },
    };
    Deno.writeTextFileSync(`${dir}/file`, "x");
    const cases: [string, RegExp][] = [
      [`${dir}/file`, /cannot use --out .*file: it is a file, not a folder/],
      [`${dir}/file/sub`, /cannot use --out/],
      ["/proc/self/out", /cannot/],
    ];
    for (const [out, re] of cases) {
      await assert.rejects(() => runBenchCli(["--out", out], { registry: [suite] }), oneLine(re));
    }
    assert.equal(ran, 0);
    assert.equal(Deno.readTextFileSync(`${dir}/file`), "x");
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("bench --seed -1 is a range error, not an ambiguous option", async () => {
  await assert.rejects(
    () => runBenchCli(["--seed", "-1"], { registry: REGISTRY }),
    oneLine(/bad --seed "-1"; use an integer >= 0/),
  );
});
