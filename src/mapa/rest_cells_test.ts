import assert from "node:assert/strict";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { buildRestCells, RestProposal } from "./rest_cells.ts";

function cloud(n: number): Matrix {
  const rng = Rng.stream(4, "cloud");
  const data = new Float64Array(n * 2);
  for (let i = 0; i < data.length; i++) data[i] = rng.normal();
  return { rows: n, cols: 2, data };
}

Deno.test("cells partition the points, each in the cell of its nearest pivot", () => {
  const x = cloud(200);
  const cells = buildRestCells(x, { cells: 12, seed: 1 });
  assert.equal(cells.start[12], 200);
  assert.deepEqual(Array.from(cells.members).sort((a, b) => a - b), [...Array(200).keys()]);
  for (let j = 0; j < 200; j++) {
    const d2 = (p: number) =>
      (x.data[2 * j] - cells.pivots[2 * p]) ** 2 +
      (x.data[2 * j + 1] - cells.pivots[2 * p + 1]) ** 2;
    for (let p = 0; p < 12; p++) assert.ok(d2(cells.cellOf[j]) <= d2(p));
    const c = cells.cellOf[j];
    assert.ok(cells.members.subarray(cells.start[c], cells.start[c + 1]).includes(j));
  }
  assert.deepEqual(buildRestCells(x, { cells: 12, seed: 1 }), cells);
  assert.throws(() => buildRestCells(x, { cells: 0 }), /cells must be/);
  assert.throws(() => buildRestCells(x, { cells: 201 }), /cells must be/);
});

Deno.test("a row's proposal sums to one over R, and its draws follow it", () => {
  const x = cloud(120);
  const cells = buildRestCells(x, { cells: 10, seed: 3 });
  const prop = new RestProposal(x, cells, { scale: 2 });
  const found = [5, 6, 7, 40];
  const mark = new Uint8Array(120);
  for (const j of found) mark[j] = 1;
  prop.setRow(5, found);
  const logR = new Float64Array(1);
  const rng = Rng.stream(1, "draws");
  const counts = new Float64Array(120), r = new Float64Array(120);
  const reps = 60000;
  for (let t = 0; t < reps; t++) {
    const j = prop.draw(rng, mark, logR);
    assert.equal(mark[j], 0);
    counts[j]++;
    r[j] = Math.exp(logR[0]);
  }
  let total = 0;
  for (let j = 0; j < 120; j++) {
    if (mark[j]) continue;
    assert.ok(counts[j] > 0, `point ${j} never drawn`);
    total += r[j];
    const se = Math.sqrt(r[j] * (1 - r[j]) / reps);
    assert.ok(Math.abs(counts[j] / reps - r[j]) < 5 * se + 1e-9, `point ${j}`);
  }
  assert.ok(Math.abs(total - 1) < 1e-9, `r sums to ${total}`);
});

Deno.test("a cell's radius reaches its farthest member, and importance weights stay bounded", () => {
  const x = cloud(300);
  const cells = buildRestCells(x, { cells: 10, seed: 2 });
  for (let c = 0; c < 10; c++) {
    let far = 0;
    for (const j of cells.members.subarray(cells.start[c], cells.start[c + 1])) {
      far = Math.max(
        far,
        Math.hypot(
          x.data[2 * j] - cells.pivots[2 * c],
          x.data[2 * j + 1] - cells.pivots[2 * c + 1],
        ),
      );
    }
    assert.ok(Math.abs(cells.radius[c] - far) < 1e-12);
  }
  // A narrow kernel: pivots are poor stand-ins for their members, the case the radius is for.
  const scale = 50, eps = 0.05;
  const proposal = new RestProposal(x, cells, { scale, eps });
  const mark = new Uint8Array(300), inv = new Float64Array(1);
  const rng = Rng.stream(3, "bounded");
  for (const m of [0, 77, 150, 299]) {
    mark[m] = 1;
    const zR = Math.exp(proposal.setRow(m, [m]));
    // kmax_c: the kernel at the nearest a member of c can be to x_m.
    let sum = 0;
    for (let c = 0; c < 10; c++) {
      const dist = Math.hypot(
        x.data[2 * m] - cells.pivots[2 * c],
        x.data[2 * m + 1] - cells.pivots[2 * c + 1],
      );
      const near = Math.max(0, dist - cells.radius[c]);
      sum += (cells.start[c + 1] - cells.start[c]) * Math.exp(-scale * near * near);
    }
    // k(x_m, x_n) <= kmax of its cell, so k / r <= Z_R * sum_c |c| kmax_c / (1 - eps).
    let worst = 0;
    for (let t = 0; t < 20000; t++) {
      const j = proposal.drawInverse(rng, mark, inv);
      const d2 = (x.data[2 * j] - x.data[2 * m]) ** 2 +
        (x.data[2 * j + 1] - x.data[2 * m + 1]) ** 2;
      worst = Math.max(worst, Math.exp(-scale * d2) * inv[0]);
    }
    assert.ok(worst <= zR * sum / (1 - eps) * (1 + 1e-9), `row ${m}: weight ${worst}`);
    mark[m] = 0;
  }
});
