import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { mlpForward } from "../mlp_forward.ts";
import type { Matrix } from "../types.ts";
import { SYNTHETIC_NAMES } from "./analytic.ts";
import { getSyntheticDataset } from "./registry.ts";
import { loadSurrogateFile, SURROGATE_HIDDEN } from "./surrogate.ts";
import { surrogatePath } from "./synthetic.ts";

/**
 * Largest |surrogate - analytic| on the z grid of [-3, 3] that each stored
 * surrogate must meet (the fit records its exact figures in its file).
 * Measured (max / mean): figure8 6.0e-3 / 1.3e-3, circle 7.0e-3 / 1.7e-3,
 * absolute_value 2.6e-2 / 3.2e-3 (at the kink), clusters 4.7e-3 / 8.3e-4,
 * spiral_dots 1.9e-2 / 1.7e-3; all well below the noise sd (0.07 to 0.1).
 */
const MAX_GRID_ERROR: Record<string, number> = {
  figure8: 0.01,
  circle: 0.01,
  absolute_value: 0.04,
  clusters: 0.01,
  spiral_dots: 0.03,
};

function grid(n: number, lo: number, hi: number) {
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = lo + (hi - lo) * i / (n - 1);
  return { rows: n, cols: 1, data };
}

Deno.test("every surrogate loads, has the stated architecture and fits its decoder", () => {
  for (const name of SYNTHETIC_NAMES) {
    const ds = getSyntheticDataset(name);
    const widths = [ds.surrogate.layers[0].inputs, ...ds.surrogate.layers.map((l) => l.outputs)];
    assert.deepEqual(widths, [1, ...SURROGATE_HIDDEN, ds.d], name);
    const z = grid(3001, -3, 3);
    const a = ds.analyticDecoder(z);
    const b = ds.trueDecoder(z);
    let max = 0;
    for (let i = 0; i < a.data.length; i++) max = Math.max(max, Math.abs(a.data[i] - b.data[i]));
    assert.ok(max < MAX_GRID_ERROR[name], `${name}: max error ${max}`);
    assert.ok(loadSurrogateFile(surrogatePath(name)).fit.gridMaxError < MAX_GRID_ERROR[name]);
  }
});

Deno.test("draw: shapes, determinism, seeds and stream separation", () => {
  const ds = getSyntheticDataset("figure8");
  const a = ds.draw(500, 7);
  const b = ds.draw(500, 7);
  assert.equal(a.x.rows, 500);
  assert.equal(a.x.cols, 2);
  assert.equal(a.z.rows, 500);
  assert.equal(a.z.cols, 1);
  assert.deepEqual(new Uint8Array(a.x.data.buffer), new Uint8Array(b.x.data.buffer));
  assert.deepEqual(new Uint8Array(a.z.data.buffer), new Uint8Array(b.z.data.buffer));
  const c = ds.draw(500, 8);
  assert.notDeepEqual(Array.from(c.z.data), Array.from(a.z.data));
  assert.notDeepEqual(Array.from(c.x.data), Array.from(a.x.data));
  // Prefix property: a smaller draw with the same seed is the start of a larger one.
  const small = ds.draw(10, 7);
  assert.deepEqual(Array.from(small.z.data), Array.from(a.z.data.subarray(0, 10)));
  // x - surrogate(z) is noise of variance sigma2.
  const mean = mlpForward(ds.surrogate, a.z);
  let ss = 0;
  for (let i = 0; i < a.x.data.length; i++) ss += (a.x.data[i] - mean.data[i]) ** 2;
  const v = ss / a.x.data.length;
  assert.ok(Math.abs(v / ds.sigma2 - 1) < 0.15, `noise variance ${v}`);
  let zs = 0;
  for (const z of a.z.data) zs += z * z;
  assert.ok(Math.abs(zs / 500 - 1) < 0.2);
  assert.equal(ds.draw(1, 0).x.rows, 1);
  for (const n of [0, -3, 2.5, NaN, 1_000_001]) {
    assert.throws(() => ds.draw(n, 0), InputError, `n = ${n}`);
  }
  assert.throws(() => ds.draw(5, 1.5), InputError);
});

