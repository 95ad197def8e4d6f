/**
 * The project's one seeded random generator: xoshiro128** with independent
 * streams derived from `(seed, key)`, so that adding a benchmark case or a
 * restart never shifts the numbers of another one.
 *
 * @module
 */

const TWO_POW_M53 = 1 / 9007199254740992;

/** FNV-1a over the UTF-16 code units of `text`, folded into `h`. */
function fnv1a(text: string, h: number): number {
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32 step: spreads a 32-bit value so nearby seeds give unrelated states. */
function splitmix32(x: number): number {
  x = (x + 0x9e3779b9) | 0;
  let z = x;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A seeded xoshiro128** generator with uniform, normal, categorical and
 * Gumbel draws.
 *
 * @example
 * ```ts
 * import { Rng } from "./rng.ts";
 * const rng = Rng.stream(42, "figure8/draw");
 * const u = rng.uniform();
 * ```
 */
export class Rng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;
  #spare = NaN;

  /**
   * A generator for an integer `seed` and an optional stream `key`.
   * Prefer {@linkcode Rng.stream}, which reads better at call sites.
   */
  constructor(seed: number, key = "") {
    if (!Number.isFinite(seed)) {
      throw new RangeError(`seed must be a finite number, got ${seed}`);
    }
    // Mix both 32-bit halves of the seed and the key so (seed, key) pairs
    // that differ anywhere give unrelated states.
    const lo = seed >>> 0;
    const hi = Math.floor(seed / 4294967296) >>> 0;
    let h = fnv1a(key, 0x811c9dc5 ^ lo);
    h = splitmix32(h ^ Math.imul(hi, 0x27d4eb2d));
    this.#s0 = splitmix32(h);
    this.#s1 = splitmix32(this.#s0 ^ 0x6a09e667);
    this.#s2 = splitmix32(this.#s1 ^ 0xbb67ae85);
    this.#s3 = splitmix32(this.#s2 ^ 0x3c6ef372);
    if ((this.#s0 | this.#s1 | this.#s2 | this.#s3) === 0) this.#s0 = 1;
    // Discard a few outputs so the first draws are well mixed.
    for (let i = 0; i < 8; i++) this.nextU32();
  }

  /** An independent stream for `(seed, key)`. */
  static stream(seed: number, key: string): Rng {
    return new Rng(seed, key);
  }

  /** A child stream derived from this generator's next output and `key`. */
  fork(key: string): Rng {
    return new Rng(this.nextU32() * 4294967296 + this.nextU32(), key);
  }

  /** The next raw 32-bit output, as an unsigned integer. */
  nextU32(): number {
    const s0 = this.#s0, s1 = this.#s1, s2 = this.#s2, s3 = this.#s3;
    const m = Math.imul(s1, 5);
    const r = Math.imul((m << 7) | (m >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 = s2 ^ s0;
    this.#s3 = s3 ^ s1;
    this.#s1 = s1 ^ this.#s2;
    this.#s0 = s0 ^ this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    return r;
  }

  /** A uniform draw in [0, 1) with 53 random bits. */
  uniform(): number {
    const a = this.nextU32() >>> 5;
    const b = this.nextU32() >>> 6;
    return (a * 67108864 + b) * TWO_POW_M53;
  }

  /** A uniform draw in the open interval (0, 1), safe to take the log of. */
  uniformOpen(): number {
    let u = this.uniform();
    while (u === 0) u = this.uniform();
    return u;
  }

  /** A uniform integer in [0, n). */
  int(n: number): number {
    if (!(n >= 1) || !Number.isInteger(n)) {
      throw new RangeError(`int(n) needs a positive integer n, got ${n}`);
    }
    return Math.floor(this.uniform() * n);
  }

  /** A standard normal draw (Box-Muller; the second value is kept for the next call). */
  normal(): number {
    if (!Number.isNaN(this.#spare)) {
      const v = this.#spare;
      this.#spare = NaN;
      return v;
    }
    const u1 = this.uniformOpen();
    const u2 = this.uniform();
    const r = Math.sqrt(-2 * Math.log(u1));
    const theta = 2 * Math.PI * u2;
    this.#spare = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  /** A standard Gumbel draw, -log(-log u). */
  gumbel(): number {
    return -Math.log(-Math.log(this.uniformOpen()));
  }

  /**
   * An index drawn with probability proportional to `weights` (non-negative,
   * not all zero).
   */
  categorical(weights: ArrayLike<number>): number {
    let total = 0;
    for (let i = 0; i < weights.length; i++) {
      const w = weights[i];
      if (!(w >= 0) || !Number.isFinite(w)) {
        throw new RangeError(`categorical weights must be finite and >= 0, got ${w} at ${i}`);
      }
      total += w;
    }
    if (!(total > 0)) throw new RangeError("categorical weights sum to zero");
    let target = this.uniform() * total;
    for (let i = 0; i < weights.length; i++) {
      target -= weights[i];
      if (target < 0) return i;
    }
    // Rounding can leave target at a hair above zero: take the last positive weight.
    for (let i = weights.length - 1; i >= 0; i--) if (weights[i] > 0) return i;
    return weights.length - 1;
  }

  /** An index drawn with probability proportional to exp(logits), by Gumbel-max. */
  categoricalLogits(logits: ArrayLike<number>): number {
    let best = -1;
    let bestValue = -Infinity;
    for (let i = 0; i < logits.length; i++) {
      if (logits[i] === -Infinity) continue;
      const v = logits[i] + this.gumbel();
      if (v > bestValue) {
        bestValue = v;
        best = i;
      }
    }
    if (best < 0) throw new RangeError("categoricalLogits: every logit is -Infinity");
    return best;
  }

  /** Fills `out` with standard normal draws and returns it. */
  fillNormal<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.normal();
    return out;
  }

  /** Fills `out` with uniform draws in [0, 1) and returns it. */
  fillUniform<T extends Float32Array | Float64Array>(out: T): T {
    for (let i = 0; i < out.length; i++) out[i] = this.uniform();
    return out;
  }

  /** Shuffles `items` in place (Fisher-Yates) and returns it. */
  shuffle<T extends { length: number; [i: number]: unknown }>(items: T): T {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.uniform() * (i + 1));
      const tmp = items[i];
      items[i] = items[j];
      items[j] = tmp;
    }
    return items;
  }
}
