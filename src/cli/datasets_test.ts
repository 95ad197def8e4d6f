import assert from "node:assert/strict";
import { type CliRun, runCliScript } from "./test_util.ts";
import { parseNumericCsv } from "../io/csv.ts";

function cli(args: string[]): CliRun {
  return runCliScript(new URL("./datasets.ts", import.meta.url), args);
}

Deno.test("datasets CLI", async (t) => {
  const dir = Deno.makeTempDirSync();
  try {
    await t.step("writes x then z columns, reproducibly", () => {
      const out = `${dir}/c.csv`;
      assert.equal(cli(["--name", "circle", "--n", "25", "--seed", "3", "--out", out]).code, 0);
      const csv = parseNumericCsv(Deno.readTextFileSync(out));
      assert.deepEqual(csv.header, ["x0", "x1", "z0"]);
      assert.equal(csv.matrix.rows, 25);
      const first = Deno.readTextFileSync(out);
      cli(["--name", "circle", "--n", "25", "--seed", "3", "--out", out]);
      assert.equal(Deno.readTextFileSync(out), first);
      assert.deepEqual(Deno.readDirSync(dir).toArray().map((e) => e.name), ["c.csv"]);
    });

    await t.step("mnist writes pixels and labels of a split", () => {
      const out = `${dir}/m.csv`;
      const r = cli(["--name", "mnist", "--n", "3", "--split", "test", "--out", out]);
      assert.equal(r.code, 0, r.stderr);
      const csv = parseNumericCsv(Deno.readTextFileSync(out));
      assert.equal(csv.header.length, 785);
      assert.equal(csv.header[784], "label");
      assert.equal(csv.matrix.rows, 3);
      Deno.removeSync(out);
    });

    await t.step("--help lists every data set", () => {
      const r = cli(["--help"]);
      assert.equal(r.code, 0);
      for (const n of ["figure8", "circle", "absolute_value", "clusters", "spiral_dots", "mnist"]) {
        assert.match(r.stdout, new RegExp(`\\n  ${n} `));
      }
    });

    await t.step("bad input: one error line, exit 1, no file", () => {
      const out = `${dir}/bad.csv`;
      const cases: [string[], RegExp][] = [
        [["--name", "moons", "--n", "5", "--out", out], /unknown data set "moons"; known: figure8/],
        [["--name", "circle", "--n", "0", "--out", out], /N must be an integer from 1/],
        [["--name", "circle", "--n", "2.5", "--out", out], /--n must be an integer/],
        [["--name", "circle", "--n", "abc", "--out", out], /--n must be an integer/],
        [["--name", "circle", "--n", "5", "--out", `${dir}/missing/x.csv`], /no such folder/],
        [["--name", "circle", "--n", "-5", "--out", out], /N must be an integer from 1 to/],
        [["--name", "circle", "--n", "1e3", "--out", out], /--n must be an integer in decimal/],
        [["--name", "circle", "--n", "0x10", "--out", out], /--n must be an integer in decimal/],
        [["--name", "circle", "--n", "5", "--seed", "1e2", "--out", out], /--seed must be/],
        [["--name", "circle", "--n", "5", "--split", "test", "--out", out], /mnist only/],
        [["--name", "circle", "--n", "5", "--out", dir], /is a folder/],
        [["--name", "circle", "--n", "5", "--out", out, "--bogus"], /Unknown option '--bogus'/],
        [["--name", "circle", "--n", "5"], /--out is required/],
        [["--name", "mnist", "--n", "1001", "--split", "test", "--out", out], /exceeds/],
        [["--name", "mnist", "--n", "5", "--split", "dev", "--out", out], /--split must be/],
      ];
      for (const [args, msg] of cases) {
        const r = cli(args);
        assert.equal(r.code, 1, args.join(" "));
        assert.match(r.stderr, /^error: /);
        assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
        assert.match(r.stderr, msg);
      }
      assert.deepEqual(Deno.readDirSync(dir).toArray().map((e) => e.name), ["c.csv"]);
    });
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
