/**
 * mapa-bench: fast, accurate inference in variational autoencoders.
 *
 * @module
 */

export { Rng } from "./src/rng.ts";
export { InputError } from "./src/errors.ts";
export type { Activation, DenseLayer, Matrix, MlpWeights } from "./src/types.ts";
export { formatCsv, parseNumericCsv, readNumericCsv } from "./src/io/csv.ts";
export type { NumericCsv, ParseCsvOptions } from "./src/io/csv.ts";
export { writeFileAtomic } from "./src/io/atomic_write.ts";
