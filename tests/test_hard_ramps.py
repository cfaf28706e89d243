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


# (slope, offset): clip points -offset/slope and (1 - offset)/slope far out, finite or
# beyond the type's range; x from both sides of them, the range's ends and the infinities
FAR_CLIP_POINTS = {
    np.float32: [(0.5, -2.0**105), (-0.5, 2.0**105), (0.5, -2.0**126), (1 / 6, -3e38),
                 (-1 / 6, 3e38), (0.5, 2.0**126), (1e-30, -1e10)],
    np.float64: [(0.5, -2.0**1005), (-0.5, 2.0**1005), (0.5, -2.0**1022), (1 / 6, -1.7e308),
                 (-1 / 6, 1.7e308), (0.5, 2.0**1022), (1e-300, -1e10)],
}


@pytest.mark.parametrize("dtype", list(FAR_CLIP_POINTS), ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("name", ["hard_sigmoid", "hard_swish"])
def test_clip_points_far_out_or_beyond_the_range(name, dtype):
    """The output is 0 or 1 on the right side of a clip point near or beyond the largest
    finite number: hard_sigmoid(1.6e32, slope=0.5, offset=-4e31) is 1 in float32 (it was 0,
    a clip point above 2^100 taken for infinite), and at x = +inf with both clip points
    beyond the range the output is the limit 1 (it was 0)."""
    big = float(np.finfo(dtype).max)
    for slope, offset in FAR_CLIP_POINTS[dtype]:
        points = [-offset / slope, (1 - offset) / slope]
        x = [np.inf, -np.inf, big, -big, 0.0, 1.0, -1.0]
        for p in points:
            if np.isfinite(p) and abs(p) <= big:
                x += [p * 0.5, p * 0.99, p * 1.01, p * 2.0]
        with np.errstate(over="ignore"):
            x = np.unique(np.array(x, dtype))
        f = getattr(fastact, name)
        ref = getattr(reference, name)
        with np.errstate(over="ignore", invalid="ignore"):
            for op in ("__call__", "grad"):
                got = getattr(f, op)(x, slope=slope, offset=offset)
                want = getattr(ref, op)(x, slope=slope, offset=offset)
                bad = ~((got == want) | (np.isnan(got) & np.isnan(want)))
                assert not bad.any(), (
                    f"{name}.{op.strip('_')}(slope={slope}, offset={offset}) at "
                    f"x={x[bad]}: {got[bad]}, reference {want[bad]}")


@pytest.mark.parametrize("name", ["hard_sigmoid", "hard_swish"])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64],
                         ids=lambda d: np.dtype(d).name)
def test_raw_ufunc_with_a_nan_parameter_gives_nan(name, dtype):
    """The raw ufuncs take any parameter values (the Python API rejects NaN): a NaN slope or
    offset makes every value NaN, on a long contiguous array too, where the loops' first
    pass takes a form that holds for finite parameters only."""
    x = np.linspace(-8.0, 8.0, 3001).astype(dtype)
    ufunc = getattr(fastact.ufuncs, name)
    ptype = np.float64 if dtype == np.float64 else np.float32
    for slope, offset in ((np.nan, 0.5), (0.2, np.nan)):
        got = ufunc(x, ptype(slope), ptype(offset))
        assert np.isnan(got).all(), f"{name}(slope={slope}, offset={offset}): {got}"
