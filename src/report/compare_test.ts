import assert from "node:assert/strict";
import {
  compareResults,
  formatComparisonMarkdown,
  formatComparisonText,
  type MetricRow,
} from "./compare.ts";
import type { ResultsFile } from "./results.ts";
import { makeResults, noisySamples, okCase } from "./test_fixtures.ts";

function baseline(): ResultsFile {
  return makeResults([
    okCase("fast", {
      fitSecondsSamples: noisySamples(1, 7, 0.1, "fast"),
      passes: 1200,
      recallAtK: 0.995,
      testKl: 0.0412,
      met: true,
      label: "x",
      curve: [1, 2, 3],
    }),
    okCase("slow", { fitSecondsSamples: noisySamples(5, 7, 0.1, "slow"), peakRssBytes: 1e8 }),
    okCase("gone", { passes: 1 }),
  ]);
}

function row(rows: MetricRow[], c: string, metric: string): MetricRow {
  const r = rows.find((x) => x.case === c && x.metric === metric);
  assert.ok(r, `no row ${c} ${metric}`);
  return r;
}

Deno.test("compareResults", async (t) => {
  await t.step("identical files compare clean", () => {
    const b = baseline();
    const c = compareResults(b, structuredClone(b));
    assert.equal(c.regressions, 0);
    assert.equal(c.improvements, 0);
    assert.ok(c.rows.every((r) => r.verdict === "same"), JSON.stringify(c.rows));
    // Strings and non-sample arrays are not compared.
    assert.equal(c.rows.filter((r) => r.metric === "label" || r.metric === "curve").length, 0);
    assert.deepEqual(c.newCases, []);
    assert.deepEqual(c.vanishedCases, []);
    assert.match(formatComparisonText(c), /^0 regressions/);
  });

  await t.step("a case made 3x slower is flagged; the copy with 3x faster is improved", () => {
    const b = baseline();
    const slower = structuredClone(b);
    const m = slower.cases[1].metrics;
    m.fitSecondsSamples = (m.fitSecondsSamples as number[]).map((v) => v * 3);
    const c = compareResults(b, slower);
    const r = row(c.rows, "s/slow", "fitSecondsSamples");
    assert.equal(r.verdict, "regressed");
    assert.ok(r.regression);
    assert.ok(Math.abs(r.ratio! - 3) < 1e-9);
    assert.ok(r.pValue! < 0.01);
    assert.equal(c.regressions, 1);
    assert.match(formatComparisonText(c), /REGRESSED/);
    const back = compareResults(slower, b);
    assert.equal(row(back.rows, "s/slow", "fitSecondsSamples").verdict, "improved");
    assert.equal(back.regressions, 0);
  });

  await t.step("times are divided by each run's calibration", () => {
    const b = baseline();
    // Same code on a machine twice as slow: times and calibration both double.
    const slowMachine = structuredClone(b);
    slowMachine.meta.calibration!.samplesSeconds = [0.2, 0.2, 0.2, 0.2, 0.2];
    for (const k of slowMachine.cases) {
      const s = k.metrics.fitSecondsSamples as number[] | undefined;
      if (s) k.metrics.fitSecondsSamples = s.map((v) => v * 2);
    }
    const c = compareResults(b, slowMachine);
    assert.equal(c.regressions, 0);
    assert.ok(Math.abs(row(c.rows, "s/slow", "fitSecondsSamples").ratio! - 1) < 1e-9);
    // A per-case calibration (from a merged shard) wins over the run's: its shard's machine
    // was 2x faster than this one, so the doubled times are a 4x slowdown there.
    const stamped = structuredClone(slowMachine);
    stamped.cases[1].calibrationSeconds = 0.05;
    assert.equal(
      row(compareResults(b, stamped).rows, "s/slow", "fitSecondsSamples").verdict,
      "regressed",
    );
  });

  await t.step("a 1.2x change on noisy repeats is not flagged", () => {
    const b = makeResults([okCase("n", { xSecondsSamples: noisySamples(1, 9, 0.6, "b") })]);
    const cur = makeResults([okCase("n", { xSecondsSamples: noisySamples(1.2, 9, 0.6, "c") })]);
    const c = compareResults(b, cur);
    const r = row(c.rows, "s/n", "xSecondsSamples");
    assert.ok(r.ratio! > 1.05 && r.ratio! < 1.5, String(r.ratio));
    assert.equal(r.verdict, "same");
    assert.equal(c.regressions, 0);
  });

  await t.step("past the threshold but overlapping samples is not significant", () => {
    const b = makeResults([okCase("n", { xSecondsSamples: [1, 1, 1, 1, 9] })]);
    const cur = makeResults([okCase("n", { xSecondsSamples: [3.2, 0.9, 3.1, 3.3, 1.1] })]);
    const r = row(compareResults(b, cur).rows, "s/n", "xSecondsSamples");
    assert.ok(r.ratio! >= 3);
    assert.equal(r.verdict, "not significant");
    assert.equal(r.regression, false);
  });

  await t.step("fewer than 5 samples or single times are shown, not gated", () => {
    const b = makeResults([okCase("n", { xSecondsSamples: [1, 1, 1], totalSeconds: 1 })]);
    const cur = makeResults([okCase("n", { xSecondsSamples: [9, 9, 9], totalSeconds: 9 })]);
    const c = compareResults(b, cur);
    assert.equal(row(c.rows, "s/n", "xSecondsSamples").verdict, "few samples");
    assert.equal(row(c.rows, "s/n", "totalSeconds").verdict, "not gated");
    assert.equal(c.regressions, 0);
  });

  await t.step("a deterministic metric beyond tolerance is flagged, within is not", () => {
    const b = baseline();
    const within = structuredClone(b);
    within.cases[0].metrics.testKl = 0.0412 * 1.001;
    within.cases[0].metrics.recallAtK = 0.993;
    assert.equal(compareResults(b, within).regressions, 0);
    for (
      const [metric, value] of [
        ["testKl", 0.0412 * 1.2],
        ["passes", 1201],
        ["recallAtK", 0.98],
        ["recallAtK", 1], // either direction: a deterministic change needs a new baseline
        ["met", false],
      ] as const
    ) {
      const cur = structuredClone(b);
      cur.cases[0].metrics[metric] = value;
      const c = compareResults(b, cur);
      const r = row(c.rows, "s/fast", metric);
      assert.equal(r.verdict, "changed", `${metric}=${value}`);
      assert.equal(c.regressions, 1, `${metric}=${value}`);
    }
  });

  await t.step("different seed or backend: metrics shown, not gated", () => {
    const b = baseline();
    const cur = structuredClone(b);
    cur.meta.backend = "cpu";
    cur.cases[0].metrics.passes = 5;
    const c = compareResults(b, cur);
    assert.equal(c.regressions, 0);
    assert.equal(row(c.rows, "s/fast", "passes").verdict, "not gated");
    assert.match(c.warnings.join("\n"), /backends differ/);
  });

  await t.step("memory growth past 1.5x and 256 MiB is flagged", () => {
    const b = baseline();
    const cur = structuredClone(b);
    cur.cases[1].metrics.peakRssBytes = 4e8;
    assert.equal(row(compareResults(b, cur).rows, "s/slow", "peakRssBytes").verdict, "regressed");
    const small = makeResults([okCase("m", { peakRssBytes: 1.1e8 })]);
    const small2 = makeResults([okCase("m", { peakRssBytes: 2.1e8 })]);
    assert.equal(compareResults(small, small2).regressions, 0, "100 MB of RSS drift is noise");
  });

  await t.step("new and vanished cases are listed, not counted", () => {
    const b = baseline();
    const cur = structuredClone(b);
    cur.cases = cur.cases.filter((k) => k.name !== "gone");
    cur.cases.push(okCase("fresh", { passes: 3 }));
    const c = compareResults(b, cur);
    assert.deepEqual(c.newCases, ["s/fresh"]);
    assert.deepEqual(c.vanishedCases, ["s/gone"]);
    assert.equal(c.regressions, 0);
    const md = formatComparisonMarkdown(c);
    assert.match(md, /New cases[\s\S]*s\/fresh/);
    assert.match(md, /Vanished cases[\s\S]*s\/gone/);
  });

  await t.step("ok -> failed is a regression; changed params are not compared", () => {
    const b = baseline();
    const cur = structuredClone(b);
    cur.cases[0] = { ...cur.cases[0], status: "failed", error: "boom | <b>" };
    cur.cases[1].params = { name: "slow", n: 2 };
    cur.cases[1].metrics.peakRssBytes = 9e9;
    const c = compareResults(b, cur);
    assert.equal(c.regressions, 1);
    assert.deepEqual(c.statusChanges.map((s) => [s.case, s.from, s.to]), [[
      "s/fast",
      "ok",
      "failed",
    ]]);
    assert.deepEqual(c.paramChanges, ["s/slow: n"]);
    assert.deepEqual(c.coverage, { baseline: 3, current: 3, compared: 2, notRun: 0 });
    const md = formatComparisonMarkdown(c);
    assert.match(md, /boom \\\| &lt;b>/);
    assert.match(md, /^## Benchmark comparison: regressed/);
  });

  await t.step("missing calibration: compared raw with a warning", () => {
    const b = baseline();
    delete b.meta.calibration;
    const c = compareResults(b, baseline());
    assert.match(c.warnings.join("\n"), /no calibration/);
    assert.equal(c.regressions, 0);
  });
});

Deno.test("compare: one case's 1.6x is case noise; every case of a suite at 1.6x is flagged", () => {
  const names = Array.from({ length: 10 }, (_, i) => `c${i}`);
  const base = makeResults(
    names.map((n) => okCase(n, { stepSecondsSamples: noisySamples(0.02, 5, 0.05, n) })),
  );
  const slower = (which: (i: number) => boolean) => {
    const cur = structuredClone(base);
    cur.cases.forEach((c, i) => {
      if (which(i)) {
        c.metrics.stepSecondsSamples = (c.metrics.stepSecondsSamples as number[]).map((v) =>
          v * 1.6
        );
      }
    });
    return compareResults(base, cur);
  };
  const one = slower((i) => i === 0);
  assert.equal(one.regressions, 0);
  assert.equal(row(one.rows, "s/c0", "stepSecondsSamples").verdict, "same");
  const all = slower(() => true);
  const suite = row(all.rows, "s/*", "timeSamples (geometric mean)");
  assert.equal(suite.verdict, "regressed");
  assert.ok(Math.abs(suite.ratio! - 1.6) < 1e-9);
  assert.equal(all.regressions, 1);
  // A 3x case stands out on its own.
  assert.ok(
    slower((i) => i === 0).regressions === 0 && compareResults(
          base,
          (() => {
            const cur = structuredClone(base);
            cur.cases[0].metrics.stepSecondsSamples = (cur.cases[0].metrics
              .stepSecondsSamples as number[]).map((v) => v * 3);
            return cur;
          })(),
        ).regressions === 1,
  );
});

Deno.test("compare: a case marked deterministic = false is shown, not gated", () => {
  const base = makeResults([okCase("timed", { testKl: 0.05, passes: 1000 })]);
  base.cases[0].params.deterministic = false;
  const cur = structuredClone(base);
  cur.cases[0].metrics.testKl = 0.5;
  cur.cases[0].metrics.passes = 700;
  const c = compareResults(base, cur);
  assert.equal(c.regressions, 0);
  assert.ok(c.rows.some((r) => r.metric === "testKl" && r.verdict === "not gated"));
  // The same change on a deterministic case is flagged.
  base.cases[0].params.deterministic = true;
  cur.cases[0].params.deterministic = true;
  assert.ok(compareResults(base, cur).regressions >= 2);
});

Deno.test("compare: a peer's case is shown, never gated, and left out of its suite's gate", () => {
  const names = ["ours0", "ours1", "ours2", "peer0", "peer1", "peer2"];
  const base = makeResults(
    names.map((n) => okCase(n, { stepSecondsSamples: noisySamples(0.02, 7, 0.05, n), threads: 2 })),
  );
  // Every peer case 4x slower, and its thread count changed: a peer's machine, not our code.
  const cur = structuredClone(base);
  for (const c of cur.cases.filter((c) => c.name.startsWith("peer"))) {
    c.metrics.stepSecondsSamples = (c.metrics.stepSecondsSamples as number[]).map((v) => v * 4);
    c.metrics.threads = 1;
  }
  const peerCase = (c: { name: string }) => c.name.startsWith("peer");
  const judged = compareResults(base, cur, { peerCase });
  assert.equal(judged.regressions, 0);
  assert.equal(row(judged.rows, "s/peer0", "stepSecondsSamples").verdict, "not gated");
  assert.equal(row(judged.rows, "s/peer0", "threads").verdict, "not gated");
  assert.equal(row(judged.rows, "s/peer0", "stepSecondsSamples").note, "a peer's figure");
  // The suite's gate sees only our three unchanged cases.
  const suite = row(judged.rows, "s/*", "timeSamples (geometric mean)");
  assert.equal(suite.note, "3 timed cases, sign test");
  assert.equal(suite.verdict, "same");
  // Without the mark the same runs fail the check.
  assert.ok(compareResults(base, cur).regressions >= 3);
});

Deno.test("compare: coverage counts compared, skipped, new and param-changed cases", () => {
  const b = makeResults([
    okCase("a", { passes: 1 }),
    okCase("b", { passes: 1 }),
    { ...okCase("c", {}), status: "skipped", error: "no peer" },
    okCase("d", { passes: 1 }),
  ]);
  const cur = structuredClone(b);
  cur.cases[1].params = { name: "b", budgetChoice: "new wording" };
  cur.cases.push(okCase("e", { passes: 1 }));
  const c = compareResults(b, cur);
  assert.deepEqual(c.coverage, { baseline: 4, current: 5, compared: 2, notRun: 1 });
  assert.deepEqual(c.paramChanges, ["s/b: budgetChoice"]);
  assert.match(
    formatComparisonText(c),
    /compared 2 of 5 cases \(40%; baseline has 4\): 1 new, 1 with changed params, 1 not run in either, 0 vanished/,
  );
});
