import assert from "node:assert/strict";
import { sha256Hex } from "../io/checksum.ts";
import { mlpForward } from "../mlp_forward.ts";
import { makeManifoldSurrogate, MANIFOLD_NAME, MANIFOLD_SPEC } from "./manifold.ts";
import { getSyntheticDataset } from "./registry.ts";
import { SURROGATE_DIR, surrogateToJson } from "./surrogate.ts";

Deno.test("manifold64: the committed weights are what the generator makes, checksummed", () => {
  const text = Deno.readTextFileSync(new URL(`${MANIFOLD_NAME}.json`, SURROGATE_DIR));
  assert.equal(surrogateToJson(makeManifoldSurrogate()), text);
  const manifest = JSON.parse(Deno.readTextFileSync(new URL("manifest.json", SURROGATE_DIR)));
  assert.equal(manifest.files[`${MANIFOLD_NAME}.json`], sha256Hex(text));
  // Another seed gives other weights: the generator is not a constant.
  assert.notEqual(surrogateToJson(makeManifoldSurrogate(13)), text);
});

Deno.test("manifold64: draws from the registry, L = 2 -> D = 64, seeded", () => {
  const ds = getSyntheticDataset(MANIFOLD_NAME);
  assert.equal(ds.l, 2);
  assert.equal(ds.d, 64);
  assert.ok(ds.d >= 64);
  const a = ds.draw(500, 4), b = ds.draw(500, 4), c = ds.draw(500, 5);
  assert.equal(a.x.cols, 64);
  assert.equal(a.z.cols, 2);
  assert.deepEqual(a.x.data, b.x.data);
  assert.notDeepEqual(a.x.data, c.x.data);
  // x - f(z) is the noise: mean square sigma2 per coordinate.
  const f = mlpForward(ds.surrogate, a.z);
  let ss = 0, spread = 0;
  for (let i = 0; i < f.data.length; i++) ss += (a.x.data[i] - f.data[i]) ** 2;
  const noise = ss / f.data.length;
  assert.ok(Math.abs(noise - MANIFOLD_SPEC.sigma2) < 0.1 * MANIFOLD_SPEC.sigma2, `${noise}`);
  // The sheet varies far more than the noise along every coordinate on average.
  for (let t = 0; t < 64; t++) {
    let m = 0, v = 0;
    for (let i = 0; i < 500; i++) m += f.data[i * 64 + t] / 500;
    for (let i = 0; i < 500; i++) v += (f.data[i * 64 + t] - m) ** 2 / 500;
    spread += v / 64;
  }
  assert.ok(spread > 10 * MANIFOLD_SPEC.sigma2, `${spread}`);
  assert.equal(ds.analyticDecoder(a.z).data[7], f.data[7]);
});
