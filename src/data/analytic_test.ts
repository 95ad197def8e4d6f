import assert from "node:assert/strict";
import { analyticDecode, SYNTHETIC_NAMES, SYNTHETIC_SPECS } from "./analytic.ts";
import { normalQuantile } from "./normal.ts";

function decode(name: keyof typeof SYNTHETIC_SPECS, z: number): number[] {
  const out = new Float64Array(SYNTHETIC_SPECS[name].d);
  SYNTHETIC_SPECS[name].decode(z, out);
  return Array.from(out);
}

Deno.test("specs carry the constants of methods.md section 10", () => {
  assert.deepEqual([...SYNTHETIC_NAMES], [
    "figure8",
    "circle",
    "absolute_value",
    "clusters",
    "spiral_dots",
  ]);
  const want = { figure8: [2, 0.01], circle: [2, 0.01], absolute_value: [1, 0.01] };
  for (const [n, [d, s2]] of Object.entries(want)) {
    assert.equal(SYNTHETIC_SPECS[n as "circle"].d, d);
    assert.equal(SYNTHETIC_SPECS[n as "circle"].sigma2, s2);
  }
  assert.equal(SYNTHETIC_SPECS.clusters.sigma2, 0.005);
  assert.equal(SYNTHETIC_SPECS.spiral_dots.sigma2, 0.005);
});

Deno.test("analytic decoders: closed-form points", () => {
  const near = (a: number[], b: number[], tol = 1e-9) =>
    a.forEach((v, i) => assert.ok(Math.abs(v - b[i]) < tol, `${a} vs ${b}`));
  // circle: z = 0 is half way round.
  near(decode("circle", 0), [-1, 0]);
  near(decode("absolute_value", -1.5), [1.5]);
  // figure8: z = 0 gives u = 1.5 pi, the crossing at the origin.
  near(decode("figure8", 0), [0, 0]);
  // clusters: deep in the tails the staircase is flat at 0 and C - 1 steps.
  near(decode("clusters", -4), [1, 0], 1e-12);
  const a = 2 * Math.PI * 4 / 5;
  near(decode("clusters", 4), [Math.cos(a), Math.sin(a)], 1e-12);
  // Each cluster gets prior mass 1/5: the quantile 0.3 is mid-plateau of the second cluster.
  near(decode("clusters", normalQuantile(0.3)), [
    Math.cos(2 * Math.PI / 5),
    Math.sin(2 * Math.PI / 5),
  ], 1e-5);
  // spiral_dots: first dot at t = pi/2, last at pi/2 + 3.5 pi 7/8.
  near(decode("spiral_dots", -4), [0, 0.25 * Math.PI / 2], 1e-12);
  const t = Math.PI / 2 + 3.5 * Math.PI * 7 / 8;
  near(decode("spiral_dots", 4), [0.25 * t * Math.cos(t), 0.25 * t * Math.sin(t)], 1e-12);
});

Deno.test("analytic decoders: geometry on a grid", () => {
  const n = 2001;
  const z = { rows: n, cols: 1, data: new Float64Array(n) };
  for (let i = 0; i < n; i++) z.data[i] = -5 + 10 * i / (n - 1);
  const circle = analyticDecode(SYNTHETIC_SPECS.circle, z);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(Math.hypot(circle.data[2 * i], circle.data[2 * i + 1]) - 1) < 1e-12);
  }
  const f8 = analyticDecode(SYNTHETIC_SPECS.figure8, z);
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(f8.data[2 * i]) <= Math.SQRT2 / 2 + 1e-12);
    // |y| = sqrt2 |cos u sin u| / (1 + sin^2 u) peaks at 1/2 where sin^2 u = 1/3.
    assert.ok(Math.abs(f8.data[2 * i + 1]) <= 0.5 + 1e-12);
  }
  assert.throws(() =>
    analyticDecode(SYNTHETIC_SPECS.circle, { rows: 1, cols: 2, data: new Float64Array(2) })
  );
});
