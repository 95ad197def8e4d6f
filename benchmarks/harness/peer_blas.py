"""Which BLAS library a Python peer process has loaded, for its record.

Debian's python3-torch and python3-faiss link `libblas.so.3`, which the
alternatives system points at the netlib reference BLAS (libblas3) unless an
optimised one is installed (`apt-get install -y libopenblas0-pthread`): the
build flag torch reports (BLAS_INFO=generic) does not say which. On this
project's machine the reference BLAS made PyTorch's training steps 2.6-3x
slower than OpenBLAS on one thread, so a ratio against it flatters tfjs;
the peers therefore report the library actually mapped into the process.
"""
import os
import re

# Checked in this order: an optimised library wins over the reference one
# that some of them load beside themselves.
_KINDS = [
    ("openblas", re.compile(r"openblas")),
    ("mkl", re.compile(r"libmkl_")),
    ("blis", re.compile(r"blis")),
    ("atlas", re.compile(r"atlas")),
    ("flexiblas", re.compile(r"flexiblas")),
    ("reference", re.compile(r"/blas/libblas\.so|/libblas\.so")),
]


def classify(paths, fallback="unknown"):
    """(kind, path) of the BLAS among the shared-library `paths`: kind is one of
    openblas, mkl, blis, atlas, flexiblas, reference (netlib), or `fallback` (with
    path None) when none of them is a BLAS."""
    for kind, pattern in _KINDS:
        for path in sorted(paths):
            if pattern.search(path):
                return kind, path
    return fallback, None


def blas_info(fallback="unknown"):
    """{"blas": kind, "blasLibrary": path or None, "blasThreads": env} of this process
    (see `classify`; `fallback` when no BLAS is mapped: linked statically, or no /proc)."""
    try:
        with open("/proc/self/maps") as f:
            paths = {line.split()[-1] for line in f if ".so" in line}
    except OSError:
        paths = set()
    kind, path = classify(paths, fallback)
    return {"blas": kind, "blasLibrary": path, "blasThreads": _threads()}


def _threads():
    return os.environ.get("OPENBLAS_NUM_THREADS") or os.environ.get("MKL_NUM_THREADS")
