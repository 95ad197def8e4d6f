import assert from "node:assert/strict";
import type { CaseResult, JsonValue } from "../../harness/suite.ts";
import { backendText, reportPasses, torchBlas } from "./passes_report.ts";
import { BATCH, S_VALUES } from "./passes_settings.ts";
import {
  findCrossover,
  medianCrossing,
  summarizePasses,
  uniformOccupancy,
} from "./passes_summary.ts";

Deno.test("findCrossover: interpolates on log N; says beyond or never when the ratio does not cross", () => {
  const x = findCrossover([{ n: 1e5, ratio: 1.2 }, { n: 1e3, ratio: 0.5 }, { n: 1e4, ratio: 0.8 }]);
  assert.equal(x.status, "crossed");
  assert.ok(Math.abs(Math.log10(x.n!) - 4.5) < 1e-12);
  assert.deepEqual(findCrossover([{ n: 1e3, ratio: 0.1 }, { n: 1e5, ratio: 0.99 }]), {
    status: "beyond",
    n: null,
  });
  assert.deepEqual(findCrossover([{ n: 1e3, ratio: 1 }, { n: 1e5, ratio: 2 }]), {
    status: "never",
    n: null,
  });
  // The first upward crossing counts, even if noise dips below 1 again later.
  const y = findCrossover([{ n: 10, ratio: 0 }, { n: 100, ratio: 2 }, { n: 1000, ratio: 0.9 }]);
  assert.ok(Math.abs(y.n! - Math.sqrt(10 * 100)) < 1e-9);
});

function counted(
  dataset: string,
  method: string,
  n: number,
  s: number,
  enc: number,
  dec: number,
): CaseResult {
  return {
    suite: "passes",
    name: `${dataset}/n${n}/${method}/s${s}`,
    params: {
      method,
      dataset,
      n,
      s,
      k: method === "mapa" ? 10 : null,
      batch: BATCH,
      budgetN: 1000,
      budgetK: 10,
      budgetS: 10,
      steps: 3,
    },
    status: "ok",
    metrics: { encoderPassesPerPoint: enc, decoderPassesPerPoint: dec },
    seconds: 0,
  };
}

Deno.test("summarizePasses and the report: crossover per S and cost model, budget N marked", () => {
  const results: CaseResult[] = [];
  // MAPA's cost at N: min(N / B, K + S) less a little sharing; IWAE's S.
  const ns = [1000, 10_000, 100_000];
  for (const n of ns) {
    for (const s of S_VALUES) {
      const u = Math.min(n / BATCH, 10 + s) * (n >= 100_000 ? 0.99 : 0.9);
      results.push(counted("a", "mapa", n, s, u, u), counted("b", "mapa", n, s, u, u));
      results.push(counted("a", "iwae", n, s, 1, s));
    }
  }
  const sum = summarizePasses(results);
  // S = 20, decoder: ratios 0.45, 1.35 -> crossing between 1,000 and 10,000.
  const n20 = sum.crossoverNS20Decoder as number;
  const f = (1 - 0.45) / (1.35 - 0.45);
  assert.ok(Math.abs(Math.log10(n20) - (3 + f)) < 1e-9, String(n20));
  // S = 100, decoder: 0.09, 0.9, 1.089 -> between 10,000 and 100,000.
  const n100 = sum.crossoverNS100Decoder as number;
  assert.ok(n100 > 10_000 && n100 < 100_000);
  assert.equal(sum.budgetN, 1000);
  const br = sum.budgetPassRatio as Record<string, number>;
  assert.ok(Math.abs(br.decoder - 9 / 20) < 1e-12);
  // A ratio that never reaches 1 is reported as beyond the largest N.
  const never = summarizePasses(results.filter((r) => r.params.n !== 100_000));
  assert.equal(never.crossoverNS100Decoder, null);
  assert.equal(
    (never.crossover as Record<string, Record<string, JsonValue>>)["s100/decoder"].status,
    "beyond",
  );
  // Largest deviation from the uniform-occupancy count, over the synthetic MAPA cases.
  let worst = 0;
  for (const r of results.filter((r) => r.params.method === "mapa")) {
    const u = uniformOccupancy(r.params.n as number, {
      batch: BATCH,
      terms: 10 + (r.params.s as number),
    });
    worst = Math.max(worst, Math.abs((r.metrics.decoderPassesPerPoint as number) / u - 1));
  }
  assert.ok(Math.abs((sum.uniformOccupancyMaxDeviation as number) - worst) < 1e-12);
  assert.ok(
    Math.abs(uniformOccupancy(5000, { batch: 100, terms: 110 }) - 50 * (1 - Math.exp(-2.2))) <
      1e-12,
  );
  const cut = results.filter((r) => r.params.n !== 100_000);
  const beyond = reportPasses(cut, summarizePasses(cut)).notes.join(" ");
  assert.match(
    beyond,
    /At S = 100, MAPA stops saving passes against IWAE from no N measured \(it still saves at N = 10,000, the largest\)/,
  );
  const section = reportPasses(results, sum);
  const text = section.notes.join(" ");
  assert.match(text, /rows sharing codes/);
  assert.match(text, /capped by N \/ B/);
  assert.match(text, /At S = 20, MAPA stops saving passes against IWAE from N ≈ /);
  const dev = sum.uniformOccupancyMaxDeviation as number;
  assert.ok(dev > 0.1); // the synthetic counts are not uniform occupancy
  assert.ok(text.includes(`by up to ${(100 * dev).toFixed(1)}%`));
  assert.match(text, /budget suite trains at N = 1,000/);
  const labels = section.charts.flatMap((c) =>
    (c.config.data as { datasets: { label: string }[] }).datasets.map((d) => d.label)
  );
  assert.ok(labels.some((l) => l.startsWith("cap: N / B")));
  assert.ok(labels.some((l) => l.startsWith("budget suite N = 1,000")));
});

