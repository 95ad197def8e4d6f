import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import type { Matrix } from "../types.ts";
import { posteriorTrend, truthPosteriors } from "./posterior_trend.ts";
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

  // A row that ranks like the truth correlates 1; a reversed row -1.
  const good = posteriorTrend(Float64Array.from(ref.logQGt, (v) => 2 * v + 1), ref);
  assert.equal(good.spearmanGt, 1);
  const bad = posteriorTrend(Float64Array.from(ref.logQGt, (v) => -v), ref);
  assert.equal(bad.spearmanGt, -1);
  // The prior breaks the q_GT tie between z = -1.5 and z = 1, so the references differ.
  assert.ok(good.spearmanPosterior < 1);
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
