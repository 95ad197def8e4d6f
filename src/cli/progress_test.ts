import assert from "node:assert/strict";
import { formatDuration, Progress } from "./progress.ts";

function recorder(isTty: boolean, plainIntervalMs = 30_000) {
  let t = 0;
  const out: string[] = [];
  const p = new Progress(4, {
    write: (s) => out.push(s),
    isTty,
    now: () => t,
    columns: 80,
    plainIntervalMs,
  });
  return { p, out, advance: (ms: number) => (t += ms) };
}

Deno.test("Progress without a terminal prints throttled plain lines", () => {
  const { p, out, advance } = recorder(false, 30_000);
  p.startCase("suite/a");
  for (let i = 1; i <= 100; i++) {
    advance(1000);
    p.update(i / 100, `step ${i}`);
  }
  p.endCase("ok");
  const text = out.join("");
  assert.ok(!text.includes("\r") && !text.includes("\x1b"), "no terminal control codes");
  const lines = text.trimEnd().split("\n");
  // start, one line per 30 s of updates (3), end.
  assert.equal(lines.length, 5);
  assert.equal(lines[0], "[1/4] suite/a started");
  assert.match(lines[1], /^\[1\/4\] suite\/a 30% step 30 \(elapsed 30s, ETA 6m10s\)$/);
  assert.match(lines[4], /^\[1\/4\] suite\/a ok in 1m40s \(elapsed 1m40s, ETA 5m00s\)$/);
});

Deno.test("Progress on a terminal redraws one line and logs above it", () => {
  const { p, out, advance } = recorder(true);
  p.startCase("suite/b");
  advance(200);
  p.update(0.5, "half");
  p.log("a message");
  advance(50);
  p.update(0.6); // throttled: under 100 ms since the last draw
  p.endCase("failed", "boom");
  p.finish("done");
  const text = out.join("");
  const bars = out.filter((s) => s.startsWith("\r\x1b[2K["));
  assert.ok(bars.some((b) => b.includes("[##########----------]  50% half")));
  assert.ok(!bars.some((b) => b.includes("60%")));
  assert.ok(bars.every((b) => b.length <= 80 + 5), "bar fits the terminal");
  assert.ok(text.includes("\r\x1b[2Ka message\n"));
  assert.match(text, /\[1\/4\] suite\/b failed in 0.3s: boom/);
  assert.ok(text.endsWith("done\n"));
});

Deno.test("Progress on a narrow terminal keeps elapsed and ETA; the bar never goes back", () => {
  let t = 0;
  const out: string[] = [];
  const p = new Progress(12, { write: (s) => out.push(s), isTty: true, now: () => t, columns: 80 });
  p.startCase("scaling/figure8_hnsw_n20000_with_a_rather_long_case_name");
  t += 2000;
  p.update(0.7, "hnsw query 12000/20000 rows");
  t += 200;
  p.update(0.1, "repeat 2");
  const bars = out.filter((s) => s.startsWith("\r\x1b[2K")).map((s) => s.slice(5));
  for (const b of bars) {
    assert.ok(b.length <= 79, `${b.length} columns: ${b}`);
    assert.match(b, /elapsed [0-9.]+s, ETA [0-9.a-z?]+$/, b);
  }
  assert.match(bars[1], /…/);
  assert.match(bars[2], / 70% /, "the repeat's 10% does not move the bar back");
});

Deno.test("formatDuration", () => {
  assert.equal(formatDuration(5.43), "5.4s");
  assert.equal(formatDuration(12.4), "12s");
  assert.equal(formatDuration(83), "1m23s");
  assert.equal(formatDuration(3725), "1h02m");
  assert.equal(formatDuration(NaN), "?");
});
