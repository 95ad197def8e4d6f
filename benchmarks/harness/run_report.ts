/**
 * A run's report from its results: each suite's summary, then its page
 * section (its own `report()` or a generic case table), written beside
 * results.json. A suite whose `summarize()` or `report()` throws costs its
 * own figures, never the page.
 *
 * @module
 */

import { writeFileAtomic } from "../../src/io/atomic_write.ts";
import type { SuiteSection } from "../../src/report/html.ts";
import { readResults, type ResultsFile } from "../../src/report/results.ts";
import { writeReportFiles } from "../../src/report/write.ts";
import { errorText, type Suite } from "./suite.ts";

/**
 * The page sections for `results`: per suite in the run (in `meta.suites`
 * order, then any others found in the cases), the suite's own `report()`
 * when it has one, else a generic case table. A throwing `report()` is shown
 * as a problem note above the generic table, not as a crash.
 */
export function buildSections(results: ResultsFile, suites: Suite[]): SuiteSection[] {
  const names = [
    ...new Set([...(results.meta.suites ?? []), ...results.cases.map((c) => c.suite)]),
  ];
  return names.map((name) => {
    const suite = suites.find((s) => s.name === name);
    const cases = results.cases.filter((c) => c.suite === name);
    const out: SuiteSection = { suite: name, description: suite?.description, cases };
    if (suite?.report) {
      try {
        out.section = suite.report(cases, results.summaries[name] ?? {});
      } catch (e) {
        out.problems = [`report() of suite ${name} failed: ${errorText(e)}`];
      }
    }
    return out;
  });
}

/** Calls each suite's `summarize()` on its cases; a throwing one records `{ error }`. */
export function summarize(results: ResultsFile, suites: Suite[]): void {
  for (const suite of suites) {
    if (!suite.summarize) continue;
    const cases = results.cases.filter((c) => c.suite === suite.name);
    try {
      results.summaries[suite.name] = suite.summarize(cases);
    } catch (e) {
      results.summaries[suite.name] = { error: `summarize() failed: ${errorText(e)}` };
    }
  }
}

/**
 * Summarises `res`, saves it with `save`, and writes its page and CSV into
 * `outDir`; returns the paths written.
 */
export function finishReport(
  outDir: string,
  res: ResultsFile,
  options: { suites: Suite[]; chartJs?: string; save: () => void },
) {
  summarize(res, options.suites);
  options.save();
  return writeReportFiles(outDir, res, {
    sections: buildSections(res, options.suites),
    chartJs: options.chartJs,
  });
}

/**
 * Writes results.csv and index.html (and the summaries into results.json) from
 * the cases already in `outDir/results.json`: for a run that must quit at once
 * (a second Ctrl-C) without losing the page of what finished. Returns the
 * page's path, or undefined when there is no results file yet.
 */
export function writeReportFromDisk(
  outDir: string,
  suites: Suite[],
  options: { chartJs?: string } = {},
): string | undefined {
  const path = `${outDir}/results.json`;
  let res: ResultsFile;
  try {
    res = readResults(path);
  } catch {
    return undefined;
  }
  const save = () => writeFileAtomic(path, JSON.stringify(res, null, 2) + "\n");
  return finishReport(outDir, res, { suites, chartJs: options.chartJs, save }).html;
}
