"""Thread count and build configuration."""

from __future__ import annotations

import ast
import sys

import numpy as np

from . import _ufuncs
from ._version import __version__

MAX_THREADS: int = _ufuncs.MAX_THREADS
"""The most threads :func:`set_num_threads` accepts (and the most any loop uses)."""


def get_num_threads() -> int:
    """Threads fastact uses for large arrays (1 when built without OpenMP).

    Follows ``OMP_NUM_THREADS`` and ``threadpoolctl`` unless set with
    :func:`set_num_threads`; at most :data:`MAX_THREADS`. In a process forked
    (``os.fork``, ``multiprocessing``'s "fork" start method, PyTorch's
    DataLoader workers) after its parent ran fastact on several threads, it
    is 1: OpenMP's threads do not survive a fork, so such a child runs every
    loop on its own thread rather than wait for them. Processes started with
    "spawn" or "forkserver" are unaffected.

    >>> import fastact
    >>> fastact.get_num_threads() >= 1
    True
    """
    return _ufuncs.get_num_threads()


def set_num_threads(n: int | None) -> None:
    """Use ``n`` threads for large arrays; ``None`` or ``0`` restores the default.

    Parameters
    ----------
    n : int or None
        From 1 to :data:`MAX_THREADS` (1024); ``None`` or 0 goes back to
        OpenMP's default (``OMP_NUM_THREADS``, ``threadpoolctl``). Anything
        else raises ``ValueError``. In a child forked after its parent ran
        several threads the setting is kept but loops still run on one
        thread (see :func:`get_num_threads`).

    Results are bitwise identical for any thread count.

    >>> import fastact
    >>> fastact.set_num_threads(1); fastact.set_num_threads(None)
    """
    if n is None:
        n = 0
    if (not isinstance(n, (int, np.integer)) or isinstance(n, bool)
            or not 0 <= n <= MAX_THREADS):
        raise ValueError(f"fastact.set_num_threads: n must be an int from 0 (the default) to "
                         f"{MAX_THREADS}, or None, got {n!r}")
    _ufuncs.set_num_threads(int(n))


def config() -> dict:
    """The build and runtime configuration as a dict."""
    build = ast.literal_eval(_ufuncs.build_config() or "{}")
    return {
        "compiler": build.get("compiler", "unknown"),
        "cflags": build.get("cflags", "unknown"),
        "dispatch": _ufuncs.DISPATCH_LEVEL,
        "supported": ", ".join(_ufuncs.supported_levels()),
        "compiled": ", ".join(f"{k} ({v})" for k, v in _ufuncs.compiled_levels().items()),
        "openmp": _ufuncs.openmp_enabled(),
        "threads": get_num_threads(),
        "forked": _ufuncs.forked_after_team(),
        "numpy": np.__version__,
        "python": sys.version.split()[0],
    }


def show_config() -> None:
    """Print the compiler, flags, dispatch level, OpenMP support and thread count.

    ``dispatch`` is the instruction-set level whose kernels are in use: the
    best the CPU supports, or the one the ``FASTACT_DISPATCH`` environment
    variable (``baseline``, ``avx2``, ``avx512``) forced at import.

    >>> import fastact
    >>> fastact.show_config()  # doctest: +ELLIPSIS
    fastact ...
    """
    print(f"fastact {__version__}")
    for key, value in config().items():
        print(f"  {key:9s} {value}")
