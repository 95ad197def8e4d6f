import assert from "node:assert/strict";
import { InputError } from "../errors.ts";
import { mergeResults } from "./merge.ts";
import { makeResults, okCase } from "./test_fixtures.ts";

const names = (n: string) => n.split("").map((c) => okCase(c, { v: c.charCodeAt(0) }));

Deno.test("mergeResults", async (t) => {
  // Round-robin shards of the list a..g over 3: a d g | b e | c f.
  const s1 = makeResults(names("adg"), {
    shard: "1/3",
    startedAt: "2026-01-01T00:00:02Z",
    endedAt: "2026-01-01T00:05:00Z",
    durationSeconds: 10,
  });
  const s2 = makeResults(names("be"), {
    shard: "2/3",
    startedAt: "2026-01-01T00:00:01Z",
    endedAt: "2026-01-01T00:09:00Z",
    durationSeconds: 20,
    calibration: { name: "test-cal", samplesSeconds: [0.2] },
  });
  const s3 = makeResults(names("cf"), { shard: "3/3" });

  await t.step("interleaves shards back into the unsharded order", () => {
    const { results, warnings } = mergeResults([s3, s1, s2]);
    assert.deepEqual(results.cases.map((c) => c.name), "abcdefg".split(""));
    assert.deepEqual(warnings, []);
    assert.equal(results.meta.shard, null);
    assert.equal(results.meta.startedAt, "2026-01-01T00:00:00.000Z");
    assert.equal(results.meta.endedAt, "2026-01-01T00:09:00Z");
    assert.equal(results.meta.durationSeconds, 90);
    assert.equal(results.meta.calibration?.samplesSeconds.length, 11);
    assert.deepEqual(results.summaries, {});
  });

  await t.step("an explicit order wins; unknown cases go last", () => {
    const order = "gfedcb".split("").map((name) => ({ suite: "s", name }));
    const { results } = mergeResults([s1, s2, s3], { order });
    assert.deepEqual(results.cases.map((c) => c.name), "gfedcba".split(""));
  });

  await t.step("missing shards are a warning, not an error", () => {
    const { results, warnings } = mergeResults([s1, s3]);
    assert.deepEqual(warnings, ["shards 2/3 missing"]);
    assert.equal(results.meta.shard, "1+3/3");
    assert.deepEqual(results.cases.map((c) => c.name), "acdfg".split(""));
  });

  await t.step("bad sets of parts are one-line input errors", () => {
    const oneLine = (re: RegExp) => (e: unknown) =>
      e instanceof InputError && re.test(e.message) && !e.message.includes("\n");
    assert.throws(() => mergeResults([]), oneLine(/nothing to merge/));
    assert.throws(() => mergeResults([s1, s1]), oneLine(/both shard 1\/3/));
    assert.throws(
      () => mergeResults([s1, makeResults(names("b"), { shard: "2/2" })]),
      oneLine(/mix shard counts/),
    );
    assert.throws(
      () => mergeResults([s1, makeResults(names("b"), { shard: "2/3", seed: 9 })]),
      oneLine(/seed 9/),
    );
    assert.throws(
      () => mergeResults([s1, makeResults(names("a"), { shard: "2/3" })], { sources: ["x", "y"] }),
      oneLine(/case s\/a is in both x and y/),
    );
  });

  await t.step("unsharded runs of different suites concatenate", () => {
    const a = makeResults([okCase("x", {}, "one")]);
    const b = makeResults([okCase("y", {}, "two")], { commit: "def" });
    const { results, warnings } = mergeResults([a, b]);
    assert.deepEqual(results.cases.map((c) => `${c.suite}/${c.name}`), ["one/x", "two/y"]);
    assert.deepEqual(results.meta.suites, ["one", "two"]);
    assert.match(warnings.join(), /commit: abc, def/);
  });
});
