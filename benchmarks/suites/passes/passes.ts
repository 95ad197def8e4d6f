/**
 * The passes suite (paper Fig. 2b, appendix D.2, methods.md section 6):
 * encoder and decoder passes per data point per gradient step for MAPA,
 * IWAE and the VAE as a function of the sample count S and of the data size
 * N, counted (not trained) by each model's own pass counter on real
 * batches; the N beyond which MAPA stops saving passes against IWAE; and the
 * seconds of one IWAE step (S = 20, batch 100, 2-50-50 MLPs) on tfjs next to
 * PyTorch CPU.
 *
 * MAPA's saving comes from rows sharing codes: a step encodes and decodes
 * each distinct code of its batch's rows once, never more than N, so at
 * most N / B passes per point. Small N caps the ratio to IWAE; once N
 * outgrows B (K + S), rows rarely share and MAPA needs about K + S passes
 * per point, more than IWAE's S.
 *
 * @module
 */

import { useBackend } from "../../harness/tfjs_backend.ts";
import type { CaseSpec, Suite } from "../../harness/suite.ts";
import { BUDGET_PROFILES } from "../budget/budget_settings.ts";
import { cachedRows, countMethodPasses } from "./batch_rows.ts";
import { isStep, passesParams } from "./passes_params.ts";
import { reportPasses } from "./passes_report.ts";
import {
  BATCH,
  MAPA_K,
  nGrid,
  PASSES_PROFILES,
  S_VALUES,
  STEP_METHODS,
  STEP_N,
} from "./passes_settings.ts";
import { summarizePasses } from "./passes_summary.ts";
import { tfjsStep, torchStep } from "./step_timing.ts";

const ROWS_NOTE = "exact top-K of the batch rows against all N (exactRowsFor)";
const TAIL_NOTE = "fresh Gumbel-top-S per step and row over all N outside the top K";

/** The passes suite. */
export const passesSuite: Suite = {
  name: "passes",
  description:
    "network passes per point per gradient step against S and N, MAPA vs IWAE and VAE (paper Fig. 2b, D.2)",
  cases(profile) {
    const cfg = PASSES_PROFILES[profile];
    const budget = BUDGET_PROFILES[profile];
    const cases: CaseSpec[] = [];
    // IWAE and the VAE share no codes between rows, so their counts cannot
    // depend on the data; they are counted on the first data set only.
    const ref = cfg.datasets[0];
    for (const n of nGrid(profile)) {
      const common = {
        n,
        batch: Math.min(BATCH, n),
        steps: cfg.steps,
        budgetN: budget.n,
        budgetK: budget.k,
        budgetS: budget.s,
      };
      for (const ds of cfg.datasets) {
        for (const s of S_VALUES) {
          cases.push({
            suite: "passes",
            name: `${ds}/n${n}/mapa/s${s}`,
            params: {
              method: "mapa",
              dataset: ds,
              s,
              k: MAPA_K,
              ...common,
              rows: ROWS_NOTE,
              tail: TAIL_NOTE,
            },
          });
        }
      }
      for (const s of S_VALUES) {
        cases.push({
          suite: "passes",
          name: `${ref}/n${n}/iwae/s${s}`,
          params: { method: "iwae", dataset: ref, s, ...common },
        });
      }
      cases.push({
        suite: "passes",
        name: `${ref}/n${n}/vae`,
        params: { method: "vae", dataset: ref, s: 1, ...common },
      });
    }
    for (const m of STEP_METHODS) {
      const step = {
        ...m,
        n: STEP_N,
        batch: BATCH,
        hidden: 50,
        d: 2,
        l: 2,
        steps: cfg.timingSteps,
      };
      for (const peer of ["tfjs", "pytorch"]) {
        cases.push({
          suite: "passes",
          name: `step/${m.method}/${peer}`,
          params: { ...step, peer },
        });
      }
    }
    return cases;
  },
  async run(spec, ctx) {
    const p = passesParams(spec.params, spec.name);
    if (isStep(p)) return p.peer === "pytorch" ? await torchStep(p) : await tfjsStep(p, ctx);
    await useBackend(ctx);
    ctx.progress(0, "rows");
    const rows = await cachedRows(p.dataset, p.n, ctx.seed, p.steps);
    ctx.progress(0.5, "count");
    const c = countMethodPasses(p.method, rows, { s: p.s, seed: ctx.seed });
    return {
      encoderPassesPerPoint: c.encoderPassesPerPoint,
      decoderPassesPerPoint: c.decoderPassesPerPoint,
    };
  },
  // The PyTorch step cases time PyTorch; the tfjs cases (whose paired ratio is not gated) time us.
  peerCase: (params) => typeof params.peer === "string" && params.peer !== "tfjs",
  summarize(results) {
    return summarizePasses(results);
  },
  report(results, summary) {
    return reportPasses(results, summary);
  },
};
