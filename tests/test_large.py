"""Calls large enough for the streaming stores (csrc/loops/fa_loop_util.h, fa_stream_share).

Cheap loops whose call moves more than 64 MB compute each block into a buffer and
stream it out; the first block ends at a 64-byte line of the first output. These
calls take that path with misaligned arrays, a NaN and infinities (so that a block is
computed again, checked, into its buffer), on one thread and two, and compare with the
reference: relu's values and derivatives are exact and leaky_relu's alpha x is one
rounding in both, so every element must be the reference's, signed zeros included.
"""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import reference

MOVED_BYTES = 72 << 20  # above the 64 MB from which cheap loops stream


def misaligned(n: int, dtype: np.dtype, by: int = 1) -> np.ndarray:
    """An uninitialized array of n elements, `by` elements past a 64-byte boundary."""
    size = np.dtype(dtype).itemsize
    raw = np.empty(n * size + 128, np.uint8)
    start = (-raw.ctypes.data) % 64 + by * size
    return raw[start:start + n * size].view(dtype)


def hostile_input(n: int, dtype: np.dtype) -> np.ndarray:
    x = misaligned(n, dtype)
    x[:] = np.random.default_rng(7).uniform(-4.0, 4.0, n)
    x[[5, n // 2, n - 3]] = [np.nan, np.inf, -np.inf]
    x[n // 3] = -0.0
    return x


@pytest.mark.parametrize("threads", [1, 2])
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_streamed_outputs_match_the_reference(dtype, threads):
    n = MOVED_BYTES // (2 * np.dtype(dtype).itemsize) + 123  # forward moves 2 arrays
    x = hostile_input(n, dtype)
    g = misaligned(n, dtype)
    g[:] = np.random.default_rng(8).normal(size=n)
    y, d = misaligned(n, dtype, 1), misaligned(n, dtype, 3)  # aligned unlike each other
    want_y, want_d = reference.relu.value_and_grad(x)
    fastact.set_num_threads(threads)
    try:
        for label, call, outs, wants in [
            ("relu", lambda: fastact.relu(x, out=y), (y,), (want_y,)),
            ("relu.value_and_grad", lambda: fastact.relu.value_and_grad(x, out=(y, d)),
             (y, d), (want_y, want_d)),
            ("relu.backward", lambda: fastact.relu.backward(g, x, out=y), (y,),
             (reference.relu.backward(g, x),)),
            ("leaky_relu", lambda: fastact.leaky_relu(x, 0.25, out=y), (y,),
             (reference.leaky_relu(x, 0.25),)),
        ]:
            for out in outs:
                out.fill(7.25)
            call()
            for k, (got, want) in enumerate(zip(outs, wants, strict=True)):
                same = ((got == want) & (np.signbit(got) == np.signbit(want))
                        | (np.isnan(got) & np.isnan(want)))
                bad = np.flatnonzero(~same)
                assert want.dtype == dtype and bad.size == 0, (
                    f"{label}[{k}] {np.dtype(dtype).name}, {threads} thread(s), n={n}: "
                    f"{bad.size} elements differ from the reference, first at {bad[:5]}: "
                    f"{got[bad[:5]]} vs {want[bad[:5]]}")
    finally:
        fastact.set_num_threads(None)
