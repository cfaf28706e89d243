"""NaN, infinities, signed zeros and kinks: the conventions of docs/architecture.md, by value."""

from __future__ import annotations

import warnings

import mp_truth
import numpy as np
import pytest
from cases import FLOAT_DTYPES, call_kwargs, case_id, kernel_cases, truth_params

import fastact
from fastact import reference

DTYPE_IDS = [np.dtype(d).name for d in FLOAT_DTYPES]
CASES = kernel_cases()


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_nan_in_nan_out_every_operation(case, dtype):
    f = getattr(fastact, case[0])
    kw = call_kwargs(case)
    x = np.array([np.nan, -np.nan, 1.0, np.nan], dtype=dtype)
    g = np.ones_like(x)
    results = [f(x, **kw), f.grad(x, **kw), *f.value_and_grad(x, **kw)]
    back = f.backward(g, x, **kw)
    results += list(back) if isinstance(back, tuple) and back[1].shape == x.shape else [
        back[0] if isinstance(back, tuple) else back]
    if hasattr(f, "backward_from_output"):
        results.append(f.backward_from_output(g, x, **kw))
    for r in results:
        assert np.isnan(r[[0, 1, 3]]).all(), f"{case_id(case)}: NaN did not propagate: {r}"
        assert not np.isnan(r[2])


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_limits_at_infinity(case, dtype):
    """f(+-inf) and f'(+-inf) are the mathematical limits, never NaN, no warning."""
    f = getattr(fastact, case[0])
    x = np.array([-np.inf, np.inf], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        y, d = f.value_and_grad(x, **call_kwargs(case))
    for i, xi in enumerate((-np.inf, np.inf)):
        f_true, d_true = mp_truth.truth(case[2], xi, truth_params(case, dtype))
        with np.errstate(over="ignore"):
            assert y[i] == dtype(float(f_true)), f"{case_id(case)}({xi}) = {y[i]}"
            assert d[i] == dtype(float(d_true)), f"{case_id(case)}'({xi}) = {d[i]}"


def test_saturating_limits_named_in_the_design():
    assert fastact.silu(-np.inf) == 0 and np.signbit(fastact.silu(-np.inf))
    assert fastact.softsign(np.inf) == 1.0 and fastact.softsign(-np.inf) == -1.0
    assert fastact.gelu.grad(np.inf) == 1.0 and fastact.gelu.grad(np.inf, approximate="none") == 1
    assert fastact.sigmoid.grad(np.inf) == 0.0 and fastact.sigmoid.grad(-np.inf) == 0.0
    assert fastact.mish(-np.inf) == 0 and fastact.mish.grad(np.inf) == 1.0
    assert fastact.elu(-np.inf, alpha=0.5) == -0.5
    assert fastact.log_sigmoid(-np.inf) == -np.inf and fastact.log_sigmoid.grad(-np.inf) == 1.0


# (activation, params, x, f'(x)): the derivative PyTorch's autograd returns at each kink.
KINKS = [
    ("relu", {}, 0.0, 0.0),
    ("leaky_relu", {}, 0.0, 0.01),
    ("leaky_relu", {"alpha": 0.2}, 0.0, 0.2),
    ("prelu", {"alpha": 0.25}, 0.0, 0.25),
    ("elu", {}, 0.0, 1.0),
    ("elu", {"alpha": 0.5}, 0.0, 0.5),
    ("celu", {"alpha": 0.5}, 0.0, 1.0),
    ("relu6", {}, 0.0, 0.0),
    ("relu6", {}, 6.0, 0.0),
    ("hard_tanh", {}, -1.0, 0.0),
    ("hard_tanh", {}, 1.0, 0.0),
    ("hard_sigmoid", {"slope": 0.25}, -2.0, 0.0),
    ("hard_sigmoid", {"slope": 0.25}, 2.0, 0.0),
    ("hard_sigmoid", {"slope": 0.25}, 1.5, 0.25),
    ("hard_swish", {"slope": 0.25}, -2.0, 0.0),
    ("hard_swish", {"slope": 0.25}, 2.0, 1.0),
    ("selu", {}, 0.0, float.fromhex("0x1.c212cc640f031p+0")),  # scale * alpha
    ("softshrink", {}, 0.5, 0.0),
    ("softshrink", {}, -0.5, 0.0),
    ("hardshrink", {}, 0.5, 0.0),
    ("hardshrink", {}, -0.5, 0.0),
    ("threshold", {"threshold": 1.0, "value": 0.0}, 1.0, 0.0),
    ("sparse_sigmoid", {}, -1.0, 0.0),
    ("sparse_sigmoid", {}, 1.0, 0.0),
    ("sparse_plus", {}, -1.0, 0.0),
    ("sparse_plus", {}, 1.0, 1.0),
    ("step", {}, 0.0, 0.0),
]


# Slopes that float16 cannot represent move the clip points in float16 (parameters
# are rounded to the input dtype, as for any ufunc): these hold in float32 and float64.
INEXACT_SLOPE_KINKS = [
    ("hard_sigmoid", {}, -2.5, 0.0),
    ("hard_sigmoid", {}, 2.5, 0.0),
    ("hard_sigmoid", {"slope": 1 / 6}, -3.0, 0.0),
    ("hard_sigmoid", {"slope": 1 / 6}, 3.0, 0.0),
    ("hard_sigmoid", {"slope": 1 / 6}, 2.999, 1 / 6),
    ("hard_swish", {}, -2.5, 0.0),
    ("hard_swish", {}, 2.5, 1.0),
    ("hard_swish", {"slope": 1 / 6}, -3.0, 0.0),
    ("hard_swish", {"slope": 1 / 6}, 3.0, 1.0),
]
KINK_CASES = [(*k, d) for k in KINKS for d in FLOAT_DTYPES] + [
    (*k, d) for k in INEXACT_SLOPE_KINKS for d in (np.float32, np.float64)]


@pytest.mark.parametrize("name, params, x, expected, dtype", KINK_CASES,
                         ids=[f"{k[0]}{k[1] or ''}@{k[2]:g}-{np.dtype(k[4]).name}"
                              for k in KINK_CASES])
def test_derivative_at_kinks(name, params, x, expected, dtype):
    f = getattr(fastact, name)
    want = np.asarray(expected, dtype)
    got = f.grad(np.asarray(x, dtype), **params)
    assert got == want, f"{name}'({x}) = {got}, want {expected}"
    back = f.backward(np.asarray(2.0, dtype), np.asarray(x, dtype), **params)
    back = back[0] if isinstance(back, tuple) else back
    assert back == np.asarray(2 * want, dtype)


def test_every_piecewise_record_documents_its_kinks():
    for rec in fastact.registry.RECORDS:
        documented = {k[0] for k in KINKS + INEXACT_SLOPE_KINKS}
        if rec.kinks:
            assert rec.name in documented, f"{rec.name}: registry kinks not tested"


def test_signed_zero_inputs():
    for name in fastact.registry.names():
        f = getattr(fastact, name)
        kw = {p.name: 0.25 for p in f.record.params if p.default is None}
        a, b = f(np.array([0.0, -0.0]), **kw)
        assert a == b, f"{name}(0.0) != {name}(-0.0)"


@pytest.mark.parametrize("threads", [1, 2])
def test_warnings_do_not_depend_on_thread_count(threads):
    """A true overflow anywhere in a large array warns, whichever thread computed it."""
    x = np.ones(200_000)
    x[-1] = 1e308  # in the last thread's share
    fastact.set_num_threads(threads)
    try:
        with pytest.warns(RuntimeWarning, match="overflow"):
            fastact.linear(x, slope=4.0)
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fastact.linear(x, slope=0.5)
    finally:
        fastact.set_num_threads(None)


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("approximate", ["none", "tanh"])
def test_gelu_keeps_the_sign_of_zero(approximate, dtype):
    """gelu(-0) = -0 Phi(0) = -0, as the reference, silu and PyTorch have it."""
    x = np.array([-0.0, 0.0], dtype)
    got = fastact.gelu(x, approximate=approximate)
    want = reference.gelu(x, approximate=approximate)
    assert list(np.signbit(got)) == list(np.signbit(want)) == [True, False]
