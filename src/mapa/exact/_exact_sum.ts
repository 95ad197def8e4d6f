/**
 * Order-independent sums of kernel values, so that exact rows come out the
 * same bits whatever the order in which tiles, rows and Workers add their
 * parts: the symmetric pass and the row-wise scan agree bit for bit, and a
 * run with 2 Workers equals a run with none.
 *
 * Each part v (a sum of at most one block of kernel values, 0 <= v < 2^25)
 * is split exactly into three limbs on the grids 2^-26, 2^-52 and 2^-78;
 * each limb's running total is a multiple of its grid small enough to be
 * held exactly (for N < 2^27 rows), so adding is associative. Only the
 * third limb rounds (by at most 2^-79 per part, 2^-60 relative for any
 * realistic N), far below the float64 roundoff of the final total.
 *
 * @module
 */

const MA = 1.5 * 2 ** 26;
const MB = 1.5;
const MC = 1.5 * 2 ** -26;

/** Adds part `v` (0 <= v < 2^25) to row `r`'s three limbs `acc[3r .. 3r + 2]`. */
export function addExact(acc: Float64Array, r: number, v: number): void {
  const a = (v + MA) - MA;
  const rest = v - a;
  const b = (rest + MB) - MB;
  const c = ((rest - b) + MC) - MC;
  acc[3 * r] += a;
  acc[3 * r + 1] += b;
  acc[3 * r + 2] += c;
}

/** Row `r`'s total, rounded once from its limbs. */
export function exactTotal(acc: Float64Array, r: number): number {
  return (acc[3 * r] + acc[3 * r + 1]) + acc[3 * r + 2];
}
