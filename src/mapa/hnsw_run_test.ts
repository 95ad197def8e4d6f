import assert from "node:assert/strict";
import { withShardDir } from "./hnsw_run.ts";

Deno.test("the shard directory is removed after the work, after a failure and on exit", async () => {
  let kept = "";
  await withShardDir((dir) => {
    kept = dir;
    Deno.writeTextFileSync(`${dir}/shard-0.bin`, "x");
    return Promise.resolve();
  });
  assert.throws(() => Deno.statSync(kept), Deno.errors.NotFound);
  await assert.rejects(
    () =>
      withShardDir((dir) => {
        kept = dir;
        throw new Error("build failed");
      }),
    /build failed/,
  );
  assert.throws(() => Deno.statSync(kept), Deno.errors.NotFound);
  // A second Ctrl-C exits the process mid-build: the shards must not stay behind.
  const script = await Deno.makeTempFile({ suffix: ".ts" });
  Deno.writeTextFileSync(
    script,
    `import { withShardDir } from ${JSON.stringify(new URL("./hnsw_run.ts", import.meta.url).href)};
await withShardDir((dir) => {
  Deno.writeTextFileSync(dir + "/shard-0.bin", "x");
  console.log(dir);
  Deno.exit(130);
});`,
  );
  const out = await new Deno.Command(Deno.execPath(), { args: ["run", "-A", script] }).output();
  Deno.removeSync(script);
  assert.equal(out.code, 130);
  const dir = new TextDecoder().decode(out.stdout).trim();
  assert.ok(dir.includes("mapa-hnsw-"), dir);
  assert.throws(() => Deno.statSync(dir), Deno.errors.NotFound);
});
