"""Row-wise group functions: maxout, glu, sparsemax, their backward and their raw gufuncs.

Order of trust, as for softmax & co. (tests/test_rowwise.py):

1. ``test_reference_*``: the NumPy oracle (fastact.reference._groups) against exact rational
   arithmetic (sparsemax) and the values the specification names; every backward, the
   oracle's and fastact's, against central finite differences of the oracle's forward.
2. fastact against the oracle: hypothesis draws dtype, shape, axis, pieces, layout, ties,
   tiny to +-1e4 values and NaN/+-inf (maxout exactly, glu and sparsemax within 4 ULP
   forward, 8 ULP plus a justified allowance backward); grids of special values; out=,
   errors before anything is written, empty rows, dtypes, raw gufuncs, thread count, leaks.

The comparisons record warnings rather than raise them (filterwarnings=error), so that a
RuntimeWarning is reported with the input that raised it, beside every other failure.
"""

from __future__ import annotations

import decimal
import itertools
import re
import sys
import warnings
from fractions import Fraction

import mpmath
import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ulp import (
    DERIVATIVE_ULP,
    EXTENDED_LD,
    FLOATS,
    FORWARD_ULP,
    LD,
    rows_last,
    ulp_error,
    ulp_of,
    underflowed,
)

import fastact
from fastact import reference
from fastact.reference import _groups as ref

NAMES = ("maxout", "glu", "sparsemax")
SENTINEL = 7.25
SETTINGS = settings(deadline=None, max_examples=200, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
IMPLS = {"reference": reference, "fastact": fastact}
nan, inf = np.nan, np.inf


def dtype_id(d) -> str:
    return np.dtype(d).name


# ---- helpers ---------------------------------------------------------------------------------


def forward(impl, name, x, axis=-1, pieces=None, **kwargs):
    """impl.NAME(x) with maxout's pieces where it needs them."""
    f = getattr(impl, name)
    return f(x, pieces, axis=axis, **kwargs) if name == "maxout" else f(x, axis=axis, **kwargs)


def backward(impl, name, g, x_or_y, axis=-1, pieces=None):
    """maxout's and glu's backward from x, sparsemax's from y."""
    f = getattr(impl, name)
    f = f.backward_from_output if name == "sparsemax" else f.backward
    return f(g, x_or_y, pieces, axis=axis) if name == "maxout" else f(g, x_or_y, axis=axis)


def silently(call, *args, **kwargs):
    """(call's result, the messages of the warnings it raised)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = call(*args, **kwargs)
    return result, [f"{w.category.__name__}: {w.message}" for w in caught]


def working_unit(dtype) -> LD:
    """Unit roundoff of the oracle's working precision (long double for float64)."""
    return LD(2.0) ** -64 if np.dtype(dtype) == np.float64 else LD(2.0) ** -53


def same_values(got, want) -> np.ndarray:
    """Elementwise: equal (-0.0 == 0.0) or both NaN."""
    return (got == want) | (np.isnan(got) & np.isnan(want))


def to_ld(q: Fraction) -> LD:
    """A rational as the nearest long double (via 30 significant decimal digits)."""
    with decimal.localcontext() as ctx:
        ctx.prec = 30
        return LD(str(decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator)))


def exact_sparsemax(row) -> list[Fraction]:
    """sparsemax of a finite row in exact rational arithmetic (Martins & Astudillo, Alg. 1)."""
    z = [Fraction(float(v)) for v in row]
    total, k, top = Fraction(0), 0, Fraction(0)
    for j, v in enumerate(sorted(z, reverse=True), 1):
        total += v
        if 1 + j * v > total:
            k, top = j, total
    tau = (top - 1) / k
    return [max(v - tau, Fraction(0)) for v in z]


def _names(name: str, exc: BaseException) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", str(exc)) is not None


# ---- the oracle: exact values and exact arithmetic -----------------------------------------


