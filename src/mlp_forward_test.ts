import assert from "node:assert/strict";
import { LEAKY_RELU_ALPHA, mlpForward } from "./mlp_forward.ts";
import { Rng } from "./rng.ts";
import type { Activation, DenseLayer, Matrix, MlpWeights } from "./types.ts";

function randomNet(widths: number[], acts: Activation[], rng: Rng): MlpWeights {
  const layers: DenseLayer[] = [];
  for (let l = 0; l + 1 < widths.length; l++) {
    layers.push({
      inputs: widths[l],
      outputs: widths[l + 1],
      weights: rng.fillNormal(new Float64Array(widths[l] * widths[l + 1])),
      bias: rng.fillNormal(new Float64Array(widths[l + 1])),
      activation: acts[l],
    });
  }
  return { layers };
}

function actRef(a: Activation, v: number): number {
  switch (a) {
    case "tanh":
      return Math.tanh(v);
    case "relu":
      return Math.max(0, v);
    case "leaky_relu":
      return v < 0 ? LEAKY_RELU_ALPHA * v : v;
    case "sigmoid":
      return 1 / (1 + Math.exp(-v));
    case "linear":
      return v;
  }
}

/** Straightforward per-row reference. */
function naive(net: MlpWeights, x: Matrix): Matrix {
  const last = net.layers[net.layers.length - 1];
  const out = new Float64Array(x.rows * last.outputs);
  for (let i = 0; i < x.rows; i++) {
    let h = Array.from(x.data.slice(i * x.cols, (i + 1) * x.cols));
    for (const layer of net.layers) {
      const next: number[] = [];
      for (let k = 0; k < layer.outputs; k++) {
        let s = layer.bias[k];
        for (let j = 0; j < layer.inputs; j++) s += h[j] * layer.weights[j * layer.outputs + k];
        next.push(actRef(layer.activation, s));
      }
      h = next;
    }
    out.set(h, i * last.outputs);
  }
  return { rows: x.rows, cols: last.outputs, data: out };
}

Deno.test("mlpForward matches a naive forward pass for every activation", () => {
  const rng = Rng.stream(1, "mlp_test");
  const acts: Activation[] = ["tanh", "relu", "leaky_relu", "sigmoid", "linear"];
  // 1100 rows crosses the internal block boundary twice.
  const x: Matrix = { rows: 1100, cols: 3, data: rng.fillNormal(new Float64Array(3300)) };
  for (const a of acts) {
    const net = randomNet([3, 7, 5, 2], [a, a, "linear"], rng);
    const got = mlpForward(net, x);
    const want = naive(net, x);
    assert.equal(got.rows, 1100);
    assert.equal(got.cols, 2);
    for (let i = 0; i < want.data.length; i++) {
      assert.ok(Math.abs(got.data[i] - want.data[i]) < 1e-12, `${a} at ${i}`);
    }
  }
  const net = randomNet([3, 4], ["sigmoid"], rng);
  const big: Matrix = { rows: 1, cols: 3, data: new Float64Array([1e3, -1e3, 800]) };
  for (const v of mlpForward(net, big).data) assert.ok(v >= 0 && v <= 1);
});

Deno.test("mlpForward: single layer, zero rows, and shape errors", () => {
  const net: MlpWeights = {
    layers: [{
      inputs: 1,
      outputs: 1,
      weights: new Float64Array([2]),
      bias: new Float64Array([1]),
      activation: "linear",
    }],
  };
  assert.deepEqual(
    Array.from(mlpForward(net, { rows: 2, cols: 1, data: new Float64Array([3, -1]) }).data),
    [7, -1],
  );
  assert.equal(mlpForward(net, { rows: 0, cols: 1, data: new Float64Array(0) }).rows, 0);
  assert.throws(
    () => mlpForward(net, { rows: 1, cols: 2, data: new Float64Array(2) }),
    RangeError,
  );
  assert.throws(() => mlpForward({ layers: [] }, { rows: 1, cols: 1, data: new Float64Array(1) }));
  const bad = randomNet([2, 3, 2], ["tanh", "linear"], Rng.stream(2, "x"));
  bad.layers[1] = { ...bad.layers[1], inputs: 4, weights: new Float64Array(8) };
  assert.throws(() => mlpForward(bad, { rows: 1, cols: 2, data: new Float64Array(2) }), /layer 1/);
});
