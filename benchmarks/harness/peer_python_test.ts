import assert from "node:assert/strict";
import { openPeer, PEER_ENV, peerBlasNote, runPeer } from "./peer_python.ts";
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
    (e) => e instanceof CaseSkipped && /apt-get install -y python3-x\)/.test(e.message),
  );
  await assert.rejects(
    runPeer(missing, {
      args: [],
      peer: "x",
      module: "no_such_module_xyz",
      debianPackage: "python3-x",
      companions: ["libopenblas0-pthread"],
    }),
    (e) =>
      e instanceof CaseSkipped &&
      /python3-x not installed \(apt-get install -y python3-x libopenblas0-pthread\)/.test(
        e.message,
      ),
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

Deno.test("runPeer and openPeer: peers run with their BLAS on one thread (PEER_ENV)", async () => {
  const body =
    'import json, os\nprint(json.dumps({k: os.environ.get(k) for k in ["OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"]}), flush=True)\n';
  const url = await script(body);
  try {
    const want = { OPENBLAS_NUM_THREADS: "1", MKL_NUM_THREADS: "1", BLIS_NUM_THREADS: "1" };
    assert.deepEqual(want, { ...PEER_ENV });
    assert.deepEqual(
      await runPeer(url, { args: [], peer: "env", module: "json", debianPackage: "-" }),
      want,
    );
    const peer = await openPeer(url, { args: [], peer: "env", module: "json", debianPackage: "-" });
    try {
      assert.deepEqual(peer.ready, want);
    } finally {
      await peer.close();
    }
  } finally {
    await Deno.remove(url.pathname);
  }
});

Deno.test("peer_blas.py: names the library behind libblas.so.3, else a bundled one", async () => {
  const harness = new URL(".", import.meta.url).pathname;
  const url = await script(
    `import json, sys\nsys.path.insert(0, ${
      JSON.stringify(harness)
    })\nfrom peer_blas import classify, blas_info\n` +
      "cases = [\n" +
      '  ["/usr/lib/x86_64-linux-gnu/blas/libblas.so.3", "/usr/lib/libm.so.6"],\n' +
      '  ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3"],\n' +
      '  ["/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0", "/usr/lib/x86_64-linux-gnu/blas/libblas.so.3"],\n' +
      '  ["/venv/faiss_cpu.libs/libopenblaso-r0-d77a1985.3.15.so"],\n' +
      '  ["/opt/intel/lib/libmkl_core.so.2"],\n' +
      '  ["/usr/lib/libm.so.6"],\n' +
      "]\n" +
      'print(json.dumps({"kinds": [classify(c, "generic")[0] for c in cases], "self": blas_info()["blas"]}))\n',
  );
  try {
    const out = await runPeer(url, {
      args: [],
      peer: "blas",
      module: "peer_blas",
      debianPackage: "-",
    });
    // libblas.so.3 decides when mapped: the reference one beside OpenBLAS's lapack is what runs.
    assert.deepEqual(out.kinds, [
      "reference",
      "openblas",
      "reference",
      "openblas",
      "mkl",
      "generic",
    ]);
    // Plain Python maps no BLAS.
    assert.equal(out.self, "unknown");
  } finally {
    await Deno.remove(url.pathname);
  }
});

Deno.test("peerBlasNote: the reference BLAS is called flattering, an optimised one is named", () => {
  assert.match(peerBlasNote("faiss", "reference"), /flatters this project.*libopenblas0-pthread/);
  assert.match(peerBlasNote("PyTorch", "openblas"), /PyTorch's BLAS: openblas/);
  assert.match(peerBlasNote("PyTorch", "generic"), /read the ratio with care/);
  assert.equal(peerBlasNote("faiss", "unknown"), "");
  assert.equal(peerBlasNote("faiss", undefined), "");
});