Deno.test("uniformOccupancyMaxDeviation reads the counted MAPA cases only, not the step cases", () => {
  const results: CaseResult[] = [counted("a", "mapa", 1000, 10, 5, 5)];
  const step = (peer: string, metrics: Record<string, JsonValue>): CaseResult => ({
    suite: "passes",
    name: `step/mapa/${peer}`,
    params: {
      method: "mapa",
      s: 10,
      k: 10,
      n: 1000,
      batch: 100,
      hidden: 50,
      d: 2,
      l: 2,
      steps: 3,
      peer,
    },
    status: "ok",
    metrics,
    seconds: 0,
  });
  // The PyTorch step reports seconds only; a deviation read from it would be NaN.
  results.push(step("tfjs", { decoderPassesPerPoint: 8 }), step("pytorch", { stepSeconds: 0.01 }));
  const want = Math.abs(5 / uniformOccupancy(1000, { batch: BATCH, terms: 20 }) - 1);
  assert.equal(summarizePasses(results).uniformOccupancyMaxDeviation, want);
});

Deno.test("summarizePasses: step ratios from medians and from the fastest steps", () => {
  const step = (method: string, peer: string, samples: number[]): CaseResult => ({
    suite: "passes",
    name: `step/${method}/${peer}`,
    params: { method, s: 1, k: 0, n: 1000, batch: 100, hidden: 50, d: 2, l: 2, steps: 3, peer },
    status: "ok",
    // A loaded PyTorch: its median is far above its fastest step.
    metrics: { stepSeconds: samples.toSorted((a, b) => a - b)[1], stepSecondsSamples: samples },
    seconds: 0,
  });
  const out = summarizePasses([
    step("vae", "tfjs", [0.004, 0.005, 0.006]),
    step("vae", "pytorch", [0.0025, 0.008, 0.009]),
  ]);
  const vae = (out.stepVsPytorch as Record<string, Record<string, number>>).vae;
  assert.equal(vae.tfjsOverPytorch, 0.005 / 0.008);
  assert.equal(vae.tfjsOverPytorchMin, 0.004 / 0.0025);
});

Deno.test("summarizePasses: the equal-terms pairing over N (MAPA K, S against IWAE K + S)", () => {
  // MAPA (K = 10, S = 10) against IWAE 20: decoder 8 / 20 then 19 / 20, encoder+decoder
  // 16 / 21 then 38 / 21, crossing 1 between N = 1,000 and 10,000.
  const results = [
    counted("a", "mapa", 1000, 10, 8, 8),
    counted("a", "mapa", 10000, 10, 19, 19),
    counted("a", "iwae", 1000, 20, 1, 20),
    counted("a", "iwae", 10000, 20, 1, 20),
  ];
  const eq = summarizePasses(results).equalTermsPassRatio as Record<
    string,
    Record<string, JsonValue>
  >;
  assert.deepEqual(eq.decoder.ratioByN, [{ n: 1000, ratio: 0.4 }, { n: 10000, ratio: 0.95 }]);
  assert.equal(eq.decoder.crossover, "beyond");
  assert.equal(eq.encoder_decoder.crossover, "crossed");
  const f = (1 - 16 / 21) / (38 / 21 - 16 / 21);
  assert.ok(Math.abs((eq.encoder_decoder.crossoverN as number) - 1000 * 10 ** f) < 1e-6);
  assert.equal(eq.decoder.iwaeSamples, 20);
});

Deno.test("medianCrossing: an even count takes the lower middle data set, never a mean of two", () => {
  assert.deepEqual(medianCrossing([0, 5000]), { status: "never", n: null });
  assert.deepEqual(medianCrossing([5000, Infinity]), { status: "crossed", n: 5000 });
  assert.deepEqual(medianCrossing([Infinity, 3000, 0]), { status: "crossed", n: 3000 });
  assert.deepEqual(medianCrossing([]), { status: "none", n: null });
});

Deno.test("the step note names the tfjs backend and says when WebGPU was not measured", () => {
  const tfjs = (backend?: string): CaseResult => ({
    suite: "passes",
    name: "step/vae/tfjs",
    params: { method: "vae", peer: "tfjs" },
    status: "ok",
    metrics: backend === undefined ? { stepSeconds: 0.004 } : { stepSeconds: 0.004, backend },
    seconds: 0,
  });
  assert.match(backendText([tfjs("wasm")]), /ran on the wasm backend\. WebGPU was not measured/);
  assert.equal(backendText([tfjs("webgpu")]), " The tfjs steps ran on the webgpu backend.");
  assert.equal(backendText([tfjs()]), "");
});

Deno.test("torchBlas: the PyTorch case's BLAS, else the paired peer's", () => {
  const c = (peer: string, status: "ok" | "failed", metrics: Record<string, string>) => ({
    suite: "passes",
    name: `step/iwae/${peer}`,
    params: { method: "iwae", peer },
    status,
    metrics,
    seconds: 0,
  });
  const tfjs = c("tfjs", "ok", { pairedPeerBlas: "reference" });
  assert.equal(torchBlas([tfjs, c("pytorch", "ok", { blas: "openblas" })]), "openblas");
  assert.equal(torchBlas([tfjs, c("pytorch", "failed", {})]), "reference");
  assert.equal(torchBlas([c("tfjs", "ok", {})]), undefined);
});
