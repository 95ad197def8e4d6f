/**
 * exp(x) for x <= 0, about twice as fast as `Math.exp` in V8 and within
 * 2 ulp of it (checked in fast_exp_test.ts): the kernel sums of exact rows
 * spend most of their time here, and the tail draws (`sampleTail`, for exact,
 * HNSW and ground-truth rows) take one per candidate.
 *
 * x = (n / 64) ln 2 + r with |r| <= ln 2 / 128, so exp(x) = 2^(n >> 6) *
 * 2^((n & 63) / 64) * exp(r), the two powers of two from tables and exp(r)
 * from a degree-6 Taylor polynomial (truncation below 2^-64). n is rounded
 * with the 1.5 * 2^52 trick: `Math.round` is what made earlier hand-written
 * versions slower than `Math.exp`.
 *
 * @module
 */

/** 2^-k for k = 0..1099 (0 from k = 1075 on). */
const POW2_NEG = new Float64Array(1100).map((_, k) => Math.pow(2, -k));
/** 2^(j / 64) for j = 0..63. */
const POW2_FRAC = new Float64Array(64).map((_, j) => Math.pow(2, j / 64));
const INV_STEP = 64 / Math.LN2;
// ln 2 / 64 split so that t * STEP_HI is exact for the |t| < 2^17 that occur.
const STEP_HI = 6.93147180369123816490e-01 / 64;
const STEP_LO = 1.90821492927058770002e-10 / 64;
const ROUND = 6755399441055744; // 1.5 * 2^52: (v + ROUND) - ROUND rounds v to an integer.
// A product, not r / 720: a division costs several multiplies in the WebAssembly tile, and
// the last term's rounding is far below the 2 ulp bound. pair_tiles.wat writes the same double
// as the literal 0x1.6c16c16c16c17p-10.
const INV_720 = 1 / 720;

/**
 * The tables and constants of {@linkcode expNonPositive}, for the
 * WebAssembly tile (src/mapa/wasm/pair_tiles.wat, `row2`), which must compute the same
 * bits: 2^-k (k = 0..1099), 2^(j/64) (j = 0..63), then INV_STEP, ROUND,
 * STEP_HI, STEP_LO, 1/6, 1/24 and 1/120, as one array.
 */
export function expTables(): Float64Array {
  const out = new Float64Array(1100 + 64 + 7);
  out.set(POW2_NEG);
  out.set(POW2_FRAC, 1100);
  out.set([INV_STEP, ROUND, STEP_HI, STEP_LO, 1 / 6, 1 / 24, 1 / 120], 1164);
  return out;
}

/** exp(x) for x <= 0 (and -Infinity); 0 below the smallest subnormal's range. */
export function expNonPositive(x: number): number {
  if (!(x > -745.2)) return 0;
  const t = (x * INV_STEP + ROUND) - ROUND;
  const r = (x - t * STEP_HI) - t * STEP_LO;
  const n = t | 0;
  const p = 1 + r * (1 + r * (0.5 + r * (1 / 6 + r * (1 / 24 + r * (1 / 120 + r * INV_720)))));
  return POW2_NEG[-(n >> 6)] * POW2_FRAC[n & 63] * p;
}
