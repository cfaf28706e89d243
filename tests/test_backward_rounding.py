"""backward(g, x) is g f'(x) rounded once, also where f'(x) alone is not a normal number.

Where f'(x) is below the normal range (tanh'(-50) is subnormal in float32,
sigmoid'(-110) is 0 there) a large g lifts g f'(x) back into the normal range: a
product formed from f'(x) rounded to float32 first would keep only the few digits
of a subnormal, or return 0. The oracle is the reference, which forms g f'(x) in
float64 for float32 and float16 and rounds once; where f' overflows the dtype but
g f' does not (float16: f' is formed in float32; relu_squared's 2x in double), the
product is finite.
"""

from __future__ import annotations

import numpy as np
import pytest
from ulp import DERIVATIVE_ULP

import fastact
from fastact import reference, registry
from fastact._ulp import ulp_error

TAILS = {
    # name: x values where f'(x) is below float32's normal range (or 0)
    "sigmoid": [-95.0, -105.0, 90.0, 100.0],
    "tanh": [-46.8, -50.0, 47.0, 52.0],
    "elu": [-90.0, -100.0],
    "selu": [-90.0, -98.75],
    "celu": [-90.0, -100.0],
    "gelu": [-13.6, -14.5],
    "silu": [-95.0, -100.0],
    "swish": [-95.0, -100.0],
    "softplus": [-90.0, -100.0],
    "mish": [-95.0, -100.0],
    "softsign": [-3.03e19, 4e19],
    "log_sigmoid": [90.0, 100.0],
    "tanhshrink": [1e-20, -3e-20],
    "squareplus": [-3.45e19, -5e19],
}


def test_the_tails_are_the_registrys():
    """This table covers exactly the activations whose record says f' has tails (the
    float32 and float16 backward's double path is compiled for those)."""
    assert set(TAILS) == {r.name for r in registry.RECORDS if r.tails}


@pytest.mark.parametrize("name", sorted(TAILS))
def test_backward_where_the_derivative_is_not_normal(name):
    x = np.array(TAILS[name], dtype=np.float32)
    params = registry.get(name).example_params()
    f, ref = getattr(fastact, name), getattr(reference, name)
    with np.errstate(under="ignore"):
        d64 = np.abs(ref.grad(x.astype(np.float64), **params))
    assert np.all(d64 < np.finfo(np.float32).tiny), f"{name}: f' is normal at {x}"
    for scale in (1e3, 1e10, 1e20, 1e30):
        g = np.full_like(x, scale, dtype=np.float32)
        got, want = f.backward(g, x, **params), ref.backward(g, x, **params)
        err = ulp_error(got, want, np.float32)
        assert err.max() <= DERIVATIVE_ULP, (
            f"{name}.backward(g={scale:g}, x={x}) = {got}, want {want} ({err.max():.1f} ULP)")


@pytest.mark.parametrize("name", sorted(TAILS))
def test_backward_tail_elements_among_ordinary_ones(name):
    # a few such elements in a long contiguous array, where the rest of each block takes
    # the fast path: each of them must still get g f' formed in double
    params = registry.get(name).example_params()
    x = np.resize(np.float32([0.5, -1.25, 2.0]), 3000)
    at = [7, 511, 512, 1500, 2999]
    x[at] = np.resize(np.float32(TAILS[name]), len(at))
    g = np.full_like(x, 1e20)
    f, ref = getattr(fastact, name), getattr(reference, name)
    got, want = f.backward(g, x, **params), ref.backward(g, x, **params)
    err = ulp_error(got, want, np.float32)
    assert err.max() <= DERIVATIVE_ULP, (
        f"{name}.backward: {err.max():.1f} ULP at x = {x[np.argmax(err)]}")


FROM_OUTPUT_TAILS = {
    # name: outputs y where f' (as a function of y) is below float32's normal range
    "sigmoid": [1e-40, 3e-39],
    "softplus": [1e-40, 3e-39],
    "log_sigmoid": [-1e-40, -3e-39],
    "squareplus": [1e-20, 3e-20],
}


@pytest.mark.parametrize("name", sorted(FROM_OUTPUT_TAILS))
def test_backward_from_output_where_the_derivative_is_not_normal(name):
    params = registry.get(name).example_params()
    y = np.array(FROM_OUTPUT_TAILS[name], dtype=np.float32)
    f, ref = getattr(fastact, name), getattr(reference, name)
    with np.errstate(under="ignore"):
        d64 = np.abs(ref.backward_from_output(np.ones(2), y.astype(np.float64), **params))
    assert np.all(d64 < np.finfo(np.float32).tiny), f"{name}: f' is normal at y={y}"
    for scale in (1e10, 1e30):
        g = np.full_like(y, scale)
        got, want = f.backward_from_output(g, y, **params), ref.backward_from_output(g, y, **params)
        err = ulp_error(got, want, np.float32)
        assert err.max() <= DERIVATIVE_ULP, (name, y, got, want)


def test_float16_backward_when_the_derivative_overflows_float16():
    # elu'(0) = alpha = 1e5, beyond float16's 65504; g alpha = 100 is not
    g = np.float16([1e-3, 2e-3])
    x = np.float16([0.0, -0.0])
    got = fastact.elu.backward(g, x, alpha=1e5)
    assert got.dtype == np.float16
    assert np.all(np.isfinite(got))
    np.testing.assert_array_equal(got, reference.elu.backward(g, x, alpha=1e5))


def test_the_overflowing_derivatives_are_the_registrys():
    assert {r.name for r in registry.RECORDS if r.derivative_overflows} == {"relu_squared"}


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_backward_where_the_derivative_overflows(dtype):
    # relu_squared'(x) = 2x overflows from x = max / 2; g 2x need not, and 0 times it is 0
    big = np.finfo(dtype).max
    x = np.array([big, big * 0.75, -big, 1.0], dtype=dtype)
    x = np.resize(x, 1000)  # in blocks, among ordinary elements
    for g0 in (0.0, 1e-30, -3e-20, 0.4, 0.6, -2.0):
        g = np.full_like(x, g0)
        with np.errstate(over="ignore"):
            want = (g.astype(np.longdouble) * (2 * np.maximum(x.astype(np.longdouble), 0)))
            want = want.astype(dtype)
            got = fastact.relu_squared.backward(g, x)
        np.testing.assert_array_equal(got, want, err_msg=f"g = {g0}")
    with np.errstate(over="raise"):  # finite results raise no overflow
        fastact.relu_squared.backward(np.full(3, 1e-30, dtype), np.full(3, big, dtype))
