"""The gated family beside glu -- swiglu, geglu, reglu: a f(b) over the halves (a, b) of x.

The first half carries the values, the second the gate. Each function and its
backward are checked, in fastact and in the reference, against mpmath (f and f'
from tests/mp_truth.py, the products exact) at the gate's hard points with values
and gradients from tiny to huge, and fastact against the reference on random
arrays in every layout. The conventions at special values are checked by value.
"""

from __future__ import annotations

import itertools
import warnings

import mpmath
import numpy as np
import pytest
from mp_truth import sample_points, truth
from ulp import DERIVATIVE_ULP, FLOATS, FORWARD_ULP, ulp_error

import fastact
from fastact import reference, registry

GATED = [r for r in registry.ROWWISE if r.gate and r.name != "glu"]
IMPLS = {"fastact": fastact, "reference": reference}
NAN, INF = float("nan"), float("inf")


def _ids(value) -> str:
    return np.dtype(value).name if isinstance(value, type) else getattr(value, "name", value)


def _magnitudes(dtype) -> list[float]:
    """Values of a (and g): ordinary, near overflow, near and below the normal range."""
    info = np.finfo(dtype)
    big, tiny = float(info.max) / 8, float(info.tiny)
    return [1.0, -3.5, big, -big, 4 * tiny, float(info.smallest_subnormal) * 3, 0.0]


def _exact(g, a, b, kernel):
    """(a f(b), g f(b), g a f'(b)) with mpmath: f and f' from mp_truth, exact products."""
    f, d = truth(kernel, b, {})
    with mpmath.workdps(80):
        return [a * f, g * f, g * mpmath.mpf(a) * d]


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("dtype", FLOATS, ids=_ids)
@pytest.mark.parametrize("record", GATED, ids=_ids)
def test_against_mpmath(record, dtype, which):
    """Every gate point of mp_truth (tails, kinks, the roots of f') that is finite in the
    dtype, times values and gradients from tiny to huge: forward within FORWARD_ULP,
    both halves of the backward within DERIVATIVE_ULP."""
    impl = getattr(IMPLS[which], record.name)
    with np.errstate(over="ignore"):
        points = np.array(sample_points(record.gate, n=40), dtype)
    points = np.unique(points[np.isfinite(points)])
    if which == "reference":
        points = points[_far_from_roots(points, record, dtype)]
    mags = np.array(_magnitudes(dtype), dtype)
    a, b = (v.ravel() for v in np.meshgrid(mags, points))
    g = np.resize(np.array(_magnitudes(dtype)[:5], dtype), a.size)
    x = np.stack([a, b], axis=-1)
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "overflow", RuntimeWarning)  # a true result
        y = impl(x)[:, 0]
        ga, gb = impl.backward(g[:, None], x).T
    found = []
    for k in range(a.size):
        want = _exact(float(g[k]), float(a[k]), float(b[k]), record.gate)
        for label, got, truth_value, bound in (("f", y[k], want[0], FORWARD_ULP),
                                               ("d/da", ga[k], want[1], DERIVATIVE_ULP),
                                               ("d/db", gb[k], want[2], DERIVATIVE_ULP)):
            err = ulp_error(got, float(truth_value), dtype)
            if not err <= bound:
                found.append(f"{label} at g={g[k]!r}, a={a[k]!r}, b={b[k]!r}: {got!r}, "
                             f"want {float(truth_value)!r} ({float(err):.3g} ULP)")
    assert not found, f"{len(found)} of {3 * a.size}:\n" + "\n".join(found[:20])


