/**
 * The budget suite's summary (who wins per data set and budget kind, and
 * whether that agrees with the paper) and its report section: test KL with
 * 95% intervals per data set and method, test KL against budget spent, and
 * the tables behind them.
 *
 * @module
 */

import { judgeDataset, type MethodKl } from "./budget_stats.ts";
import type { CaseResult, ChartSpec, JsonValue, ReportSection } from "./suite.ts";

const num = (v: JsonValue | undefined): number | null => (typeof v === "number" ? v : null);

function okResults(results: CaseResult[]): CaseResult[] {
  return results.filter((r) => r.suite === "budget" && r.status === "ok");
}

function kinds(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.budgetKind as string))];
}

function datasetsOf(results: CaseResult[]): string[] {
  return [...new Set(okResults(results).map((r) => r.params.dataset as string))];
}

function methodKl(r: CaseResult): MethodKl {
  return {
    method: r.params.method as string,
    mean: num(r.metrics.testKl),
    ciLow: num(r.metrics.testKlCiLow),
    ciHigh: num(r.metrics.testKlCiHigh),
  };
}

/**
 * Per budget kind and data set: the winner, the ranking and the paper
 * checks of {@linkcode judgeDataset}; and per budget kind how many data sets
 * agree with the paper on "MAPA beats the VAE and IWAE".
 */
export function summarizeBudget(results: CaseResult[]): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  for (const kind of kinds(results)) {
    const perDataset: Record<string, JsonValue> = {};
    let agree = 0, judged = 0;
    for (const ds of datasetsOf(results)) {
      const rs = okResults(results).filter((r) =>
        r.params.budgetKind === kind && r.params.dataset === ds
      );
      const j = judgeDataset(ds, rs.map(methodKl));
      perDataset[ds] = j;
      if (j.agreesWithPaper !== null) {
        judged++;
        if (j.agreesWithPaper) agree++;
      }
    }
    out[kind] = {
      perDataset,
      agreeingDatasets: agree,
      judgedDatasets: judged,
      verdict: judged === 0
        ? "not available: no data set has MAPA, VAE and IWAE results"
        : `${agree} of ${judged} data sets agree with the paper (MAPA beats VAE and IWAE on all but clusters)`,
    };
  }
  return out;
}

function intervalChart(results: CaseResult[], kind: string): ChartSpec {
  const rs = okResults(results).filter((r) => r.params.budgetKind === kind);
  const labels = rs.map((r) => `${r.params.dataset}: ${r.params.method}`);
  const p0 = rs[0]?.params;
  const budget = kind === "passes" ? `${p0?.passes} passes (${p0?.costModel})` : `${p0?.seconds} s`;
  return {
    title: `Test KL (nats) per data set and method at equal ${kind} (${budget} per restart): ` +
      `mean over draws (points) and 95% interval (bars)`,
    config: {
      type: "bar",
      data: {
        labels,
        datasets: [
          {
            type: "bar",
            label: "95% interval over draws",
            data: rs.map((r) => {
              const lo = num(r.metrics.testKlCiLow), hi = num(r.metrics.testKlCiHigh);
              return lo === null || hi === null ? null : [lo, hi];
            }),
            backgroundColor: "rgba(54, 162, 235, 0.35)",
            barPercentage: 0.4,
          },
          {
            type: "line",
            label: "mean test KL",
            data: rs.map((r) => num(r.metrics.testKl)),
            showLine: false,
            pointRadius: 5,
            borderColor: "rgb(220, 53, 69)",
            backgroundColor: "rgb(220, 53, 69)",
          },
        ],
      },
      options: {
        scales: { y: { title: { display: true, text: "test KL (nats, lower is better)" } } },
      },
    },
  };
}

function curveCharts(results: CaseResult[], kind: string): ChartSpec[] {
  return datasetsOf(results).map((ds) => {
    const rs = okResults(results).filter((r) =>
      r.params.budgetKind === kind && r.params.dataset === ds
    );
    return {
      title: `${ds}: test KL against budget spent (${kind === "passes" ? "passes" : "seconds"})`,
      config: {
        type: "line",
        data: {
          datasets: rs.map((r) => ({
            label: r.params.method as string,
            data: ((r.metrics.curve ?? []) as { budget: number; testKl: number | null }[])
              .map((c) => ({ x: c.budget, y: c.testKl })),
          })),
        },
        options: {
          scales: {
            x: {
              type: "logarithmic",
              title: {
                display: true,
                text: kind === "passes" ? "passes per restart" : "seconds per restart",
              },
            },
            y: { title: { display: true, text: "test KL (nats), mean over draws" } },
          },
        },
      },
    };
  });
}

