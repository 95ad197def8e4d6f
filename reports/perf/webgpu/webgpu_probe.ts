// One WebGPU measurement on a machine with a real GPU (reports/perf/webgpu.md).
//
// Built here by build_probe.sh (a `deno bundle` plus the deno binary; `deno compile` needs a
// download this machine cannot make), carried to the lent machine, run once:
//   1. the adapter navigator.gpu offers, and what `--backend auto` (src/backend.ts) picks;
//   2. seconds per training step, tfjs WASM against tfjs WebGPU in the same process, on the
//      passes suite's step shapes (D = 2, L = 2, two hidden layers of 50, batch 100: VAE, IWAE
//      S = 20, MAPA K = S = 10), at batch 1,000, and on the amortization suite's MNIST shape
//      (D = 784, L = 10, one hidden layer of 200; VAE and IWAE S = 5);
//   3. one short budget-suite training run (figure8, N = 1000, VAE and IWAE, 3e5 passes, one
//      draw) on each backend through the suite's own code, to compare their test KL.
// Output: one JSON line per figure on stdout, a table on stderr.
//
// usage: webgpu_probe [timedSteps] [notrain]
import * as tf from "@tensorflow/tfjs";
import { initBackend } from "../../../src/backend.ts";
import { measureSteps } from "../../../src/train/measure_steps.ts";
import { getMethod } from "../../../src/models/registry.ts";
import { Rng } from "../../../src/rng.ts";
import type { TrainingData } from "../../../src/models/method.ts";
import { budgetCases, budgetSuite } from "../../../benchmarks/suites/budget/budget.ts";
import { BUDGET_PROFILES } from "../../../benchmarks/suites/budget/budget_settings.ts";

// src/backend.ts probes the adapter in a child `deno eval`; were this probe compiled, the child
// would be this program, so it answers that probe here the same way and stops.
if (Deno.args[0] === "eval") {
  const a = await navigator.gpu?.requestAdapter().catch(() => null);
  // deno-lint-ignore no-explicit-any
  const i: any = (a as any)?.info ?? {};
  console.log(JSON.stringify(
    a
      ? {
        info: {
          description: i.description,
          vendor: i.vendor,
          device: i.device,
          isFallbackAdapter: i.isFallbackAdapter,
        },
      }
      : null,
  ));
  Deno.exit(0);
}

const timed = Number(Deno.args[0] ?? 40);
const rows: Record<string, unknown>[] = [];
function emit(row: Record<string, unknown>) {
  rows.push(row);
  console.log(JSON.stringify(row));
}

// 1. The adapter and auto's choice.
const adapter = await navigator.gpu?.requestAdapter();
// deno-lint-ignore no-explicit-any
const info: any = (adapter as any)?.info ?? {};
emit({
  what: "adapter",
  present: Boolean(adapter),
  description: info.description,
  vendor: info.vendor,
  architecture: info.architecture,
  device: info.device,
  isFallbackAdapter: info.isFallbackAdapter,
  maxBufferSize: adapter?.limits.maxBufferSize,
});
const auto = await initBackend("auto");
emit({ what: "auto", ...auto });
// Registered whether or not auto took it, so that both backends can be timed.
if (adapter) await import("@tensorflow/tfjs-backend-webgpu");

