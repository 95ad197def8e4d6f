import assert from "node:assert/strict";
import { failedTable, formatCell, renderTable } from "./html_table.ts";
import { okCase } from "./test_fixtures.ts";

Deno.test("formatCell: 4 significant digits, exponents for the very large and small", () => {
  assert.equal(formatCell(3), "3");
  assert.equal(formatCell(2 / 3), "0.6667");
  assert.equal(formatCell(1234567.8), "1.235e+6");
  assert.equal(formatCell(null), "—");
  assert.equal(formatCell({ a: [1] }), '{"a":[1]}');
});

Deno.test("renderTable folds a long table under its caption and counts the rows cut", () => {
  const rows = [[1], [2], [3]];
  const short = renderTable({ title: "T", columns: ["v"], rows }, { maxRows: 10, foldRows: 3 });
  assert.match(short, /<caption>T<\/caption>/);
  assert.doesNotMatch(short, /<details>/);
  const long = renderTable({ title: "T", columns: ["v"], rows }, { maxRows: 2, foldRows: 2 });
  assert.match(long, /<details><summary>T \(3 rows\)/);
  assert.match(long, /1 more rows in results\.csv/);
  assert.doesNotMatch(long, /<td class="num">3<\/td>/);
});

Deno.test("failedTable lists only cases that are not ok", () => {
  const bad = { ...okCase("b", {}), status: "failed" as const, error: "boom" };
  assert.equal(failedTable([okCase("a", {})], { maxRows: 10, foldRows: 10 }), "");
  const html = failedTable([okCase("a", {}), bad], { maxRows: 10, foldRows: 10 });
  assert.match(
    html,
    /<tr class="failed"><td>b<\/td><td class="status-failed">failed<\/td><td>boom<\/td><\/tr>/,
  );
  assert.doesNotMatch(html, /<td>a<\/td>/);
});
