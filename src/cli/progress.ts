/**
 * The benchmark run's progress on stderr: a redrawn bar on a terminal, plain
 * throttled lines otherwise, so CI logs stay readable instead of holding
 * thousands of bars.
 *
 * @module
 */

/** How a {@linkcode Progress} writes and tells time; defaults to stderr and `performance.now`. */
export interface ProgressOptions {
  /** Writes raw text (default: stderr). */
  write?: (text: string) => void;
  /** Draw a redrawn bar (default: whether stderr is a terminal). */
  isTty?: boolean;
  /** Milliseconds clock (default `performance.now`). */
  now?: () => number;
  /** Terminal width for the bar (default: the console's width, else 100). */
  columns?: number;
  /** Least milliseconds between two plain progress lines of one case (default 30 000). */
  plainIntervalMs?: number;
}

/** `83` -> `1m23s`: short durations for the bar. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "?";
  if (seconds < 9.95) return `${seconds.toFixed(1)}s`;
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, "0")}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, "0")}m`;
}

const encoder = new TextEncoder();

function stderrWrite(text: string): void {
  const bytes = encoder.encode(text);
  let done = 0;
  while (done < bytes.length) done += Deno.stderr.writeSync(bytes.subarray(done));
}

function consoleColumns(): number {
  try {
    const columns = Deno.consoleSize().columns;
    return columns >= 40 ? columns : 100;
  } catch {
    return 100;
  }
}

/**
 * Progress of a run of `total` cases. Call `startCase`, any number of
 * `update`/`log`, then `endCase`, once per case; `finish` at the end.
 */
export class Progress {
  #total: number;
  #write: (text: string) => void;
  #tty: boolean;
  #now: () => number;
  #columns: number;
  #plainInterval: number;
  #start: number;
  #done = 0;
  #label = "";
  #caseLabel = "";
  #fraction = 0;
  #caseStart = 0;
  #lastDraw = -Infinity;
  #barShown = false;

  /** Progress over `total` cases. */
  constructor(total: number, options: ProgressOptions = {}) {
    this.#total = total;
    this.#write = options.write ?? stderrWrite;
    this.#tty = options.isTty ?? Deno.stderr.isTerminal();
    this.#now = options.now ?? (() => performance.now());
    this.#columns = options.columns ?? (this.#tty ? consoleColumns() : 100);
    this.#plainInterval = options.plainIntervalMs ?? 30_000;
    this.#start = this.#now();
  }

  #prefix(): string {
    return `[${this.#done + 1}/${this.#total}] ${this.#label}`;
  }

  #timing(): string {
    const elapsed = (this.#now() - this.#start) / 1000;
    const progressed = this.#done + Math.min(Math.max(this.#fraction, 0), 1);
    const eta = progressed > 0 ? elapsed * (this.#total - progressed) / progressed : NaN;
    return `elapsed ${formatDuration(elapsed)}, ETA ${formatDuration(eta)}`;
  }

  #clearBar(): void {
    if (this.#tty && this.#barShown) {
      this.#write("\r\x1b[2K");
      this.#barShown = false;
    }
  }

  #drawBar(): void {
    const width = 20;
    const filled = Math.round(Math.min(Math.max(this.#fraction, 0), 1) * width);
    const bar = "#".repeat(filled) + "-".repeat(width - filled);
    const pct = `${Math.floor(this.#fraction * 100)}%`.padStart(4);
    const label = this.#caseLabel ? ` ${this.#caseLabel}` : "";
    // Fit the terminal by shortening the names, never the timing: a cut line lost elapsed/ETA.
    const tail = ` [${bar}] ${pct}${label} | ${this.#timing()}`;
    const room = this.#columns - 1;
    let line = this.#prefix() + tail;
    if (line.length > room) {
      const short = ` [${bar}] ${pct} | ${this.#timing()}`;
      const prefix = this.#prefix();
      const keep = room - short.length;
      line = keep >= prefix.length
        ? prefix + short
        : keep > 1
        ? prefix.slice(0, keep - 1) + "…" + short
        : `${pct} | ${this.#timing()}`.slice(0, Math.max(room, 0));
    }
    this.#write(`\r\x1b[2K${line}`);
    this.#barShown = true;
    this.#lastDraw = this.#now();
  }

  /** Begins the next case, shown as `label` (e.g. `suite/name`). */
  startCase(label: string): void {
    this.#label = label;
    this.#caseLabel = "";
    this.#fraction = 0;
    this.#caseStart = this.#now();
    if (this.#tty) this.#drawBar();
    else {
      this.#write(`${this.#prefix()} started\n`);
      this.#lastDraw = this.#now();
    }
  }

  /** The running case's own progress in [0, 1] (shown never decreasing) and a short label. */
  update(fraction: number, label?: string): void {
    // Never backwards within a case: a case that repeats a timed phase restarts its own 0..1.
    const f = Number.isFinite(fraction) ? Math.min(Math.max(fraction, 0), 1) : 0;
    this.#fraction = Math.max(this.#fraction, f);
    if (label !== undefined) this.#caseLabel = label;
    const since = this.#now() - this.#lastDraw;
    if (this.#tty) {
      if (since >= 100) this.#drawBar();
    } else if (since >= this.#plainInterval) {
      const label = this.#caseLabel ? ` ${this.#caseLabel}` : "";
      this.#write(
        `${this.#prefix()} ${Math.floor(this.#fraction * 100)}%${label} (${this.#timing()})\n`,
      );
      this.#lastDraw = this.#now();
    }
  }

  /** Prints `message` on its own line (above the bar on a terminal). */
  log(message: string): void {
    this.#clearBar();
    this.#write(`${message}\n`);
    if (this.#tty && this.#label) this.#drawBar();
  }

  /** Ends the running case with its status and, when it did not succeed, why. */
  endCase(status: string, error?: string): void {
    const seconds = (this.#now() - this.#caseStart) / 1000;
    const why = error ? `: ${error}` : "";
    this.#clearBar();
    this.#done++;
    this.#fraction = 0;
    const line = `[${this.#done}/${this.#total}] ${this.#label} ${status} in ${
      formatDuration(seconds)
    }${why} (${this.#timing()})`;
    this.#write(`${line}\n`);
    this.#label = "";
  }

  /** Clears the bar and prints a closing line. */
  finish(message: string): void {
    this.#clearBar();
    this.#write(`${message}\n`);
  }
}
