import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import { Rng } from "../rng.ts";
import {
  posteriorTrend,
  topMassIndices,
  totalVariation,
  truthPosteriors,
} from "./posterior_trend.ts";
import { spearman } from "./spearman.ts";
import { logSumExp } from "./stats.ts";
import { absDecoder, gaussianModel } from "./_test_models.ts";

Deno.test("truth posteriors follow Eq. 7 and the original posterior", () => {
  const truth = gaussianModel(absDecoder(), 0.01);
  const codes: Matrix = { rows: 5, cols: 1, data: new Float64Array([-2, -1.5, 0, 1, 3]) };
  const points: Matrix = { rows: 1, cols: 1, data: new Float64Array([1.25]) };
  const [ref] = truthPosteriors(truth, codes, points);
  // Normalised over n.
  let s = 0;
  for (const v of ref.logQGt) s += Math.exp(v);
  assert.ok(Math.abs(s - 1) < 1e-12);
  // |z| makes z = -1.5 and z = 1 equally likely under q_GT (both 0.25 from x).
  assert.ok(Math.abs(ref.logQGt[1] - ref.logQGt[3]) < 1e-12);
  // Posterior differences = prior differences + likelihood differences.
  const expect = (-0.5 * 9 - (1.25 - 3) ** 2 / 0.02) - (-0.5 * 4 - (1.25 - 2) ** 2 / 0.02);
  assert.ok(Math.abs(ref.logPosterior[4] - ref.logPosterior[0] - expect) < 1e-9);

  // q = q_GT: TV 0, and it ranks the top-mass codes exactly like q_GT.
  const same = posteriorTrend(ref.logQGt, ref, { topMass: 1 });
  assert.ok(same.tvToGt < 1e-12);
  // Codes 2 and 4 hold shares below 1e-12 (e^-75 and e^-150): rounding, not mass.
  assert.equal(same.topMassSize, 3);
  assert.equal(same.spearmanTopMass, 1);
  // The prior breaks the q_GT tie between z = -1.5 and z = 1, so the references differ.
  assert.ok(same.spearmanPosteriorTopMass < 1);
  // A reversed row is far in TV and ranks the other way.
  const z = logSumExp(Float64Array.from(ref.logQGt, (v) => -v));
  const bad = posteriorTrend(Float64Array.from(ref.logQGt, (v) => -v - z), ref, { topMass: 1 });
  assert.equal(bad.spearmanTopMass, -1);
  assert.ok(bad.tvToGt > 0.9, `${bad.tvToGt}`);
});

Deno.test("total variation and the top-mass set on small distributions", () => {
  const l = (ps: number[]) => ps.map(Math.log);
  assert.ok(Math.abs(totalVariation(l([0.5, 0.5, 0]), l([0.25, 0.25, 0.5])) - 0.5) < 1e-12);
  // Unnormalised weights are normalised first.
  assert.ok(totalVariation(l([1, 3]), l([0.25, 0.75])) < 1e-12);
  assert.equal(totalVariation(l([1, 0]), l([0, 1])), 1);
  assert.throws(() => totalVariation([0], [0, 0]), InputError);
  const p = l([0.05, 0.6, 0.3, 0.05]);
  assert.deepEqual(Array.from(topMassIndices(p, { mass: 0.5 })), [1]);
  assert.deepEqual(Array.from(topMassIndices(p, { mass: 0.9 })), [1, 2]);
  assert.deepEqual(Array.from(topMassIndices(p, { mass: 0.91 })).length, 3);
  assert.deepEqual(Array.from(topMassIndices(p, { mass: 1 })), [0, 1, 2, 3]);
  assert.throws(() => topMassIndices(p, { mass: 0 }), InputError);
});

/** A 1-D |z| data set of n points with noise sigma2, and dense MAPA-style rows at bandwidth h. */
function absData(n: number, sigma2: number) {
  const rng = Rng.stream(3, "posterior-trend-test");
  const z = Float64Array.from({ length: n }, () => rng.normal());
  const x = Float64Array.from(z, (v) => Math.abs(v) + Math.sqrt(sigma2) * rng.normal());
  const kernelRow = (m: number, h: number) => {
    const row = Float64Array.from(x, (v) => -((v - x[m]) ** 2) / (2 * h));
    const c = logSumExp(row);
    return row.map((v) => v - c);
  };
  return { z, x, kernelRow };
}