/** The budget suite's report section. */
export function reportBudget(
  results: CaseResult[],
  summary: Record<string, JsonValue>,
): ReportSection {
  const notes: string[] = [
    "Test KL = mean over test points of log p_true(x) - log p_model(x), both by quadrature over " +
    "the latent (exact up to the grid); intervals are 95% Student-t over data draws (few draws " +
    "give wide intervals). MAPA's rows are computed once per draw and not charged to its budget " +
    "(rowsSeconds shows their cost). IWAE and MAPA-naive use K + S samples, MAPA and MAPA-GT K " +
    "top rows plus S tail draws.",
    "The paper (section 6.1) finds MAPA better than the VAE and IWAE on four of five sets, worse " +
    "on clusters; about as good as MAPA-GT; clearly better than MAPA-naive.",
  ];
  const judgeRows: JsonValue[][] = [];
  for (const kind of kinds(results)) {
    const s = summary[kind] as Record<string, JsonValue> | undefined;
    if (!s) continue;
    notes.push(`Equal ${kind}: ${s.verdict}.`);
    const per = s.perDataset as Record<string, Record<string, JsonValue>>;
    for (const [ds, j] of Object.entries(per)) {
      judgeRows.push([
        kind,
        ds,
        j.winner,
        (j.ranking as string[]).join(" < "),
        j.mapaBeatsVaeAndIwae,
        j.paperSaysMapaBeats,
        j.agreesWithPaper,
        j.mapaMinusGt,
        j.naiveMinusMapa,
        (j.notAvailable as string[]).join(", ") || "",
      ]);
    }
  }
  const unavailable = okResults(results).filter((r) => r.metrics.testKl === null);
  if (unavailable.length > 0) {
    notes.push(
      `Not available (no number reported): ${
        unavailable.map((r) => `${r.name} (${r.metrics.testKlNote})`).join("; ")
      }.`,
    );
  }
  const failed = results.filter((r) => r.suite === "budget" && r.status !== "ok");
  if (failed.length > 0) {
    notes.push(
      `Cases not run: ${failed.map((r) => `${r.name}: ${r.status} (${r.error})`).join("; ")}.`,
    );
  }
  const charts: ChartSpec[] = [];
  for (const kind of kinds(results)) charts.push(intervalChart(results, kind));
  for (const kind of kinds(results)) charts.push(...curveCharts(results, kind));
  const caseRows = okResults(results).map((r) => [
    r.params.dataset,
    r.params.budgetKind,
    r.params.method,
    r.metrics.testKl ?? `not available`,
    r.metrics.testKlCiLow,
    r.metrics.testKlCiHigh,
    r.metrics.testLogLik,
    r.metrics.testLogLikTruth,
    r.metrics.estimatorGapNats ?? r.metrics.crossCheck ?? "",
    r.metrics.trainSeconds,
    r.metrics.passes,
    r.metrics.steps,
    r.params.draws,
    r.metrics.testKlNote || "",
  ]);
  return {
    title: "Density estimation under equal budgets (test KL to the truth)",
    notes: notes.map((n) => n.replace(/\bNaN\b/g, "n/a")),
    charts,
    tables: [
      {
        title: "Who wins per data set (lowest mean test KL) and the paper's claims",
        columns: [
          "budget",
          "data set",
          "winner",
          "ranking (best first)",
          "MAPA beats VAE & IWAE",
          "paper says",
          "agrees",
          "MAPA - MAPA-GT (nats)",
          "MAPA-naive - MAPA (nats)",
          "not available",
        ],
        rows: judgeRows,
      },
      {
        title: "Per case (means over draws; test KL in nats, 0 = the truth)",
        columns: [
          "data set",
          "budget",
          "method",
          "test KL",
          "CI low",
          "CI high",
          "test log-lik",
          "truth log-lik",
          "quadrature - IWAE-MoG (draw 0 subset)",
          "train s",
          "passes/restart",
          "steps/restart",
          "draws",
          "note",
        ],
        rows: caseRows,
      },
    ],
  };
}
