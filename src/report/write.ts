/**
 * Writes a run's report files beside its results.json: index.html and
 * results.csv, each atomically.
 *
 * @module
 */

import { writeFileAtomic } from "../io/atomic_write.ts";
import { formatResultsCsv } from "./csv_export.ts";
import { type RenderOptions, renderReport, type SuiteSection } from "./html.ts";
import type { ResultsFile } from "./results.ts";

/** Paths of the files {@linkcode writeReportFiles} wrote. */
export interface ReportFiles {
  /** The page. */
  html: string;
  /** The CSV export. */
  csv: string;
}

/** Renders and writes `dir/index.html` and `dir/results.csv` for `results`. */
export function writeReportFiles(
  dir: string,
  results: ResultsFile,
  options: RenderOptions & { sections: SuiteSection[] },
): ReportFiles {
  const html = `${dir}/index.html`;
  const csv = `${dir}/results.csv`;
  writeFileAtomic(csv, formatResultsCsv(results.cases));
  writeFileAtomic(html, renderReport(results, options.sections, options));
  return { html, csv };
}
