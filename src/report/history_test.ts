import assert from "node:assert/strict";
import {
  headlineMetrics,
  historyEntry,
  historySteps,
  readHistory,
  renderHistory,
  runId,
} from "./history.ts";
import { makeResults, okCase } from "./test_fixtures.ts";

const CHART = "window.Chart = function () {};";

Deno.test("headlineMetrics keeps the finite numbers of the summaries", () => {
  const r = makeResults([okCase("a", {})]);
  r.summaries = {
    scaling: { slope: 1.9, crossover: null, note: "x", goal: { recall: 0.99, met: true } },
    other: { bad: 1 },
  };
  r.summaries.other.bad = "NaN";
  assert.deepEqual(headlineMetrics(r), { "scaling.slope": 1.9, "scaling.goal.recall": 0.99 });
});

Deno.test("runId is a safe folder name", () => {
  assert.equal(runId("2026-11-22T01:58:59.147Z"), "2026-11-22T01-58-59Z");
});

Deno.test("readHistory and renderHistory", () => {
  const dir = Deno.makeTempDirSync({ prefix: "history_test_" });
  try {
    const runs = `${dir}/runs`;
    assert.deepEqual(readHistory(runs), { entries: [], problems: [] });
    const mk = (id: string, startedAt: string, slope: number, profile = "quick") => {
      const r = makeResults([okCase("a", {})], { startedAt, profile, commit: `<c${id}>` });
      r.summaries = { "s<x>": { slope } };
      Deno.mkdirSync(`${runs}/${id}`, { recursive: true });
      Deno.writeTextFileSync(`${runs}/${id}/results.json`, JSON.stringify(r));
    };
    mk("r2", "2026-01-02T00:00:00Z", 2);
    mk("r1", "2026-01-01T00:00:00Z", 1);
    mk("r3", "2026-01-03T00:00:00Z", 3, "standard");
    Deno.mkdirSync(`${runs}/broken`);
    Deno.writeTextFileSync(`${runs}/broken/results.json`, "{");
    const h = readHistory(runs);
    assert.deepEqual(h.entries.map((e) => e.id), ["r1", "r2", "r3"]);
    assert.equal(h.problems.length, 1);
    assert.match(h.problems[0], /^broken: .*not valid JSON/);
    assert.equal(h.entries[0].counts.ok, 1);
    assert.equal(h.entries[0].calibrationSeconds, 0.1);

    const html = renderHistory(h.entries, { chartJs: CHART, problems: h.problems });
    assert.ok(!html.includes("<cr1>"), "commit must be escaped");
    assert.match(html, /&lt;cr1&gt;/);
    assert.match(html, /<h3>s&lt;x&gt;\.slope<\/h3>/);
    assert.match(html, /href="runs\/r3\/index\.html"/);
    assert.match(html, /unreadable run broken/);
    assert.ok(html.indexOf("r3") < html.indexOf("r1"), "newest first");
    const data = JSON.parse(
      /<script type="application\/json" id="history-data">(.*?)<\/script>/s.exec(html)![1],
    );
    assert.equal(data.charts.length, 1);
    const sets = data.charts[0].data.datasets;
    assert.deepEqual(sets.map((d: { label: string }) => d.label), ["quick", "standard"]);
    assert.deepEqual(sets[0].data, [1, 2, null]);
    assert.deepEqual(sets[1].data, [null, null, 3]);
    assert.ok(!/<script[^>]+src=/.test(html), "no external scripts");

    const entry = historyEntry("x", makeResults([]));
    assert.match(renderHistory([entry], { chartJs: CHART }), /No numeric suite summaries/);
    assert.match(renderHistory([], { chartJs: CHART }), /No runs kept yet/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});

Deno.test("history: a metric that moved gets a step marker, fitted levels and a step row", () => {
  const levels = [10, 10, 10, 10, 12, 12, 12];
  const entries = levels.map((v, i) => {
    const r = makeResults([okCase("a", {})], {
      startedAt: `2026-01-0${i + 1}T00:00:00.000Z`,
      commit: `c${i}abcdef0123`,
    });
    r.summaries = { budget: { passes: v, flat: 3 } };
    return historyEntry(`r${i}`, r);
  });
  const { steps, levels: fitted } = historySteps(entries);
  assert.deepEqual(steps, [{
    metric: "budget.passes",
    profile: "quick",
    index: 4,
    from: 10,
    to: 12,
  }]);
  assert.deepEqual(fitted.get("budget.passes\u0000quick"), levels);
  const html = renderHistory(entries, { chartJs: CHART });
  assert.match(html, /<table id="steps">/);
  assert.ok(html.indexOf('id="steps"') < html.indexOf("<canvas"), "steps come first");
  assert.match(
    html,
    /<td>budget\.passes<\/td><td>quick<\/td><td><a href="runs\/r4\/index\.html">r4<\/a>/,
  );
  assert.match(html, /1\.200x/);
  const data = JSON.parse(
    /<script type="application\/json" id="history-data">(.*?)<\/script>/s.exec(html)![1],
  );
  // The metric that moved is charted first.
  assert.ok(html.indexOf("<h3>budget.passes</h3>") < html.indexOf("<h3>budget.flat</h3>"));
  const passes = data.charts[0];
  assert.deepEqual(passes.data.labels[4], "c4abcde 2026-01-05 00:00");
  const labels = passes.data.datasets.map((d: { label: string }) => d.label);
  assert.deepEqual(labels, ["quick", "quick: fitted levels", "quick: step"]);
  assert.deepEqual(passes.data.datasets[2].data, [null, null, null, null, 12, null, null]);
  // The flat metric has no step datasets.
  assert.deepEqual(data.charts[1].data.datasets.length, 1);
  assert.equal(data.links[0][4], "runs/r4/index.html");
  assert.equal(data.links.length, data.charts.length);
});
