import assert from "node:assert/strict";
import { assertParentExists, writeFileAtomic } from "./atomic_write.ts";

Deno.test("atomic write: writes the whole file and leaves no temporary file", () => {
  const dir = Deno.makeTempDirSync();
  const path = `${dir}/out.txt`;
  writeFileAtomic(path, "first");
  writeFileAtomic(path, new TextEncoder().encode("second"));
  assert.equal(Deno.readTextFileSync(path), "second");
  assert.deepEqual([...Deno.readDirSync(dir)].map((e) => e.name), ["out.txt"]);
  Deno.removeSync(dir, { recursive: true });
});

Deno.test("atomic write: a missing folder is an input error and nothing is written", () => {
  assert.throws(() => writeFileAtomic("/nonexistent-dir-xyz/out.txt", "x"), /does not exist/);
  assert.throws(() => assertParentExists("/nonexistent-dir-xyz/a.csv"), /create it first/);
});
