import assert from "node:assert/strict";
import type { JsonValue } from "../../harness/suite.ts";
import { reportBudget } from "./budget_report.ts";
import { summarizeBudget } from "./budget_summary.ts";
import { fixture, T2 } from "./budget_test_util.ts";

Deno.test("reportBudget: opening counts from the data, tables, log-x curves with bands", () => {
  const results = fixture();
  // The summary reaches the report through results.json.
  const summary = JSON.parse(JSON.stringify(summarizeBudget(results)));
  const section = reportBudget(results, summary);
  const open = section.notes[0];
  assert.match(open, /^This run's params do not record how the budgets were chosen\./);
  assert.match(
    open,
    /Budgets per restart in this run: 1,000 passes \(encoder_decoder cost model\) and 2 s, with N = 1,000 and 3 data draws; test KL is also measured at 1\/2 fractions/,
  );
  assert.match(
    open,
    /at equal passes, 4 of 10 cases \(vae, iwae and mapa: 4 of 6; 2 report no klChangeLastHalf\), and tailOverfitNats <= 0\.01 on 1 of 6 MAPA-family cases with its whole 95% interval \(above it on 2, not resolved on 1; the point estimate alone on 2\); 2 report no tailOverfitNats; at equal seconds, 0 of 2 cases \(vae, iwae and mapa: 0 of 2; 2 report no klChangeLastHalf\), and tailOverfitNats <= 0\.01 on 0 of 1 MAPA-family cases with its whole 95% interval \(above it on 0, not resolved on 0; the point estimate alone on 0\); 1 reports no tailOverfitNats\./,
  );
  assert.match(open, /Not every vae, iwae and mapa curve converged/);
  // mapa - vae = -2, -2, -3 on clusters, where the paper has MAPA lose; both curves converged.
  assert.ok(section.notes.includes(
    'At equal passes this run disagrees with the paper on: clusters: "Fig. 2a: MAPA has higher ' +
      `test KL than the VAE on clusters" (mapa - vae = -2.33 nats, 95% interval [${
        Number((-(7 + T2) / 3).toPrecision(3))
      }, ${Number((-(7 - T2) / 3).toPrecision(3))}]).`,
  ));
  assert.ok(section.notes.some((n) => n.includes("figure8/passes/gp_rf: failed (boom)")));
  // The same disagreement when the VAE's curve was still moving carries a caveat.
  const moving = results.map((r) =>
    r.name === "clusters/passes/vae"
      ? { ...r, metrics: { ...r.metrics, klChangeLastHalf: 0.3 } }
      : r
  );
  assert.ok(
    reportBudget(moving, summarizeBudget(moving)).notes.some((n) =>
      n.includes("; a curve had not converged, so this may be under-training).")
    ),
  );

  const [conv, level, claims, perCase] = section.tables;
  assert.equal(conv.rows.length, 12);
  const row = (m: string) => conv.rows.find((r) => r[0] === "figure8" && r[2] === m)!;
  assert.deepEqual(row("iwae").slice(3, 9), [0.2, "FAIL", "yes", "", "", ""]);
  assert.deepEqual(row("mapa").slice(3, 9), [0.04, "pass", "yes", 0.005, 0.00696, "pass"]);
  assert.equal(
    conv.rows.find((r) => r[0] === "clusters" && r[2] === "mapa")![8],
    "not resolved",
  );
  assert.deepEqual(row("mapa_gt").slice(3, 9), [
    null,
    "not available",
    "no",
    0.02,
    0.02392,
    "FAIL",
  ]);
  assert.deepEqual(row("mapa_naive").slice(6, 9), [null, null, "not available"]);
  assert.equal(level.rows.length, 5);
  assert.deepEqual(level.rows[0].slice(0, 7), ["figure8", "passes", "1/2", 500, "vae", 2, "iwae"]);
  assert.equal(claims.rows.length, 2 * 4 + 4);
  assert.deepEqual(claims.rows[0].slice(8), ["agrees", "yes"]);
  assert.deepEqual(claims.rows[1].slice(8), ["not resolved", "no"]);
  assert.equal(perCase.rows.length, 12);

  assert.equal(section.charts.length, 2 + 3);
  const curve = section.charts[2].config as Record<string, Record<string, JsonValue>>;
  assert.equal(
    (curve.options.scales as Record<string, Record<string, JsonValue>>).x.type,
    "logarithmic",
  );
  const sets = curve.data.datasets as Record<string, JsonValue>[];
  assert.equal(sets.length, 5 * 3);
  assert.deepEqual(sets.slice(0, 3).map((d) => [d.label, d.fill]), [
    ["vae 95% interval (low)", false],
    ["vae 95% interval", "-1"],
    ["vae", false],
  ]);
  assert.deepEqual(sets[2].data, [{ x: 500, y: 2 }, { x: 1000, y: 157 / 3 }]);
  JSON.stringify(section);
});

Deno.test("reportBudget: the budget choice comes from params; all converged is said so", () => {
  const results = fixture({ budgetChoice: "Chosen from pilot curves." }).map((r) =>
    r.params.budgetKind === "passes" && r.status === "ok"
      ? { ...r, metrics: { ...r.metrics, klChangeLastHalf: 0.01 } }
      : r
  ).filter((r) => r.params.budgetKind === "passes");
  const open = reportBudget(results, summarizeBudget(results)).notes[0];
  assert.match(open, /^Chosen from pilot curves\. Budgets per restart/);
  assert.match(open, /10 of 10 cases \(vae, iwae and mapa: 6 of 6\)/);
  assert.match(open, /Every vae, iwae and mapa curve converged\./);
});

Deno.test("reportBudget: data sets with their own pass budgets are named in the opening and the chart", () => {
  const results = fixture().map((r) =>
    r.params.dataset === "clusters" && r.params.budgetKind === "passes"
      ? { ...r, params: { ...r.params, passes: 4000 } }
      : r
  );
  const summary = JSON.parse(JSON.stringify(summarizeBudget(results)));
  const section = reportBudget(results, summary);
  assert.match(
    section.notes[0],
    /Budgets per restart in this run: 1,000 passes on [a-z0-9_, ]+; 4,000 passes on clusters \(encoder_decoder cost model\)/,
  );
  const passes = summary.passes as Record<string, JsonValue>;
  assert.equal((passes.budgetsByDataset as Record<string, JsonValue>).clusters, 4000);
  assert.ok(
    section.charts.some((c) => JSON.stringify(c).includes("4000 on clusters passes")),
  );
});
