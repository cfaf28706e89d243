"""mpmath ground truth as arrays (long double), cached per case: shared by the mpmath tests."""

from __future__ import annotations

from functools import cache

import mp_truth
import mpmath
import numpy as np


def to_longdouble(v) -> np.longdouble:
    """Round an mpf to long double; beyond its range, to +-inf or a signed zero."""
    if mpmath.isnan(v):
        return np.longdouble(np.nan)
    if mpmath.isinf(v) or abs(v) > mpmath.mpf("1e4000"):
        return np.longdouble(np.inf if v > 0 else -np.inf)
    if v != 0 and abs(v) < mpmath.mpf("1e-4000"):
        return np.longdouble(0.0 if v > 0 else -0.0)
    return np.longdouble(mpmath.nstr(v, 25, min_fixed=1, max_fixed=0))


@cache
def truth_arrays(kernel: str, params: tuple, points: tuple) -> tuple[np.ndarray, np.ndarray]:
    """(f, f') at ``points`` as long double arrays, for ``params`` given as sorted items."""
    pairs = [mp_truth.truth(kernel, x, dict(params)) for x in points]
    return (np.array([to_longdouble(f) for f, _ in pairs]),
            np.array([to_longdouble(d) for _, d in pairs]))


def points_for(kernel: str, dtype) -> np.ndarray:
    """mp_truth's sample points for ``kernel``, rounded to ``dtype``, finite and unique."""
    with np.errstate(over="ignore"):
        x = np.asarray(mp_truth.sample_points(kernel), dtype=dtype)
    return np.unique(x[np.isfinite(x)])
