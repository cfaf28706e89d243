"""Error in units in the last place: the one measure the main job and the tests use."""

from __future__ import annotations

import numpy as np


def ulp_error(actual, expected, dtype) -> np.ndarray:
    """|actual - expected| in ULPs of ``expected`` in ``dtype`` (relative, subnormals included).

    ``expected`` may be more precise than ``dtype`` (float64, long double, or
    a list of mpmath numbers converted by the caller). NaN vs NaN and equal
    infinities count 0; a NaN or inf against anything else counts inf.
    """
    dtype = np.dtype(dtype)
    # float64 measures float32 and float16 errors to within 2^-29 ULP; float64 needs more
    wp = np.float64 if dtype.itemsize <= 4 else np.longdouble
    a = np.asarray(_exactly_float32(actual), dtype=wp)
    e = np.asarray(_exactly_float32(expected), dtype=wp)
    a, e = np.broadcast_arrays(a, e)
    info = _finfo(dtype)
    # a true value beyond the largest finite one (after rounding) is an overflow: inf
    edge = wp(info.max) * (1 + wp(2.0) ** -(info.nmant + 1))
    e = np.where(np.abs(e) >= edge, np.copysign(wp(np.inf), e), e)
    tiny = wp(info.smallest_subnormal)
    with np.errstate(all="ignore"):
        mag = np.abs(e)
        # spacing of dtype at |e|: 2**(floor(log2|e|) - mantissa bits), at least the
        # subnormal step; frexp's exponent is floor(log2|e|) + 1, exactly
        exponent = np.frexp(np.where(np.isfinite(mag) & (mag > 0), mag, 1))[1]
        # against a true 0 any nonzero result is wrong: measure it in subnormal steps
        step = np.maximum(np.ldexp(wp(1), exponent - 1 - info.nmant), tiny)
        step = np.where(mag > 0, step, tiny)
        err = np.abs(a - e) / step
    both_nan = np.isnan(a) & np.isnan(e)
    same_inf = np.isinf(a) & np.isinf(e) & (np.sign(a) == np.sign(e))
    bad = (np.isnan(a) | np.isnan(e) | np.isinf(a) | np.isinf(e)) & ~(both_nan | same_inf)
    err = np.where(both_nan | same_inf, 0, err)
    return np.where(bad, np.inf, err).astype(np.float64)


def worst(actual, expected, dtype, inputs) -> tuple[float, object]:
    """(largest ULP error, the input where it occurs)."""
    err = ulp_error(actual, expected, dtype)
    if err.size == 0:
        return 0.0, None
    i = int(np.argmax(err))
    return float(err.flat[i]), np.asarray(inputs).flat[i]


def _finfo(dtype: np.dtype):
    """``np.finfo``, or ml_dtypes' for its types (bfloat16)."""
    try:
        return np.finfo(dtype)
    except ValueError:
        import ml_dtypes

        return ml_dtypes.finfo(dtype)


def _exactly_float32(a):
    """bfloat16 as float32 (exact; ml_dtypes' direct cast to float64 warns on NaN)."""
    a = np.asarray(a)
    return a.astype(np.float32) if a.dtype.kind == "V" else a
