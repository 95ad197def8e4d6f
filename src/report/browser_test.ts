/**
 * Opens a rendered report in headless Chromium from file:// and checks that
 * the charts drew pixels, a known table cell reads right, no script failed
 * and nothing tried to leave the page. Skipped when Chromium is missing.
 */
import assert from "node:assert/strict";
import { findChromium, probePage } from "./browser_probe.ts";
import { renderReport } from "./html.ts";
import type { CaseResult, ResultsFile } from "./results.ts";
import { makeResults } from "./test_fixtures.ts";

const CHROMIUM = findChromium();
const SKIP = CHROMIUM ? "" : " (skipped: chromium not installed; apt-get install -y chromium)";
if (!CHROMIUM) console.warn(`report browser test${SKIP}`);

const CASES: CaseResult[] = [1, 2, 3, 4].map((n) => ({
  suite: "demo",
  name: `n=${n}`,
  params: { n },
  status: "ok",
  metrics: { ms: n * n * 1.5 },
  seconds: 0.1,
}));

const RESULTS: ResultsFile = makeResults(
  [
    ...CASES,
    {
      suite: "plain",
      name: "p",
      params: {},
      status: "failed",
      metrics: {},
      error: "x",
      seconds: 0,
    },
  ],
  { commit: "fixture", backend: "cpu", suites: ["demo", "plain"], durationSeconds: 10 },
);

Deno.test({
  name: `report renders in headless chromium${SKIP}`,
  ignore: !CHROMIUM,
  sanitizeResources: false,
  fn: async () => {
    const page = renderReport(RESULTS, [
      {
        suite: "demo",
        cases: CASES,
        section: {
          title: "Demo",
          notes: ["fixture"],
          charts: [
            {
              title: "time vs n",
              config: {
                type: "line",
                data: {
                  labels: CASES.map((c) => c.name),
                  datasets: [{ label: "ms", data: CASES.map((c) => c.metrics.ms) }],
                },
              },
            },
            {
              title: "bars",
              config: {
                type: "bar",
                data: { labels: ["a", "b"], datasets: [{ label: "v", data: [3, 5] }] },
              },
            },
          ],
          tables: [{ title: "times", columns: ["n", "ms"], rows: [[2, 6], [3, 13.5]] }],
        },
      },
      { suite: "plain", cases: RESULTS.cases.slice(4) },
    ]);
    const probe = await probePage(page, {
      chromium: CHROMIUM!,
      extra:
        `{ cell: (document.querySelector("#demo table tbody tr td:nth-child(2)") || {}).textContent,
        failed: document.querySelectorAll("tr.failed").length }`,
    });
    assert.deepEqual(probe.errors, []);
    assert.equal(probe.drawn.length, 2);
    for (const n of probe.drawn) assert.ok(n > 500, `a chart drew only ${n} pixels`);
    const extra = probe.extra as { cell: string; failed: number };
    assert.equal(extra.cell, "6");
    assert.equal(extra.failed, 1);
  },
});

Deno.test({
  name: `report: the Answers section renders first and every chart, merged or banded, draws${SKIP}`,
  ignore: !CHROMIUM,
  sanitizeResources: false,
  fn: async () => {
    const results: ResultsFile = {
      ...RESULTS,
      summaries: {
        posterior: {
          trend: {
            circle: { capturesTrend: true, tvToGt: 0.3, tvToGtCiLow: 0.2, tvToGtCiHigh: 0.4 },
          },
        },
      },
    };
    const xy = (ys: number[]) => ys.map((y, i) => ({ x: 1000 * (i + 1), y }));
    const page = renderReport(results, [{
      suite: "posterior",
      cases: CASES,
      section: {
        title: "Posterior",
        notes: [],
        charts: [
          {
            title: "five data sets on one line",
            config: {
              type: "scatter",
              data: {
                datasets: ["a", "b", "c", "d", "e"].map((d, i) => ({
                  label: `MAPA ${d}`,
                  data: xy([9 + i / 100, 15, 22]),
                  showLine: true,
                })),
              },
            },
          },
          {
            title: "band",
            config: {
              type: "line",
              data: {
                labels: ["1", "2", "3"],
                datasets: [
                  { label: "q (low)", data: [1, 2, 3], fill: false, borderWidth: 0 },
                  { label: "q interval", data: [2, 3, 4], fill: "-1", borderWidth: 0 },
                  { label: "q", data: [1.5, 2.5, 3.5] },
                ],
              },
            },
          },
          { title: "nothing", config: { type: "line", data: { datasets: [{ data: [null] }] } } },
          ...[false, true].map((whiskers) => ({
            title: whiskers ? "with error bars" : "without",
            config: {
              type: "scatter",
              data: {
                datasets: [{
                  label: "time",
                  data: xy([1, 2, 3]),
                  ...(whiskers ? { errorBars: [[0.5, 1.5], null, [1, 5]] } : {}),
                }],
              },
              options: { scales: { y: { min: 0, max: 6 } } },
            },
          })),
        ],
        tables: [],
      },
    }]);
    const probe = await probePage(page, {
      chromium: CHROMIUM!,
      extra: `{ answers: document.querySelectorAll("#answers tbody tr").length,
        link: (document.querySelector("#answers tbody a") || {}).getAttribute("href"),
        firstChart: document.querySelector("#answers").compareDocumentPosition(
          document.querySelector("canvas")) & Node.DOCUMENT_POSITION_FOLLOWING,
        legend: Chart.getChart(document.querySelector("canvas")).legend.legendItems.length }`,
    });
    assert.deepEqual(probe.errors, []);
    assert.equal(probe.chartErrors, 0);
    assert.equal(probe.drawn.length, 4, "the empty chart is left out");
    for (const n of probe.drawn) assert.ok(n > 500, `a chart drew only ${n} pixels`);
    const extra = probe.extra as {
      answers: number;
      link: string;
      firstChart: number;
      legend: number;
    };
    assert.equal(extra.answers, 1);
    assert.equal(extra.link, "#posterior");
    assert.ok(extra.firstChart > 0, "answers come before the first chart");
    assert.ok(
      probe.drawn[3] > probe.drawn[2] + 50,
      `whiskers drew ${probe.drawn[3] - probe.drawn[2]} px`,
    );
    // Five series on one line: one legend entry for the mean and one for the band.
    assert.equal(extra.legend, 2);
  },
});
