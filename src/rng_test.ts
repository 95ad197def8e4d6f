import assert from "node:assert/strict";
import { Rng } from "./rng.ts";

function draws(rng: Rng, n: number): number[] {
  return Array.from({ length: n }, () => rng.nextU32());
}

Deno.test("rng: same (seed, key) gives the same stream", () => {
  assert.deepEqual(draws(Rng.stream(7, "a"), 100), draws(Rng.stream(7, "a"), 100));
});

Deno.test("rng: different seeds or keys give different streams", () => {
  const base = draws(Rng.stream(7, "a"), 20);
  assert.notDeepEqual(draws(Rng.stream(8, "a"), 20), base);
  assert.notDeepEqual(draws(Rng.stream(7, "b"), 20), base);
  // Seeds that differ only above 32 bits must differ too.
  assert.notDeepEqual(draws(Rng.stream(7 + 2 ** 32, "a"), 20), base);
});

Deno.test("rng: a stream does not depend on other streams being used", () => {
  const alone = draws(Rng.stream(3, "case/x"), 10);
  const other = Rng.stream(3, "case/y");
  draws(other, 1000);
  assert.deepEqual(draws(Rng.stream(3, "case/x"), 10), alone);
});

Deno.test("rng: uniform moments and range", () => {
  const rng = Rng.stream(1, "uniform");
  const n = 200_000;
  let sum = 0, sumSq = 0, min = 1, max = 0;
  for (let i = 0; i < n; i++) {
    const u = rng.uniform();
    sum += u;
    sumSq += u * u;
    min = Math.min(min, u);
    max = Math.max(max, u);
  }
  const mean = sum / n;
  assert.ok(min >= 0 && max < 1);
  assert.ok(Math.abs(mean - 0.5) < 0.005, `mean ${mean}`);
  assert.ok(Math.abs(sumSq / n - mean * mean - 1 / 12) < 0.002);
});

Deno.test("rng: normal moments", () => {
  const rng = Rng.stream(2, "normal");
  const n = 200_000;
  let m1 = 0, m2 = 0, m3 = 0, m4 = 0;
  for (let i = 0; i < n; i++) {
    const x = rng.normal();
    m1 += x;
    m2 += x * x;
    m3 += x * x * x;
    m4 += x * x * x * x;
  }
  assert.ok(Math.abs(m1 / n) < 0.01);
  assert.ok(Math.abs(m2 / n - 1) < 0.015);
  assert.ok(Math.abs(m3 / n) < 0.03);
  assert.ok(Math.abs(m4 / n - 3) < 0.08);
});

Deno.test("rng: gumbel mean is the Euler-Mascheroni constant", () => {
  const rng = Rng.stream(3, "gumbel");
  const n = 200_000;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += rng.gumbel();
  assert.ok(Math.abs(sum / n - 0.5772156649) < 0.01);
});

/** Pearson chi-square statistic of observed counts against expected probabilities. */
function chiSquare(counts: number[], probs: number[], n: number): number {
  return counts.reduce((s, c, i) => s + (c - n * probs[i]) ** 2 / (n * probs[i]), 0);
}

Deno.test("rng: categorical and categoricalLogits frequencies pass a chi-square test", () => {
  const weights = [1, 2, 3, 4, 0.5];
  const total = weights.reduce((a, b) => a + b, 0);
  const probs = weights.map((w) => w / total);
  const n = 100_000;
  const rng = Rng.stream(4, "cat");
  const a = new Array(5).fill(0);
  const b = new Array(5).fill(0);
  const logits = weights.map(Math.log);
  for (let i = 0; i < n; i++) {
    a[rng.categorical(weights)]++;
    b[rng.categoricalLogits(logits)]++;
  }
  // 4 degrees of freedom: the 0.999 quantile is 18.47.
  assert.ok(chiSquare(a, probs, n) < 18.47, `categorical chi2 ${chiSquare(a, probs, n)}`);
  assert.ok(chiSquare(b, probs, n) < 18.47, `logits chi2 ${chiSquare(b, probs, n)}`);
});

Deno.test("rng: categorical never picks a zero weight", () => {
  const rng = Rng.stream(5, "zero");
  for (let i = 0; i < 10_000; i++) assert.notEqual(rng.categorical([0, 1, 0, 1, 0]) % 2, 0);
  assert.equal(rng.categoricalLogits([-Infinity, 0, -Infinity]), 1);
});

Deno.test("rng: int and shuffle", () => {
  const rng = Rng.stream(6, "int");
  const counts = new Array(6).fill(0);
  for (let i = 0; i < 60_000; i++) counts[rng.int(6)]++;
  assert.ok(chiSquare(counts, new Array(6).fill(1 / 6), 60_000) < 20.52);
  const items = Int32Array.from({ length: 50 }, (_, i) => i);
  rng.shuffle(items);
  assert.deepEqual([...items].sort((x, y) => x - y), Array.from({ length: 50 }, (_, i) => i));
  assert.notDeepEqual([...items], Array.from({ length: 50 }, (_, i) => i));
});

Deno.test("rng: bad arguments are refused", () => {
  assert.throws(() => new Rng(NaN), RangeError);
  const rng = Rng.stream(1, "bad");
  assert.throws(() => rng.int(0), RangeError);
  assert.throws(() => rng.int(2.5), RangeError);
  assert.throws(() => rng.categorical([0, 0]), RangeError);
  assert.throws(() => rng.categorical([1, NaN]), RangeError);
  assert.throws(() => rng.categoricalLogits([-Infinity]), RangeError);
});

Deno.test("rng: fork gives reproducible child streams", () => {
  const a = Rng.stream(9, "p").fork("child");
  const b = Rng.stream(9, "p").fork("child");
  assert.deepEqual(draws(a, 10), draws(b, 10));
});
