/**
 * The committed standard-profile reference run, rendered by today's report
 * code, in headless Chromium: its Answers section renders first with a row
 * per claim linking to a section, and every chart draws. Skipped when
 * Chromium is missing.
 */
import assert from "node:assert/strict";
import { findChromium, probePage } from "../../src/report/browser_probe.ts";
import { renderReport } from "../../src/report/html.ts";
import { readResults } from "../../src/report/results.ts";
import { buildSections } from "../harness/run_report.ts";
import { SUITES } from "../harness/registry.ts";

const CHROMIUM = findChromium();
const SKIP = CHROMIUM ? "" : " (skipped: chromium not installed; apt-get install -y chromium)";

Deno.test({
  name: `the reference run's page opens with its Answers and every chart draws${SKIP}`,
  ignore: !CHROMIUM,
  sanitizeResources: false,
  fn: async () => {
    const results = readResults(
      new URL("../../reports/reference/results.json", import.meta.url).pathname,
    );
    const page = renderReport(results, buildSections(results, SUITES));
    const probe = await probePage(page, {
      chromium: CHROMIUM!,
      extra: `{ answers: document.querySelectorAll("#answers tbody tr").length,
        links: Array.prototype.map.call(document.querySelectorAll("#answers tbody a"),
          function (a) { return a.getAttribute("href"); }),
        sections: Array.prototype.map.call(document.querySelectorAll("section[id]"),
          function (s) { return s.id; }),
        beforeCharts: document.querySelector("#answers").compareDocumentPosition(
          document.querySelector("canvas")) & Node.DOCUMENT_POSITION_FOLLOWING }`,
    });
    assert.deepEqual(probe.errors, []);
    assert.equal(probe.chartErrors, 0);
    assert.ok(probe.drawn.length >= 20, `${probe.drawn.length} charts`);
    probe.drawn.forEach((n, i) => assert.ok(n > 500, `chart ${i} drew only ${n} pixels`));
    const extra = probe.extra as {
      answers: number;
      links: string[];
      sections: string[];
      beforeCharts: number;
    };
    assert.ok(extra.answers >= 10, `${extra.answers} answer rows`);
    assert.ok(extra.beforeCharts > 0, "answers before the first chart");
    for (const s of ["answers", "budget", "passes", "posterior", "amortization", "scaling"]) {
      assert.ok(extra.sections.includes(s), `no section #${s}`);
    }
    for (const href of extra.links) assert.ok(extra.sections.includes(href.slice(1)), href);
    assert.ok(extra.links.includes("#scaling") && extra.links.includes("#budget"));
  },
});
