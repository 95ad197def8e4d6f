// Every user-facing `deno task X --help` prints usage and does nothing else (the baseline task
// once passed --help to `cp` after starting the whole baseline run).
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url);
const TASKS: Record<string, string> = JSON.parse(
  Deno.readTextFileSync(new URL("deno.json", ROOT)),
).tasks;

/** The script a task ends with (`deno task X --help` appends --help to its last command). */
function lastScript(command: string): string | undefined {
  const last = command.split("&&").at(-1)!.trim();
  return /^deno run -A (?:--\S+ )*(\S+\.ts)(\s|$)/.exec(last)?.[1];
}

Deno.test("every task that runs a script answers --help with usage and writes nothing", () => {
  const dir = Deno.makeTempDirSync({ prefix: "tasks_help_test_" });
  try {
    const scripts = Object.entries(TASKS)
      .filter(([name]) => name !== "setup" && name !== "test" && name !== "check")
      .map(([name, command]) => [name, lastScript(command)] as const);
    assert.ok(scripts.some(([name]) => name === "baseline"));
    for (const [name, script] of scripts) {
      assert.ok(script, `task ${name} does not end with a deno script: ${TASKS[name]}`);
      const r = new Deno.Command(Deno.execPath(), {
        args: ["run", "-A", "--config", new URL("deno.json", ROOT).pathname]
          .concat([new URL(script, ROOT).pathname, "--help"]),
        cwd: dir,
        stdout: "piped",
        stderr: "piped",
      }).outputSync();
      const out = new TextDecoder().decode(r.stdout);
      assert.equal(r.code, 0, `${name}: ${new TextDecoder().decode(r.stderr)}`);
      assert.match(out, /^usage: deno task /i, `${name} --help`);
      assert.deepEqual(Deno.readDirSync(dir).toArray(), [], `${name} --help wrote files`);
    }
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
