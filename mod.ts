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
export { parseResults, readResults, SCHEMA_VERSION } from "./src/report/results.ts";
export type { CaseResult, ReportSection, ResultsFile, RunMeta } from "./src/report/results.ts";
export { renderReport } from "./src/report/html.ts";
export { LEAKY_RELU_ALPHA, mlpForward } from "./src/mlp_forward.ts";
export { matrixChecksum, sha256Hex } from "./src/io/checksum.ts";
export { DATASET_NAMES, datasetDescriptions, getSyntheticDataset } from "./src/data/registry.ts";
export type { Draw, Likelihood, SyntheticDataset } from "./src/data/types.ts";
export { loadSurrogateFile, SURROGATE_ACTIVATION, SURROGATE_HIDDEN } from "./src/data/surrogate.ts";
export { loadMnist, MNIST_PIXELS, MNIST_SPLIT_SIZES } from "./src/data/mnist.ts";
export type { LoadMnistOptions, MnistData, MnistSplit } from "./src/data/mnist.ts";
export { normalCdf, normalQuantile } from "./src/data/normal.ts";
export type { KernelName, MapaRows, RowMethod, TailPool } from "./src/mapa/types.ts";
export { exactRows, exactRowsFor, exactRowsWithStats } from "./src/mapa/exact/mod.ts";
export { WorkerPool } from "./src/mapa/worker_pool.ts";
export type {
  CoreOutput,
  CutoffMode,
  ExactOptions,
  ExactResult,
  ExactStats,
  RowBlock,
} from "./src/mapa/exact/mod.ts";
export { hnswRows, hnswRowsWithStats } from "./src/mapa/hnsw.ts";
export type { HnswOptions, HnswResult, LeftOutMass, NormalizerError } from "./src/mapa/hnsw.ts";
export type { RestCells } from "./src/mapa/rest_cells.ts";
export { findBuilder } from "./src/mapa/row_builder.ts";
export type {
  BuilderInfo,
  BuildStats,
  BuiltRows,
  KnnBuilder,
  KnnOptions,
  KnnTiming,
  RowBuilder,
  RowBuildOptions,
} from "./src/mapa/row_builder.ts";
export { KNN_BUILDERS, ROW_BUILDERS } from "./src/mapa/row_builders.ts";
export { splitExtras } from "./src/mapa/split_extras.ts";
export { makeTailPool } from "./src/mapa/tail.ts";
export type { TailPoolOptions } from "./src/mapa/tail.ts";
export { resolveKernel } from "./src/mapa/kernel.ts";
export type { Kernel, KernelOptions } from "./src/mapa/kernel.ts";
export type { GenerativeModel, Prior } from "./src/types.ts";
export { logLikelihoodQuadrature } from "./src/eval/log_likelihood_quadrature.ts";
export type {
  QuadratureGrid,
  QuadratureOptions,
  QuadratureResult,
} from "./src/eval/log_likelihood_quadrature.ts";
export { iwaeMogLogLikelihood } from "./src/eval/iwae_mog.ts";
export type { IwaeMogOptions, IwaeMogResult } from "./src/eval/iwae_mog.ts";
export { groundTruthModel, testKl } from "./src/eval/held_out_kl.ts";
export type {
  KlEstimator,
  TestKlOptions,
  TestKlUnavailable,
  TestKlValue,
  TestSet,
} from "./src/eval/held_out_kl.ts";
export {
  DEFAULT_TOP_MASS,
  posteriorTrend,
  topMassIndices,
  totalVariation,
  truthPosteriors,
} from "./src/eval/posterior_trend.ts";
export type { TrendOptions, TrendScores, TruthPosterior } from "./src/eval/posterior_trend.ts";
export { averageRanks, spearman } from "./src/eval/spearman.ts";
export { logAddExp, logSumExp, studentTQuantile, summarizeMean } from "./src/eval/stats.ts";
export type { MeanSummary } from "./src/eval/stats.ts";
export { copulaMap } from "./src/eval/latent.ts";
export { type BackendInfo, type BackendRequest, initBackend } from "./src/backend.ts";
export type {
  BatchLoss,
  Method,
  MethodModel,
  MethodOptions,
  PreparedInputs,
  SharedSettings,
  TrainingData,
} from "./src/models/method.ts";
export { fixedInputs } from "./src/models/method.ts";
export { getMethod, type KnownMethodOptions, METHODS } from "./src/models/registry.ts";
export { type NetworkSpec, specFromWeights } from "./src/models/mlp.ts";
export { type CostModel, passCost, PassCounter, type Passes } from "./src/models/passes.ts";
export { fitCopula, fitGmm, recoverPrior } from "./src/models/prior_recovery.ts";
export { groundTruthRows } from "./src/models/mapa_gt.ts";
export { type Budget, checkBudget, type CheckpointMark } from "./src/train/budget.ts";
export {
  type RestartResult,
  train,
  type TrainOptions,
  type TrainProgress,
  type TrainResult,
} from "./src/train/trainer.ts";
export { amortizationGap, optimizeGaussian } from "./src/eval/amortization_gap.ts";
export type { AmortizationGapOptions, AmortizationGapResult } from "./src/eval/amortization_gap.ts";
export { gaussianElbo, importanceLogLikelihood } from "./src/eval/gaussian_q.ts";
export { sharedEstimatorName, sharedLogLikelihood } from "./src/eval/shared_log_likelihood.ts";
export type {
  SharedLogLikelihoodOptions,
  SharedLogLikelihoodResult,
} from "./src/eval/shared_log_likelihood.ts";
export { DEFAULT_INDUCING, gpRf, type GpRfOptions } from "./src/models/gp_rf.ts";
export { DEFAULT_SVI, saVae, type SaVaeOptions, type SviSettings } from "./src/models/sa_vae.ts";
export type { GaussianPosterior } from "./src/models/method.ts";
export {
  compareResults,
  formatComparisonMarkdown,
  formatComparisonText,
} from "./src/report/compare.ts";
export type { CompareOptions, Comparison } from "./src/report/compare.ts";
export type { CaseCoverage } from "./src/report/compare_types.ts";
export { mergeResults } from "./src/report/merge.ts";
export type { LikelihoodKind } from "./src/models/likelihood.ts";
export type { NetworkRole } from "./src/models/passes.ts";
export type { Checkpoint } from "./src/train/trainer.ts";
export type { LearningRateSchedule } from "./src/train/lr_schedule.ts";
export type { GmmOptions } from "./src/models/prior_recovery.ts";
export type { GroundTruthRowsOptions, MapaGtOptions } from "./src/models/mapa_gt.ts";
export type { VaeOptions } from "./src/models/vae.ts";
export type { IwaeOptions } from "./src/models/iwae.ts";
export type { MapaOptions, MapaTailChoices } from "./src/models/mapa.ts";
export type { MapaNaiveOptions } from "./src/models/mapa_naive.ts";
export type { IndexModelOptions } from "./src/models/index_model.ts";
export type { LoadSurrogateOptions, SurrogateFile, SurrogateFit } from "./src/data/surrogate.ts";
export type { MergeOptions, MergeOutcome } from "./src/report/merge.ts";
export type { RenderOptions, SuiteSection } from "./src/report/html.ts";
export type { GaussianQOptions } from "./src/eval/gaussian_q.ts";
export type {
  Calibration,
  CaseSpec,
  CaseStatus,
  ChartSpec,
  JsonValue,
  TableSpec,
} from "./src/report/results.ts";
export type { MetricRow, StatusChange, Verdict } from "./src/report/compare.ts";
export type { MetricKind } from "./src/report/metric_kinds.ts";
