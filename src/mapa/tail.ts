/**
 * Tail sampling for the MAPA bound (methods.md section 5): draws from the
 * renormalised tail q~(n | x_m) = q(n | x_m) / (1 - Q_K) outside the top K,
 * made once into a {@linkcode TailPool} so training never rescans the data.
 *
 * Two schemes, one log-weight convention (see TailPool in types.ts):
 * - `"iid"`: exact i.i.d. draws by inverse CDF over the tail, logWeight =
 *   -log S - log q~(n);
 * - `"without_replacement"`: Gumbel-top-S over the tail with the (S+1)-th
 *   perturbed key kappa as threshold, logWeight = -log pi(n),
 *   pi(n) = 1 - exp(-exp(log q~(n) - kappa)) (priority sampling, Kool et al.
 *   2019); the weighted sum is an unbiased estimate of any tail sum. Once
 *   S + 1 keys are held, exponential jumps over the cumulative weight find
 *   the candidates that enter (Efraimidis and Spirakis 2006): the same law
 *   as perturbing every candidate, with one exp per candidate instead of a
 *   Gumbel draw and a log-sum-exp (3x faster at N = 30,000).
 *
 * Exact rows take their tail from all N points (one O(N) pass per row);
 * HNSW rows take it from their k' - K extra neighbours. Slots a short tail
 * cannot fill hold the row's own index with logWeight -Infinity (weight 0).
 *
 * @module
 */

import { offerTopKey } from "./top_keys.ts";
import { expNonPositive } from "./fast_exp.ts";
import { InputError } from "../errors.ts";
import { matrixChecksum } from "../io/checksum.ts";
import { logSumExp } from "../eval/stats.ts";
import { Rng } from "../rng.ts";
import type { Matrix } from "../types.ts";
import { kernelOfRows } from "./kernel.ts";
import type { MapaRows, TailPool } from "./types.ts";

/** Options for {@linkcode makeTailPool}. */
export interface TailPoolOptions {
  /** Draws per round S (>= 1). */
  s: number;
  /** Independent rounds per row; default 1. */
  rounds?: number;
  /** Sampling scheme; default `"without_replacement"` (methods.md 5: beyond the paper). */
  scheme?: "iid" | "without_replacement";
  /** Seed; row m draws from `Rng.stream(seed, "mapa-tail/<m>")`, independent of the others. */
  seed?: number;
  /** Called with the fraction of rows done. */
  onProgress?: (fraction: number) => void;
}

/**
 * Draws one row's tail: `cand[0..len)` are candidate indices with log
 * weights `logw` (any common offset), writing `rounds * s` draws at `base`.
 */
export function sampleTail(
  cand: Int32Array,
  logw: Float64Array,
  len: number,
  self: number,
  opts: { s: number; rounds: number; scheme: "iid" | "without_replacement"; rng: Rng },
  out: { indices: Int32Array; logWeight: Float64Array; base: number },
  scratch: Float64Array,
): void {
  const { s, rounds, scheme, rng } = opts;
  const total = rounds * s;
  let max = -Infinity;
  for (let i = 0; i < len; i++) if (logw[i] > max) max = logw[i];
  if (len === 0 || max === -Infinity) {
    out.indices.fill(self, out.base, out.base + total);
    out.logWeight.fill(-Infinity, out.base, out.base + total);
    return;
  }
  if (scheme === "iid") {
    // Inverse CDF over cumulative weights relative to the largest one.
    let acc = 0;
    for (let i = 0; i < len; i++) {
      acc += expNonPositive(logw[i] - max);
      scratch[i] = acc;
    }
    const logZ = max + Math.log(acc);
    const logS = Math.log(s);
    for (let t = 0; t < total; t++) {
      const u = rng.uniform() * acc;
      let lo = 0, hi = len - 1;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (scratch[mid] > u) hi = mid;
        else lo = mid + 1;
      }
      // Skip zero-weight candidates a rounding tie could land on.
      while (lo > 0 && logw[lo] === -Infinity) lo--;
      out.indices[out.base + t] = cand[lo];
      out.logWeight[out.base + t] = -logS - (logw[lo] - logZ);
    }
    return;
  }
  // Gumbel-top-S, keeping the S + 1 largest keys in a min-heap.
  const cap = s + 1;
  const keys = new Float64Array(cap);
  const who = new Int32Array(cap);
  const heap = { keys, who };
  for (let r = 0; r < rounds; r++) {
    const size = gumbelTopKeys(logw, len, { max, rng }, heap);
    const base = out.base + r * s;
    if (size <= s) {
      // The whole tail is taken: every inclusion probability is 1.
      for (let t = 0; t < s; t++) {
        out.indices[base + t] = t < size ? cand[who[t]] : self;
        out.logWeight[base + t] = t < size ? 0 : -Infinity;
      }
      continue;
    }
    const kappa = keys[0];
    // Slots 1..s of the min-heap are the S largest keys (slot 0 is the threshold).
    for (let t = 0; t < s; t++) {
      const i = who[t + 1];
      const pi = -Math.expm1(-Math.exp(logw[i] - kappa));
      out.indices[base + t] = cand[i];
      out.logWeight[base + t] = -Math.log(pi);
    }
  }
}

