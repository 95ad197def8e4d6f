/**
 * Letting the event loop run inside long computations. A loop whose awaits
 * all resolve as microtasks (tfjs `data()` on the wasm and cpu backends) never
 * lets timers or signal listeners run, so Ctrl-C went unseen until the whole
 * run ended.
 *
 * @module
 */

/** Options for {@linkcode yieldToEventLoop}. */
export interface YieldOptions {
  /** Least milliseconds between two real yields (default 100). */
  everyMs?: number;
}

let lastYield = performance.now();

/**
 * Yields to the event loop (five macrotask turns) when at least `everyMs` have
 * passed since the last yield anywhere in the process, so signal listeners
 * and timers run; otherwise returns at once. Resolves to the milliseconds
 * spent yielding (0 when it did not), which a timed loop can leave out of its
 * clock.
 */
export async function yieldToEventLoop(options: YieldOptions = {}): Promise<number> {
  const now = performance.now();
  if (now - lastYield < (options.everyMs ?? 100)) return 0;
  // A pending signal takes a few event-loop turns to reach its listener (read, wake the op,
  // resolve its promise); one turn was seen to miss it. Only a timer lets the runtime park
  // and read the signal at all (a message port's turn is ready at once, so with port turns
  // alone a SIGINT was never seen); the further turns go through a message port, a macrotask
  // without the timer's millisecond floor: five timer turns cost about 11 ms, 11% of a
  // training run that yields every 100 ms; one timer and four port turns 2.7 ms
  // (reports/perf/levers.txt).
  await new Promise((resolve) => setTimeout(resolve, 0));
  const { port1, port2 } = new MessageChannel();
  try {
    for (let i = 0; i < 4; i++) {
      await new Promise<void>((resolve) => {
        port1.onmessage = () => resolve();
        port2.postMessage(0);
      });
    }
  } finally {
    // An open port with a listener would keep the process alive.
    port1.close();
    port2.close();
  }
  lastYield = performance.now();
  return lastYield - now;
}
