import assert from "node:assert/strict";
import { type CliRun, runCliScript } from "./test_util.ts";
import { exactRows } from "../mapa/exact.ts";

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
    assert.match(run(["--help"]).stdout, /usage: deno task mapa/);
  });
  await t.step("bad input: one-line error, exit 1, no output file", () => {
    const nan = `${dir}/nan.csv`, ragged = `${dir}/ragged.csv`, frac = `${dir}/frac.csv`;
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
  Deno.removeSync(dir, { recursive: true });
});
