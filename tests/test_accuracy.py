"""Every kernel x operation x dtype against the reference, on dense grids and tails.

Contract: forward within 4 ULP, derivatives (grad, value_and_grad, backward,
backward_from_output) within 8 ULP, relative, everywhere the result is finite.
The reference itself is checked against mpmath in test_reference_vs_mpmath.py;
near the interior roots of f' (silu, swish, mish, gelu) its float64 values lose
accuracy, so there the float64 truth comes from mpmath directly.

Results that truly overflow (linear(max, slope=-2.5)) warn as np.multiply does;
test_no_spurious_fp_flags checks that nothing else raises a floating-point flag.
"""

from __future__ import annotations

import mp_truth
import numpy as np
import pytest
from cases import FLOAT_DTYPES, call_kwargs, case_id, kernel_cases, truth_params
from inputs import dense_grid, special_values
from ulp import DERIVATIVE_ULP, FORWARD_ULP, worst

import fastact
from fastact import reference, registry

CASES = kernel_cases()
DTYPE_IDS = [np.dtype(d).name for d in FLOAT_DTYPES]

# Interior roots of f' (in terms of t = beta x for swish), per kernel.
DERIVATIVE_ROOTS = registry.derivative_roots()
NEAR_ROOT = 0.1


def grid(dtype):
    return np.concatenate([dense_grid(dtype), special_values(dtype)])


def check(actual, expected, dtype, x, bound, what):
    err, where = worst(actual, expected, dtype, x)
    assert err <= bound, f"{what}: {err:.2f} ULP at x={where!r} ({np.dtype(dtype).name})"


def expected_value_and_grad(case, x, dtype):
    """Reference values, with mpmath's where the float64 reference is not good enough."""
    y, d = reference.__dict__[case[0]].value_and_grad(x, **call_kwargs(case))
    kernel = case[2]
    if dtype == np.float64 and kernel in DERIVATIVE_ROOTS:
        with np.errstate(over="ignore"):
            t = x * truth_params(case).get("beta", 1.0)
        for i in np.flatnonzero(np.abs(t - DERIVATIVE_ROOTS[kernel]) < NEAR_ROOT):
            f_true, d_true = mp_truth.truth(kernel, float(x[i]), truth_params(case))
            y[i], d[i] = float(f_true), float(d_true)
    return y, d


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_forward_grad_value_and_grad(case, dtype):
    f = getattr(fastact, case[0])
    kw = call_kwargs(case)
    x = grid(dtype)
    with np.errstate(over="ignore"):
        y, d = f.value_and_grad(x, **kw)
        y_alone, d_alone = f(x, **kw), f.grad(x, **kw)
    y_ref, d_ref = expected_value_and_grad(case, x, dtype)
    assert y.dtype == d.dtype == np.dtype(dtype)
    check(y, y_ref, dtype, x, FORWARD_ULP, f"{case_id(case)} forward")
    check(d, d_ref, dtype, x, DERIVATIVE_ULP, f"{case_id(case)} derivative")
    # the three entry points run the same definition: bitwise agreement
    np.testing.assert_array_equal(y_alone, y)
    np.testing.assert_array_equal(d_alone, d)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_backward(case, dtype):
    f = getattr(fastact, case[0])
    kw = call_kwargs(case)
    x = grid(dtype)
    g = np.random.default_rng(1).uniform(-3, 3, x.shape).astype(dtype)
    with np.errstate(over="ignore", invalid="ignore"):  # prelu's parameter-gradient sum
        got = f.backward(g, x, **kw)
    if dtype == np.float64:
        _, d_ref = expected_value_and_grad(case, x, dtype)
    else:
        # f' in float64, with the float32 parameters the call computes with: rounded to
        # float16 or float32 first, an f' beyond their range (relu_squared's 2x) would be
        # inf where g f' is not
        kw64 = {**kw, **truth_params(case, np.float32)}
        with np.errstate(over="ignore"):
            _, d_ref = reference.__dict__[case[0]].value_and_grad(x.astype(np.float64), **kw64)
    wp = np.longdouble if dtype == np.float64 else np.float64
    with np.errstate(over="ignore"):
        want = (g.astype(wp) * d_ref.astype(wp)).astype(dtype)
        # where f' overflows double (relu_squared's 2x) g f' need not: the reference's
        # backward forms it in long double
        beyond = np.isinf(d_ref) & np.isfinite(x)
        if beyond.any():
            want[beyond] = reference.__dict__[case[0]].backward(g, x, **kw)[beyond]
    if isinstance(got, tuple):  # prelu: (grad_x, grad_alpha), checked in test_api
        got = got[0]
    check(got, want, dtype, x, DERIVATIVE_ULP, f"{case_id(case)} backward")


FROM_OUTPUT = [c for c in CASES if hasattr(getattr(fastact, c[0]), "backward_from_output")]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", FROM_OUTPUT, ids=case_id)
def test_backward_from_output(case, dtype):
    name = case[0]
    f, ref = getattr(fastact, name), getattr(reference, name)
    kw = call_kwargs(case)
    x = grid(dtype)
    y = ref(x, **kw)  # outputs the function really produces
    g = np.random.default_rng(2).uniform(-3, 3, x.shape).astype(dtype)
    with np.errstate(over="ignore"):
        got = f.backward_from_output(g, y, **kw)
    want = ref.backward_from_output(g, y, **kw)
    check(got, want, dtype, y, DERIVATIVE_ULP, f"{case_id(case)} backward_from_output")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_no_spurious_fp_flags(case, dtype):
    """No overflow/invalid/divide flag unless the true result itself overflows."""
    name = case[0]
    f, ref = getattr(fastact, name), getattr(reference, name)
    kw = call_kwargs(case)
    x = grid(dtype)
    y, d = ref.value_and_grad(x, **kw)
    ok = (np.isfinite(y) | np.isnan(x) | np.isinf(x)) & np.isfinite(d) | np.isnan(x)
    x = x[ok]
    backward = getattr(fastact.ufuncs, f"{case[2]}_backward")  # elementwise, no reduction
    params = list(truth_params(case).values())
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        f.value_and_grad(x, **kw)
        backward(np.ones_like(x), x, *params)
        if hasattr(f, "backward_from_output"):
            f.backward_from_output(np.ones_like(x), ref(x, **kw), **kw)
