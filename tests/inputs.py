"""One generator of hostile inputs shared by all tests (after bottleneck's array_generator)."""

from __future__ import annotations

import numpy as np


def special_values(dtype) -> np.ndarray:
    """NaN, +-inf, +-0, subnormals, extremes and values around 0 and 1 in ``dtype``."""
    info = np.finfo(dtype)
    vals = [np.nan, np.inf, -np.inf, 0.0, -0.0, info.smallest_subnormal, -info.smallest_subnormal,
            info.tiny, -info.tiny, info.max, -info.max, info.eps, 1.0, -1.0, 0.5, -0.5, 2.0, -2.0]
    return np.array(vals, dtype=dtype)


def dense_grid(dtype, n: int = 20001, seed: int = 0) -> np.ndarray:
    """A grid across the whole range: uniform on [-60, 60], log-spaced tails, random bits."""
    info = np.finfo(dtype)
    rng = np.random.default_rng(seed)
    top = np.log10(float(info.max)) - 0.01
    bottom = np.log10(float(info.smallest_subnormal))
    logs = np.logspace(bottom, top, n // 2)
    bits = {2: np.uint16, 4: np.uint32, 8: np.uint64}[np.dtype(dtype).itemsize]
    random_bits = rng.integers(0, np.iinfo(bits).max, n // 4, dtype=bits, endpoint=True).view(dtype)
    with np.errstate(all="ignore"):
        # the random part is the densest: rare worst cases hide in [-8, 8]
        parts = [np.linspace(-60, 60, n), logs, -logs, rng.uniform(-8, 8, 5 * n), random_bits]
        grid = np.concatenate([p.astype(dtype) for p in parts])
    return grid[np.isfinite(grid)]


def kink_points(points, dtype) -> np.ndarray:
    """Each point and its two neighbours in ``dtype``."""
    p = np.asarray(points, dtype=dtype)
    return np.concatenate([p, np.nextafter(p, np.inf), np.nextafter(p, -np.inf)]).astype(dtype)


def layouts(x: np.ndarray):
    """The same values in hostile memory layouts: (label, array)."""
    yield "contiguous", x
    if x.size >= 2:
        yield "strided", np.repeat(x, 2)[::2]
        yield "reversed", x[::-1].copy()[::-1]
    m = np.resize(x, (3, max(1, x.size)))
    yield "transposed", m.T
    yield "fortran", np.asfortranarray(m)
    yield "byteswapped", x.astype(x.dtype.newbyteorder())
    yield "0-d", np.asarray(x.flat[0]) if x.size else np.asarray(x.dtype.type(0))
    yield "empty", x[:0]
