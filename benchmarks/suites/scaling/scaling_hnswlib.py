"""Peer measurement for the scaling suite: Python hnswlib's build and k'-NN queries.

Usage: python3 scaling_hnswlib.py DATA N D M EF_CONSTRUCTION K_PRIME EF THREADS SEED
DATA is N x D little-endian float32 (the case's own data draw). The same work as the
suite's `hnsw_knn` case: build the index (M, efConstruction), then the K_PRIME nearest
neighbours of every point with beam EF. Python hnswlib builds and queries on THREADS
threads; hnswlib-node builds each index on one thread (the suite builds two shards side by
side on Workers and searches both per query; its queries run on Workers), which is part of
what the ratio measures. Prints one JSON line.
"""
import json
import sys
import time

import hnswlib
import numpy as np

path = sys.argv[1]
n, d, m, ef_construction, k_prime, ef, threads, seed = (int(a) for a in sys.argv[2:10])
x = np.fromfile(path, dtype="<f4").reshape(n, d)
t0 = time.perf_counter()
index = hnswlib.Index(space="l2", dim=d)
index.init_index(max_elements=n, ef_construction=ef_construction, M=m, random_seed=seed)
index.set_num_threads(threads)
index.add_items(x, np.arange(n))
t1 = time.perf_counter()
index.set_ef(max(ef, k_prime))
index.knn_query(x, k=k_prime)
t2 = time.perf_counter()
print(json.dumps({
    "buildSeconds": t1 - t0,
    "querySeconds": t2 - t1,
    "totalSeconds": t2 - t0,
    "threads": threads,
}))
