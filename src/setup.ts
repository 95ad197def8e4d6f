/**
 * `deno task setup`: installs the npm packages and builds the hnswlib-node
 * native addon when it is missing. Idempotent: a second run does nothing
 * but check.
 *
 * @module
 */

const HNSW_DIR = "node_modules/.deno/hnswlib-node@3.0.0/node_modules/hnswlib-node";
const ADDON = `${HNSW_DIR}/build/Release/addon.node`;

function exists(path: string): boolean {
  try {
    Deno.statSync(path);
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[], cwd?: string): { ok: boolean; out: string } {
  try {
    const r = new Deno.Command(cmd, { args, cwd, stdout: "piped", stderr: "piped" }).outputSync();
    const dec = new TextDecoder();
    return { ok: r.success, out: dec.decode(r.stdout) + dec.decode(r.stderr) };
  } catch (e) {
    return { ok: false, out: (e as Error).message };
  }
}

function which(name: string): string | undefined {
  const r = run("sh", ["-c", `command -v ${name}`]);
  const path = r.out.trim();
  return r.ok && path ? path : undefined;
}

/** Locates npm's bundled node-gyp, so no download is needed. */
function findNodeGyp(): string | undefined {
  const root = run("npm", ["root", "-g"]);
  const candidates = [
    root.ok ? `${root.out.trim().split("\n").pop()}/npm/node_modules/node-gyp/bin/node-gyp.js` : "",
    "/usr/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
    "/usr/local/lib/node_modules/npm/node_modules/node-gyp/bin/node-gyp.js",
  ];
  return candidates.find((c) => c && exists(c));
}

/** The folder whose include/node holds Node's headers, so node-gyp builds offline. */
function findNodeDir(node: string): string | undefined {
  const real = Deno.realPathSync(node);
  const prefix = real.replace(/\/bin\/[^/]+$/, "");
  return exists(`${prefix}/include/node/node.h`) ? prefix : undefined;
}

function fail(message: string): never {
  console.error(`setup: ${message}`);
  Deno.exit(1);
}

if (!exists(`${HNSW_DIR}/package.json`) || !exists("node_modules/@tensorflow/tfjs")) {
  console.error("setup: installing npm packages (deno install)...");
  const r = run(Deno.execPath(), ["install"]);
  if (!r.ok) fail(`deno install failed:\n${r.out}`);
}

if (!exists(ADDON)) {
  const node = which("node");
  if (!node) {
    fail(
      "hnswlib-node needs Node.js to build its native addon; install Node.js and npm, then rerun `deno task setup`",
    );
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    fail(
      "cannot find npm's node-gyp; install npm (it bundles node-gyp), then rerun `deno task setup`",
    );
  }
  const nodeDir = findNodeDir(node);
  const args = [gyp, "rebuild", ...(nodeDir ? [`--nodedir=${nodeDir}`] : [])];
  console.error("setup: building the hnswlib-node native addon (about 20 s)...");
  const r = run(node, args, HNSW_DIR);
  if (!r.ok || !exists(ADDON)) {
    fail(
      `building hnswlib-node failed (it needs python3, make and a C++ compiler):\n${
        r.out.slice(-2000)
      }`,
    );
  }
  console.error("setup: hnswlib-node built");
}