/**
 * The `keys.length` largest perturbed keys logw[i] + G_i (G_i i.i.d.
 * Gumbel) over `logw[0..len)` into the min-heap `heap`, with the same joint
 * law as perturbing every candidate, in O(len) additions and one exp per
 * candidate but far fewer random draws (O(cap log(len / cap)) for weights in
 * random order; while kappa lies over 709 nats below the largest weight,
 * where exp(max - kappa) overflows, candidates are perturbed one by one): once the heap is
 * full, a candidate enters only when its key passes the heap's smallest,
 * kappa, which it does with probability 1 - exp(-w_i T) (w_i = exp(logw_i -
 * max), T = exp(max - kappa)), independently of the others. The gaps of
 * cumulative weight between entries are then Exp(T), so one exponential
 * jump finds the next candidate to enter, and its key is drawn conditioned
 * on passing kappa (Efraimidis and Spirakis's exponential jumps, 2006).
 * Returns the heap's size (fewer than its capacity when fewer candidates
 * have weight).
 */
function gumbelTopKeys(
  logw: Float64Array,
  len: number,
  opts: { max: number; rng: Rng },
  heap: { keys: Float64Array; who: Int32Array },
): number {
  const { max, rng } = opts, { keys } = heap, cap = keys.length;
  let size = 0, i = 0;
  for (; i < len && size < cap; i++) {
    if (logw[i] === -Infinity) continue;
    size = offerTopKey(heap, size, { key: logw[i] + rng.gumbel(), index: i });
  }
  if (size < cap) return size;
  let t = Math.exp(max - keys[0]);
  let jump = -Math.log(rng.uniformOpen()) / t, acc = 0;
  for (; i < len; i++) {
    if (t === Infinity) {
      // kappa lies over 709 nats below the largest weight: T overflows, and w may underflow,
      // so perturb each candidate directly until the threshold rises into range.
      if (logw[i] === -Infinity) continue;
      size = offerTopKey(heap, size, { key: logw[i] + rng.gumbel(), index: i });
      t = Math.exp(max - keys[0]);
      if (t < Infinity) {
        jump = -Math.log(rng.uniformOpen()) / t;
        acc = 0;
      }
      continue;
    }
    const w = expNonPositive(logw[i] - max);
    acc += w;
    if (acc < jump) continue;
    // Enters: its key conditioned on passing kappa, via Exp(w) truncated to [0, T).
    const ratio = -Math.log1p(rng.uniformOpen() * Math.expm1(-w * t)) / w;
    size = offerTopKey(heap, size, { key: max - Math.log(ratio), index: i });
    t = Math.exp(max - keys[0]);
    jump = -Math.log(rng.uniformOpen()) / t;
    acc = 0;
  }
  return size;
}

/**
 * Makes the tail pool for `rows` over the data `x` they were computed from
 * (checked against `rows.dataChecksum`). Exact rows draw from all points
 * outside each row's top K; HNSW rows from their k' - K extra neighbours.
 */
export function makeTailPool(x: Matrix, rows: MapaRows, options: TailPoolOptions): TailPool {
  const s = options.s;
  const rounds = options.rounds ?? 1;
  const scheme = options.scheme ?? "without_replacement";
  const seed = options.seed ?? 0;
  if (!Number.isInteger(s) || s < 1) throw new InputError(`S must be an integer >= 1, got ${s}`);
  if (!Number.isInteger(rounds) || rounds < 1) {
    throw new InputError(`rounds must be an integer >= 1, got ${rounds}`);
  }
  if (scheme !== "iid" && scheme !== "without_replacement") {
    throw new InputError(`unknown tail scheme "${scheme}"; use iid or without_replacement`);
  }
  if (x.rows !== rows.n || x.cols !== rows.d || matrixChecksum(x) !== rows.dataChecksum) {
    throw new InputError("the data do not match the rows' checksum; recompute the rows");
  }
  const { n, k } = rows;
  const indices = new Int32Array(n * rounds * s);
  const logWeight = new Float64Array(n * rounds * s);
  const logTailMass = new Float64Array(n);
  const hnsw = rows.method === "hnsw";
  const width = hnsw ? rows.extraK ?? 0 : n;
  const cand = new Int32Array(width);
  const logw = new Float64Array(width);
  const scratch = new Float64Array(width);
  const scale = kernelOfRows(rows).scale;
  const inTop = new Uint8Array(hnsw ? 0 : n);
  const d = x.cols;
  for (let m = 0; m < n; m++) {
    let len = 0;
    if (hnsw) {
      const e = width;
      for (let i = 0; i < e; i++) {
        const j = rows.extraNeighbors![m * e + i];
        if (j < 0) continue;
        cand[len] = j;
        logw[len++] = rows.extraLogq![m * e + i];
      }
      logTailMass[m] = logSumExp(logw, 0, len);
    } else {
      for (let i = 0; i < k; i++) inTop[rows.neighbors[m * k + i]] = 1;
      for (let j = 0; j < n; j++) {
        if (inTop[j]) continue;
        let d2 = 0;
        for (let t = 0; t < d; t++) {
          const diff = x.data[j * d + t] - x.data[m * d + t];
          d2 += diff * diff;
        }
        cand[len] = j;
        logw[len++] = -scale * d2;
      }
      for (let i = 0; i < k; i++) inTop[rows.neighbors[m * k + i]] = 0;
      logTailMass[m] = logSumExp(logw, 0, len) - rows.logNormalizer[m];
    }
    sampleTail(
      cand,
      logw,
      len,
      m,
      { s, rounds, scheme, rng: Rng.stream(seed, `mapa-tail/${m}`) },
      { indices, logWeight, base: m * rounds * s },
      scratch,
    );
    if (options.onProgress && (m & 255) === 255) options.onProgress((m + 1) / n);
  }
  options.onProgress?.(1);
  return { n, s, rounds, scheme, indices, logWeight, logTailMass };
}