CONVENTIONS = [
    # (name, a, b, a f(b)): NaN in, NaN out; a closed gate (b = -inf) gives a signed 0, for an
    # infinite a too; elsewhere IEEE products, so inf * 0 is NaN
    ("swiglu", 2.0, 0.0, 0.0),
    ("swiglu", -2.0, 0.0, -0.0),
    ("reglu", 2.0, 3.0, 6.0),
    ("reglu", 2.0, -3.0, 0.0),
    ("reglu", -2.0, -3.0, -0.0),
    ("geglu", 2.0, 0.0, 0.0),
    ("swiglu", INF, -INF, -0.0),
    ("swiglu", -INF, -INF, 0.0),
    ("geglu", INF, -INF, -0.0),
    ("reglu", INF, -INF, 0.0),
    ("reglu", -INF, -INF, -0.0),
    ("swiglu", 1.0, -INF, -0.0),
    ("reglu", INF, -1.0, NAN),
    ("swiglu", INF, 1.0, INF),
    ("geglu", -INF, 1.0, -INF),
    ("swiglu", 0.0, INF, NAN),
    ("geglu", 3.0, INF, INF),
    ("swiglu", NAN, 1.0, NAN),
    ("geglu", 1.0, NAN, NAN),
    ("reglu", NAN, -INF, NAN),
    ("reglu", 1.0, NAN, NAN),  # relu's select would make NaN 0
    # an infinite a times an f(b) that underflows, however far, is still infinite
    ("swiglu", INF, -800.0, -INF),
    ("swiglu", INF, -3e4, -INF),
    ("geglu", -INF, -50.0, INF),
    ("geglu", INF, -3e4, -INF),
]
BACKWARD_CONVENTIONS = [
    # (name, g, a, b, (d/da, d/db)), zeros compared without their sign: the closed gate
    # gives zeros for any g and a; infinite factors times an underflowed f or f' are infinite
    ("swiglu", 1.0, INF, -INF, (0.0, 0.0)),
    ("geglu", INF, 1.0, -INF, (0.0, 0.0)),
    ("reglu", INF, INF, -INF, (0.0, 0.0)),
    ("swiglu", 1.0, INF, -1e4, (0.0, -INF)),
    ("geglu", INF, 1.0, -60.0, (-INF, -INF)),
    ("reglu", 1.0, INF, -1.0, (0.0, NAN)),
    ("swiglu", NAN, 1.0, -INF, (NAN, NAN)),
    ("reglu", 1.0, 2.0, NAN, (NAN, NAN)),
    ("geglu", 2.0, 3.0, INF, (INF, 6.0)),
]


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("dtype", FLOATS, ids=_ids)
def test_conventions_by_value(dtype, which):
    """Special values give the documented results, the forward bit for bit (sign of zero
    included), with no floating-point flag raised."""
    found = []

    def array(*values):  # a value beyond float16's range is infinite there
        with np.errstate(over="ignore"):
            return np.array(values, dtype)

    with np.errstate(all="raise"):  # no flag: not even underflow in the deep tails
        for name, a, b, want in CONVENTIONS:
            got = getattr(IMPLS[which], name)(array(a, b))[0]
            want = array(want)[0]
            same = (np.isnan(got) and np.isnan(want)) or (got == want and
                                                           np.signbit(got) == np.signbit(want))
            if not same:
                found.append(f"{name}([{a}, {b}]) = {got!r}, want {want!r}")
        for name, g, a, b, want in BACKWARD_CONVENTIONS:
            got = getattr(IMPLS[which], name).backward(array(g), array(a, b))
            if not np.array_equal(got, array(*want), equal_nan=True):
                found.append(f"{name}.backward({g}, [{a}, {b}]) = {got!r}, want {want}")
    assert not found, "\n".join(found)


def test_the_first_half_carries_the_values():
    """swiglu([a, b]) is a silu(b), not b silu(a): the gate is the second half, as for glu."""
    x = np.array([2.0, -1.0, 0.5, 3.0])  # a = (2, -1), b = (0.5, 3)
    silu = x[2:] / (1 + np.exp(-x[2:]))
    np.testing.assert_allclose(fastact.swiglu(x), x[:2] * silu, rtol=1e-15)
    np.testing.assert_allclose(fastact.reglu(x), x[:2] * x[2:], rtol=0)


def _random(rng, shape, dtype):
    """Normal values with a share of wide magnitudes, for values and gates alike."""
    x = rng.standard_normal(shape) * 3
    wide = rng.random(shape) < 0.1
    x[wide] = rng.choice([-1.0, 1.0], wide.sum()) * 10.0 ** rng.uniform(-8, 3, wide.sum())
    return x.astype(dtype)


def _far_from_roots(b, record, dtype):
    """Entries whose gate is far enough from a root of f' (or of f'', where f' is ill
    conditioned) for the float64 reference (long double, 11 bits beyond double) to keep its
    digits in f'; every entry for narrower types. The kernels are held to mpmath there."""
    keep = np.ones(b.shape, bool)
    if dtype == np.float64:
        for kernel, root in registry.derivative_roots().items():
            if kernel == record.gate:
                keep &= np.abs(b.astype(np.float64) - root) > 1e-3
    return keep


