import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { formatCsv, parseNumericCsv, readNumericCsv } from "./csv.ts";

Deno.test("csv: parses with and without a header", () => {
  const a = parseNumericCsv("a,b\n1,2\n3,4.5\n");
  assert.equal(a.hadHeader, true);
  assert.deepEqual(a.header, ["a", "b"]);
  assert.deepEqual([...a.matrix.data], [1, 2, 3, 4.5]);
  const b = parseNumericCsv("1,2\r\n3,4\r\n");
  assert.equal(b.hadHeader, false);
  assert.deepEqual(b.header, ["x0", "x1"]);
  assert.equal(b.matrix.rows, 2);
});

Deno.test("csv: round-trips through formatCsv", () => {
  const m = { rows: 2, cols: 2, data: Float64Array.from([0.1, -2e-9, 3, 1 / 3]) };
  const z = { rows: 2, cols: 1, data: Float64Array.from([5, 6]) };
  const back = parseNumericCsv(formatCsv(["x0", "x1", "z0"], [m, z]));
  assert.deepEqual([...back.matrix.data], [0.1, -2e-9, 5, 3, 1 / 3, 6]);
});

Deno.test("csv: bad input names the line and column", () => {
  assert.throws(() => parseNumericCsv(""), /empty/);
  assert.throws(() => parseNumericCsv("a,b\n"), /no data rows/);
  assert.throws(
    () => parseNumericCsv("1,2\n3\n", { source: "f.csv" }),
    /f\.csv: line 2 has 1 columns/,
  );
  assert.throws(() => parseNumericCsv("1,2\n3,abc\n"), /line 2, column 2 \(x1\) holds "abc"/);
  assert.throws(() => parseNumericCsv("x,y\n1,NaN\n"), /line 2, column 2 \(y\) holds "NaN"/);
  assert.throws(() => parseNumericCsv("1,2\n3,Infinity\n"), /finite number/);
  assert.throws(() => parseNumericCsv("1,2\n,4\n"), /an empty cell/);
  assert.throws(() => parseNumericCsv("1,2\n\n3,4\n"), /line 2 is empty/);
  assert.throws(() => parseNumericCsv("1,2\n3,x"), InputError);
});

Deno.test("csv: an unreadable file is an input error", () => {
  assert.throws(
    () => readNumericCsv("/nonexistent/dir/file.csv"),
    /cannot read CSV file .*no such file/,
  );
});
