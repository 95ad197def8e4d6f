/**
 * Plain data for MAPA rows (methods.md sections 4 and 5) shared by the row
 * builders, the cache, the tail sampler and the trainer.
 *
 * @module
 */

/** The kernel behind q(n | x_m). */
export type KernelName = "gaussian" | "bernoulli";

/** How the rows were computed. */
export type RowMethod = "exact" | "hnsw";

/**
 * The top-K rows of the MAPA posterior q(n | x_m) for every data point m,
 * row-major: row m occupies `[m * k, (m + 1) * k)` in `neighbors` and `logq`.
 */
export interface MapaRows {
  /** Number of data points N. */
  n: number;
  /** Neighbours kept per row K. */
  k: number;
  /** Data dimension D. */
  d: number;
  /** Kernel used. */
  kernel: KernelName;
  /** Gaussian bandwidth h (k = exp(-||a-b||^2 / (2h))), or the Bernoulli softening eps. */
  bandwidth: number;
  /** Exact or HNSW-sparsified. */
  method: RowMethod;
  /** Neighbour indices, N x K, each row sorted by decreasing q with the row's own index first. */
  neighbors: Int32Array;
  /** Natural log q(n | x_m) of each neighbour, N x K. */
  logq: Float64Array;
  /**
   * log sum_j k(x_j, x_m) per row (k(x, x) = 1), length N. Exact rows sum
   * every j; HNSW rows sum the k' found plus an unbiased estimate of the rest
   * (see `logNormalizerSe`, `logRestSum`).
   */
  logNormalizer: Float64Array;
  /** Checksum of the data the rows were computed from (src/io/checksum.ts `matrixChecksum`). */
  dataChecksum: string;
  /**
   * Exact rows only: squared distances ||x_n - x_m||^2 of the neighbours,
   * N x K; tie-aware recall against other rows reads the K-th. HNSW rows
   * leave them out: nothing reads them there, and at N = 10^6, K = 16 they
   * take 128 MB.
   */
  sqdist?: Float64Array;
  /**
   * HNSW only: the k' - K extra neighbours past the top K, the tail the
   * sampler draws from. `extraK` = k' - K per row; `extraNeighbors` and
   * `extraLogq` are N x extraK, sorted by decreasing q.
   */
  extraK?: number;
  /** HNSW only: extra neighbour indices, N x extraK. */
  extraNeighbors?: Int32Array;
  /**
   * HNSW only: log q of the extra neighbours (same normaliser as `logq`),
   * N x extraK; float32 when the rows were built with `extraPrecision:
   * "f32"` (src/mapa/hnsw.ts), to halve their memory at large N.
   */
  extraLogq?: Float64Array | Float32Array;
  /**
   * HNSW only: standard error of each row's `logNormalizer` in nats (delta
   * method, se(Z) / Z), from the draws that estimate the rest; 0
   * where the rest was summed exactly. Length N.
   */
  logNormalizerSe?: Float64Array;
  /**
   * HNSW only: log of the estimated kernel sum over the N - k' points outside
   * the k' found (the part of `logNormalizer` the index did not see); the
   * tail sampler splits its proposal with it. -Infinity when nothing is left.
   */
  logRestSum?: Float64Array;
}

/**
 * A pool of tail draws made once per row, so training never rescans the
 * data. Round r of row m holds `s` draws; the tail term of the MAPA bound
 * for that round is sum_s exp(logWeight) * (1/N) p(x_m | z_{index}), which
 * covers both i.i.d. draws (logWeight = -log S - log q~(n)) and Gumbel-top-k
 * draws without replacement (logWeight = -log pi(n), pi(n) = 1 - exp(-exp(
 * log q~(n) - kappa)) the inclusion probability given the threshold kappa,
 * the (S+1)-th largest perturbed log q~: priority sampling, Kool et al. 2019).
 */
export interface TailPool {
  /** Number of rows N. */
  n: number;
  /** Draws per round S. */
  s: number;
  /** Independent rounds per row. */
  rounds: number;
  /** `"iid"` or `"without_replacement"`. */
  scheme: "iid" | "without_replacement";
  /** Drawn indices, N x rounds x S. */
  indices: Int32Array;
  /** Log importance weight of each draw, N x rounds x S. */
  logWeight: Float64Array;
  /** log(1 - Q_K) per row: the log tail mass outside the top K. */
  logTailMass: Float64Array;
}