LAYOUTS = {
    "last axis": lambda x: (x, -1),
    "axis 0": lambda x: (np.ascontiguousarray(x.T), 0),
    "strided": lambda x: (np.repeat(x, 2, axis=1)[:, ::2], -1),
    "3-d, middle axis": lambda x: (x.reshape(x.shape[0], 2, -1).transpose(0, 2, 1).copy(), 2),
}


@pytest.mark.parametrize("layout", list(LAYOUTS))
@pytest.mark.parametrize("dtype", FLOATS, ids=_ids)
@pytest.mark.parametrize("record", GATED, ids=_ids)
def test_against_reference(record, dtype, layout):
    """Random rows in several layouts (the row loop, the leading-axis swap, strides):
    forward within FORWARD_ULP, backward within DERIVATIVE_ULP of the reference."""
    rng = np.random.default_rng(7)
    x2 = _random(rng, (37, 2 * 67), dtype)
    x, axis = LAYOUTS[layout](x2)
    f, ref = getattr(fastact, record.name), getattr(reference, record.name)
    g = _random(rng, ref(x, axis=axis).shape, dtype)
    with np.errstate(all="ignore"):
        y, want_y = f(x, axis=axis), ref(x, axis=axis)
        gx, want_gx = f.backward(g, x, axis=axis), ref.backward(g, x, axis=axis)
    assert y.dtype == want_y.dtype == dtype and gx.shape == x.shape
    assert np.max(ulp_error(y, want_y, dtype)) <= FORWARD_ULP
    b = np.take(x, np.arange(x.shape[axis] // 2, x.shape[axis]), axis=axis)
    keep = np.concatenate([np.ones(b.shape, bool), _far_from_roots(b, record, dtype)],
                          axis=axis)
    err = ulp_error(gx, want_gx, dtype)[keep]
    assert np.max(err) <= DERIVATIVE_ULP


@pytest.mark.parametrize("record", GATED, ids=_ids)
def test_errors_name_the_function(record):
    """An odd axis length, a complex input or a bad axis: a clear error naming the function."""
    f = getattr(fastact, record.name)
    for call, kind, words in (
            (lambda: f(np.ones((2, 5))), ValueError, "must be even"),
            (lambda: f(np.ones((2, 4)) + 1j), TypeError, "complex"),
            (lambda: f(np.ones((2, 4)), axis=2), Exception, "axis"),
            (lambda: f.backward(np.ones((2, 3)), np.ones((2, 4))), ValueError, "")):
        with pytest.raises(kind, match=record.name) as info:
            call()
        assert words in str(info.value), str(info.value)


@pytest.mark.parametrize("record", GATED, ids=_ids)
def test_float16_is_float32_rounded_once(record):
    """float16 computes in float32 and rounds once: float16 pairs (a, b) on a grid through
    every exponent, bit for bit (NaN payloads aside)."""
    f = getattr(fastact, record.name)
    half = np.arange(0, 2**16, 97, dtype=np.uint16).view(np.float16)
    a, b = (v.ravel() for v in np.meshgrid(half[::7], half))
    x = np.stack([a, b], axis=-1)
    with np.errstate(all="ignore"):
        single = x.astype(np.float32)
        pairs = [(f(x), f(single)),
                 (f.backward(np.float16(1.5), x), f.backward(np.float32(1.5), single))]
    for got, wide in pairs:
        with np.errstate(over="ignore"):  # float32 results beyond float16's range: inf
            want = wide.astype(np.float16)
        same = (got.view(np.uint16) == want.view(np.uint16)) | (np.isnan(got) & np.isnan(want))
        assert same.all(), f"{np.count_nonzero(~same)} differ, first at {x[~same.any(-1)][0]}"


def test_glu_and_its_siblings_share_the_layout_and_the_checks():
    """Every gated record has its compiled loops and its reference; glu's conventions for
    the halves hold for each (shape, axis, dtype)."""
    x = np.arange(24, dtype=np.float32).reshape(2, 3, 4) / 10
    for record in [r for r in registry.ROWWISE if r.gate]:
        f = getattr(fastact, record.name)
        for axis in (0, 2, -1):
            y = f(x, axis=axis)
            want = list(x.shape)
            want[axis] //= 2
            assert y.shape == tuple(want) and y.dtype == np.float32
        assert f.backward(np.ones((2, 3, 2), np.float32), x).shape == x.shape
    assert {r.name for r in GATED} == {"swiglu", "geglu", "reglu"}
    assert all(itertools.starmap(hasattr, [(fastact._ufuncs, r.name + "_rows")
                                           for r in GATED]))
