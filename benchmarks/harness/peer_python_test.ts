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
    `import json, sys\nsys.path.insert(0, ${JSON.stringify(harness)})\n` +
      "from peer_blas import blas_info, classify, mapped_libraries, torch_blas\n" +
      "q = json.loads(sys.argv[1])\n" +
      'print(json.dumps({"kinds": [classify(c, "generic")[0] for c in q["classify"]],\n' +
      '  "torch": [list(torch_blas(b, p)) for b, p in q["torch"]],\n' +
      '  "maps": sorted(mapped_libraries(q["maps"])), "self": blas_info()["blas"]}))\n',
  );
  const deb = "/usr/lib/x86_64-linux-gnu";
  const query = {
    classify: [
      // /proc/PID/maps shows the file the soname resolved to.
      [`${deb}/blas/libblas.so.3.11.0`, "/usr/lib/libm.so.6"],
      [`${deb}/openblas-pthread/libblas.so.3`],
      // libblas.so.3 decides when mapped: the reference one beside OpenBLAS's lapack is what runs.
      [`${deb}/openblas-pthread/libopenblas.so.0`, `${deb}/blas/libblas.so.3.11.0`],
      [`${deb}/blis-pthread/libblas.so.3`],
      [`${deb}/atlas/libblas.so.3`],
      [`${deb}/openblas-pthread/libopenblas.so.0`, `${deb}/libmkl_rt.so`],
      ["/venv/faiss_cpu.libs/libopenblaso-r0-d77a1985.3.15.so"],
      ["/usr/lib/libm.so.6"],
    ],
    torch: [
      ["generic", [`${deb}/openblas-pthread/libblas.so.3`]],
      ["generic", []],
      [null, [`${deb}/blas/libblas.so.3.11.0`]],
      ["mkl", ["/venv/numpy.libs/libscipy_openblas64_-ff651d7f.so"]],
      ["open", []],
    ],
    maps: [
      "7f0a5bb7b000-7f0a5bb8a000 r--p 00000000 08:01 123 /usr/lib/libblas.so.3.11.0",
      "7f0a5bb8a000-7f0a5bb9a000 r-xp 00000000 08:01 124 /opt/my libs/libfoo.so (deleted)",
      "7ffd1000-7ffd2000 rw-p 00000000 00:00 0 [stack]",
      "7ffd2000-7ffd3000 rw-p 00000000 00:00 0",
    ].join("\n"),
  };
  try {
    const out = await runPeer(url, {
      args: [JSON.stringify(query)],
      peer: "blas",
      module: "peer_blas",
      debianPackage: "-",
    });
    assert.deepEqual(out.kinds, [
      "reference",
      "openblas",
      "reference",
      "blis",
      "atlas",
      "mkl",
      "openblas",
      "generic",
    ]);
    assert.deepEqual(out.torch, [
      ["openblas", `${deb}/openblas-pthread/libblas.so.3`],
      ["generic", null],
      ["reference", `${deb}/blas/libblas.so.3.11.0`],
      ["mkl", null],
      ["openblas", null],
    ]);
    assert.deepEqual(out.maps, ["/opt/my libs/libfoo.so", "/usr/lib/libblas.so.3.11.0"]);
    // Plain Python maps no BLAS.
    assert.equal(out.self, "unknown");
  } finally {
    await Deno.remove(url.pathname);
  }
});

Deno.test("peerBlasNote: the reference BLAS is called flattering, an optimised one is named", () => {
  assert.match(peerBlasNote("faiss", "reference"), /flatters this project.*libopenblas0-pthread/);
  assert.match(peerBlasNote("PyTorch", "openblas"), /PyTorch's BLAS: openblas, one thread/);
  assert.match(peerBlasNote("PyTorch", "generic"), /read the ratio with care/);
  assert.equal(peerBlasNote("faiss", "unknown"), "");
  assert.equal(peerBlasNote("faiss", undefined), "");
});
