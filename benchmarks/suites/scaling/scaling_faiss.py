"""Peer measurement for the scaling suite: faiss IndexFlatL2 exact k-NN.

Usage: python3 scaling_faiss.py N D K SEED  -> prints JSON {"seconds": s, "pairsPerSecond": p}.
Random N x D float32 data; the timing covers index add + search of all N rows. Also
prints the BLAS library faiss runs on (harness/peer_blas.py).
"""
import json, os, sys, time

import faiss
import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "harness"))
from peer_blas import blas_info  # noqa: E402

n, d, k, seed = (int(a) for a in sys.argv[1:5])
x = np.random.default_rng(seed).standard_normal((n, d)).astype("float32")
t0 = time.perf_counter()
index = faiss.IndexFlatL2(d)
index.add(x)
index.search(x, k)
s = time.perf_counter() - t0
print(json.dumps({
    "seconds": s,
    "pairsPerSecond": n * n / s,
    "threads": faiss.omp_get_max_threads(),
    # IndexFlatL2 computes distances with BLAS sgemm inside its OpenMP threads.
    **blas_info(),
}))
