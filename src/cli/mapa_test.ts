import assert from "node:assert/strict";
import { type CliRun, runCliScript } from "./test_util.ts";
import { exactRows } from "../mapa/exact/mod.ts";

function run(args: string[]): CliRun {
  return runCliScript(new URL("./mapa.ts", import.meta.url), args);
}

Deno.test("mapa CLI", async (t) => {
  const dir = Deno.makeTempDirSync();
  const good = `${dir}/good.csv`;
  Deno.writeTextFileSync(good, "a,b\n0,0\n0.1,0.2\n1,1\n0.9,1.1\n");
  await t.step("writes the rows as JSON matching exactRows", async () => {
    const out = `${dir}/rows.json`;
    const r = run(["--data", good, "--sigma2", "0.05", "--k", "2", "--out", out]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(Deno.readTextFileSync(out));
    const x = { rows: 4, cols: 2, data: new Float64Array([0, 0, 0.1, 0.2, 1, 1, 0.9, 1.1]) };
    const rows = await exactRows(x, { k: 2, sigma2: 0.05 });
    assert.equal(doc.n, 4);
    assert.equal(doc.k, 2);
    assert.equal(doc.method, "exact");
    assert.equal(doc.bandwidth, 0.1);
    for (let m = 0; m < 4; m++) {
      assert.deepEqual(
        doc.rows[m].neighbors,
        Array.from(rows.neighbors.subarray(2 * m, 2 * m + 2)),
      );
      assert.deepEqual(doc.rows[m].logq, Array.from(rows.logq.subarray(2 * m, 2 * m + 2)));
      assert.equal(doc.rows[m].logNormalizer, rows.logNormalizer[m]);
    }
    const s = run(["--data", good, "--sigma2", "0.05", "--k", "2", "--method", "hnsw"]);
    assert.equal(s.code, 0, s.stderr);
    assert.deepEqual(JSON.parse(s.stdout).rows[0].neighbors, doc.rows[0].neighbors);
    // So few points that the rest of the normaliser is summed, not estimated: exact, SE 0.
    const h0 = JSON.parse(s.stdout).rows[0];
    assert.ok(
      Math.abs(h0.logNormalizer - doc.rows[0].logNormalizer) < 1e-9 && h0.logNormalizerSe === 0,
    );
    assert.match(run(["--help"]).stdout, /usage: deno task mapa/);
  });
  await t.step("bad input: one-line error, exit 1, no output file", () => {
    const nan = `${dir}/nan.csv`, ragged = `${dir}/ragged.csv`, frac = `${dir}/frac.csv`;
    const mixed = `${dir}/mixed.csv`, huge = `${dir}/huge.csv`;
    Deno.writeTextFileSync(mixed, "1.0,abc\n1,2\n3,4\n");
    Deno.writeTextFileSync(huge, "0,0\n1e200,1e200\n-1e200,3e200\n");
    Deno.writeTextFileSync(nan, "0,0\n1,NaN\n");
    Deno.writeTextFileSync(ragged, "0,0\n1,2,3\n");
    Deno.writeTextFileSync(frac, "0,1\n1,0.5\n");
    const cases: [string[], RegExp][] = [
      [["--data", good, "--sigma2", "1", "--k", "5"], /k must be an integer in \[1, N = 4\]/],
      [["--data", good, "--sigma2", "1", "--k", "0"], /k must be/],
      [["--data", good, "--sigma2", "0", "--k", "2"], /sigma2 must be a finite number > 0/],
      [["--data", good, "--bandwidth", "Infinity", "--k", "2"], /bandwidth must be/],
      [["--data", good, "--k", "2"], /needs --sigma2/],
      [["--data", nan, "--sigma2", "1", "--k", "1"], /line 2, column 2/],
      [["--data", ragged, "--sigma2", "1", "--k", "1"], /same number of columns/],
      [["--data", frac, "--kernel", "bernoulli", "--k", "1"], /row 2 .*0\/1 values/],
      [["--data", `${dir}/none.csv`, "--sigma2", "1", "--k", "1"], /cannot read/],
      [["--data", good, "--sigma2", "1", "--k", "1", "--method", "ivf"], /--method/],
      [["--data", mixed, "--sigma2", "1", "--k", "1"], /line 1, column 2 \(x1\) holds "abc"/],
      [["--data", good, "--sigma2", "1e-309", "--k", "2"], /kernel scale .* overflows/],
      [["--data", good, "--sigma2", "1e-320", "--k", "1", "--method", "hnsw"], /overflows/],
      [["--data", huge, "--sigma2", "1", "--k", "3"], /row 1: .* not finite/],
      [["--data", huge, "--sigma2", "1", "--k", "3", "--method", "hnsw"], /not finite/],
      [
        ["--data", good, "--sigma2", "1", "--k", "-5"],
        /k must be an integer in \[1, N = 4\], got -5/,
      ],
      [["--data", good, "--sigma2", "1", "--k", "1e0"], /--k must be an integer in decimal/],
      [["--data", good, "--sigma2", "1", "--k", "0x1"], /--k must be an integer in decimal/],
      [["--data", good, "--sigma2", "1", "--k", "1", "--columns", "c"], /no column named "c"/],
      [["--data", good, "--sigma2", "1", "--k", "1", "--ef", "8"], /--ef applies to --method hnsw/],
      [
        ["--data", good, "--sigma2", "1", "--k", "1", "--rest-proposal", "cells"],
        /--rest-proposal applies to --method hnsw/,
      ],
      [
        [
          "--data",
          good,
          "--sigma2",
          "1",
          "--k",
          "1",
          "--method",
          "hnsw",
          "--rest-proposal",
          "grid",
        ],
        /--rest-proposal must be cells or uniform, got "grid"/,
      ],
      [
        ["--data", good, "--sigma2", "1", "--k", "3", "--method", "hnsw", "--k-prime", "2"],
        /k' \(2\) must be >= K \(3\)/,
      ],
      [
        ["--data", good, "--sigma2", "1", "--k", "1", "--method", "hnsw", "--m", "0"],
        /--m must be >= 1/,
      ],
      [
        ["--data", good, "--sigma2", "1", "--k", "1", "--method", "hnsw", "--seed", "-1"],
        /--seed must be >= 0/,
      ],
      [
        ["--data", good, "--sigma2", "1", "--k", "1", "--method", "hnsw", "--ef", "1.5"],
        /--ef must be an integer/,
      ],
      [
        ["--data", good, "--sigma2", "1", "--k", "1", "--method", "hnsw", "--shards", "99"],
        /shards must be an integer in \[1, N/,
      ],
      [["--data", good, "--sigma2", "1", "--k", "1", "--workers", "-2"], /--workers must be >= 0/],
    ];
    for (const [args, re] of cases) {
      const out = `${dir}/bad.json`;
      const r = run([...args, "--out", out]);
      assert.equal(r.code, 1, args.join(" "));
      assert.match(r.stderr, /^error: /);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1);
      assert.equal(r.stdout, "");
      assert.throws(() => Deno.statSync(out));
    }
  });
  await t.step("output paths that cannot be written: one line, exit 1, nothing computed", () => {
    const base = ["--data", good, "--sigma2", "1", "--k", "1"];
    const cases: [string, RegExp][] = [
      [dir, /--out .* is a folder/],
      ["", /empty --out/],
      [`${dir}/no/such/x.json`, /cannot write .*no such folder/],
      ["/proc/self/x.json", /cannot write/],
    ];
    for (const [out, re] of cases) {
      const r = run([...base, `--out=${out}`]);
      assert.equal(r.code, 1, out);
      assert.match(r.stderr, /^error: /);
      assert.match(r.stderr, re);
      assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
    }
    assert.deepEqual(
      Deno.readDirSync(dir).toArray().filter((e) => /probe|tmp/.test(e.name)),
      [],
    );
  });
  await t.step("a closed stdout pipe is one error line, not a stack trace", async () => {
    const big = `${dir}/big.csv`;
    const lines = Array.from({ length: 3000 }, (_, i) => `${i % 97},${(i * 7) % 89}`);
    Deno.writeTextFileSync(big, lines.join("\n") + "\n");
    const child = new Deno.Command(Deno.execPath(), {
      args: ["run", "-A", new URL("./mapa.ts", import.meta.url).pathname, "--data", big, "--k", "3"]
        .concat(["--sigma2", "1"]),
      stdout: "piped",
      stderr: "piped",
    }).spawn();
    await child.stdout.cancel();
    const { code, stderr } = await child.output();
    const err = new TextDecoder().decode(stderr);
    assert.equal(code, 1, err);
    assert.match(err, /^error: .*broken pipe/);
    assert.equal(err.trim().split("\n").length, 1, err);
  });
  await t.step("datasets CSVs: x* columns by default, --columns to choose", () => {
    const ds = `${dir}/ds.csv`;
    Deno.writeTextFileSync(ds, "x0,x1,z0\n0,0,5\n0.1,0.2,-5\n1,1,5\n0.9,1.1,-5\n");
    const a = run(["--data", ds, "--sigma2", "0.05", "--k", "2"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(a.stderr, /using the feature columns x0,x1/);
    const b = run(["--data", good, "--sigma2", "0.05", "--k", "2"]);
    assert.deepEqual(JSON.parse(a.stdout), JSON.parse(b.stdout));
    const c = run(["--data", ds, "--sigma2", "0.05", "--k", "2", "--columns", "1,x1"]);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stderr, "");
    assert.deepEqual(JSON.parse(c.stdout), JSON.parse(b.stdout));
    const z = run(["--data", ds, "--sigma2", "0.05", "--k", "2", "--columns", "z0"]);
    assert.notDeepEqual(JSON.parse(z.stdout).rows, JSON.parse(b.stdout).rows);
  });
  await t.step("HNSW flags reach the index and the normaliser's draws", () => {
    const many = `${dir}/many.csv`;
    // 2,000 points on a low-discrepancy grid: enough that the normaliser's rest is sampled.
    const pts = Array.from(
      { length: 2000 },
      (_, i) => `${(i * 0.618034) % 1},${(i * 0.414214) % 1}`,
    );
    Deno.writeTextFileSync(many, pts.join("\n") + "\n");
    const base = ["--data", many, "--sigma2", "0.005", "--k", "2", "--method", "hnsw"];
    const a = run([...base, "--k-prime", "6", "--seed", "3"]);
    assert.equal(a.code, 0, a.stderr);
    assert.match(
      a.stderr,
      /k'=6, M=16, efConstruction=200, ef=64, seed=3, shards=1,.* cells draws per row/,
    );
    const again = run([...base, "--k-prime", "6", "--seed", "3"]);
    assert.equal(again.stdout, a.stdout);
    const rows = (r: CliRun) => JSON.parse(r.stdout).rows as { logNormalizerSe: number }[];
    assert.ok(rows(a).some((w) => w.logNormalizerSe > 0), "the rest was sampled, not summed");
    const seeded = run([...base, "--k-prime", "6", "--seed", "4"]);
    assert.notDeepEqual(rows(seeded), rows(a));
    const tuned = run([...base, "--m", "8", "--ef-construction", "40", "--ef", "70"]);
    assert.equal(tuned.code, 0, tuned.stderr);
    assert.match(tuned.stderr, /k'=34, M=8, efConstruction=40, ef=70, seed=0, shards=1,/);
    const sharded = run([...base, "--shards", "2"]);
    assert.equal(sharded.code, 0, sharded.stderr);
    assert.match(sharded.stderr, /shards=2,/);
    const uniform = run([...base, "--rest-proposal", "uniform", "--workers", "0"]);
    assert.equal(uniform.code, 0, uniform.stderr);
    assert.match(uniform.stderr, / uniform draws per row/);
  });
  await t.step("the Bernoulli kernel's parameter is written as eps", () => {
    const bin = `${dir}/bin.csv`;
    Deno.writeTextFileSync(bin, "0,1\n1,1\n0,0\n");
    const r = run(["--data", bin, "--kernel", "bernoulli", "--eps", "0.01", "--k", "1"]);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout);
    assert.equal(doc.eps, 0.01);
    assert.equal(doc.bandwidth, undefined);
  });
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("exactRows rejects a kernel scale that overflows instead of looping", async () => {
  const x = { rows: 3, cols: 2, data: new Float64Array([1, 2, 3, 4, 5, 6]) };
  await assert.rejects(() => exactRows(x, { k: 2, sigma2: 1e-309 }), /kernel scale/);
});

Deno.test("Ctrl-C while HNSW shards are built on Workers: exit 130, no output, no shards left", async () => {
  const dir = await Deno.makeTempDir();
  const tmp = `${dir}/tmp`;
  Deno.mkdirSync(tmp);
  // 20,000 points: two shards on Workers, a build of about a second here.
  const lines = ["x0,x1"];
  for (let i = 0; i < 20_000; i++) {
    lines.push(`${Math.sin(i * 0.37) + (i % 97) * 1e-3},${Math.cos(i * 0.11) + (i % 89) * 1e-3}`);
  }
  const data = `${dir}/pts.csv`, out = `${dir}/rows.json`;
  Deno.writeTextFileSync(data, lines.join("\n") + "\n");
  const child = new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "-A",
      new URL("./mapa.ts", import.meta.url).pathname,
      ...["--data", data, "--sigma2", "0.01", "--k", "8", "--method", "hnsw", "--out", out],
    ],
    env: { TMPDIR: tmp },
    stdout: "null",
    stderr: "piped",
  }).spawn();
  // Interrupt once the shards' directory exists (the build has started).
  for (let waited = 0; [...Deno.readDirSync(tmp)].length === 0; waited += 20) {
    if (waited > 60_000) throw new Error("the build never started");
    await new Promise((r) => setTimeout(r, 20));
  }
  child.kill("SIGINT");
  const result = await child.output();
  const stderr = new TextDecoder().decode(result.stderr);
  assert.equal(result.code, 130, stderr);
  assert.match(stderr, /interrupted/);
  assert.deepEqual([...Deno.readDirSync(tmp)].map((e) => e.name), []);
  assert.throws(() => Deno.statSync(out), Deno.errors.NotFound);
  Deno.removeSync(dir, { recursive: true });
});
