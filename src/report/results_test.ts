import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { parseResults, readResults, SCHEMA_VERSION } from "./results.ts";

const GOOD = {
  schemaVersion: SCHEMA_VERSION,
  meta: { profile: "quick", seed: 1 },
  cases: [{ suite: "s", name: "a", params: {}, status: "ok", metrics: { x: 1 }, seconds: 0.1 }],
  summaries: { s: { n: 1 } },
};

function oneLineInputError(pattern: RegExp) {
  return (e: unknown) =>
    e instanceof InputError && pattern.test(e.message) && !e.message.includes("\n");
}

Deno.test("readResults", async (t) => {
  const dir = Deno.makeTempDirSync({ prefix: "results_test_" });
  const write = (name: string, text: string) => {
    Deno.writeTextFileSync(`${dir}/${name}`, text);
    return `${dir}/${name}`;
  };

  await t.step("reads a valid file", () => {
    const r = readResults(write("ok.json", JSON.stringify(GOOD)));
    assert.equal(r.cases[0].name, "a");
    assert.deepEqual(r.summaries, { s: { n: 1 } });
  });

  await t.step("missing file names the file and the fix", () => {
    assert.throws(
      () => readResults(`${dir}/nope.json`),
      oneLineInputError(/nope\.json does not exist; run `deno task bench/),
    );
  });

  await t.step("a folder instead of a file", () => {
    assert.throws(() => readResults(dir), oneLineInputError(/is a folder/));
  });

  await t.step("not JSON", () => {
    const path = write("bad.json", "{ not json");
    assert.throws(() => readResults(path), oneLineInputError(/bad\.json is not valid JSON/));
  });

  await t.step("another schemaVersion", () => {
    const path = write("v2.json", JSON.stringify({ ...GOOD, schemaVersion: 2 }));
    assert.throws(() => readResults(path), oneLineInputError(/v2\.json has schemaVersion 2/));
    const none = write("v0.json", JSON.stringify({ meta: {}, cases: [] }));
    assert.throws(() => readResults(none), oneLineInputError(/schemaVersion undefined/));
  });

  await t.step("broken structure", () => {
    assert.throws(() => parseResults("[1]", "x.json"), oneLineInputError(/not a results file/));
    const noCases = JSON.stringify({ ...GOOD, cases: undefined });
    assert.throws(() => parseResults(noCases, "x.json"), oneLineInputError(/no "cases" list/));
    const badCase = JSON.stringify({
      ...GOOD,
      cases: [{ suite: "s", name: "a", status: "weird" }],
    });
    assert.throws(() => parseResults(badCase, "x.json"), oneLineInputError(/case 0 lacks/));
  });

  Deno.removeSync(dir, { recursive: true });
});
