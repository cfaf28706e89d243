"""hard_sigmoid and hard_swish at the largest slopes: the ramp and its derivative keep
their single rounding where 2 slope leaves the range of the type computed in."""

from __future__ import annotations

import numpy as np
import pytest
from ulp import DERIVATIVE_ULP, ulp_error

import fastact
from fastact import reference

SLOPES = {np.float16: [3e38, -3e38], np.float32: [3e38, -3e38, 2e38],
          np.float64: [1.7e308, -1.7e308, 1e308]}


@pytest.mark.parametrize("dtype", list(SLOPES), ids=lambda d: np.dtype(d).name)
def test_hard_swish_derivative_where_twice_the_slope_overflows(dtype):
    """f' = 2 slope x + offset on the ramp: 0.5 at x = 0 (it was NaN: 2 slope = inf)."""
    tiny = float(np.finfo(dtype).smallest_subnormal)
    x = np.array([0.0, -0.0, tiny, -tiny, 1.0, -1.0], dtype)
    for slope in SLOPES[dtype]:
        for module in (fastact, reference):
            d = module.hard_swish.grad(x, slope=slope)
            assert d[0] == d[1] == 0.5, f"{module.__name__}: f'(0) = {d[:2]} at slope={slope}"
            assert not np.isnan(d).any(), f"{module.__name__}: {d} at slope={slope}"
            g = module.hard_swish.backward(np.full_like(x, 2.0), x, slope=slope)
            assert g[0] == 1.0, f"{module.__name__}: backward {g} at slope={slope}"
        got = fastact.hard_swish.grad(x, slope=slope)
        want = reference.hard_swish.grad(x, slope=slope)
        assert np.all(ulp_error(got, want, dtype) <= DERIVATIVE_ULP), (slope, got, want)