Deno.test("geometry of each example's draws", () => {
  const n = 4000;
  const noise = (name: string) => 4 * Math.sqrt(getSyntheticDataset(name).sigma2);

  const circle = getSyntheticDataset("circle").draw(n, 1).x;
  for (let i = 0; i < n; i++) {
    const r = Math.hypot(circle.data[2 * i], circle.data[2 * i + 1]);
    assert.ok(Math.abs(r - 1) < noise("circle") + 0.02, `circle radius ${r}`);
  }

  const abs = getSyntheticDataset("absolute_value").draw(n, 1);
  for (let i = 0; i < n; i++) {
    assert.ok(abs.x.data[i] >= -noise("absolute_value"), `abs x ${abs.x.data[i]}`);
    assert.ok(Math.abs(abs.x.data[i] - Math.abs(abs.z.data[i])) < noise("absolute_value") + 0.02);
  }

  const f8 = getSyntheticDataset("figure8").draw(n, 1).x;
  const m8 = noise("figure8") + 0.02;
  for (let i = 0; i < n; i++) {
    assert.ok(Math.abs(f8.data[2 * i]) <= Math.SQRT2 / 2 + m8);
    assert.ok(Math.abs(f8.data[2 * i + 1]) <= 0.5 + m8);
  }

  // Clusters and dots: points sit near the expected centres in the expected
  // proportions. The soft steps (kappa = 50) leave a few percent of the prior
  // mass between centres; the analytic decoder with the same z and noise
  // sets the reference for that fraction.
  const circlePoints = Array.from({ length: 5 }, (_, k) => {
    const a = 2 * Math.PI * k / 5;
    return [Math.cos(a), Math.sin(a)];
  });
  const spiralPoints = Array.from({ length: 8 }, (_, k) => {
    const t = Math.PI / 2 + 3.5 * Math.PI * k / 8;
    return [0.25 * t * Math.cos(t), 0.25 * t * Math.sin(t)];
  });
  for (
    const [name, centres] of [["clusters", circlePoints], ["spiral_dots", spiralPoints]] as const
  ) {
    const ds = getSyntheticDataset(name);
    const { x, z } = ds.draw(n, 1);
    const clean = ds.trueDecoder(z);
    const analytic = ds.analyticDecoder(z);
    for (let i = 0; i < analytic.data.length; i++) analytic.data[i] += x.data[i] - clean.data[i];
    const surrogateSplit = classify(x, centres);
    const analyticSplit = classify(analytic, centres);
    assert.ok(surrogateSplit.between < n * 0.2, `${name}: ${surrogateSplit.between} between`);
    assert.ok(
      Math.abs(surrogateSplit.between - analyticSplit.between) < n * 0.01,
      `${name}: ${surrogateSplit.between} vs analytic ${analyticSplit.between} between`,
    );
    const share = (1 - surrogateSplit.between / n) / centres.length;
    for (const c of surrogateSplit.counts) {
      assert.ok(Math.abs(c / n - share) < 0.04, `${name}: sizes ${surrogateSplit.counts}`);
    }
  }
});

/** Counts the points within 0.3 of each centre; the rest are "between". */
function classify(x: Matrix, centres: readonly (readonly number[])[]) {
  const counts = new Array(centres.length).fill(0);
  let between = 0;
  for (let i = 0; i < x.rows; i++) {
    let best = Infinity;
    let bestK = -1;
    centres.forEach(([cx, cy], k) => {
      const d = Math.hypot(x.data[2 * i] - cx, x.data[2 * i + 1] - cy);
      if (d < best) [best, bestK] = [d, k];
    });
    if (best > 0.3) between++;
    else counts[bestK]++;
  }
  return { counts, between };
}

Deno.test("loadSurrogateFile refuses a tampered copy", () => {
  const dir = Deno.makeTempDirSync();
  try {
    const src = surrogatePath("circle");
    Deno.copyFileSync(src, `${dir}/circle.json`);
    Deno.copyFileSync(new URL("manifest.json", src), `${dir}/manifest.json`);
    assert.equal(loadSurrogateFile(`${dir}/circle.json`).name, "circle");
    const text = Deno.readTextFileSync(`${dir}/circle.json`);
    // Change one digit of one weight: still valid JSON, wrong checksum.
    const i = text.indexOf('"weights":[') + 12;
    const digit = text[i] === "1" ? "2" : "1";
    Deno.writeTextFileSync(`${dir}/circle.json`, text.slice(0, i) + digit + text.slice(i + 1));
    assert.throws(() => loadSurrogateFile(`${dir}/circle.json`), (e: Error) => {
      assert.ok(e instanceof InputError);
      assert.match(e.message, /fail their checksum/);
      assert.ok(!e.message.includes("\n"));
      return true;
    });
    Deno.removeSync(`${dir}/manifest.json`);
    assert.throws(() => loadSurrogateFile(`${dir}/circle.json`), /cannot read surrogate manifest/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
