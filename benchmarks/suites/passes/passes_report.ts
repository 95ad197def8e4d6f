/**
 * The passes suite's report section: passes against N and against S, the
 * notes on where MAPA's saving comes from, and the crossover and count
 * tables.
 *
 * @module
 */

import { peerBlasNote } from "../../harness/peer_python.ts";
import type { CaseResult, ChartSpec, JsonValue, ReportSection } from "../../harness/suite.ts";
import {
  BATCH,
  COST_MODELS,
  type CostModelName,
  HEADLINE_S,
  MAPA_K,
  S_VALUES,
  STEP_METHODS,
  STEP_N,
} from "./passes_settings.ts";
import {
  budgetOf,
  collect,
  costOf,
  countedCases,
  fastestStepSeconds,
  medianOrNull,
  ratioCurve,
} from "./passes_summary.ts";

const fmt = (v: JsonValue | undefined, digits = 2) =>
  typeof v === "number" && Number.isFinite(v) ? v.toFixed(digits) : "n/a";
const fmtN = (v: number) => Math.round(v).toLocaleString("en-US");
const CM_TITLE: Record<CostModelName, string> = {
  decoder: "decoder-dominated",
  encoder_decoder: "encoder + decoder",
};

function crossoverText(x: JsonValue | undefined): string {
  const o = (x ?? {}) as Record<string, JsonValue>;
  if (o.status === "crossed") return `N ≈ ${fmtN(o.n as number)}`;
  if (o.status === "beyond") {
    return `no N measured (it still saves at N = ${fmtN(o.largestN as number)}, the largest)`;
  }
  if (o.status === "never") {
    return `every N measured (it saves nothing even at N = ${
      fmtN(o.smallestN as number)
    }, the smallest)`;
  }
  return "n/a";
}

function perDatasetText(x: JsonValue | undefined): string {
  const per = ((x ?? {}) as Record<string, JsonValue>).perDataset as
    | Record<string, { status: string; n: number | null }>
    | undefined;
  if (!per) return "";
  return Object.entries(per).map(([ds, v]) =>
    `${ds} ${
      v.status === "crossed" ? fmtN(v.n!) : v.status === "beyond" ? "beyond" : "below smallest N"
    }`
  ).join(", ");
}

function lineChart(
  title: string,
  datasets: JsonValue[],
  axes: { x: string; y: string },
): ChartSpec {
  return {
    title,
    config: {
      type: "line",
      data: { datasets },
      options: {
        scales: {
          x: { type: "logarithmic", title: { display: true, text: axes.x } },
          y: { type: "logarithmic", title: { display: true, text: axes.y } },
        },
      },
    },
  };
}

/** Passes against N at one S and cost model, with the N / B cap and the budget suite's N. */
function nChart(
  c: ReturnType<typeof collect>,
  s: number,
  cm: CostModelName,
  budgetN: number | null,
): ChartSpec {
  const lines: JsonValue[] = [];
  let yMin = Infinity, yMax = 0;
  for (const ds of c.datasets) {
    const curve = ratioCurve(c, ds, s, cm);
    for (const q of curve) {
      yMin = Math.min(yMin, q.mapa, q.iwae);
      yMax = Math.max(yMax, q.mapa, q.iwae);
    }
    lines.push({ label: `MAPA ${ds}`, data: curve.map((q) => ({ x: q.n, y: q.mapa })) });
  }
  const iwae = c.ref.get(`iwae|${s}`);
  if (iwae) {
    lines.push({
      label: `IWAE S=${s}`,
      borderWidth: 3,
      data: c.ns.filter((n) => iwae.has(n)).map((n) => ({ x: n, y: costOf(iwae.get(n)!, cm) })),
    });
  }
  // Each distinct code costs one pass per network, so the encoder + decoder cap is 2 N / B.
  const per = cm === "decoder" ? 1 : 2;
  const nMin = c.ns[0], nMax = c.ns[c.ns.length - 1];
  if (nMin !== undefined) {
    const cap = (n: number) => per * n / BATCH;
    // Drawn up to twice the largest count, so the measured curves keep the chart's height.
    const end = yMax > 0 ? Math.min(nMax, 2 * yMax * BATCH / per) : nMax;
    lines.push({
      label: `cap: ${per === 1 ? "" : "2 "}N / B`,
      borderDash: [6, 4],
      pointRadius: 0,
      data: [{ x: nMin, y: cap(nMin) }, { x: Math.max(nMin, end), y: cap(Math.max(nMin, end)) }],
    });
    yMin = Math.min(yMin, cap(nMin));
  }
  if (budgetN && yMax > 0) {
    lines.push({
      label: `budget suite N = ${fmtN(budgetN)}`,
      borderDash: [2, 3],
      pointRadius: 0,
      data: [{ x: budgetN, y: yMin }, { x: budgetN, y: yMax }],
    });
  }
  return lineChart(
    `Passes per point per step against N at S = ${s} (${CM_TITLE[cm]}; MAPA K = ${MAPA_K})`,
    lines,
    { x: "training points N", y: "passes per point per step" },
  );
}

