import assert from "node:assert/strict";
import { openPeer } from "./peer_python.ts";
import { CaseSkipped } from "./suite.ts";

const script = async (body: string): Promise<URL> => {
  const path = await Deno.makeTempFile({ suffix: ".py" });
  await Deno.writeTextFile(path, body);
  return new URL(`file://${path}`);
};

Deno.test("openPeer: the ready line, then one JSON answer per request, then a clean close", async () => {
  const url = await script(
    'import json, sys\nprint(json.dumps({"ready": sys.argv[1]}), flush=True)\n' +
      'for line in sys.stdin:\n    print(json.dumps({"twice": 2 * int(line)}), flush=True)\n',
  );
  const peer = await openPeer(url, {
    args: ["yes"],
    peer: "echo",
    module: "json",
    debianPackage: "-",
  });
  try {
    assert.deepEqual(peer.ready, { ready: "yes" });
    assert.deepEqual(await peer.request("3"), { twice: 6 });
    assert.deepEqual(await peer.request("21"), { twice: 42 });
  } finally {
    await peer.close();
    await Deno.remove(url.pathname);
  }
});

Deno.test("openPeer: a missing module skips the case; any other early exit throws its last error line", async () => {
  const missing = await script("import no_such_module_xyz\n");
  await assert.rejects(
    openPeer(missing, {
      args: [],
      peer: "x",
      module: "no_such_module_xyz",
      debianPackage: "python3-x",
    }),
    (e) => e instanceof CaseSkipped && /apt-get install -y python3-x/.test(e.message),
  );
  const broken = await script('raise SystemExit("peer broke")\n');
  await assert.rejects(
    openPeer(broken, { args: [], peer: "x", module: "x", debianPackage: "python3-x" }),
    (e) => !(e instanceof CaseSkipped) && /x peer failed: peer broke/.test((e as Error).message),
  );
  await Deno.remove(missing.pathname);
  await Deno.remove(broken.pathname);
});

Deno.test("openPeer: a peer that ignores the end of its input is killed on close", async () => {
  const url = await script(
    "import json, time\nprint(json.dumps({}), flush=True)\nwhile True:\n    time.sleep(1)\n",
  );
  const peer = await openPeer(url, {
    args: [],
    peer: "stuck",
    module: "json",
    debianPackage: "-",
    closeMs: 200,
  });
  const t0 = performance.now();
  await peer.close();
  assert.ok(performance.now() - t0 < 3000, "close returned without waiting for the peer");
  await Deno.remove(url.pathname);
});

Deno.test("openPeer: a peer that dies mid-run fails the request with its last error line", async () => {
  const url = await script(
    "import json, sys\nprint(json.dumps({}), flush=True)\nsys.stdin.readline()\n" +
      'raise SystemExit("died mid-run")\n',
  );
  const peer = await openPeer(url, { args: [], peer: "p", module: "json", debianPackage: "-" });
  await assert.rejects(peer.request("1"), /p peer failed: died mid-run/);
  await assert.rejects(peer.request("1"), /p peer failed/);
  await peer.close();
  await Deno.remove(url.pathname);
});