def exact_rows(count: int, seed: int) -> list[np.ndarray]:
    """Finite rows of length 1..24: uniform at several scales, near-ties at the threshold,
    integer ties, and magnitudes from 1e-30 to 1e4."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(count):
        n = int(rng.integers(1, 25))
        scale = float(rng.choice([1e-3, 1.0, 10.0, 1e3, 1e4]))
        kind = k % 4
        if kind == 0:
            row = rng.uniform(-scale, scale, n)
        elif kind == 1:  # entries within ~1 of the max: long supports, small y_i
            row = rng.uniform(-scale, scale) + rng.uniform(-1, 0, n)
        elif kind == 2:
            row = rng.integers(-3, 3, n).astype(float) * scale / 3
        else:
            row = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-30, 4, n)
        rows.append(row)
    return rows


EXACT_ROWS = exact_rows(240, seed=20240612)


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_reference_sparsemax_against_exact_arithmetic(dtype):
    """The oracle within 1 ULP of the exact projection, plus its own working precision's
    error: tau comes from a cumulative sum of entries |z| <= 1 (after the shift by the
    max), off by at most (n + 2) u absolute, and y_i = z_i - tau inherits that absolute
    error however small y_i is."""
    if dtype == np.float64 and not EXTENDED_LD:
        pytest.skip("long double is double here: the float64 oracle is not extended")
    for row in EXACT_ROWS:
        x = row.astype(dtype)
        true = np.array([to_ld(q) for q in exact_sparsemax(x)], dtype=LD)
        got = ref.sparsemax(x)
        assert got.dtype == dtype
        bound = ulp_of(true, dtype) + (x.size + 2) * working_unit(dtype)
        diff = np.abs(got.astype(LD) - true)
        assert np.all(diff <= bound), f"reference sparsemax off by {diff.max()} at {x!r}"


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_known_values(which, dtype):
    impl = IMPLS[which]

    def a(v):
        return np.array(v, dtype=dtype)

    def same(got, want):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, a(want))

    # maxout: the max of each group; gradient to the first arg-max on ties
    same(impl.maxout(a([1, 3, 2, 0, -1, 5]), 2), [3, 2, 5])
    same(impl.maxout(a([1, 3, 2, 0, -1, 5]), 3), [3, 5])
    same(impl.maxout(a([1, 3, 2, 0, -1, 5]), 1), [1, 3, 2, 0, -1, 5])
    same(impl.maxout(a([[1, 3], [2, 0], [-1, 5], [4, 4]]), 2, axis=0), [[2, 3], [4, 5]])
    same(impl.maxout.backward(a([1, 2]), a([3, 3, 1, 1]), 2), [1, 0, 2, 0])
    same(impl.maxout.backward(a([7]), a([0, 2, 2]), 3), [0, 7, 0])
    same(impl.maxout.backward(a([7, 8]), a([-0.0, 0.0, 0.0, -0.0]), 2), [7, 0, 8, 0])
    same(impl.maxout.backward(a([[5, 6]]), a([[1, 2], [1, 2]]), 2, axis=0), [[5, 6], [0, 0]])
    # glu: a * sigmoid(b)
    same(impl.glu(a([2, 0])), [1])
    same(impl.glu(a([[2, 4], [0, 0]]), axis=0), [[1, 2]])
    same(impl.glu(a([3, -1, 0, 1000])), [1.5, -1])
    same(impl.glu.backward(a([1]), a([2, 0])), [0.5, 0.5])  # (sigmoid(0), 2 sigmoid'(0))
    # sparsemax
    same(impl.sparsemax(a([0.1, 1.5, 0.2])), [0, 1, 0])
    same(impl.sparsemax(a([2, 2, 2, 2])), [0.25] * 4)
    same(impl.sparsemax(a([-3, -3])), [0.5, 0.5])
    same(impl.sparsemax(a([7.0])), [1])
    same(impl.sparsemax(a([0, -1, 1])), [0, 0, 1])
    same(impl.sparsemax(a([0.5, 0])), [0.75, 0.25])
    same(impl.sparsemax(a([[0.5, 1], [0, 0]]), axis=0), [[0.75, 1], [0.25, 0]])
    third = impl.sparsemax(a([5, 5, 5]))
    assert third[0] == third[1] == third[2] and ulp_error(third, LD(1) / 3, dtype).max() <= 0.5
    # [1e4, 1e4 - 0.5] is exact in float32/64; float16 rounds 1e4 - 0.5 to 1e4 (spacing 8)
    x = a([1e4, 1e4 - 0.5])
    same(impl.sparsemax(x), [0.75, 0.25] if x[0] != x[1] else [0.5, 0.5])
    same(impl.sparsemax(a([-1e4 + 0.5, -1e4])), [0.75, 0.25] if dtype != np.float16 else
         [0.5, 0.5])
    # backward from the output: g minus its mean over the support, 0 off it
    same(impl.sparsemax.backward_from_output(a([1, 2, 3]), a([0.5, 0.5, 0])), [-0.5, 0.5, 0])
    same(impl.sparsemax.backward_from_output(a([4, -4]), a([1, 0])), [0, 0])
    same(impl.sparsemax.backward_from_output(a([[1, 5], [3, 6]]), a([[0.5, 0], [0.5, 1]]), axis=0),
         [[-1, 0], [1, 0]])


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_sparsemax_rows_are_on_the_simplex_and_shift_invariant(which, dtype):
    impl = IMPLS[which]
    rng = np.random.default_rng(3)
    eps = np.finfo(dtype).eps
    for n in (1, 2, 3, 7, 33, 100):
        for scale in (1e-3, 0.3, 1.0, 10.0, 1e4):
            x = rng.normal(0, scale, (40, n)).astype(dtype)
            y = impl.sparsemax(x)
            assert np.all(y >= 0) and np.all(y <= 1)
            err = np.abs(y.astype(LD).sum(-1) - 1)
            assert err.max() <= n * eps, f"rows sum to 1 +- {err.max()} (n={n}, {scale})"
        # x + c equals x exactly when both are dyadic with few bits: then y is identical
        x = (rng.integers(-64, 64, (40, n)) / 8).astype(dtype)
        for c in (1.0, -3.5, 16.0):
            shifted = (x + dtype(c)).astype(dtype)
            assert np.array_equal(shifted - dtype(c), x)
            np.testing.assert_array_equal(impl.sparsemax(shifted), impl.sparsemax(x))


@pytest.mark.parametrize("which", list(IMPLS))
def test_dtypes_promote_like_exp(which):
    impl = IMPLS[which]
    for dt in (np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_):
        x = np.array([[1, 0, 1, 1], [0, 0, 1, 0]]).astype(dt)
        want = np.exp(x).dtype
        for name in NAMES:
            got = forward(impl, name, x, pieces=2)
            assert got.dtype == want, f"{name}({np.dtype(dt).name})"
            np.testing.assert_array_equal(got, forward(impl, name, x.astype(want), pieces=2))
    for dt in FLOATS:
        x = np.ones((2, 4), dt)
        for name in NAMES:
            assert forward(impl, name, x, pieces=2).dtype == dt
            g = np.ones((2, 4) if name == "sparsemax" else (2, 2), dt)
            assert backward(impl, name, g, x, pieces=2).dtype == dt
            assert backward(impl, name, g.astype(np.float64), x, pieces=2).dtype == np.float64


@pytest.mark.parametrize("which", list(IMPLS))
def test_empty_rows_and_stacks(which):
    impl = IMPLS[which]
    for shape, axis in (((3, 0), -1), ((0, 4), -1), ((0, 4), 0), ((2, 0, 4), 1), ((0,), 0)):
        x = np.ones(shape)
        for name in NAMES:
            out_shape = list(shape)
            if name != "sparsemax":
                out_shape[axis] //= 2
            y = forward(impl, name, x, axis=axis, pieces=2)
            assert y.shape == tuple(out_shape), f"{name} {shape} axis={axis}"
            g = np.ones(out_shape)
            gx = backward(impl, name, g, x if name != "sparsemax" else y, axis=axis, pieces=2)
            assert gx.shape == shape, f"{name}.backward {shape} axis={axis}"


# ---- gradient checks: every backward against finite differences of the oracle ------------------


def _finite_differences(loss, x):
    """d loss / d x by central differences, row by row (loss returns one value per row).

    Step h = 2**-17 (about 7.6e-6) scaled by max(1, |x_i|): the three functions are
    piecewise linear (maxout, sparsemax) or smooth with |f'''| = O(1) (glu), so the
    truncation error is O(h**2) ~ 1e-10 and float64 rounding of the loss contributes
    ~ 1e-16 / h ~ 1e-11.  The step actually taken is (x + h) - (x - h) as represented.
    """
    fd = np.empty_like(x)
    for i in range(x.shape[-1]):
        h = 2.0**-17 * np.maximum(1, np.abs(x[:, i]))
        xp, xm = x.copy(), x.copy()
        xp[:, i] += h
        xm[:, i] -= h
        fd[:, i] = (loss(xp) - loss(xm)) / (xp[:, i] - xm[:, i])
    return fd


def _check_fd(what, gx, fd, g):
    scale = np.abs(fd).max(-1, keepdims=True) + np.abs(g).max(-1, keepdims=True) * 1e-3
    err = np.abs(fd - gx) / scale
    assert err.max() <= 1e-7, f"{what}: relative error {err.max():.2e} against finite differences"


@pytest.mark.parametrize("pieces,groups", [(1, 3), (2, 1), (2, 4), (3, 3), (5, 2)])
def test_maxout_backward_matches_finite_differences(pieces, groups):
    """Rows whose groups have a unique maximum by a margin of 1e-3 (far from the kink
    where the arg-max changes, ~100 steps away)."""
    rng = np.random.default_rng(21)
    n = pieces * groups
    x = rng.normal(0, 3, (200, n))
    top2 = np.sort(x.reshape(200, groups, pieces), axis=-1)[..., -2:]
    if pieces > 1:
        x = x[np.all(top2[..., 1] - top2[..., 0] > 1e-3, axis=-1)]
    assert len(x) >= 150
    g = rng.normal(0, 1, (len(x), groups))

    def loss(xx):
        return (g * ref.maxout(xx, pieces)).sum(-1)

    fd = _finite_differences(loss, x)
    for which, impl in IMPLS.items():
        _check_fd(f"{which} maxout.backward pieces={pieces}",
                  impl.maxout.backward(g, x, pieces), fd, g)


@pytest.mark.parametrize("n", [2, 4, 6, 10])
def test_glu_backward_matches_finite_differences(n):
    rng = np.random.default_rng(22)
    x = rng.normal(0, 3, (100, n))
    g = rng.normal(0, 1, (100, n // 2))

    def loss(xx):
        return (g * ref.glu(xx)).sum(-1)

    fd = _finite_differences(loss, x)
    for which, impl in IMPLS.items():
        _check_fd(f"{which} glu.backward n={n}", impl.glu.backward(g, x), fd, g)


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13])
def test_sparsemax_backward_matches_finite_differences(n):
    """Rows where every x_i - tau is at least 1e-3 away from 0: the support does not
    change within the finite-difference steps."""
    rng = np.random.default_rng(23)
    x = rng.normal(0, 1, (300, n))
    y = ref.sparsemax(x)
    top = np.argmax(y, axis=-1)[:, None]
    tau = np.take_along_axis(x - y, top, axis=-1)  # y = x - tau on the support
    x = x[np.all(np.abs(x - tau) > 1e-3, axis=-1)]
    assert len(x) >= 150
    g = rng.normal(0, 1, x.shape)

    def loss(xx):
        return (g * ref.sparsemax(xx)).sum(-1)

    fd = _finite_differences(loss, x)
    for which, impl in IMPLS.items():
        gx = impl.sparsemax.backward_from_output(g, impl.sparsemax(x))
        _check_fd(f"{which} sparsemax.backward_from_output n={n}", gx, fd, g)
        _check_fd(f"{which} sparsemax.backward n={n}", impl.sparsemax.backward(g, x), fd, g)


# ---- fastact against the oracle: hypothesis -----------------------------------------------------


def _values(rng, shape, kind, scale, specials):
    if kind == "uniform":
        v = rng.uniform(-scale, scale, shape)
    elif kind == "ties":  # exact ties, signed zeros among them
        v = rng.integers(-2, 3, shape) * (scale / 2)
        v = np.where(v == 0, rng.choice([-0.0, 0.0], shape), v)
    elif kind == "near ties":
        v = rng.uniform(-scale, scale) + rng.normal(0, 1e-3 * scale, shape)
    else:  # magnitudes from 1e-30 (0 or subnormal in float16/32) to scale, both signs
        v = rng.choice([-1.0, 1.0], shape) * 10.0 ** rng.uniform(-30, np.log10(scale), shape)
    if specials:
        pick = rng.random(shape)
        v = np.where(pick < specials / 3, np.inf, v)
        v = np.where((pick >= specials / 3) & (pick < 2 * specials / 3), -np.inf, v)
        v = np.where((pick >= 2 * specials / 3) & (pick < specials * 0.8), np.nan, v)
    return v


def _arrange(make, shape, layout):
    """An array of ``shape`` from make(shape), in one of several memory layouts."""
    if layout == "c":
        return make(shape)
    if layout == "f":
        return np.asfortranarray(make(shape))
    if layout == "strided":
        return make((*shape[:-1], 2 * shape[-1]))[..., ::2]
    if layout == "reversed":
        return make(shape)[tuple(slice(None, None, -1) for _ in shape)]
    return make(shape[::-1]).T


@st.composite
def problems(draw, name):
    """(x, axis, pieces, g): a random array in a random layout, an axis (maybe negative),
    maxout's pieces, and a matching grad_out (for sparsemax, shaped like x).  No empty
    dimensions: those are test_empty_rows_and_stacks' (two bugs there would otherwise be
    all that hypothesis reports)."""
    dtype = np.dtype(draw(st.sampled_from(FLOATS)))
    ndim = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(1, 5), min_size=ndim, max_size=ndim))
    axis = draw(st.integers(-ndim, ndim - 1))
    pieces, shrink = None, 1
    if name == "maxout":
        pieces = shrink = draw(st.integers(1, 7))
        shape[axis] = pieces * draw(st.integers(1, 8))
    elif name == "glu":
        shrink = 2
        shape[axis] = 2 * draw(st.integers(1, 24))
    else:
        shape[axis] = draw(st.integers(1, 70))
    kind = draw(st.sampled_from(["uniform", "ties", "near ties", "magnitudes"]))
    scale = draw(st.sampled_from([1e-3, 1.0, 8.0, 100.0, 1e4]))
    layout = draw(st.sampled_from(["c", "f", "strided", "reversed", "transposed"]))
    specials = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))
    g_zeros = draw(st.sampled_from([0.0, 0.0, 0.0, 0.1]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    x = _arrange(lambda s: _values(rng, s, kind, scale, specials).astype(dtype),
                 tuple(shape), layout)
    g_shape = list(shape)
    g_shape[axis] //= shrink
    # |g| * |x| / 4 stays below float16's 65504 (its overflow warns, as it should)
    top = 0 if dtype == np.float16 else 3

    def grads(s):  # finite: NaN/inf in grad_out are test_*_special_* territory
        v = rng.normal(size=s) * 10.0 ** rng.integers(-2, top, s)
        if g_zeros:
            v = np.where(rng.random(s) < g_zeros, rng.choice([-0.0, 0.0], s), v)
        return v.astype(dtype)

    g = _arrange(grads, tuple(g_shape), draw(st.sampled_from(["c", "transposed"])))
    return x, axis, pieces, g


def _describe(name, x, axis, pieces):
    p = f" pieces={pieces}" if name == "maxout" else ""
    return f"{name} {x.dtype.name} shape={x.shape} strides={x.strides} axis={axis}{p}"


def _call_both(what, call, *args):
    """(fastact's result, the oracle's), each computed without a warning."""
    results = []
    for which, impl in IMPLS.items():
        result, caught = silently(call, impl, *args)
        assert not caught, f"{what}: {which} warned {caught}\nargs={args!r}"
        results.append(result)
    return results[1], results[0]


def _check_forward(name, x, axis, pieces):
    dtype = x.dtype
    what = _describe(name, x, axis, pieces)
    before = x.copy()
    got, want = _call_both(what, forward, name, x, axis, pieces)
    assert x.tobytes() == before.tobytes(), f"{what}: input modified"
    assert got.dtype == want.dtype == dtype and got.shape == want.shape, what
    check = _glu_unchecked(x, axis, False) if name == "glu" else np.zeros(got.shape, bool)
    got, want = np.where(check, 0, got), np.where(check, 0, want)
    same_nan = np.array_equal(np.isnan(got), np.isnan(want))
    assert same_nan, f"{what}: NaN pattern\nx={x!r}\ngot={got!r}\nwant={want!r}"

    if name == "maxout":  # a maximum is one of the inputs: exact
        bad = ~same_values(got, want)
        assert not bad.any(), f"{what}\nx={x!r}\ngot={got!r}\nwant={want!r}"
        return
    if name == "glu":
        keep = ~underflowed(want, dtype) | np.isinf(want) | np.isnan(want)
        err = ulp_error(got[keep], want[keep], dtype)
        assert err.size == 0 or err.max() <= FORWARD_ULP, (
            f"{what}: {err.max():.1f} ULP\nx={x!r}\ngot={got!r}\nwant={want!r}")
        tiny = np.finfo(dtype).tiny
        assert np.all(np.abs(got[~keep].astype(np.float64)) <= 2 * tiny), f"{what}: underflow"
        return
    # sparsemax: 4 ULP, plus the oracle's own absolute error (see
    # test_reference_sparsemax_against_exact_arithmetic); on the simplex
    n = x.shape[axis]
    with np.errstate(invalid="ignore"):
        diff = np.abs(got.astype(LD) - want.astype(LD))
    bound = FORWARD_ULP * ulp_of(want, dtype) + (n + 2) * working_unit(dtype)
    bad = ~same_values(got, want) & ~(diff <= bound)
    assert not bad.any(), (f"{what}: off by {diff[bad].max()} (> {bound[bad].min()}) at "
                           f"{got[bad].tolist()} vs oracle {want[bad].tolist()}\nx={x!r}")
    y = rows_last(got, axis)
    live = ~np.isnan(y).any(-1)
    assert np.all(y[live] >= 0) and np.all(y[live] <= 1), f"{what}: outside [0, 1]"
    err = np.abs(y.astype(LD).sum(-1) - 1)[live]
    assert err.size == 0 or err.max() <= max(n, 1) * np.finfo(dtype).eps, (
        f"{what}: rows sum to 1 +- {err.max()}")


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_fastact_forward_matches_oracle(name, data):
    x, axis, pieces, _ = data.draw(problems(name))
    _check_forward(name, x, axis, pieces)


def _glu_unchecked(x, axis, grad):
    """Entries of glu (grad=False) or of its gradient (grad=True) not compared here:

    - d/db = a sigmoid'(b) at a = +-inf, b = +-inf is inf * 0 with no limit (a -> inf
      first gives inf, b -> inf first gives 0);
    - a = NaN or +-inf where sigmoid(b) (b < -700) or sigmoid'(b) (|b| > 700) falls below
      the double range: the oracle computes float16/32 in double, and is wrong there.
      test_glu_special_values checks both implementations there against the truth.
    """
    a, b = np.split(x, 2, axis=axis)
    wild = ~np.isfinite(a)
    if not grad:
        return wild & (b < -700)
    gb = (np.isinf(a) & np.isinf(b)) | (wild & (np.abs(b) > 700))
    return np.concatenate([np.zeros(a.shape, bool), gb], axis=axis)


def _sparsemax_backward_bound(g, y, dtype):
    """Allowed |fastact - oracle| for g_i - mean_S(g), rows along the last axis.

    Cancellation in g_i - mean does not shrink the error of the mean: rounding the mean
    costs eps/2 |mean| <= eps/2 mean_S|g|, and a sum of the c support entries in the
    result's precision up to (c - 1) eps/2 sum_S|g| / c.  Hence (c + 2) eps mean_S|g|: any
    sound summation passes, a wrong formula (off by O(|g|)) does not.
    """
    eps = LD(np.finfo(dtype).eps)
    g, y = g.astype(LD), y.astype(LD)
    with np.errstate(invalid="ignore"):
        support = y > 0
    c = support.sum(-1, keepdims=True)
    mean_abs = np.where(support, np.abs(g), 0).sum(-1, keepdims=True) / np.maximum(c, 1)
    return (c + 2) * eps * mean_abs


@pytest.mark.parametrize("name", NAMES)
@SETTINGS
@given(data=st.data())
def test_fastact_backward_matches_oracle(name, data):
    x, axis, pieces, g = data.draw(problems(name))
    dtype = x.dtype
    what = _describe(name, x, axis, pieces) + ", backward"
    # sparsemax's backward takes the output y (the oracle's, so that both see the same)
    xy = ref.sparsemax(x, axis=axis) if name == "sparsemax" else x
    g_before, xy_before = g.copy(), xy.copy()
    got, want = _call_both(what, backward, name, g, xy, axis, pieces)
    assert g.tobytes() == g_before.tobytes() and xy.tobytes() == xy_before.tobytes()
    assert got.dtype == want.dtype == dtype and got.shape == want.shape == x.shape, what
    check = np.ones(x.shape, bool) if name != "glu" else ~_glu_unchecked(x, axis, True)
    same_nan = np.array_equal(np.isnan(got) & check, np.isnan(want) & check)
    assert same_nan, f"{what}: NaN pattern\nx={x!r}\ng={g!r}\ngot={got!r}\nwant={want!r}"
    if name == "maxout":  # routing copies g: exact
        bad = ~same_values(got, want)
        assert not bad.any(), f"{what}\nx={x!r}\ng={g!r}\ngot={got!r}\nwant={want!r}"
        return
    with np.errstate(invalid="ignore"):
        diff = np.abs(got.astype(LD) - want.astype(LD))
    bound = DERIVATIVE_ULP * ulp_of(want, dtype)
    if name == "glu":  # no cancellation: products only; underflowed entries by value
        tiny = LD(np.finfo(dtype).tiny)
        bound = np.where(underflowed(want, dtype), 2 * tiny, bound)
    else:
        bound = bound + np.moveaxis(_sparsemax_backward_bound(
            rows_last(g, axis), rows_last(xy, axis), dtype), -1, axis)
        with np.errstate(invalid="ignore"):
            off = rows_last(xy, axis) == 0
        assert np.all(rows_last(got, axis)[off] == 0), f"{what}: nonzero off the support"
    bad = check & ~same_values(got, want) & ~(diff <= bound)
    assert not bad.any(), (f"{what}: off by {diff[bad].max()} (> {bound[bad].min()})\n"
                           f"x={x!r}\ng={g!r}\ngot={got[bad].tolist()}\n"
                           f"want={want[bad].tolist()}")


# ---- special values --------------------------------------------------------------------------

SPECIAL = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0]


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
@pytest.mark.parametrize("pieces", [1, 2, 3])
def test_maxout_special_groups(dtype, pieces):
    """Every group of NaN, +-inf, +-0 and +-1: NaN wins, then the max; the gradient goes to
    the first NaN, else the first maximum (np.argmax); no warning."""
    groups = np.array(list(itertools.product(SPECIAL, repeat=pieces)), dtype)
    x = groups.reshape(-1)
    g = np.arange(1, len(groups) + 1).astype(dtype)
    for axis, xx, gg in ((-1, x, g), (0, np.stack([x, -x], 1), np.stack([g, g], 1))):
        y, want = _call_both(f"maxout pieces={pieces}", forward, "maxout", xx, axis, pieces)
        assert np.all(same_values(y, want)), f"maxout: {y} vs {want}"
        gx, gwant = _call_both(f"maxout.backward pieces={pieces}", backward, "maxout", gg,
                               xx, axis, pieces)
        assert np.all(same_values(gx, gwant)), f"maxout.backward: {gx} vs {gwant}"
    y = fastact.maxout(x, pieces)
    has_nan = np.isnan(groups).any(-1)
    assert np.all(np.isnan(y) == has_nan)
    with np.errstate(invalid="ignore"):
        assert np.all(y[~has_nan] == groups[~has_nan].max(-1))
    routed = fastact.maxout.backward(g, x, pieces).reshape(groups.shape)
    first = np.argmax(groups, axis=-1)  # np.argmax: the first NaN if any
    assert np.all(routed[np.arange(len(groups)), first] == g)
    assert np.count_nonzero(routed) == len(groups)


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
@pytest.mark.parametrize("pieces", [1, 2, 5, 64, 65])
def test_maxout_many_groups_against_oracle(dtype, pieces):
    """A thousand groups (fastact's vectorized runs of 256, and its general path past 64
    pieces), with ties, signed zeros and infinities, one run with a NaN, C and strided
    layouts: exactly the oracle's values (zeros of either sign: np.max's are not the first
    maximum's) and routing."""
    rng = np.random.default_rng(pieces)
    groups = 1000
    x = rng.choice([0.0, -0.0, 1.0, 2.0, -3.0, inf, -inf], (groups, pieces))
    x = np.where(rng.random(x.shape) < 0.5, rng.normal(size=x.shape), x).astype(dtype)
    x[700, pieces // 2] = nan
    g = rng.normal(size=groups).astype(dtype)
    wide = np.zeros((groups, 2 * pieces), dtype)
    for xx in (x.reshape(-1), wide[:, ::2]):
        xx[...] = x.reshape(xx.shape)
        axis = -1 if xx.ndim == 1 else 1
        gg = g if xx.ndim == 1 else g[:, None]
        y, want = _call_both(f"maxout pieces={pieces}", forward, "maxout", xx, axis, pieces)
        assert np.all(same_values(y, want)), f"maxout pieces={pieces}"
        gx, gwant = _call_both(f"maxout.backward pieces={pieces}", backward, "maxout", gg, xx,
                               axis, pieces)
        assert np.all(same_values(gx, gwant)), f"maxout.backward pieces={pieces}"


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_sparsemax_special_rows(dtype):
    """Rows of length 1-3 from NaN, +-inf, 0, +-1 and 1e4: a NaN or nothing but -inf gives
    a NaN row; +inf entries share the mass; otherwise the simplex; no warning."""
    values = [nan, inf, -inf, 0.0, 1.0, -1.0, 1e4]
    for n in (1, 2, 3):
        x = np.array(list(itertools.product(values, repeat=n)), dtype)
        what = f"sparsemax {np.dtype(dtype).name} n={n}"
        y, want = _call_both(what, forward, "sparsemax", x, -1, None)
        nan_row = np.isnan(x).any(-1) | np.all(x == -inf, -1)
        assert np.array_equal(np.isnan(y).any(-1), nan_row), f"{what}: {x[np.isnan(y).any(-1)]}"
        assert np.array_equal(np.isnan(want).any(-1), nan_row)
        assert np.all(np.isnan(y[nan_row])), f"{what}: a NaN row is NaN throughout"
        n_inf = (x == inf).sum(-1, keepdims=True)
        has_inf = ~nan_row & (n_inf[:, 0] > 0)
        share = np.where(x == inf, 1 / np.maximum(n_inf, 1), 0)
        np.testing.assert_array_equal(y[has_inf], share[has_inf].astype(dtype))
        ok = ~nan_row
        assert np.all(same_values(y[ok], want[ok])) or ulp_error(y[ok], want[ok],
                                                                 dtype).max() <= FORWARD_ULP
        err = np.abs(y[ok].astype(LD).sum(-1) - 1)
        assert err.max() <= n * np.finfo(dtype).eps, f"{what}: rows sum to 1 +- {err.max()}"
        assert np.all(y[ok][x[ok] == -inf] == 0)
        # the same rows fed back with a finite g: the NaN rows stay NaN, no warning
        g = np.arange(x.size, dtype=np.float64).reshape(x.shape).astype(dtype) / 8
        gx, gwant = _call_both(what + ".backward", backward, "sparsemax", g, want, -1, None)
        assert np.all(same_values(gx, gwant)), f"{what}.backward: {gx} vs {gwant}"
        assert np.all(np.isnan(gx[nan_row])) and not np.isnan(gx[~nan_row]).any()


@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_sparsemax_backward_special_grads(dtype):
    """NaN and +-inf in grad_out: g_i - mean(g) in IEEE arithmetic, as the oracle has it
    (the mean of [inf, 1] is inf: [inf - inf, 1 - inf] = [NaN, -inf]); off the support 0.
    Values only: an inf - inf may warn, as fastact.relu.backward(inf, -1) does."""
    y = np.array([[0.5, 0.5, 0], [0.5, 0.5, 0], [0.5, 0.5, 0], [1, 0, 0], [0.25, 0.75, 0]],
                 dtype)
    g = np.array([[inf, 1, 2], [nan, 1, 2], [inf, -inf, 2], [inf, 1, nan], [1, 2, inf]], dtype)
    got, _ = silently(fastact.sparsemax.backward_from_output, g, y)
    want = np.array([[nan, -inf, 0], [nan, nan, 0], [nan, nan, 0], [nan, 0, 0],
                     [-0.5, 0.5, 0]], dtype)
    oracle, _ = silently(reference.sparsemax.backward_from_output, g, y)
    assert np.all(same_values(oracle, want)), f"reference: {oracle}"
    assert np.all(same_values(got, want)), (
        f"fastact.sparsemax.backward_from_output(g, y):\n{got}\nwant\n{want}")


GLU_A = [nan, inf, -inf, 0.0, -0.0, 1.0, -1.0, 1e4, -1e4]
GLU_B = [nan, inf, -inf, 0.0, 30.0, -30.0, 800.0, -800.0, 1e4, -1e4]
GLU_G = [0.0, -0.0, 1.0, -2.0, nan]


def glu_truth(g, a, b):
    """(glu, d/da, d/db) at one point (Python floats), by the conventions of
    docs/architecture.md: NaN in, NaN out; sigmoid(-inf) = 0 makes glu 0 (the forward of
    both implementations); a positive finite factor keeps inf * 0 = NaN and inf * inf = inf
    (IEEE); d/db at a = +-inf, b = +-inf (inf * 0 with no limit) is None. Finite values
    with mpmath."""
    isnan, isinf = np.isnan, np.isinf

    def sigmoid(t):
        return 1 / (1 + mpmath.exp(-mpmath.mpf(t)))

    def dsigmoid(t):  # e^-|t| / (1 + e^-|t|)^2, no cancellation at any |t|
        e = mpmath.exp(-abs(mpmath.mpf(t)))
        return e / (1 + e) ** 2

    with mpmath.workprec(200):
        if isnan(a) or isnan(b):
            y = nan
        elif b == -inf:
            y = 0.0
        elif isinf(a) or b == inf:
            y = a
        else:
            y = float(a * sigmoid(b))
        if isnan(g) or isnan(b):
            ga = nan
        elif isinf(b):
            ga = g * (1.0 if b > 0 else 0.0)
        elif isinf(g):
            ga = g
        else:
            ga = float(g * sigmoid(b))
        if isnan(g) or isnan(a) or isnan(b):
            gb = nan
        elif isinf(a) and isinf(b):
            gb = None
        elif isinf(b):
            gb = g * a * 0.0
        elif isinf(a) or isinf(g):
            gb = g * a
        else:
            gb = float(g * a * dsigmoid(b))
    return y, ga, gb


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("dtype", FLOATS, ids=dtype_id)
def test_glu_special_values(which, dtype):
    """Every (a, b) from NaN, +-inf, +-0 and large values, with g from +-0, 1, -2 and NaN,
    against glu_truth (4 ULP for finite values); no warning. (An infinite g is left out:
    inf * 0 warns in the elementwise fastact.relu.backward(inf, -1) too.)"""
    impl = IMPLS[which]
    found = []
    for a, b in itertools.product(GLU_A, GLU_B):
        x = np.array([a, b], dtype)
        fa, fb = (float(v) for v in x)
        for g in GLU_G:
            gg = np.array([g], dtype)
            y, ga, gb = glu_truth(float(gg[0]), fa, fb)
            cases = [(f"glu.backward({g}, [{a}, {b}])", impl.glu.backward, (gg, x), [ga, gb])]
            if g == 0.0 and not np.signbit(g):
                cases.append((f"glu([{a}, {b}])", impl.glu, (x,), [y]))
            for label, call, args, truth in cases:
                got, caught = silently(call, *args)
                if caught:
                    found.append(f"{label}: {caught}")
                for k, t in enumerate(truth):
                    if t is None:
                        continue
                    want = np.array(t, dtype)
                    if not (same_values(got[k], want) or ulp_error(got[k], want, dtype) <= 4):
                        found.append(f"{label}[{k}] = {got[k]}, want {want}")
    assert not found, (f"{which} {np.dtype(dtype).name}: {len(found)} cases\n"
                       + "\n".join(found))


@pytest.mark.parametrize("which", list(IMPLS))
def test_glu_nan_in_gives_nan_out(which):
    """docs/architecture.md (conventions): NaN in gives NaN out, for the function and its
    derivative. glu(NaN, b) and d/db are NaN for every b (d/da = sigmoid(b) does not
    involve a)."""
    impl = IMPLS[which]
    bad = []
    for dtype in FLOATS:
        for b in (-inf, -1e4, -800.0, -30.0, 0.0, 30.0, 800.0, inf, nan):
            x = np.array([nan, b], dtype)
            y, _ = silently(impl.glu, x)
            gx, _ = silently(impl.glu.backward, np.ones(1, dtype), x)
            if not np.isnan(y[0]):
                bad.append(f"glu({x.tolist()}) {np.dtype(dtype).name} = {y[0]}")
            if not np.isnan(gx[1]):
                bad.append(f"glu.backward(1, {x.tolist()}) {np.dtype(dtype).name} d/db = {gx[1]}")
    assert not bad, f"{which}:\n" + "\n".join(bad)


# ---- extreme values where a wrong route shows ----------------------------------------------


def test_sparsemax_float64_small_entries_within_4_ulp():
    """Entries just above the threshold: y_i = z_i - tau is much smaller than tau, so tau
    must be carried beyond double precision (the oracle's long double does it)."""
    rows = [np.array([0.0, 0.0, -0.4999999]), np.array([1.0, 0.5, 0.0, -0.0001]),
            np.array([0.70499866, 0.0324661, -0.66546574, 0.35937234, -0.80761203])]
    rows += [r for r in EXACT_ROWS if r.size > 1][:60]
    worst, at = 0.0, None
    for x in rows:
        true = np.array([to_ld(q) for q in exact_sparsemax(x)], dtype=LD)
        err = ulp_error(fastact.sparsemax(x), true, np.float64).max()
        if err > worst:
            worst, at = float(err), x
    assert worst <= FORWARD_ULP, f"fastact.sparsemax: {worst:.0f} ULP from exact at {at!r}"


def test_sparsemax_huge_float64_spread():
    """Finite rows whose differences exceed the float64 range: no overflow warning, the
    values of the oracle (the far entries are simply off the support)."""
    x = np.array([[1e308, -1e308, 1e308], [-1.5e308, 1.5e308, 1e308],
                  [1.7e308, -1.7e308, 0.0]])
    got, want = _call_both("sparsemax of a huge spread", forward, "sparsemax", x, -1, None)
    np.testing.assert_array_equal(got, want)
    np.testing.assert_array_equal(got, [[0.5, 0, 0.5], [0, 1, 0], [1, 0, 0]])


@pytest.mark.parametrize(("dtype", "g", "a", "b"), [
    (np.float32, 1e25, 1e-36, 23.0), (np.float32, 1e25, -1e-33, -23.0),
    (np.float32, 3e20, 2e-38, 40.0), (np.float64, 1e200, 1e-305, 30.0),
    (np.float64, -1e250, 1e-300, -60.0)])
def test_glu_backward_when_a_sigmoid_slope_underflows(dtype, g, a, b):
    """d/db = g a sigmoid'(b) is normal while a sigmoid'(b) alone is subnormal: within
    8 ULP of mpmath's value (a float product a sigmoid'(b) first loses its digits)."""
    x = np.array([a, b], dtype)
    gg = np.array([g], dtype)
    got = fastact.glu.backward(gg, x)[1]
    fa, fb, fg = (mpmath.mpf(float(v)) for v in (x[0], x[1], gg[0]))
    with mpmath.workprec(200):
        e = mpmath.exp(-abs(fb))
        want = np.array(float(fg * fa * e / (1 + e) ** 2), dtype)
    assert ulp_error(np.array(got), want, dtype) <= DERIVATIVE_ULP, (got, want)


def test_glu_float64_when_sigmoid_underflows_double():
    """sigmoid(b) below the double range (b < -708 or so) while a sigmoid(b) is not:
    glu(1e300, -1000) = 1e300 e^-1000 = 5.08e-135, not 0; near the edge, 4 ULP still."""
    bad = []
    for a, b in ((1e300, -1000.0), (1e4, -715.0), (1e10, -730.0), (1e100, -800.0),
                 (-1e200, -1100.0), (3.0, -700.0)):
        x = np.array([a, b])
        for label, got, want in (("glu", fastact.glu(x), ref.glu(x)),
                                 ("glu.backward", fastact.glu.backward(np.ones(1), x),
                                  ref.glu_backward(np.ones(1), x))):
            err = ulp_error(got, want, np.float64).max()
            if err > FORWARD_ULP:
                bad.append(f"{label}({a}, {b}): {got} vs {want} ({err:.3g} ULP)")
    assert not bad, "\n".join(bad)


# ---- out=, errors, raw gufuncs ---------------------------------------------------------------


@pytest.mark.parametrize("which", list(IMPLS))
@pytest.mark.parametrize("name", NAMES)
def test_out(which, name):
    impl = IMPLS[which]
    rng = np.random.default_rng(1)
    for dtype in FLOATS:
        x = rng.normal(0, 3, (4, 6)).astype(dtype)
        for axis in (0, 1, -1, -2):
            want = forward(impl, name, x, axis, pieces=2)
            shape = want.shape
            for out in (np.full(shape, SENTINEL, dtype),
                        np.full(shape[::-1], SENTINEL, dtype).T):
                got = forward(impl, name, x, axis, pieces=2, out=out)
                assert got is out, f"{which} {name}: out= not returned"
                assert out.tobytes() == want.tobytes(), f"{which} {name} axis={axis}"


def _check_error(name, exc_type, call, out, what):
    before = None if out is None else out.copy()
    with pytest.raises(exc_type) as info:
        call(out)
    assert _names(name, info.value), f"{what}: message does not name {name}: {info.value}"
    if out is not None:
        assert out.tobytes() == before.tobytes(), f"{what}: out written before the error"


def test_maxout_errors_name_it_and_leave_out_alone():
    f = fastact.maxout
    x = np.arange(12.0).reshape(2, 6)
    o = np.full((2, 3), SENTINEL)
    for pieces in (4, 0, -2, 1.5, 2.0, True, "2", None):
        exc = ValueError if pieces in (4, 0, -2) else (TypeError, ValueError)
        _check_error("maxout", exc, lambda out, p=pieces: f(x, p, out=out), o, f"pieces={pieces!r}")
        _check_error("maxout", exc, lambda out, p=pieces: f.backward(np.ones((2, 3)), x, p),
                     None, f"backward pieces={pieces!r}")
    _check_error("maxout", ValueError, lambda out: f(x, 4, axis=0, out=out), o, "pieces=4 axis 0")
    _check_error("maxout", ValueError, lambda out: f(x, 3, out=out), o, "out of the wrong shape")
    for axis in (2, -3):
        _check_error("maxout", ValueError, lambda out, a=axis: f(x, 2, axis=a, out=out), o,
                     f"axis={axis}")
        _check_error("maxout", ValueError,
                     lambda out, a=axis: f.backward(np.ones((2, 3)), x, 2, axis=a), None,
                     f"backward axis={axis}")
    _check_error("maxout", TypeError, lambda out: f(x, 2, axis=1.5, out=out), o, "axis=1.5")
    _check_error("maxout", ValueError, lambda out: f(np.float64(1.0), 1, out=out),
                 np.full((), SENTINEL), "0-d")
    _check_error("maxout", TypeError, lambda out: f(x + 1j, 2, out=out), o, "complex")
    _check_error("maxout", TypeError, lambda out: f.backward(np.ones((2, 3)) + 1j, x, 2), None,
                 "backward complex grad")
    _check_error("maxout", TypeError, lambda out: f.backward(np.ones((2, 3)), x + 1j, 2), None,
                 "backward complex x")
    _check_error("maxout", ValueError, lambda out: f.backward(np.ones((2, 4)), x, 2), None,
                 "backward grad of the wrong shape")
    for bad in (np.array(["a", "b"]), np.ones(2, object)):
        _check_error("maxout", TypeError, lambda out, b=bad: f(b, 2, out=out),
                     np.full(1, SENTINEL), str(bad.dtype))


def test_maxout_backward_scalar_grad():
    """A 0-d grad_out broadcasts like any ufunc argument (or, at the least, the error names
    maxout)."""
    x = np.array([1.0, 3.0, 2.0, 0.0])
    try:
        got = fastact.maxout.backward(1.0, x, 2)
    except (TypeError, ValueError) as exc:
        assert _names("maxout", exc), f"the error does not name maxout: {exc!r}"
    else:
        np.testing.assert_array_equal(got, [0, 1, 1, 0])


def test_glu_errors_name_it_and_leave_out_alone():
    f = fastact.glu
    o = np.full((2, 2), SENTINEL)
    _check_error("glu", ValueError, lambda out: f(np.ones((2, 5)), out=out), o, "odd length")
    _check_error("glu", ValueError, lambda out: f(np.ones((3, 2)), axis=0, out=out), o,
                 "odd length along axis 0")
    _check_error("glu", ValueError, lambda out: f.backward(np.ones((2, 2)), np.ones((2, 5))),
                 None, "backward odd length")
    x = np.ones((2, 4))
    _check_error("glu", ValueError, lambda out: f(x, axis=0, out=out), o, "out of the wrong shape")
    for axis in (2, -3):
        _check_error("glu", ValueError, lambda out, a=axis: f(x, axis=a, out=out), o,
                     f"axis={axis}")
        _check_error("glu", ValueError, lambda out, a=axis: f.backward(o, x, axis=a), None,
                     f"backward axis={axis}")
    _check_error("glu", TypeError, lambda out: f(x, axis=1.5, out=out), o, "axis=1.5")
    _check_error("glu", ValueError, lambda out: f(np.float64(1.0), out=out),
                 np.full((), SENTINEL), "0-d")
    _check_error("glu", TypeError, lambda out: f(x + 1j, out=out), o, "complex")
    _check_error("glu", TypeError, lambda out: f.backward(o + 1j, x), None, "backward complex g")
    _check_error("glu", TypeError, lambda out: f.backward(o, x + 1j), None, "backward complex x")
    for bad in (np.array(["a", "b"]), np.ones(2, object)):
        _check_error("glu", TypeError, lambda out, b=bad: f(b, out=out), np.full(1, SENTINEL),
                     str(bad.dtype))


def test_sparsemax_errors_name_it_and_leave_out_alone():
    f = fastact.sparsemax
    x = np.arange(6.0).reshape(2, 3)
    o = np.full((2, 3), SENTINEL)
    for axis in (2, -3):
        _check_error("sparsemax", ValueError, lambda out, a=axis: f(x, axis=a, out=out), o,
                     f"axis={axis}")
        _check_error("sparsemax", ValueError,
                     lambda out, a=axis: f.backward(x, x, axis=a, out=out), o,
                     f"backward axis={axis}")
    _check_error("sparsemax", TypeError, lambda out: f(x, axis=1.5, out=out), o, "axis=1.5")
    _check_error("sparsemax", ValueError, lambda out: f(x, out=out), np.full((3, 2), SENTINEL),
                 "out of the wrong shape")
    _check_error("sparsemax", ValueError, lambda out: f(np.float64(1.0), out=out),
                 np.full((), SENTINEL), "0-d")
    _check_error("sparsemax", ValueError,
                 lambda out: f.backward(np.float64(1.0), np.float64(1.0), out=out),
                 np.full((), SENTINEL), "backward 0-d")
    _check_error("sparsemax", TypeError, lambda out: f(x + 1j, out=out), o, "complex")
    _check_error("sparsemax", TypeError, lambda out: f.backward(x + 1j, x, out=out), o,
                 "backward complex g")
    _check_error("sparsemax", TypeError, lambda out: f.backward(x, x + 1j, out=out), o,
                 "backward complex y")
    for bad in (np.array(["a", "b"]), np.ones(2, object)):
        _check_error("sparsemax", TypeError, lambda out, b=bad: f(b, out=out),
                     np.full(2, SENTINEL), str(bad.dtype))


@pytest.mark.parametrize("name", NAMES)
def test_reference_errors(name):
    """The oracle rejects the same inputs, naming the function."""
    f = getattr(reference, name)
    x = np.ones((2, 6))
    g = np.ones((2, 6) if name == "sparsemax" else (2, 3))
    calls = [lambda v, **k: forward(reference, name, v, pieces=2, **k),
             lambda v, **k: backward(reference, name, g, v, pieces=2, **k)]
    for call in calls:
        with pytest.raises(ValueError, match=rf"\b{name}\b"):
            call(np.float64(1.0))
        for axis in (2, -3):
            with pytest.raises(ValueError, match=rf"\b{name}\b"):
                call(x, axis=axis)
        with pytest.raises(TypeError, match=rf"\b{name}\b"):
            call(x + 1j)
    if name == "maxout":
        for pieces in (4, 0, -2, 1.5):
            with pytest.raises(ValueError, match=r"\bmaxout\b"):
                f(x, pieces)
            with pytest.raises(ValueError, match=r"\bmaxout\b"):
                f.backward(g, x, pieces)
    if name == "glu":
        for call in (lambda: f(np.ones((2, 5))), lambda: f.backward(g, np.ones((2, 5)))):
            with pytest.raises(ValueError, match=r"\bglu\b"):
                call()


def test_reference_has_the_same_signatures():
    """fastact.reference.NAME is called as fastact.NAME is: pieces by keyword, axis by
    position."""
    x = np.arange(12.0).reshape(2, 6) % 5
    g3 = np.ones((2, 3))
    cases = {
        "maxout(x, pieces=2)": lambda m: m.maxout(x, pieces=2),
        "maxout(x, 2, 0)": lambda m: m.maxout(x, 2, 0),
        "maxout.backward(g, x, pieces=2)": lambda m: m.maxout.backward(g3, x, pieces=2),
        "glu(x, 0)": lambda m: m.glu(x, 0),
        "sparsemax(x, 0)": lambda m: m.sparsemax(x, 0),
        "sparsemax.backward_from_output(g, y, 0)":
            lambda m: m.sparsemax.backward_from_output(x, x / 40, 0),
    }
    failures = []
    for label, call in cases.items():
        want = call(fastact)
        try:
            got = call(reference)
        except TypeError as exc:
            failures.append(f"reference.{label}: {exc}")
            continue
        # the call must be accepted and mean the same thing; the values are two
        # computations, so they agree to the contract's ULP bound, not bitwise
        err = float(np.max(ulp_error(got, want, np.float64), initial=0.0))
        if got.shape != want.shape or err > 4:
            failures.append(f"reference.{label}: {got} != {want} ({err:.2f} ULP)")
    assert not failures, "\n".join(failures)


def test_reference_is_wired_in():
    """fastact.reference.NAME calls this oracle (same results, bitwise)."""
    rng = np.random.default_rng(0)
    x = rng.normal(0, 10, (4, 6)).astype(np.float32)
    g = rng.normal(0, 1, (2, 6)).astype(np.float32)
    np.testing.assert_array_equal(reference.maxout(x, 2, axis=0), ref.maxout(x, 2, axis=0))
    assert (reference.maxout.backward(g, x, 2, axis=0).tobytes()
            == ref.maxout_backward(g, x, 2, axis=0).tobytes())
    assert reference.glu(x, axis=0).tobytes() == ref.glu(x, axis=0).tobytes()
    assert (reference.glu.backward(g, x, axis=0).tobytes()
            == ref.glu_backward(g, x, axis=0).tobytes())
    y = ref.sparsemax(x, axis=0)
    assert reference.sparsemax(x, axis=0).tobytes() == y.tobytes()
    assert (reference.sparsemax.backward_from_output(x, y, axis=0).tobytes()
            == ref.sparsemax_backward(x, y, axis=0).tobytes())


def test_raw_gufuncs():
    u = fastact.ufuncs
    for name in ("maxout", "maxout_backward", "glu", "glu_backward", "sparsemax",
                 "sparsemax_backward"):
        assert isinstance(getattr(u, name), np.ufunc), name
    assert u.maxout.signature == "(p)->()"
    assert u.maxout_backward.signature == "(),(p)->(p)"
    assert u.glu.signature is None and (u.glu.nin, u.glu.nout) == (2, 1)
    assert u.glu_backward.signature is None and (u.glu_backward.nin, u.glu_backward.nout) == (3, 2)
    assert u.sparsemax.signature == "(n)->(n)"
    assert u.sparsemax_backward.signature == "(n),(n)->(n)"
    rng = np.random.default_rng(2)
    x = rng.normal(0, 3, (4, 6))
    groups = x.reshape(4, 3, 2)
    g = rng.normal(size=(4, 3))
    assert u.maxout(groups).tobytes() == fastact.maxout(x, 2).tobytes()
    assert (u.maxout_backward(g, groups).reshape(4, 6).tobytes()
            == fastact.maxout.backward(g, x, 2).tobytes())
    a, b = x[:, :3], x[:, 3:]
    assert u.glu(a, b).tobytes() == fastact.glu(x).tobytes()
    ga, gb = u.glu_backward(g, a, b)
    assert np.concatenate([ga, gb], 1).tobytes() == fastact.glu.backward(g, x).tobytes()
    y = u.sparsemax(x)
    assert y.tobytes() == fastact.sparsemax(x).tobytes()
    gx = rng.normal(size=x.shape)
    assert (u.sparsemax_backward(gx, y).tobytes()
            == fastact.sparsemax.backward_from_output(gx, y).tobytes())
    # axes= moves the core dimension, as fastact's axis= does
    assert (u.sparsemax(x, axes=[(0,), (0,)]).tobytes()
            == fastact.sparsemax(x, axis=0).tobytes())


# ---- threads, leaks --------------------------------------------------------------------------


@pytest.fixture
def restore_threads():
    yield
    fastact.set_num_threads(None)


def test_thread_count_does_not_change_results(restore_threads):
    rng = np.random.default_rng(4)
    x = rng.normal(0, 10, (2048, 1024)).astype(np.float32)
    x[5, 7] = np.nan
    x[9, :3] = np.inf
    x[11] = -np.inf
    x[13, ::2] = 1.0  # ties
    g_half = rng.normal(size=(2048, 512)).astype(np.float32)
    g_full = rng.normal(size=x.shape).astype(np.float32)
    results = []
    for n in (1, 2):
        fastact.set_num_threads(n)
        y = fastact.sparsemax(x)
        results.append([
            fastact.maxout(x, 2), fastact.maxout(x, 4), fastact.maxout(x[:, :64], 2, axis=0),
            fastact.maxout.backward(g_half, x, 2),
            fastact.glu(x), fastact.glu(x[:, :64], axis=0), fastact.glu.backward(g_half, x),
            y, fastact.sparsemax(x[:, :64], axis=0),
            fastact.sparsemax.backward_from_output(g_full, y),
        ])
    fastact.set_num_threads(None)
    for k, (a, b) in enumerate(zip(*results, strict=True)):
        assert a.tobytes() == b.tobytes(), f"result {k} depends on the thread count"


@pytest.mark.parametrize("name", NAMES)
def test_no_refcount_leaks(name):
    x = np.linspace(-3, 3, 24).reshape(4, 6)
    y = forward(fastact, name, x, pieces=2)
    g = np.ones_like(y)
    out = np.empty_like(y)
    xy = y if name == "sparsemax" else x
    objects = [x, y, g, out]

    def calls():
        forward(fastact, name, x, pieces=2, out=out)
        backward(fastact, name, g, xy, pieces=2)

    calls()
    before = [sys.getrefcount(o) for o in objects]
    for _ in range(1000):
        calls()
    after = [sys.getrefcount(o) for o in objects]
    assert after == before, f"{name}: refcounts {before} -> {after}"


def test_integer_inputs_are_rounded_to_the_float_dtype_first():
    """int64 2^63 - 511 and 2^63 - 512 are one float64: maxout's first arg-max is the
    first of the tie, in the reference as in fastact."""
    x = np.array([[2**63 - 512, 2**63 - 511]], dtype=np.int64)
    g = np.array([[1.0]])
    for impl in IMPLS.values():
        np.testing.assert_array_equal(impl.maxout.backward(g, x, 2), [[1.0, 0.0]])
