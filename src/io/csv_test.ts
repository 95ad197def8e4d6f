import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import {
  defaultFeatureColumns,
  formatCsv,
  parseNumericCsv,
  readNumericCsv,
  selectColumns,
} from "./csv.ts";

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

Deno.test("csv: a first row mixing numbers and text is an error, not a header", () => {
  assert.throws(
    () => parseNumericCsv("1.0,abc\n1,2\n3,4\n"),
    /line 1, column 2 \(x1\) holds "abc".*header row must have no numeric cell/,
  );
  assert.throws(() => parseNumericCsv("1,NaN\n1,2\n"), /line 1, column 2/);
  const h = parseNumericCsv("a,b\n1,2\n");
  assert.equal(h.hadHeader, true);
  assert.equal(h.matrix.rows, 1);
});

Deno.test("csv: selectColumns by name or 1-based index; default x* features", () => {
  const csv = parseNumericCsv("x0,x1,z0\n1,2,3\n4,5,6\n");
  assert.equal(defaultFeatureColumns(csv), "x0,x1");
  const a = selectColumns(csv, "x0,x1");
  assert.deepEqual(a.header, ["x0", "x1"]);
  assert.deepEqual([...a.matrix.data], [1, 2, 4, 5]);
  const b = selectColumns(csv, "3,1");
  assert.deepEqual(b.header, ["z0", "x0"]);
  assert.deepEqual([...b.matrix.data], [3, 1, 6, 4]);
  assert.throws(() => selectColumns(csv, "y"), /no column named "y"/);
  assert.throws(() => selectColumns(csv, "4"), /outside 1..3/);
  assert.throws(() => selectColumns(csv, ","), /at least one/);
  assert.equal(defaultFeatureColumns(parseNumericCsv("x0,x1\n1,2\n")), undefined);
  assert.equal(defaultFeatureColumns(parseNumericCsv("1,2\n")), undefined);
});
