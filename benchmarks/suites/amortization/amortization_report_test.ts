import assert from "node:assert/strict";
import type { JsonValue } from "../../harness/suite.ts";
import { reportAmortization } from "./amortization_report.ts";
import { summarizeAmortization } from "./amortization_summary.ts";
import { fakeResult as result } from "./fixtures.ts";

Deno.test("amortization report: paired 95% whiskers on the log-likelihood-minus-VAE bars", () => {
  const rs = [
    result("a", "vae", [-10, -11, -9, -10], 1e-5),
    result("a", "gp_rf", [-8, -9.1, -6.9, -8], 2e-5),
  ];
  const section = reportAmortization(rs, summarizeAmortization(rs));
  const chart = section.charts!.find((c) => /minus the VAE/.test(c.title))!;
  const sets = (chart.config.data as { datasets: { label: string; errorBars: JsonValue[] }[] })
    .datasets;
  const gp = sets.find((d) => d.label === "gp_rf")!;
  const bar = gp.errorBars.find((b) => b !== null) as [number, number];
  // Differences 2, 1.9, 2.1, 2: an interval around 2 that excludes 0.
  assert.ok(bar[0] > 1.7 && bar[0] < 2 && bar[1] > 2 && bar[1] < 2.3, `${bar}`);
  assert.ok(sets.find((d) => d.label === "vae")!.errorBars.every((b) => b === null));
});