Deno.test("TV to q_GT responds to a wrong bandwidth; all-N Spearman does not", () => {
  const sigma2 = 0.01, n = 300;
  const { z, x, kernelRow } = absData(n, sigma2);
  const truth = gaussianModel(absDecoder(), sigma2);
  const pts = [3, 50, 120, 200, 299];
  const refs = truthPosteriors(
    truth,
    { rows: n, cols: 1, data: z },
    { rows: pts.length, cols: 1, data: Float64Array.from(pts, (m) => x[m]) },
  );
  for (const [i, m] of pts.entries()) {
    const right = kernelRow(m, 2 * sigma2), wide = kernelRow(m, 200 * sigma2);
    const a = posteriorTrend(right, refs[i]), b = posteriorTrend(wide, refs[i]);
    // The old measure: identical ranks at any bandwidth, so it cannot see a 100x error.
    assert.ok(Math.abs(spearman(right, refs[i].logQGt) - spearman(wide, refs[i].logQGt)) < 1e-12);
    assert.ok(spearman(wide, refs[i].logQGt) > 0.8);
    // TV: the right bandwidth is close to q_GT, the 100x one clearly far.
    assert.ok(a.tvToGt < 0.4, `point ${m}: ${a.tvToGt}`);
    assert.ok(b.tvToGt > a.tvToGt + 0.3, `point ${m}: ${a.tvToGt} vs ${b.tvToGt}`);
    assert.ok(a.topMassSize >= 3 && a.topMassSize < n / 2, `${a.topMassSize}`);
  }
});

Deno.test("top-mass Spearman sees a q that misorders the heavy codes; all-N Spearman does not", () => {
  const sigma2 = 0.01, n = 300;
  const { z, x, kernelRow } = absData(n, sigma2);
  const truth = gaussianModel(absDecoder(), sigma2);
  const m = 120;
  const [ref] = truthPosteriors(
    truth,
    { rows: n, cols: 1, data: z },
    { rows: 1, cols: 1, data: Float64Array.from([x[m]]) },
  );
  const right = kernelRow(m, 2 * sigma2);
  // Reverse the order of q's values inside q_GT's top-mass set; the far codes stay right.
  const top = topMassIndices(ref.logQGt);
  const vals = Array.from(top, (i) => right[i]).sort((a, b) => a - b);
  const byGt = Array.from(top).sort((a, b) => ref.logQGt[b] - ref.logQGt[a]);
  const scrambled = Float64Array.from(right);
  byGt.forEach((i, r) => (scrambled[i] = vals[r]));
  const good = posteriorTrend(right, ref), bad = posteriorTrend(scrambled, ref);
  assert.ok(spearman(scrambled, ref.logQGt) > 0.8, `${spearman(scrambled, ref.logQGt)}`);
  assert.ok(good.spearmanTopMass > 0.5, `${good.spearmanTopMass}`);
  assert.ok(bad.spearmanTopMass < 0, `${bad.spearmanTopMass}`);
  assert.ok(bad.tvToGt > good.tvToGt + 0.2, `${good.tvToGt} vs ${bad.tvToGt}`);
});

Deno.test("posterior trend rejects bad input", () => {
  const truth = gaussianModel(absDecoder(), 0.01);
  const codes: Matrix = { rows: 3, cols: 1, data: new Float64Array([0, 1, 2]) };
  const points: Matrix = { rows: 1, cols: 1, data: new Float64Array([0.5]) };
  const [ref] = truthPosteriors(truth, codes, points);
  assert.throws(() => posteriorTrend(new Float64Array(2), ref), InputError);
  assert.throws(
    () => truthPosteriors(truth, codes, { rows: 1, cols: 1, data: new Float64Array([NaN]) }),
    InputError,
  );
  assert.throws(
    () => truthPosteriors(truth, { rows: 1, cols: 2, data: new Float64Array(2) }, points),
    InputError,
  );
});
