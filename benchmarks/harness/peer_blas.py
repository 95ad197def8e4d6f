"""Which BLAS library a Python peer process runs on, for its record.

Debian's python3-torch and python3-faiss link `libblas.so.3`, which the
alternatives system points at the netlib reference BLAS (libblas3) unless an
optimised one is installed (`apt-get install -y libopenblas0-pthread`): the
build flag torch reports (BLAS_INFO=generic) does not say which. On this
project's machine the reference BLAS made PyTorch's IWAE and MAPA steps
2.6-3.7x slower than OpenBLAS on one thread (reports/perf/peer_blas.md), so a ratio
against it flatters tfjs; the peers therefore report the library mapped
into the process.
"""
import os
import re

# MKL first: Debian can point libblas.so.3 at libmkl_rt.so, whose name does not say "libblas".
_KINDS = [
    ("mkl", re.compile(r"libmkl_|/mkl/")),
    ("openblas", re.compile(r"openblas")),
    ("blis", re.compile(r"blis")),
    ("atlas", re.compile(r"atlas")),
    ("flexiblas", re.compile(r"flexiblas")),
]

# What torch's BLAS_INFO names, where it names a library of its own.
_TORCH_BUILDS = {"mkl": "mkl", "open": "openblas", "openblas": "openblas", "blis": "blis"}


def classify(paths, fallback="unknown"):
    """(kind, path) of the BLAS among the shared-library `paths` of a process.

    A library linked against `libblas.so.3` gets its BLAS calls from the file that name
    resolved to, even when another BLAS is mapped too (Debian's liblapack.so.3 can be
    OpenBLAS's, pulling in libopenblas.so.0, while libblas.so.3 is still the reference one:
    measured, the steps then run at the reference BLAS's speed). So that file decides, by
    the directory Debian's alternatives put it in (reference: netlib). Without one, the
    first optimised library found names it (a wheel's bundled OpenBLAS); else `fallback`,
    with path None. kind is mkl, openblas, blis, atlas, flexiblas, reference or `fallback`.
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


def torch_blas(built, paths):
    """(kind, path) of the BLAS a torch build with BLAS_INFO `built` runs on: the library it
    names when it has its own (pip's statically linked mkl; then a mapped library may be
    numpy's, so path is None), else (Debian's "generic", or none found) the one mapped."""
    if built in _TORCH_BUILDS:
        return _TORCH_BUILDS[built], None
    return classify(paths, built or "unknown")


def mapped_libraries(maps_text):
    """The shared-library paths in the text of a /proc/PID/maps file."""
    paths = set()
    for line in maps_text.splitlines():
        fields = line.split(maxsplit=5)
        if len(fields) == 6 and ".so" in fields[5]:
            paths.add(fields[5].removesuffix(" (deleted)"))
    return paths


def _own_libraries():
    try:
        with open("/proc/self/maps", errors="replace") as f:
            return mapped_libraries(f.read())
    except OSError:
        return set()


def blas_info(fallback="unknown"):
    """{"blas": kind, "blasLibrary": path or None} of this process (see `classify`;
    `fallback` when no BLAS is mapped: linked statically, or no /proc)."""
    kind, path = classify(_own_libraries(), fallback)
    return {"blas": kind, "blasLibrary": path}


def torch_blas_info(config_text):
    """blas_info for a torch whose `torch.__config__.show()` is `config_text` (see `torch_blas`)."""
    match = re.search(r"BLAS_INFO=(\w+)", config_text)
    kind, path = torch_blas(match[1] if match else None, _own_libraries())
    return {"blas": kind, "blasLibrary": path}
