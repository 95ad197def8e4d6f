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

_KINDS = [
    ("openblas", re.compile(r"openblas")),
    ("mkl", re.compile(r"libmkl_|/mkl/")),
    ("blis", re.compile(r"blis")),
    ("atlas", re.compile(r"atlas")),
    ("flexiblas", re.compile(r"flexiblas")),
]


def classify(paths, fallback="unknown"):
    """(kind, path) of the BLAS among the shared-library `paths` of a process.

    A library linked against `libblas.so.3` gets its BLAS calls from the file that name
    resolved to, even when another BLAS is mapped too (Debian's liblapack.so.3 can be
    OpenBLAS's, pulling in libopenblas.so.0, while libblas.so.3 is still the reference one:
    measured, the steps then run at the reference BLAS's speed). So that file decides, by
    the directory Debian's alternatives put it in (reference: netlib). Without one, the
    first optimised library found names it (a wheel's bundled OpenBLAS); else `fallback`,
    with path None. kind is openblas, mkl, blis, atlas, flexiblas, reference or `fallback`.
    """
    paths = sorted(paths)
    for path in paths:
        if os.path.basename(path).startswith("libblas.so"):
            kind = next((k for k, pattern in _KINDS if pattern.search(path)), "reference")
            return kind, path
    for kind, pattern in _KINDS:
        for path in paths:
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
