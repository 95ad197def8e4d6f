import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { loadMnist, MNIST_PIXELS, mnistPermutation } from "./mnist.ts";

Deno.test("loadMnist: 10,000 binary digits in a fixed 8000/1000/1000 split", () => {
  const m = loadMnist();
  assert.equal(m.train.rows, 8000);
  assert.equal(m.validation.rows, 1000);
  assert.equal(m.test.rows, 1000);
  for (const s of [m.train, m.validation, m.test]) {
    assert.equal(s.cols, MNIST_PIXELS);
    assert.equal(s.data.length, s.rows * MNIST_PIXELS);
    let ones = 0;
    for (const v of s.data) {
      assert.ok(v === 0 || v === 1);
      ones += v;
    }
    // Digits cover roughly 10-20% of the image.
    assert.ok(ones / s.data.length > 0.05 && ones / s.data.length < 0.3);
  }
  assert.equal(m.trainLabels.length, 8000);
  // Every class appears in every split.
  for (const labels of [m.trainLabels, m.validationLabels, m.testLabels]) {
    const seen = new Set(labels);
    assert.equal(seen.size, 10);
  }
  assert.equal(loadMnist(), m);
  // The permutation is a fixed bijection.
  const p = mnistPermutation();
  assert.deepEqual(Array.from(p), Array.from(mnistPermutation()));
  assert.equal(new Set(p).size, 10000);
});

Deno.test("loadMnist: grey values agree with the binary ones", () => {
  const g = loadMnist({ binary: false });
  const b = loadMnist();
  let fractional = 0;
  for (let i = 0; i < 784 * 50; i++) {
    const v = g.test.data[i];
    assert.ok(v >= 0 && v <= 1);
    assert.equal(b.test.data[i], v >= 0.5 ? 1 : 0);
    if (v > 0 && v < 1) fractional++;
  }
  assert.ok(fractional > 0);
  assert.deepEqual(g.testLabels, b.testLabels);
});

Deno.test("loadMnist: a missing package gives an InputError naming the fix", () => {
  assert.throws(() => loadMnist({ digitsDir: "/nonexistent/mnist/digits" }), (e: Error) => {
    assert.ok(e instanceof InputError);
    assert.match(e.message, /deno task setup/);
    return true;
  });
});
