import assert from "node:assert/strict";
import { escapeHtml, jsonForScript, loadChartJs } from "./html_page.ts";

Deno.test("escaping for HTML text and inline script", () => {
  assert.equal(
    escapeHtml(`<a href="x">'&'</a>`),
    "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;",
  );
  assert.equal(jsonForScript({ s: "</script>&" }), '{"s":"\\u003c/script\\u003e\\u0026"}');
});

Deno.test("chart.js is found in node_modules, and its absence is an input error", () => {
  assert.ok(loadChartJs().length > 100_000);
  assert.throws(() => loadChartJs("/nonexistent/"), /chart\.js bundle not found/);
});