/** MAPA / IWAE passes against S, one line per N (median over data sets). */
function sChart(c: ReturnType<typeof collect>, cm: CostModelName): ChartSpec {
  const lines: JsonValue[] = [];
  for (const n of c.ns) {
    const pts: { x: number; y: number }[] = [];
    for (const s of S_VALUES) {
      const r = medianOrNull(c.datasets.flatMap((ds) => {
        const q = ratioCurve(c, ds, s, cm).find((p) => p.n === n);
        return q ? [q.ratio] : [];
      }));
      if (r !== null) pts.push({ x: s, y: r });
    }
    if (pts.length) lines.push({ label: `N = ${fmtN(n)}`, data: pts });
  }
  lines.push({
    label: "equal cost",
    borderDash: [6, 4],
    pointRadius: 0,
    data: [{ x: S_VALUES[0], y: 1 }, { x: S_VALUES[S_VALUES.length - 1], y: 1 }],
  });
  return lineChart(
    `MAPA / IWAE passes per step against S, median over data sets (${CM_TITLE[cm]})`,
    lines,
    { x: "S (IWAE samples; MAPA tail draws, plus K top rows)", y: "MAPA / IWAE passes" },
  );
}

/** How far the MAPA counts sit from uniform occupancy, in words. */
function occupancyNote(deviation: JsonValue | undefined): string {
  const formula =
    "N / B (1 - exp(-B (K + S) / N)), the distinct codes of B (K + S) terms dropped uniformly on N points";
  if (typeof deviation !== "number") return `No MAPA count was compared with ${formula}.`;
  const pct = fmt(100 * deviation, 1);
  return deviation <= 0.1
    ? `Rows share codes about as often as random draws would: every MAPA count is within ${pct}% of ${formula}, on every data set (the batch rows are spread like the data, so in any region the ratio of terms to points is the global B (K + S) / N).`
    : `MAPA counts depart from ${formula} by up to ${pct}%: where the rows sit changes how many codes they share.`;
}

