/**
 * The shell of a self-contained report page: escaping, chart.js inlined from
 * `node_modules`, the page's head with a Content-Security-Policy that lets no
 * request leave it, and the closing script that draws the charts. The run's
 * page (html.ts) and the history page (history.ts) share it.
 *
 * @module
 */

import { InputError } from "../errors.ts";
import type { JsonValue } from "./results.ts";

/** Escapes `&`, `<`, `>`, `"` and `'` so text is safe in HTML content and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) =>
      c === "&"
        ? "&amp;"
        : c === "<"
        ? "&lt;"
        : c === ">"
        ? "&gt;"
        : c === '"'
        ? "&quot;"
        : "&#39;",
  );
}

/** JSON that cannot close the script element it sits in nor break a JS parser. */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

function exists(path: string): boolean {
  try {
    return Deno.statSync(path).isFile;
  } catch {
    return false;
  }
}

/**
 * chart.js's UMD bundle from `node_modules` under `root` (default: this
 * project's folder), via the top-level link or Deno's `.deno` store.
 */
export function loadChartJs(root?: string): string {
  const base = root ?? new URL("../../", import.meta.url).pathname;
  const candidates = [
    `${base}node_modules/chart.js/dist/chart.umd.js`,
    `${base}node_modules/.deno/chart.js@4.6.1/node_modules/chart.js/dist/chart.umd.js`,
  ];
  try {
    for (const e of Deno.readDirSync(`${base}node_modules/.deno`)) {
      if (e.name.startsWith("chart.js@")) {
        candidates.push(
          `${base}node_modules/.deno/${e.name}/node_modules/chart.js/dist/chart.umd.js`,
        );
      }
    }
  } catch { /* no .deno store: the top-level link is the only place */ }
  const found = candidates.find(exists);
  if (!found) {
    throw new InputError(
      `chart.js bundle not found under ${base}node_modules; run \`deno task setup\` to install it`,
    );
  }
  return Deno.readTextFileSync(found);
}

/**
 * The start of a self-contained page up to its `<h1>`: a Content-Security-Policy
 * that lets no request leave the page, and the page's own style.
 */
export function pageOpen(title: string, style: string): string {
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${style}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>`;
}

/**
 * The end of a page: the chart data inlined as JSON in element `dataId`
 * (`charts`: chart.js configs; optional `links`: per chart, a page for each
 * label that a click on its point opens), chart.js itself, and the script
 * that draws the charts. A dataset may carry `errorBars`, one `[low, high]`
 * (or null) per point, drawn as whiskers: the interval over draws or
 * repeats where the data have one. A dataset with `legend: false` is drawn
 * but not listed.
 */
export function pageClose(dataId: string, data: JsonValue, chartJs: string): string {
  return `<script type="application/json" id="${dataId}">${jsonForScript(data)}</script>
<script>${chartJs}</script>
<script>${initScript(dataId)}</script>
</body>
</html>
`;
}

/** Draws every `canvas[data-chart]` from the chart configs in the JSON script element `dataId`. */
const initScript = (dataId: string) =>
  `(function () {
  var data = JSON.parse(document.getElementById("${dataId}").textContent);
  // Error bars: a dataset's errorBars[i] = [low, high] (or null) is drawn as a whisker on point i.
  if (typeof Chart !== "undefined" && Chart.register) {
    Chart.register({
      id: "errorBars",
      afterDatasetsDraw: function (chart) {
        var ctx = chart.ctx, yScale = chart.scales.y;
        if (!yScale) return;
        chart.data.datasets.forEach(function (ds, d) {
          var bars = ds.errorBars, meta = chart.getDatasetMeta(d);
          if (!bars || meta.hidden) return;
          ctx.save();
          ctx.strokeStyle = ds.borderColor || "#444";
          ctx.lineWidth = 1.5;
          meta.data.forEach(function (el, i) {
            var b = bars[i];
            if (!b || !isFinite(b[0]) || !isFinite(b[1])) return;
            var lo = yScale.getPixelForValue(b[0]), hi = yScale.getPixelForValue(b[1]);
            ctx.beginPath();
            ctx.moveTo(el.x, lo); ctx.lineTo(el.x, hi);
            ctx.moveTo(el.x - 4, lo); ctx.lineTo(el.x + 4, lo);
            ctx.moveTo(el.x - 4, hi); ctx.lineTo(el.x + 4, hi);
            ctx.stroke();
          });
          ctx.restore();
        });
      },
    });
  }
  var canvases = document.querySelectorAll("canvas[data-chart]");
  for (var i = 0; i < canvases.length; i++) {
    var canvas = canvases[i];
    var index = Number(canvas.getAttribute("data-chart"));
    var config = data.charts[index];
    config.options = config.options || {};
    if (config.options.animation === undefined) config.options.animation = false;
    var sets = (config.data && config.data.datasets) || [];
    var hidden = false;
    for (var k = 0; k < sets.length; k++) if (sets[k].legend === false) hidden = true;
    if (hidden) {
      // A band's lower edge is drawn but not listed (legend: false in the chart's JSON).
      config.options.plugins = config.options.plugins || {};
      config.options.plugins.legend = config.options.plugins.legend || {};
      config.options.plugins.legend.labels = config.options.plugins.legend.labels || {};
      config.options.plugins.legend.labels.filter = function (item, chartData) {
        return chartData.datasets[item.datasetIndex].legend !== false;
      };
    }
    var links = data.links && data.links[index];
    if (links) {
      // A point opens the page in links[i] of its label; functions cannot travel in the JSON.
      config.options.onClick = (function (hrefs) {
        return function (event, elements) {
          if (elements.length && hrefs[elements[0].index]) location.href = hrefs[elements[0].index];
        };
      })(links);
      config.options.onHover = function (event, elements) {
        event.native.target.style.cursor = elements.length ? "pointer" : "default";
      };
    }
    try {
      new Chart(canvas, config);
    } catch (e) {
      var p = document.createElement("p");
      p.className = "error";
      p.textContent = "chart failed to draw: " + e.message;
      canvas.parentNode.replaceChild(p, canvas);
    }
  }
  // A printed section shows its folded tables; they fold again after printing.
  var opened = [];
  addEventListener("beforeprint", function () {
    var folded = document.querySelectorAll("details:not([open])");
    for (var i = 0; i < folded.length; i++) {
      folded[i].open = true;
      opened.push(folded[i]);
    }
  });
  addEventListener("afterprint", function () {
    while (opened.length) opened.pop().open = false;
  });
})();`;
