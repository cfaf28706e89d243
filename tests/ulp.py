"""The tests measure errors with the package's own ULP measure (fastact._ulp), and share
a few helpers for row-wise results."""

import numpy as np

from fastact._ulp import ulp_error, worst

__all__ = ["DERIVATIVE_ULP", "EXTENDED_LD", "FLOATS", "FORWARD_ULP", "LD", "rows_last",
           "ulp_error", "ulp_of", "underflowed", "worst"]

# The contract: forward within 4 ULP, derivatives (and backward) within 8.
FORWARD_ULP = 4
DERIVATIVE_ULP = 8
FLOATS = (np.float16, np.float32, np.float64)
LD = np.longdouble
EXTENDED_LD = np.finfo(LD).nmant >= 63  # the float64 oracle needs long double > double


def rows_last(a, axis):
    """a with ``axis`` moved last (a view)."""
    return np.moveaxis(np.asarray(a), axis, -1)


def ulp_of(value, dtype) -> np.ndarray:
    """One unit in the last place of ``dtype`` at |value| (the measure of fastact._ulp)."""
    info = np.finfo(dtype)
    mag = np.abs(np.asarray(value, dtype=LD))
    with np.errstate(all="ignore"):
        e = np.floor(np.log2(np.where((mag > 0) & np.isfinite(mag), mag, 1)))
        return np.maximum(np.exp2(e - info.nmant), LD(info.smallest_subnormal))


def underflowed(want, dtype) -> np.ndarray:
    """Entries whose true value is below the normal range (0 included): not held to ULPs."""
    return np.abs(np.asarray(want, dtype=LD)) < LD(np.finfo(dtype).tiny)
