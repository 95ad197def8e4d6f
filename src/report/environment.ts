/**
 * What a results file records about the machine and the software: commit,
 * Deno and library versions, CPU, cores, memory and OS.
 *
 * @module
 */

import type { RunMeta } from "./results.ts";

/** The environment part of {@linkcode RunMeta}. */
export type Environment = Pick<
  RunMeta,
  | "commit"
  | "deno"
  | "v8"
  | "typescript"
  | "tfjs"
  | "hnswlibNode"
  | "chartJs"
  | "cpu"
  | "cores"
  | "memoryBytes"
  | "os"
>;

function readText(path: string): string | undefined {
  try {
    return Deno.readTextFileSync(path);
  } catch {
    return undefined;
  }
}

function commandOutput(cmd: string, args: string[], cwd: string): string | undefined {
  try {
    const r = new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "null" }).outputSync();
    const out = new TextDecoder().decode(r.stdout).trim();
    return r.success && out ? out : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The version of npm package `name`: from its installed package.json under
 * `root`, else from the `npm:name@x.y.z` import in `root/deno.json`, else
 * "unknown".
 */
export function packageVersion(name: string, root: string): string {
  const pkg = readText(`${root}node_modules/${name}/package.json`);
  if (pkg) {
    try {
      const v = JSON.parse(pkg).version;
      if (typeof v === "string") return v;
    } catch { /* fall back to deno.json */ }
  }
  const config = readText(`${root}deno.json`);
  if (config) {
    try {
      const imports: Record<string, string> = JSON.parse(config).imports ?? {};
      for (const spec of Object.values(imports)) {
        const prefix = `npm:${name}@`;
        if (spec.startsWith(prefix)) return spec.slice(prefix.length).split("/")[0];
      }
    } catch { /* unreadable deno.json: unknown */ }
  }
  return "unknown";
}

function cpuModel(): string {
  const info = readText("/proc/cpuinfo");
  const line = info?.split("\n").find((l) => /^model name\s*:/.test(l));
  if (line) return line.replace(/^model name\s*:\s*/, "").trim();
  const mac = commandOutput("sysctl", ["-n", "machdep.cpu.brand_string"], ".");
  return mac ?? `unknown ${Deno.build.arch} CPU`;
}

function memoryBytes(): number {
  try {
    return Deno.systemMemoryInfo().total;
  } catch {
    return 0;
  }
}

/** The environment of this process, for the project rooted at `root` (default: this checkout). */
export function collectEnvironment(root?: string): Environment {
  const base = root ?? new URL("../../", import.meta.url).pathname;
  let release = "";
  try {
    release = Deno.osRelease();
  } catch { /* not permitted: leave it out */ }
  return {
    commit: commandOutput("git", ["rev-parse", "HEAD"], base) ?? "unknown",
    deno: Deno.version.deno,
    v8: Deno.version.v8,
    typescript: Deno.version.typescript,
    tfjs: packageVersion("@tensorflow/tfjs", base),
    hnswlibNode: packageVersion("hnswlib-node", base),
    chartJs: packageVersion("chart.js", base),
    cpu: cpuModel(),
    cores: navigator.hardwareConcurrency ?? 0,
    memoryBytes: memoryBytes(),
    os: [Deno.build.os, release, Deno.build.arch].filter(Boolean).join(" "),
  };
}
