import assert from "node:assert/strict";
import * as tf from "@tensorflow/tfjs";
import "@tensorflow/tfjs-backend-wasm";
import { InputError } from "../errors.ts";
import { Rng } from "../rng.ts";
import { hostInverse, SparseGp, sweepInverse } from "./sparse_gp.ts";

await tf.setBackend("wasm");

function randomSpd(m: number, seed: number): number[][] {
  const rng = Rng.stream(seed, "spd");
  const a = Array.from({ length: m }, () => Array.from({ length: m }, () => rng.normal()));
  return a.map((_, i) =>
    a.map((_, j) => a[i].reduce((s, v, k) => s + v * a[j][k], 0) + (i === j ? 0.5 : 0))
  );
}

function choleskyLogDet(k: number[][]): number {
  const m = k.length, l = k.map((r) => r.map(() => 0));
  let logDet = 0;
  for (let j = 0; j < m; j++) {
    let s = k[j][j];
    for (let p = 0; p < j; p++) s -= l[j][p] ** 2;
    l[j][j] = Math.sqrt(s);
    logDet += 2 * Math.log(l[j][j]);
    for (let i = j + 1; i < m; i++) {
      let t = k[i][j];
      for (let p = 0; p < j; p++) t -= l[i][p] * l[j][p];
      l[i][j] = t / l[j][j];
    }
  }
  return logDet;
}

Deno.test("sweep inverse and log det match a plain Cholesky", () => {
  const k = randomSpd(6, 3);
  const out = tf.tidy(() => {
    const kt = tf.tensor2d(k);
    const { inverse, logDet } = sweepInverse(kt);
    return { prod: tf.matMul(kt, inverse).arraySync() as number[][], logDet: logDet.dataSync()[0] };
  });
  for (let i = 0; i < 6; i++) {
    for (let j = 0; j < 6; j++) assert.ok(Math.abs(out.prod[i][j] - (i === j ? 1 : 0)) < 1e-3);
  }
  assert.ok(Math.abs(out.logDet - choleskyLogDet(k)) < 1e-3, `${out.logDet}`);
});

Deno.test("host Cholesky op and sweep agree in value and gradient", () => {
  const k = randomSpd(5, 4);
  const r = tf.tidy(() => tf.randomNormal([5, 5], 0, 1, "float32", 1));
  const run = (f: typeof sweepInverse) =>
    tf.tidy(() => {
      const kt = tf.tensor2d(k);
      const g = tf.grad((kk: tf.Tensor) => {
        const { inverse, logDet } = f(kk as tf.Tensor2D);
        return tf.add(tf.sum(tf.mul(inverse, r)), tf.mul(logDet, 0.7));
      })(kt);
      const { inverse, logDet } = f(kt);
      // K is symmetric: only the symmetric part of the gradient reaches its inputs.
      return {
        g: Array.from(tf.div(tf.add(g, tf.transpose(g)), 2).dataSync()),
        inv: Array.from(inverse.dataSync()),
        ld: logDet.dataSync()[0],
      };
    });
  const a = run(sweepInverse), b = run(hostInverse);
  assert.ok(Math.abs(a.ld - b.ld) < 1e-3);
  a.inv.forEach((v, i) => assert.ok(Math.abs(v - b.inv[i]) < 1e-3 * (1 + Math.abs(v))));
  a.g.forEach((v, i) =>
    assert.ok(Math.abs(v - b.g[i]) < 1e-2 * (1 + Math.abs(v)), `${v} ${b.g[i]}`)
  );
  r.dispose();
});

