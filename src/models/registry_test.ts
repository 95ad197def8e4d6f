import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import type { TrainingData } from "./method.ts";
import { getMethod, METHODS } from "./registry.ts";
import { circleData } from "./testing.ts";

Deno.test("registry: unique names, and every method says what it trains on", () => {
  assert.equal(new Set(METHODS.map((m) => m.name)).size, METHODS.length);
  for (const m of METHODS) {
    assert.ok(m.likelihoods.length > 0, m.name);
    assert.equal(getMethod(m.name), m);
  }
  // The methods whose models give a Gaussian q(z | x) at test time.
  assert.deepEqual(
    METHODS.filter((m) => m.gaussianPosterior).map((m) => m.name),
    ["vae", "iwae", "sa_vae", "gp_rf"],
  );
  assert.throws(() => getMethod("nope"), InputError);
});

Deno.test("prepare: each method makes its options from the shared K and S", async () => {
  const data: TrainingData = {
    x: circleData(60, 1),
    l: 1,
    likelihood: "gaussian",
    sigma2: 0.01,
  };
  const shared = { k: 4, s: 3 };
  const options = async (name: string) => (await getMethod(name).prepare(data, shared)).options;
  assert.deepEqual(await options("vae"), {});
  assert.deepEqual(await options("iwae"), { s: 7 });
  assert.deepEqual(await options("mapa_naive"), { s: 7 });
  // MAPA-GT only passes K and S on, and refuses data without a ground truth at once.
  await assert.rejects(
    () => getMethod("mapa_gt").prepare(data, shared),
    /needs the data's ground truth/,
  );
  const withTruth = { ...data, groundTruth: {} as NonNullable<TrainingData["groundTruth"]> };
  assert.deepEqual((await getMethod("mapa_gt").prepare(withTruth, shared)).options, { k: 4, s: 3 });
  assert.deepEqual(await options("sa_vae"), {});
  assert.deepEqual(await options("gp_rf"), {});
  const mapa = await getMethod("mapa").prepare(data, shared);
  assert.equal(mapa.options.k, 4);
  assert.equal(mapa.options.s, 3);
  const rows = mapa.options.rows!;
  assert.equal(rows.k, 4);
  assert.equal(rows.n, 60);
  assert.equal(rows.dataChecksum, matrixChecksum(data.x));
  assert.ok(mapa.metrics.rowsSeconds >= 0);
});