/** The passes suite's report section from its results and summary. */
export function reportPasses(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const c = collect(results);
  const budgetN = summary.budgetN as number | null;
  const crossover = (summary.crossover ?? {}) as Record<string, JsonValue>;
  const passRatio = (summary.passRatio ?? {}) as Record<string, Record<string, JsonValue>>;
  const charts: ChartSpec[] = [];
  for (const s of HEADLINE_S) for (const cm of COST_MODELS) charts.push(nChart(c, s, cm, budgetN));
  for (const cm of COST_MODELS) charts.push(sChart(c, cm));
  const nMin = c.ns[0] ?? NaN, nMax = c.ns[c.ns.length - 1] ?? NaN;
  const notes: string[] = [
    `Passes are counted, not trained: each model computes its loss on real batches (batch B = ${BATCH}, drawn as the trainer draws them) and its own pass counter is read (one input row through one network = one pass). MAPA's rows are the exact top K = ${MAPA_K} of the batch rows against all N points, its S tail draws fresh per step from the exact tail (Gumbel-top-S without replacement, the default scheme); IWAE and the VAE share no codes, so their counts do not depend on the data set.`,
    `MAPA's saving comes from rows sharing codes: a step encodes and decodes each distinct code among its rows' K + S terms once, so it never needs more than N codes, at most N / B passes per point per network (the dashed cap). At small N the ratio to IWAE is capped by N / B, not earned by the bound; as N grows past B (K + S) = ${
      fmtN(BATCH * (MAPA_K + 20))
    } (S = 20) or ${
      fmtN(BATCH * (MAPA_K + 100))
    } (S = 100), rows share fewer codes and MAPA's passes per point approach K + S, more than IWAE's S.`,
    occupancyNote(summary.uniformOccupancyMaxDeviation),
  ];
  for (const s of HEADLINE_S) {
    const d = crossover[`s${s}/decoder`], e = crossover[`s${s}/encoder_decoder`];
    const r = passRatio[`s${s}/decoder`] ?? {};
    notes.push(
      `At S = ${s}, MAPA stops saving passes against IWAE from ${
        crossoverText(d)
      } when the decoder dominates (per data set: ${perDatasetText(d)}) and from ${
        crossoverText(e)
      } when encoder and decoder both count (${
        perDatasetText(e)
      }); the crossover is interpolated on log N, median over data sets (the lower middle one for an even count). MAPA / IWAE decoder passes run from ${
        fmt(r.smallestN)
      } at N = ${fmtN(nMin)} to ${fmt(r.largestN)} at N = ${fmtN(nMax)}.`,
    );
  }
  if (budgetN) {
    const br = (summary.budgetPassRatio ?? {}) as Record<string, JsonValue>;
    const b = budgetOf(results);
    const e = br.encoder_decoder;
    notes.push(
      `The budget suite trains at N = ${
        fmtN(budgetN)
      } (this profile; the dotted line) with batch ${BATCH}, MAPA K = ${b?.k}, S = ${b?.s} and IWAE ${
        b ? b.k + b.s : NaN
      } samples: there MAPA needs at most ${
        fmt(budgetN / BATCH, 1)
      } passes per point per network, and its passes are ${fmt(br.decoder)}x IWAE's (decoder) and ${
        fmt(e)
      }x (encoder + decoder). Its density results sit in the ${
        typeof e === "number" && e < 1
          ? "shared-code regime, where MAPA is cheap because N is small, not because of its bound"
          : "regime where MAPA costs as much as IWAE or more"
      }.`,
    );
    const eq = summary.equalTermsPassRatio as Record<string, Record<string, JsonValue>> | undefined;
    const byN = (cm: string) => (eq?.[cm]?.ratioByN ?? []) as { n: number; ratio: number }[];
    if (byN("decoder").length > 1) {
      const ends = (cm: string) => {
        const v = byN(cm);
        return `${fmt(v[0].ratio)} at N = ${fmtN(v[0].n)} to ${fmt(v.at(-1)!.ratio)} at N = ${
          fmtN(v.at(-1)!.n)
        }`;
      };
      const e = eq!.encoder_decoder;
      notes.push(
        `The pairing decides the crossover. With equal terms per point (MAPA K = ${
          eq!.decoder.k
        }, S = ${eq!.decoder.s} against IWAE with ${eq!.decoder.iwaeSamples} samples, as the ` +
          `budget suite pairs them) MAPA's decoder passes run from ${ends("decoder")} of ` +
          `IWAE's and cannot pass 1 (a step has at most B (K + S) distinct codes, IWAE's passes); ` +
          `counting encoder ` +
          `passes too they run from ${ends("encoder_decoder")}${
            e.crossover === "crossed"
              ? `, crossing 1 at N ≈ ${fmtN(Math.round(e.crossoverN as number))}`
              : ""
          }. The crossovers above pair MAPA (K, S) with IWAE S samples, so MAPA has K more ` +
          `terms per point.`,
      );
    }
  }
  // Read from the cases, so a page re-rendered from an older run's summary still says what ran.
  const stepOf = (method: string, peer: string) =>
    results.find((r) => r.params.method === method && r.params.peer === peer);
  const stepRows = STEP_METHODS.map(({ method, s, k }) => {
    const tfjs = stepOf(method, "tfjs"), torch = stepOf(method, "pytorch");
    const secs = (r?: CaseResult) => r?.status === "ok" ? r.metrics.stepSeconds : undefined;
    const a = secs(tfjs), b = secs(torch);
    const ratio = typeof a === "number" && typeof b === "number" ? a / b : null;
    const fa = fastestStepSeconds(tfjs), fb = fastestStepSeconds(torch);
    const minRatio = fa !== null && fb !== null ? fa / fb : null;
    const ms = (r: CaseResult | undefined) =>
      r === undefined
        ? "not run"
        : r.status === "ok"
        ? `${fmt((r.metrics.stepSeconds as number) * 1000)} ms`
        : r.status;
    const paired = tfjs?.status === "ok" ? tfjs.metrics : {};
    const pairedText = typeof paired.pairedRatio === "number"
      ? `paired ratio ${fmt(paired.pairedRatio)} (rounds ${fmt(paired.pairedRatioMin as number)}-${
        fmt(paired.pairedRatioMax as number)
      }), `
      : "";
    return `${method}${k ? ` (K=${k}, S=${s})` : s > 1 ? ` (S=${s})` : ""}: ${pairedText}tfjs ${
      ms(tfjs)
    }, PyTorch CPU ${ms(torch)}, separate runs' ratio ${fmt(ratio)}${
      minRatio === null
        ? ""
        : ` (fastest step against fastest step: ${fmt(minRatio)}; median over fastest: tfjs ${
          fmt((a as number) / fa!)
        }, PyTorch ${fmt((b as number) / fb!)})`
    }`;
  });
  const blas = torchBlas(results);
  const tfjsCases = results.filter((r) => r.params.peer === "tfjs" && r.status === "ok");
  const rounds = tfjsCases.map((r) => r.metrics.pairedRounds).find((v) => typeof v === "number");
  const unpaired = tfjsCases.map((r) => r.metrics.pairedPeer).find((v) => typeof v === "string");
  const pairing = typeof rounds === "number"
    ? ` The paired ratio is the headline: the tfjs case splits its timed steps into ${rounds} ` +
      "rounds and times as many steps of a PyTorch process kept running beside it next to each " +
      "(each side first in every other round), and takes the median over rounds of (median tfjs " +
      "step / median PyTorch step), so load on this shared machine falls on both sides of a " +
      "round. The separate runs' ratio times each side in its own case, one after the other, so " +
      "load on either moves it (median over fastest step per side shows how much); load cannot " +
      "make a step faster, so their fastest steps give the steadier of those two ratios."
    : ` The two sides ran one after the other${
      typeof unpaired === "string" ? ` (${unpaired})` : ""
    }, so load on either moves the median ratio (median over fastest step per side shows how ` +
      "much); load cannot make a step faster, so the fastest steps give the steadier ratio.";
  notes.push(
    `Training step (batch ${BATCH}, 2-50-50 MLPs, N = ${STEP_N}, median over the timed steps, PyTorch on one thread in the same run): ${
      stepRows.join("; ")
    }.` + pairing + backendText(tfjsCases) +
      peerBlasNote("PyTorch", blas),
  );
  const crossRows: JsonValue[][] = [];
  for (const s of HEADLINE_S) {
    for (const cm of COST_MODELS) {
      const x = crossover[`s${s}/${cm}`];
      crossRows.push([s, CM_TITLE[cm], crossoverText(x), perDatasetText(x)]);
    }
  }
  const rows: JsonValue[][] = countedCases(results).map(({ p, metrics }) => [
    p.dataset,
    p.n,
    p.method,
    p.s,
    p.k ?? null,
    metrics.encoderPassesPerPoint,
    metrics.decoderPassesPerPoint,
    p.n / BATCH,
  ]);
  return {
    title: "Forward passes per gradient step against S and N (MAPA vs IWAE)",
    notes,
    charts,
    tables: [
      {
        title: "N beyond which MAPA stops saving passes against IWAE",
        columns: [
          "S",
          "cost model",
          "crossover (median over data sets; lower middle for an even count)",
          "per data set",
        ],
        rows: crossRows,
      },
      {
        title: "Passes per point per gradient step",
        columns: ["dataset", "N", "method", "S", "K", "encoder", "decoder", "cap N / B"],
        rows,
      },
    ],
  };
}

/**
 * The BLAS the PyTorch peer ran on: the PyTorch case's own record, else what
 * the peer timed beside the tfjs steps said (when that case failed).
 */
export function torchBlas(results: CaseResult[]): JsonValue | undefined {
  return results.find((r) => r.params.peer === "pytorch" && r.status === "ok")?.metrics.blas ??
    results.map((r) => r.metrics.pairedPeerBlas).find((v) => typeof v === "string");
}

/**
 * Which backend the tfjs steps ran on, and, unless it was WebGPU, that WebGPU
 * was not measured on a real GPU in this run (issue 15 asks the report to say so).
 */
export function backendText(tfjsCases: CaseResult[]): string {
  const backend = tfjsCases.map((r) => r.metrics.backend).find((v) => typeof v === "string");
  if (typeof backend !== "string") return "";
  if (backend === "webgpu") return " The tfjs steps ran on the webgpu backend.";
  return ` The tfjs steps ran on the ${backend} backend. WebGPU was not measured on a real GPU ` +
    "adapter in this run: on a machine without one, Deno's WebGPU is a software adapter, whose " +
    "steps say nothing about a GPU's speed (README, Performance).";
}