Deno.test("predictive: mean mu and tiny variance at the inducing inputs, the prior far away", () => {
  const z = tf.tensor2d([[0, 0], [1, 0], [0, 1]]);
  const gp = SparseGp.create(z, {
    outputs: 2,
    lengthscale: 0.5,
    signalVariance: 0.3,
    jitter: 1e-4,
  });
  gp.mean.assign(tf.tensor2d([[1, -1], [2, 0.5], [-0.5, 0]]));
  gp.logDiag.assign(tf.fill([2, 3], Math.log(1e-3)));
  const { near, far, meanAt } = tf.tidy(() => {
    const c = gp.conditional();
    const p1 = gp.predict(z, c);
    const p2 = gp.predict(tf.tensor2d([[10, 10], [-8, 3]]), c);
    return {
      near: p1.variance.arraySync() as number[][],
      far: p2.variance.arraySync() as number[][],
      meanAt: p1.mean.arraySync() as number[][],
    };
  });
  assert.ok(Math.abs(meanAt[1][0] - 2) < 1e-2 && Math.abs(meanAt[0][1] + 1) < 1e-2, `${meanAt}`);
  for (const row of near) for (const v of row) assert.ok(v < 1e-3, `near ${v}`);
  for (const row of far) for (const v of row) assert.ok(Math.abs(v - 0.3) < 1e-4, `far ${v}`);
  gp.dispose();
  z.dispose();
});

Deno.test("KL of the inducing distributions matches the closed form", () => {
  const z = tf.tensor2d([[0], [0.7], [2]]);
  const gp = SparseGp.create(z, { outputs: 1, lengthscale: 1, signalVariance: 1, jitter: 1e-6 });
  // With S = K and mu = 0 (Q = P) the KL is zero; check with a known non-trivial case instead:
  // Q = N(mu, s^2 I), plain KL = 0.5 (tr(K^-1 S) + mu^T K^-1 mu - M + logdet K - logdet S).
  gp.mean.assign(tf.tensor2d([[0.3], [-0.2], [0.5]]));
  gp.logDiag.assign(tf.fill([1, 3], Math.log(0.4)));
  const kl = tf.tidy(() => gp.kl(gp.conditional()).dataSync()[0]);
  const zs = [0, 0.7, 2];
  const k = zs.map((a) => zs.map((b) => Math.exp(-((a - b) ** 2) / 2) + (a === b ? 1e-6 : 0)));
  const kInv = tf.tidy(() => tf.tensor2d(k).arraySync() as number[][]);
  // Plain 3x3 inverse by cofactors.
  const det = k[0][0] * (k[1][1] * k[2][2] - k[1][2] * k[2][1]) -
    k[0][1] * (k[1][0] * k[2][2] - k[1][2] * k[2][0]) +
    k[0][2] * (k[1][0] * k[2][1] - k[1][1] * k[2][0]);
  for (let i = 0; i < 3; i++) {
    for (let j = 0; j < 3; j++) {
      const r = [0, 1, 2].filter((v) => v !== j), c = [0, 1, 2].filter((v) => v !== i);
      const minor = k[r[0]][c[0]] * k[r[1]][c[1]] - k[r[0]][c[1]] * k[r[1]][c[0]];
      kInv[i][j] = ((i + j) % 2 ? -1 : 1) * minor / det;
    }
  }
  const mu = [0.3, -0.2, 0.5], s2 = 0.16;
  let tr = 0, quad = 0;
  for (let i = 0; i < 3; i++) {
    tr += kInv[i][i] * s2;
    for (let j = 0; j < 3; j++) quad += mu[i] * kInv[i][j] * mu[j];
  }
  const plain = 0.5 * (tr + quad - 3 + Math.log(det) - 3 * Math.log(s2));
  assert.ok(Math.abs(kl - plain) < 1e-3 * Math.max(1, Math.abs(plain)), `${kl} vs ${plain}`);
  gp.dispose();
  z.dispose();
});

Deno.test("sparse GP bad input", () => {
  const z = tf.tensor2d([[0], [1]]);
  for (const bad of [0, -1, NaN, Infinity]) {
    assert.throws(() => SparseGp.create(z, { outputs: 1, signalVariance: bad }), InputError);
    assert.throws(() => SparseGp.create(z, { outputs: 1, lengthscale: bad }), InputError);
  }
  assert.throws(() => SparseGp.create(z, { outputs: 0 }), InputError);
  z.dispose();
});
