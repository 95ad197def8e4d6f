import assert from "node:assert/strict";
import { formatResultsCsv } from "./csv_export.ts";

Deno.test("formatResultsCsv flattens params and metrics and quotes cells", () => {
  const csv = formatResultsCsv([
    {
      suite: "s",
      name: "a,b",
      params: { n: 10, grid: { k: 4 } },
      status: "ok",
      metrics: { loss: 1.5, curve: [1, 2] },
      seconds: 2,
    },
    {
      suite: "s",
      name: 'say "hi"',
      params: { n: 20, extra: true },
      status: "failed",
      metrics: {},
      error: "line1\nline2",
      seconds: 0,
    },
  ]);
  const lines = csv.split("\n");
  assert.equal(
    lines[0],
    "suite,name,status,seconds,error,param.n,param.grid.k,metric.loss,metric.curve,param.extra",
  );
  assert.equal(lines[1], 's,"a,b",ok,2,,10,4,1.5,"[1,2]",');
  assert.equal(lines[2], 's,"say ""hi""",failed,0,"line1');
  assert.equal(lines[3], 'line2",20,,,,true');
  assert.equal(formatResultsCsv([]), "suite,name,status,seconds,error\n");
});
