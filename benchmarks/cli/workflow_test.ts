// Checks .github/workflows/bench.yml: it parses, has the triggers, jobs and
// permissions issues 7 and 16 ask for, every `deno task X` it calls exists in
// deno.json, every profile it can run has a committed baseline, and it passes
// @action-validator/cli (installed by `deno task setup` through deno.json; no network).
import assert from "node:assert/strict";

const ROOT = new URL("../../", import.meta.url).pathname;
const WORKFLOW = `${ROOT}.github/workflows/bench.yml`;

type Yaml = string | number | boolean | null | Yaml[] | { [k: string]: Yaml };
interface Line {
  indent: number;
  text: string;
}

/**
 * A YAML reader for the block subset GitHub workflows use: nested mappings,
 * `- ` sequences, plain and quoted scalars, `[a, b]` flow lists, and `>-` / `|`
 * block scalars. Throws on anything it does not understand.
 */
function parseYaml(source: string): Yaml {
  const lines: Line[] = [];
  for (const raw of source.split("\n")) {
    if (/^\s*(#.*)?$/.test(raw)) {
      lines.push({ indent: -1, text: "" }); // keeps block scalars' blank lines countable
      continue;
    }
    if (/\t/.test(raw.match(/^\s*/)![0])) throw new Error(`tab indent: ${raw}`);
    lines.push({ indent: raw.length - raw.trimStart().length, text: raw.trim() });
  }
  let i = 0;
  const skipBlank = () => {
    while (i < lines.length && lines[i].indent < 0) i++;
  };
  const scalar = (text: string): Yaml => {
    const quoted = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*')(\s+#.*)?$/.exec(text);
    if (quoted) {
      const q = quoted[1];
      return q.startsWith('"') ? JSON.parse(q) : q.slice(1, -1).replace(/''/g, "'");
    }
    const t = text.replace(/\s+#.*$/, "");
    if (/^\[.*\]$/.test(t)) {
      const inner = t.slice(1, -1).trim();
      return inner ? inner.split(",").map((s) => scalar(s.trim())) : [];
    }
    if (/^-?\d+$/.test(t)) return Number(t);
    if (t === "true" || t === "false") return t === "true";
    if (t === "null" || t === "~") return null;
    if (/^[>|]/.test(t) || /^[{&*!]/.test(t)) throw new Error(`unsupported scalar: ${t}`);
    return t;
  };
  const blockScalar = (style: string, parent: number): string => {
    const parts: string[] = [];
    while (i < lines.length && (lines[i].indent < 0 || lines[i].indent > parent)) {
      parts.push(lines[i].text);
      i++;
    }
    while (parts.length && parts.at(-1) === "") parts.pop();
    return style.startsWith(">") ? parts.join(" ") : parts.join("\n");
  };
  const block = (indent: number): Yaml => {
    skipBlank();
    if (i >= lines.length) return null;
    if (lines[i].text.startsWith("- ") || lines[i].text === "-") {
      const seq: Yaml[] = [];
      while (i < lines.length && lines[i].indent === indent && /^-( |$)/.test(lines[i].text)) {
        const rest = lines[i].text.slice(1).trimStart();
        if (rest === "") {
          i++;
          skipBlank();
          seq.push(block(lines[i].indent));
        } else if (/^[^"'[][^:]*:( |$)/.test(rest)) {
          // "- key: value": a mapping whose keys sit two columns in.
          lines[i] = { indent: indent + 2, text: rest };
          seq.push(block(indent + 2));
        } else {
          seq.push(scalar(rest));
          i++;
        }
        skipBlank();
      }
      return seq;
    }
    const map: { [k: string]: Yaml } = {};
    while (i < lines.length && lines[i].indent === indent) {
      const m = /^([^:]+?):(?:\s+(.*))?$/.exec(lines[i].text);
      if (!m) throw new Error(`line ${i + 1}: expected "key: value", got: ${lines[i].text}`);
      const key = m[1].replace(/^["']|["']$/g, "");
      if (key in map) throw new Error(`line ${i + 1}: duplicate key ${key}`);
      const value = m[2]?.trim();
      i++;
      if (value === undefined || value === "") {
        skipBlank();
        map[key] = i < lines.length && lines[i].indent > indent
          ? block(lines[i].indent)
          : i < lines.length && lines[i].indent === indent && lines[i].text.startsWith("- ")
          ? block(indent)
          : null;
      } else if (/^[>|][-+]?$/.test(value)) {
        map[key] = blockScalar(value, indent);
      } else {
        map[key] = scalar(value);
      }
      skipBlank();
    }
    if (i < lines.length && lines[i].indent > indent) {
      throw new Error(`line ${i + 1}: unexpected indent: ${lines[i].text}`);
    }
    return map;
  };
  const doc = block(0);
  skipBlank();
  if (i < lines.length) throw new Error(`line ${i + 1}: unparsed: ${lines[i].text}`);
  return doc;
}

type Map = { [k: string]: Yaml };
const obj = (v: Yaml | undefined, what: string): Map => {
  assert.ok(v !== null && typeof v === "object" && !Array.isArray(v), `${what} is not a mapping`);
  return v as Map;
};
const list = (v: Yaml | undefined, what: string): Yaml[] => {
  assert.ok(Array.isArray(v), `${what} is not a list`);
  return v;
};

Deno.test("parseYaml reads the subset and rejects what it cannot read", () => {
  const doc = parseYaml(
    'a: 1\nb:\n  - x\n  - k: "v # not a comment"\n    j: [1, 2]\nc: >-\n  one\n  two\n# c\nd:\n',
  );
  assert.deepEqual(doc, {
    a: 1,
    b: ["x", { k: "v # not a comment", j: [1, 2] }],
    c: "one two",
    d: null,
  });
  assert.throws(() => parseYaml("a: 1\na: 2\n"), /duplicate key/);
  assert.throws(() => parseYaml("a: 1\n   b: 2\n"), /unexpected indent|unparsed/);
  assert.throws(() => parseYaml("a: {x: 1}\n"), /unsupported/);
});

Deno.test("bench.yml: triggers, shards, merge, Pages, and only existing deno tasks", () => {
  const wf = obj(parseYaml(Deno.readTextFileSync(WORKFLOW)), "workflow");
  const tasks = Object.keys(JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`)).tasks);
  const on = obj(wf.on, "on");
  assert.match(
    String(obj(list(on.schedule, "schedule")[0], "cron entry").cron),
    /^\S+ \S+ \S+ \S+ \S+$/,
  );
  assert.ok("workflow_dispatch" in on);
  const jobs = obj(wf.jobs, "jobs");

  const runs: string[] = [];
  const uses: Record<string, string[]> = {};
  for (const [name, job] of Object.entries(jobs)) {
    uses[name] = [];
    for (const step of list(obj(job, name).steps, `${name}.steps`)) {
      const s = obj(step, `${name} step`);
      if (typeof s.run === "string") runs.push(s.run);
      if (typeof s.uses === "string") uses[name].push(s.uses.replace(/@.*/, ""));
    }
  }
  const called = runs.flatMap((r) =>
    [...r.matchAll(/\bdeno(?:@[\d.]+)? task ([\w:-]+)/g)].map((m) => m[1])
  );
  assert.ok(called.length >= 3, `few deno tasks: ${called}`);
  for (const t of called) assert.ok(tasks.includes(t), `workflow calls missing task ${t}`);
  for (const r of runs.filter((r) => /\bdeno\b/.test(r))) {
    assert.match(r, /npx -y deno@2\.9\.6 task /, `deno not via npx: ${r}`);
  }

  const shard = obj(jobs.shard, "shard");
  const matrix = list(obj(obj(shard.strategy, "strategy").matrix, "matrix").shard, "matrix.shard");
  const shards = Number(obj(wf.env, "env").SHARDS);
  assert.deepEqual(matrix, Array.from({ length: shards }, (_, k) => k + 1));
  assert.ok(
    runs.some((r) => /task bench:ci[\s\S]*--shard "\$\{\{ matrix\.shard \}\}\/\$SHARDS"/.test(r)),
  );
  assert.match(String(obj(wf.env, "env").PROFILE), /'standard'/);
  assert.deepEqual(uses.shard, [
    "actions/checkout",
    "actions/setup-node",
    "actions/upload-artifact",
  ]);

  const merge = obj(jobs.merge, "merge");
  assert.equal(merge.needs, "shard");
  assert.ok(runs.some((r) => /task report --merge /.test(r)));
  const compare = runs.find((r) => /task compare /.test(r));
  assert.ok(compare, "no compare step");
  assert.match(compare, /--baseline reports\/baseline(\s|$)/);
  assert.match(compare, /--confirm(\s|$)/, "time regressions are rerun before they fail");
  // The history lives on the gh-pages branch, not only in the evictable Actions cache.
  assert.ok(runs.some((r) => /task report --merge [\s\S]*--root site[\s\S]*--keep/.test(r)));
  assert.ok(runs.some((r) => /git push origin gh-pages/.test(r)), "kept runs are pushed");
  assert.ok(!uses.merge.includes("actions/cache/restore"), "history is on gh-pages, not the cache");
  assert.equal(obj(merge.permissions, "merge.permissions").contents, "write");
  for (const u of ["actions/download-artifact", "actions/upload-pages-artifact"]) {
    assert.ok(uses.merge.includes(u), `merge lacks ${u}`);
  }
  const deploy = obj(jobs.deploy, "deploy");
  assert.deepEqual(obj(deploy.permissions, "deploy.permissions"), {
    pages: "write",
    "id-token": "write",
  });
  assert.equal(obj(deploy.environment, "environment").name, "github-pages");
  assert.deepEqual(uses.deploy, ["actions/deploy-pages"]);

  // Every profile the workflow can run is compared with a baseline of that profile.
  const inputs = obj(obj(on.workflow_dispatch, "workflow_dispatch").inputs, "inputs");
  const profiles = list(obj(inputs.profile, "inputs.profile").options, "profile options");
  assert.ok(profiles.includes("standard"));
  for (const p of profiles) {
    const base = JSON.parse(Deno.readTextFileSync(`${ROOT}reports/baseline/${p}.json`));
    assert.equal(base.meta.profile, p, `reports/baseline/${p}.json is not a ${p} run`);
    assert.equal(base.meta.backend, "wasm", "CI runs bench:ci on wasm");
    assert.equal(base.meta.shard, null);
  }
});

/** Runs the validator deno.json pins on `path`; cached only, so it never reaches the network. */
async function actionValidator(path: string): Promise<{ code: number; text: string }> {
  const out = await new Deno.Command(Deno.execPath(), {
    args: ["run", "-A", "--cached-only", "npm:@action-validator/cli@0.6.0", path],
    cwd: ROOT,
    stdout: "piped",
    stderr: "piped",
  }).output();
  const dec = new TextDecoder();
  return { code: out.code, text: dec.decode(out.stdout) + dec.decode(out.stderr) };
}

Deno.test("bench.yml passes @action-validator/cli, which rejects a broken copy", async () => {
  const ok = await actionValidator(WORKFLOW);
  assert.doesNotMatch(ok.text, /not (found|cached)|--cached-only/i, "run `deno task setup` first");
  assert.equal(ok.code, 0, ok.text);
  const dir = Deno.makeTempDirSync({ prefix: "workflow_test_" });
  try {
    const bad = `${dir}/bench.yml`;
    Deno.writeTextFileSync(
      bad,
      Deno.readTextFileSync(WORKFLOW).replace(/runs-on:/g, "runs_on:"),
    );
    const r = await actionValidator(bad);
    assert.equal(r.code, 1, r.text);
    assert.match(r.text, /runs-on/);
  } finally {
    Deno.removeSync(dir, { recursive: true });
  }
});