// 2. Step timings, both backends per shape, WASM first then WebGPU, twice (second pass reported
//    separately so drift shows).
interface Shape {
  name: string;
  method: string;
  d: number;
  l: number;
  hidden: number[];
  batch: number;
  s: number;
  k?: number;
  steps: number;
}
const shapes: Shape[] = [
  { name: "toy vae", method: "vae", d: 2, l: 2, hidden: [50, 50], batch: 100, s: 1, steps: timed },
  {
    name: "toy iwae S=20",
    method: "iwae",
    d: 2,
    l: 2,
    hidden: [50, 50],
    batch: 100,
    s: 20,
    steps: timed,
  },
  {
    name: "toy mapa K=S=10",
    method: "mapa",
    d: 2,
    l: 2,
    hidden: [50, 50],
    batch: 100,
    s: 10,
    k: 10,
    steps: timed,
  },
  {
    name: "toy vae B=1000",
    method: "vae",
    d: 2,
    l: 2,
    hidden: [50, 50],
    batch: 1000,
    s: 1,
    steps: timed,
  },
  {
    name: "mnist vae",
    method: "vae",
    d: 784,
    l: 10,
    hidden: [200],
    batch: 100,
    s: 1,
    steps: Math.ceil(timed / 2),
  },
  {
    name: "mnist iwae S=5",
    method: "iwae",
    d: 784,
    l: 10,
    hidden: [200],
    batch: 100,
    s: 5,
    steps: Math.ceil(timed / 2),
  },
];
const table: string[] = [];
for (const shape of shapes) {
  const rng = Rng.stream(1, `probe/${shape.name}`);
  const n = 1000;
  const x = { rows: n, cols: shape.d, data: rng.fillNormal(new Float64Array(n * shape.d)) };
  const data: TrainingData = { x, l: shape.l, likelihood: "gaussian", sigma2: 0.01 };
  const net = { hidden: shape.hidden, activation: "tanh" as const };
  const prepared = await getMethod(shape.method).prepare(data, { k: shape.k ?? 0, s: shape.s });
  const seconds: Record<string, number[]> = { wasm: [], webgpu: [] };
  for (let round = 0; round < 2; round++) {
    for (const backend of ["wasm", "webgpu"]) {
      if (backend === "webgpu" && !adapter) continue;
      await tf.setBackend(backend);
      await tf.ready();
      const before = tf.memory().numTensors;
      const m = await measureSteps(shape.method, data, {
        encoder: net,
        decoder: net,
        ...prepared.options,
        tailScheme: "iid",
        steps: shape.steps,
        seed: 1,
        batchSize: shape.batch,
      });
      seconds[backend].push(m.stepSeconds);
      emit({
        what: "step",
        shape: shape.name,
        backend,
        round,
        stepSeconds: m.stepSeconds,
        samples: m.stepSecondsSamples,
        tensorsLeft: tf.memory().numTensors - before,
      });
    }
  }
  const w = Math.min(...seconds.wasm), g = Math.min(...seconds.webgpu);
  table.push(
    `${shape.name.padEnd(18)} wasm ${(w * 1e3).toFixed(2).padStart(8)} ms  webgpu ${
      (g * 1e3).toFixed(2).padStart(8)
    } ms  webgpu/wasm ${(g / w).toFixed(2)}`,
  );
}

// 3. A short budget-suite run on each backend (the suite's cache is keyed by its params, not the
//    backend, so the two runs differ in their seconds budget, which 3e5 passes outlasts anyway).
const base = budgetCases(BUDGET_PROFILES.standard).filter((c) =>
  c.name === "figure8/passes/vae" || c.name === "figure8/passes/iwae"
);
const ctxFor = (backend: string) => ({
  seed: 1,
  profile: "standard",
  backend,
  rng: (k: string) => Rng.stream(1, k),
  progress() {},
  log(m: string) {
    console.error(m);
  },
  signal: new AbortController().signal,
  reportBackend() {},
});
for (const backend of Deno.args[1] === "notrain" ? [] : ["wasm", "webgpu"]) {
  if (backend === "webgpu" && !adapter) continue;
  for (const spec of base) {
    const params = {
      ...spec.params,
      passes: 3e5,
      draws: 1,
      seconds: backend === "wasm" ? 1 : 1.5,
      crossCheckPoints: 10,
    };
    const t0 = performance.now();
    // deno-lint-ignore no-explicit-any
    const m: any = await budgetSuite.run({ ...spec, params }, ctxFor(backend) as any);
    const wall = (performance.now() - t0) / 1000;
    emit({
      what: "train",
      case: spec.name,
      backend,
      testKl: m.testKl,
      curve: m.curve.map((c: { testKl: number }) => c.testKl),
      steps: m.steps,
      trainSeconds: m.trainSeconds,
      wall,
    });
    table.push(
      `train ${spec.name.padEnd(20)} ${backend.padEnd(6)} test KL ${
        Number(m.testKl).toFixed(4)
      }  steps ${m.steps}  train ${Number(m.trainSeconds).toFixed(1)} s`,
    );
  }
}
console.error(`\nadapter: ${info.description} (${info.vendor}, fallback ${info.isFallbackAdapter})`);
console.error(`auto picks: ${auto.backend} (${auto.adapter})`);
console.error(table.join("\n"));
Deno.exit(0);
