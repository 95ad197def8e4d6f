/**
 * Numeric CSV files: one observation per line, comma-separated, an optional
 * header row.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";

/** A parsed numeric CSV file. */
export interface NumericCsv {
  /** Column names from the header row, or `x0..x{d-1}` when there is none. */
  header: string[];
  /** Whether the file had a header row. */
  hadHeader: boolean;
  /** The values, one row per data line. */
  matrix: Matrix;
}

/** Options for {@linkcode parseNumericCsv}. */
export interface ParseCsvOptions {
  /** Name of the source, used in error messages. Default `"<input>"`. */
  source?: string;
  /**
   * Whether the first line is a header: `"auto"` (default) treats it as one when none of its
   * cells is a number; a first line that mixes numbers and text is an error, not a header.
   */
  header?: "auto" | boolean;
}

function isNumberCell(cell: string): boolean {
  const t = cell.trim();
  return t !== "" && Number.isFinite(Number(t));
}

/**
 * Parses numeric CSV text. Ragged rows, non-numeric, NaN or infinite cells
 * and empty input give an {@linkcode InputError} naming the line and column.
 */
export function parseNumericCsv(text: string, options: ParseCsvOptions = {}): NumericCsv {
  const source = options.source ?? "<input>";
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines[lines.length - 1].trim() === "") lines.pop();
  if (lines.length === 0) {
    throw new InputError(`${source}: the file is empty; expected numeric rows`);
  }
  const first = lines[0].split(",");
  // A header is a row with no numeric cell: taking any non-numeric first row as one silently
  // dropped a data row with a single typo.
  const hadHeader = options.header === "auto" || options.header === undefined
    ? !first.some(isNumberCell)
    : options.header;
  const cols = first.length;
  const header = hadHeader ? first.map((c) => c.trim()) : first.map((_, j) => `x${j}`);
  const start = hadHeader ? 1 : 0;
  const rows = lines.length - start;
  if (rows < 1) throw new InputError(`${source}: the file has a header but no data rows`);
  const data = new Float64Array(rows * cols);
  for (let i = start; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i];
    if (line.trim() === "") {
      throw new InputError(
        `${source}: line ${lineNo} is empty; remove blank lines inside the data`,
      );
    }
    const cells = line.split(",");
    if (cells.length !== cols) {
      throw new InputError(
        `${source}: line ${lineNo} has ${cells.length} columns but line ${
          start + 1
        } has ${cols}; every row needs the same number of columns`,
      );
    }
    const base = (i - start) * cols;
    for (let j = 0; j < cols; j++) {
      const cell = cells[j].trim();
      const v = cell === "" ? NaN : Number(cell);
      if (!Number.isFinite(v)) {
        const what = cell === "" ? "an empty cell" : `"${cell.slice(0, 40)}"`;
        const hint = lineNo === 1 && !hadHeader ? " (a header row must have no numeric cell)" : "";
        throw new InputError(
          `${source}: line ${lineNo}, column ${j + 1} (${
            header[j]
          }) holds ${what}; every cell must be a finite number${hint}`,
        );
      }
      data[base + j] = v;
    }
  }
  return { header, hadHeader, matrix: { rows, cols, data } };
}

/** Reads and parses a numeric CSV file; an unreadable file gives an {@linkcode InputError}. */
export function readNumericCsv(
  path: string,
  options: Omit<ParseCsvOptions, "source"> = {},
): NumericCsv {
  let text: string;
  try {
    text = Deno.readTextFileSync(path);
  } catch (e) {
    const why = e instanceof Deno.errors.NotFound ? "no such file" : (e as Error).message;
    throw new InputError(`cannot read CSV file ${path}: ${why}`);
  }
  return parseNumericCsv(text, { ...options, source: path });
}

/**
 * Keeps the columns named by `spec` (comma-separated header names or 1-based indices, in the
 * order given). An unknown name or an index out of range gives an {@linkcode InputError}.
 */
export function selectColumns(csv: NumericCsv, spec: string): NumericCsv {
  const { rows, cols, data } = csv.matrix;
  const picks = spec.split(",").map((t) => t.trim()).filter((t) => t !== "").map((t) => {
    if (/^[0-9]+$/.test(t) && !csv.header.includes(t)) {
      const j = Number(t);
      if (j < 1 || j > cols) {
        throw new InputError(`--columns: index ${t} is outside 1..${cols}`);
      }
      return j - 1;
    }
    const j = csv.header.indexOf(t);
    if (j < 0) {
      throw new InputError(
        `--columns: no column named "${t}"; the columns are ${csv.header.join(", ")}`,
      );
    }
    return j;
  });
  if (picks.length === 0) throw new InputError(`--columns: name at least one column`);
  const out = new Float64Array(rows * picks.length);
  for (let i = 0; i < rows; i++) {
    for (let c = 0; c < picks.length; c++) out[i * picks.length + c] = data[i * cols + picks[c]];
  }
  return {
    header: picks.map((j) => csv.header[j]),
    hadHeader: csv.hadHeader,
    matrix: { rows, cols: picks.length, data: out },
  };
}

/**
 * The feature columns of a file from `deno task datasets`: the `x0, x1, ...` columns when the
 * header has them and also other columns (such as `z0` or `label`), else undefined (use all).
 */
export function defaultFeatureColumns(csv: NumericCsv): string | undefined {
  if (!csv.hadHeader) return undefined;
  const xs = csv.header.filter((h) => /^x[0-9]+$/.test(h));
  return xs.length > 0 && xs.length < csv.header.length ? xs.join(",") : undefined;
}

/**
 * Formats columns as CSV text with a header row. `blocks` are matrices with
 * the same number of rows, written side by side.
 */
export function formatCsv(header: string[], blocks: Matrix[]): string {
  const rows = blocks[0]?.rows ?? 0;
  const width = blocks.reduce((s, b) => s + b.cols, 0);
  if (header.length !== width) {
    throw new RangeError(`formatCsv: ${header.length} names for ${width} columns`);
  }
  for (const b of blocks) {
    if (b.rows !== rows) throw new RangeError("formatCsv: blocks differ in row count");
  }
  const out: string[] = [header.join(",")];
  const cells: string[] = new Array(width);
  for (let i = 0; i < rows; i++) {
    let c = 0;
    for (const b of blocks) {
      for (let j = 0; j < b.cols; j++) cells[c++] = String(b.data[i * b.cols + j]);
    }
    out.push(cells.join(","));
  }
  return out.join("\n") + "\n";
}
