"""The kernels directly against mpmath on each function's tail and kink points.

This is the accuracy contract without any oracle in between: forward within
4 ULP and derivative within 8 ULP of the true value, float32 and float64, at
the points where naive formulas lose every digit (sigmoid(-80), tanh'(-17),
gelu(-13), gelu'(-7.5), softplus(-80), log_sigmoid(80), tanhshrink(1e-6),
silu(-90), the neighbours of every kink and of every interior root of f').
"""

from __future__ import annotations

import mp_truth
import mpmath
import numpy as np
import pytest
from cases import call_kwargs, case_id, kernel_cases, truth_params
from truth_arrays import points_for, to_longdouble, truth_arrays
from ulp import DERIVATIVE_ULP, FORWARD_ULP, worst

import fastact

DTYPES = [np.float32, np.float64]


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("case", kernel_cases(), ids=case_id)
def test_kernel_against_mpmath(case, dtype):
    x = points_for(case[2], dtype)
    f_true, d_true = truth_arrays(case[2], tuple(sorted(truth_params(case, dtype).items())),
                                  tuple(float(v) for v in x))
    with np.errstate(over="ignore"):
        y, d = getattr(fastact, case[0]).value_and_grad(x, **call_kwargs(case))
    err, where = worst(y, f_true, dtype, x)
    assert err <= FORWARD_ULP, f"{case_id(case)} f: {err:.2f} ULP at x={where!r}"
    err, where = worst(d, d_true, dtype, x)
    assert err <= DERIVATIVE_ULP, f"{case_id(case)} f': {err:.2f} ULP at x={where!r}"


FROM_OUTPUT = sorted(mp_truth._FROM_OUTPUT)  # those with an mpmath truth of f'(y)


@pytest.mark.parametrize("dtype", DTYPES, ids=["float32", "float64"])
@pytest.mark.parametrize("case", [c for c in kernel_cases() if c[0] in FROM_OUTPUT], ids=case_id)
def test_backward_from_output_against_mpmath(case, dtype):
    """f'(x) from y = f(x), against the derivative at the x whose image is exactly y."""
    f = getattr(fastact, case[0])
    kw = call_kwargs(case)
    x = points_for(case[2], dtype)
    with np.errstate(over="ignore"):
        y = f(x, **kw)
    y = np.unique(y[np.isfinite(y)])
    params = truth_params(case, dtype)
    truth = np.array([to_longdouble(mp_truth.truth_from_output_grad(case[0], float(v), params))
                      for v in y])
    got = f.backward_from_output(np.ones_like(y), y, **kw)
    err, where = worst(got, truth, dtype, y)
    assert err <= DERIVATIVE_ULP, f"{case_id(case)} from output: {err:.2f} ULP at y={where!r}"


def test_truth_module_is_independent_of_float_formulas():
    """A spot check that the ground truth is what the textbook says (guards the guard)."""
    with mpmath.workdps(60):
        f, _ = mp_truth.truth("sigmoid", -80.0, {})
        assert abs(f / (1 / (1 + mpmath.exp(80))) - 1) < mpmath.mpf(10) ** -40
        _, d = mp_truth.truth("gelu_erf", -7.5, {})
        assert abs(d / (mpmath.ncdf(-7.5) - 7.5 * mpmath.npdf(-7.5)) - 1) < mpmath.mpf(10) ** -40
