"""Row-wise activations: softmax, log_softmax, softmin, their backward and softmax's Jacobian.

Order of trust, as for the elementwise functions:

1. ``test_reference_*``: the NumPy oracle (fastact.reference._rowwise) against mpmath on
   a few hundred random rows with extreme spreads (within 1 ULP), against the exact
   values the specification names, and its backward against central finite differences
   of its own forward.
2. fastact against the oracle: hypothesis draws dtype, shape, axis, layout, mask and
   special values (within 4 ULP forward, 8 ULP plus a justified cancellation allowance
   backward); out=, errors before writing, empty rows, thread count, reference leaks.

Run only the oracle's tests with ``pytest tests/test_rowwise.py -k reference``.
"""

from __future__ import annotations

import re
import sys

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
from fastact.reference import _rowwise as ref

NAMES = ("softmax", "log_softmax", "softmin")
REFERENCE_ULP = 1.0
SENTINEL = 7.25

REF = {"softmax": ref.softmax, "log_softmax": ref.log_softmax, "softmin": ref.softmin}
REF_BACKWARD = {"softmax": ref.softmax_backward, "log_softmax": ref.log_softmax_backward,
                "softmin": ref.softmin_backward}
HAVE_FAST = all(hasattr(fastact, n) for n in NAMES) and hasattr(fastact.ufuncs, "softmax")
needs_fast = pytest.mark.skipif(not HAVE_FAST, reason="fastact.softmax & co. not built yet")
SETTINGS = settings(deadline=None, max_examples=300, derandomize=True, database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def fast(name):
    return getattr(fastact, name)


def zero_of(name):
    """What a masked-out entry gets."""
    return -np.inf if name == "log_softmax" else 0.0


# ---- the oracle against mpmath ------------------------------------------------------------


def _mp_ld(v) -> LD:
    """An mpmath number as a long double (0 below the long double range, which is far
    below anything float64 can hold)."""
    if v != 0 and abs(v) < mpmath.mpf("1e-4900"):
        return LD(0.0)
    return LD(mpmath.nstr(v, 25, strip_zeros=False))


def mp_softmax(row, negate=False):
    """(softmax, log_softmax) of one finite row as lists of mpmath numbers (400 bits)."""
    with mpmath.workprec(400):
        v = [-mpmath.mpf(float(t)) if negate else mpmath.mpf(float(t)) for t in row]
        top = max(v)
        i0 = v.index(top)
        e = [mpmath.exp(t - top) for t in v]
        rest = mpmath.fsum(e[j] for j in range(len(e)) if j != i0)
        total = 1 + rest
        return [t / total for t in e], [(t - top) - mpmath.log1p(rest) for t in v]


def mp_row(row, negate=False):
    """(softmax, log_softmax) of one finite row with mpmath, as long doubles."""
    soft, log = mp_softmax(row, negate)
    with mpmath.workprec(400):
        return (np.array([_mp_ld(t) for t in soft], dtype=LD),
                np.array([_mp_ld(t) for t in log], dtype=LD))


def random_rows(count: int, seed: int) -> list[np.ndarray]:
    """Rows of length 1..64 with spreads up to +-1e4: uniform, clustered near the max,
    one dominant entry, integer ties, and mixtures of tiny and huge values."""
    rng = np.random.default_rng(seed)
    rows = []
    for k in range(count):
        n = int(rng.integers(1, 65))
        scale = float(rng.choice([1.0, 10.0, 100.0, 1e3, 1e4]))
        kind = k % 5
        if kind == 0:
            row = rng.uniform(-scale, scale, n)
        elif kind == 1:  # near-ties: softmax ~ 1/n, log_softmax ~ -log n
            row = rng.uniform(-scale, scale) + rng.normal(0, 1e-3, n)
        elif kind == 2:  # one dominant entry: softmax ~ 1, log_softmax ~ -tiny
            row = rng.uniform(-scale, scale) - rng.uniform(5, 60, n)
            row[rng.integers(n)] += 70
        elif kind == 3:  # exact ties: the first arg-max matters for log1p(rest)
            row = rng.integers(-3, 3, n).astype(float) * scale / 3
        else:  # magnitudes from 1e-30 to 1e4, both signs
            row = rng.choice([-1.0, 1.0], n) * 10.0 ** rng.uniform(-30, 4, n)
        rows.append(row)
    return rows


MP_ROWS = random_rows(300, seed=20240611)


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_reference_forward_within_one_ulp_of_mpmath(dtype):
    if dtype == np.float64 and not EXTENDED_LD:
        pytest.skip("long double is double here: the float64 oracle is not extended")
    worst = {name: (0.0, None) for name in NAMES}
    for row in MP_ROWS:
        x = row.astype(dtype)
        soft, log = mp_row(x)
        softmin_true, _ = mp_row(x, negate=True)
        for name, want in (("softmax", soft), ("log_softmax", log), ("softmin", softmin_true)):
            got = REF[name](x)
            assert got.dtype == dtype
            keep = ~underflowed(want, dtype)
            err = ulp_error(got[keep], want[keep], dtype)
            if err.size and err.max() > worst[name][0]:
                worst[name] = (float(err.max()), x)
    for name, (err, x) in worst.items():
        assert err <= REFERENCE_ULP, f"reference {name}: {err:.3f} ULP on row {x!r}"


def test_reference_jacobian_and_backward_against_mpmath():
    """J_ij = y_i (delta_ij - y_j) from mpmath's y (within 1 ULP, float64), and each
    backward from given (g, y) against the same formula evaluated in mpmath."""
    if not EXTENDED_LD:
        pytest.skip("long double is double here: the float64 oracle is not extended")
    rng = np.random.default_rng(7)
    for row in MP_ROWS[:60]:
        x = row[:16]
        n = x.size
        ys, _ = mp_softmax(x)
        with mpmath.workprec(400):
            jac = np.array([[_mp_ld(ys[i] * ((i == j) - ys[j])) for j in range(n)]
                            for i in range(n)], dtype=LD)
        got = ref.softmax_jacobian(x)
        keep = ~underflowed(jac, np.float64)
        err = ulp_error(got[keep], jac[keep], np.float64)
        assert err.size == 0 or err.max() <= REFERENCE_ULP, f"jacobian: {err.max()} ULP at {x!r}"
        # log_softmax's: delta_ij - y_j; softmin's: minus softmax's at -x
        with mpmath.workprec(400):
            jac = np.array([[_mp_ld((i == j) - ys[j]) for j in range(n)] for i in range(n)],
                           dtype=LD)
        got = ref.log_softmax_jacobian(x)
        keep = ~underflowed(jac, np.float64)
        err = ulp_error(got[keep], jac[keep], np.float64)
        assert err.size == 0 or err.max() <= REFERENCE_ULP, (
            f"log_softmax jacobian: {err.max()} ULP at {x!r}")
        assert ref.softmin_jacobian(x).tobytes() == (-ref.softmax_jacobian(-x)).tobytes()

        g = rng.normal(size=n) * 10.0 ** rng.uniform(-3, 3, n)
        for name in NAMES:
            y = REF[name](x)
            got = REF_BACKWARD[name](g, y)
            with mpmath.workprec(400):
                gm = [mpmath.mpf(float(t)) for t in g]
                ym = [mpmath.mpf(float(t)) for t in y]
                if name == "log_softmax":
                    s = mpmath.fsum(gm)
                    true = [gm[i] - mpmath.exp(ym[i]) * s for i in range(n)]
                    scale = [abs(gm[i]) + mpmath.exp(ym[i]) * mpmath.fsum(map(abs, gm))
                             for i in range(n)]
                else:
                    sign = -1 if name == "softmin" else 1
                    s = mpmath.fsum(a * b for a, b in zip(gm, ym, strict=True))
                    true = [sign * ym[i] * (gm[i] - s) for i in range(n)]
                    gy = mpmath.fsum(abs(a * b) for a, b in zip(gm, ym, strict=True))
                    scale = [abs(ym[i]) * (abs(gm[i]) + gy) for i in range(n)]
                true = np.array([_mp_ld(t) for t in true], dtype=LD)
                scale = np.array([_mp_ld(t) for t in scale], dtype=LD)
            # Rounded once, plus the working precision's (long double, u = 2**-64) error in
            # the n products and the sum, which a cancelling g_i - s amplifies.
            bound = ulp_of(true, np.float64) + (n + 2) * LD(2.0) ** -64 * scale
            diff = np.abs(got.astype(LD) - true)
            assert np.all(diff <= bound), f"{name}.backward: {diff.max()} > {bound} at {x!r}"


IMPLS = ["reference", pytest.param("fastact", marks=needs_fast)]


def impl(which, name):
    return REF[name] if which == "reference" else fast(name)


def impl_backward(which, name):
    return REF_BACKWARD[name] if which == "reference" else fast(name).backward_from_output


@pytest.mark.parametrize("which", IMPLS)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_exact_cases(which, dtype):
    softmax, log_softmax, softmin = (impl(which, n) for n in NAMES)
    inf, nan = np.inf, np.nan

    def a(v):
        return np.array(v, dtype=dtype)

    def same(got, want):
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, a(want))

    same(softmax(a([1000, 1000, -1000])), [0.5, 0.5, 0])
    same(softmin(a([-1000, -1000, 1000])), [0.5, 0.5, 0])
    same(log_softmax(a([0, -1e4])), [0, -1e4])
    same(log_softmax(a([-1e4, 0])), [-1e4, 0])
    same(softmax(a([3.0])), [1])
    same(log_softmax(a([-7.0])), [0])
    same(softmax(a([2.0, 2.0, 2.0, 2.0])), [0.25] * 4)
    # +inf entries share the mass (softmin: -inf entries)
    same(softmax(a([inf, 1, inf, -inf])), [0.5, 0, 0.5, 0])
    same(softmax(a([1, inf, 5])), [0, 1, 0])
    same(log_softmax(a([inf, 1, inf, -inf])), a([-np.log(2), -inf, -np.log(2), -inf]))
    same(softmin(a([-inf, 1, -inf, inf])), [0.5, 0, 0.5, 0])
    # all -inf: NaN; any NaN: NaN
    same(softmax(a([-inf, -inf])), [nan, nan])
    same(log_softmax(a([-inf, -inf, -inf])), [nan, nan, nan])
    same(softmin(a([inf, inf])), [nan, nan])
    same(softmax(a([1, nan, inf])), [nan, nan, nan])
    same(log_softmax(a([nan, 0])), [nan, nan])
    same(softmin(a([-inf, nan])), [nan, nan])
    # -inf entries of an ordinary row
    same(softmax(a([-inf, 0, 0])), [0, 0.5, 0.5])
    same(log_softmax(a([-inf, 0])), [-inf, 0])
    # masks: masked entries take no part, whatever they hold
    same(softmax(a([nan, 1, 1, inf]), where=[False, True, True, False]), [0, 0.5, 0.5, 0])
    same(log_softmax(a([5, 0, 0]), where=[False, True, True]), a([-inf, -np.log(2), -np.log(2)]))
    same(softmin(a([1, 9, 1]), where=[True, False, True]), [0.5, 0, 0.5])
    same(softmax(a([-inf, 1, 2]), where=[True, False, False]), [nan, 0, 0])
    same(log_softmax(a([nan, 1]), where=[True, False]), [nan, -inf])
    # fully masked rows: zeros / -inf, not NaN; per-row masks broadcast over a stack
    x = a([[1, 2, 3], [nan, inf, -inf], [0, 0, 0]])
    rows = np.array([[True], [False], [True]])
    same(softmax(x, where=rows)[1], [0, 0, 0])
    same(softmin(x, where=False), np.zeros((3, 3)))
    same(log_softmax(x, where=rows)[1], [-inf, -inf, -inf])
    same(softmax(x, where=rows)[2], [1 / 3] * 3)
    # along axis 0
    same(softmax(a([[1000, 0], [1000, 0]]), axis=0), [[0.5, 0.5], [0.5, 0.5]])


@pytest.mark.parametrize("which", IMPLS)
def test_dtypes_promote_like_exp(which):
    for name in NAMES:
        f = impl(which, name)
        for dt in (np.int8, np.uint8, np.int16, np.int32, np.int64, np.bool_):
            x = np.array([1, 0, 1]).astype(dt)
            want = np.exp(x).dtype
            assert f(x).dtype == want, f"{name}({np.dtype(dt).name})"
            np.testing.assert_array_equal(f(x), f(x.astype(want)))
        for dt in FLOATS:
            assert f(np.ones(3, dt)).dtype == dt
        g = impl_backward(which, name)
        y = np.full(2, 0.5, np.float64)
        assert g(np.ones(2, np.float32), y).dtype == np.float64
        assert g(np.ones(2, np.float32), y.astype(np.float32)).dtype == np.float32
        assert g(np.ones(2, np.float16), y.astype(np.float16)).dtype == np.float16


@pytest.mark.parametrize("which", IMPLS)
def test_empty_rows_and_stacks(which):
    for name in NAMES:
        f, b = impl(which, name), impl_backward(which, name)
        for shape, axis in (((3, 0), -1), ((0, 5), -1), ((0, 5), 0), ((2, 0, 4), 1), ((0,), 0)):
            x = np.ones(shape)
            assert f(x, axis=axis).shape == shape
            assert b(x, x, axis=axis).shape == shape
    jac = ref.softmax_jacobian if which == "reference" else fastact.softmax.jacobian
    assert jac(np.ones((3, 0))).shape == (3, 0, 0)
    assert jac(np.ones((0, 4))).shape == (0, 4, 4)
    assert jac(np.ones((2, 0, 4)), axis=1).shape == (2, 4, 0, 0)


@pytest.mark.parametrize("which", IMPLS)
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_backward_of_special_rows(which, dtype):
    """The outputs of special rows fed back: NaN rows give NaN (silently: filterwarnings
    is error), masked entries 0, fully masked rows 0, -inf log-probabilities give g."""
    nan, inf = np.nan, np.inf
    x = np.array([[1, nan, 2, 3], [inf, 1, inf, 0], [-inf, 0, 1, 2], [5, 6, 7, 8]], dtype)
    m = np.array([[True, True, True, False], [True] * 4, [True] * 4, [False] * 4])
    g = np.array([[1, -2, 3, 4], [0.5, 1, -1, 2], [1, 2, 3, 4], [1, 1, 1, 1]], dtype)
    for name in NAMES:
        y = impl(which, name)(x, where=m)
        gx = impl_backward(which, name)(g, y, where=m)
        assert gx.dtype == dtype
        assert np.isnan(gx[0, :3]).all() and gx[0, 3] == 0, f"{name}: NaN row {gx[0]}"
        assert np.all(gx[3] == 0), f"{name}: fully masked row {gx[3]}"
        assert np.isfinite(gx[1:3]).all(), f"{name}: {gx}"
        if name == "log_softmax":
            assert gx[2, 0] == g[2, 0], "exp(-inf) * sum(g) is 0: the gradient passes"
        elif name == "softmax":  # y = 0 at the finite entries of the +inf row
            assert gx[2, 0] == 0 and gx[1, 1] == 0 and gx[1, 3] == 0
        else:  # softmin: y = 0 at the +inf entries; y = [1, 0, 0, 0] on the -inf row
            assert gx[1, 0] == 0 and gx[1, 2] == 0 and np.all(gx[2] == 0)


# ---- the oracle's backward against finite differences of its forward ----------------------


@pytest.mark.parametrize("name", NAMES)
def test_reference_backward_matches_finite_differences(name):
    """L(x) = sum(g * f(x)) over unmasked entries; dL/dx_i by central differences.

    Step h = 2**-17 (about 7.6e-6) scaled by max(1, |x_i|): the truncation error is
    O(h**2 |f'''|) ~ 1e-10 and float64 rounding of L contributes ~ 1e-16 / h ~ 1e-11,
    both far below the 1e-7 asked for.  The step actually taken is (x + h) - (x - h)
    as represented, so rounding of x +- h does not count.
    """
    rng = np.random.default_rng(11)
    forward, backward = REF[name], REF_BACKWARD[name]
    for n in (1, 2, 3, 5, 8, 13):
        x = rng.normal(0, 3, (16, n))
        g = rng.normal(0, 1, (16, n))
        m = rng.random((16, n)) < 0.8
        m[0] = True
        m[1] = False

        def loss(xx, g=g, m=m):
            return np.where(m, g * np.where(m, forward(xx, where=m), 0), 0).sum(-1)

        gx = backward(g, forward(x, where=m), where=m)
        fd = np.empty_like(x)
        for i in range(n):
            h = 2.0**-17 * np.maximum(1, np.abs(x[:, i]))
            xp, xm = x.copy(), x.copy()
            xp[:, i] += h
            xm[:, i] -= h
            fd[:, i] = (loss(xp) - loss(xm)) / (xp[:, i] - xm[:, i])
        scale = np.abs(gx).max(-1, keepdims=True) + np.abs(g).max(-1, keepdims=True) * 1e-3
        err = np.abs(fd - gx) / scale
        assert err.max() <= 1e-7, f"{name}: relative error {err.max():.2e} (n={n})"
        assert np.all(gx[~m] == 0)


def test_reference_jacobian_matches_backward_and_is_symmetric():
    rng = np.random.default_rng(5)
    x = rng.normal(0, 4, (2, 7, 3))
    jac = ref.softmax_jacobian(x, axis=1)
    assert jac.shape == (2, 3, 7, 7)
    np.testing.assert_array_equal(jac, np.swapaxes(jac, -1, -2))
    g = rng.normal(size=(2, 7, 3))
    y = ref.softmax(x, axis=1)
    jg = np.einsum("...ij,...j->...i", jac.astype(LD), rows_last(g, 1).astype(LD))
    want = rows_last(ref.softmax_backward(g, y, axis=1), 1)
    np.testing.assert_allclose(jg.astype(np.float64), want, rtol=1e-13, atol=1e-15)
    # each row of J sums to 0 (softmax is invariant under x + c)
    assert np.abs(jac.astype(LD).sum(-1)).max() < 1e-16


@pytest.mark.parametrize("name", NAMES)
def test_reference_errors(name):
    for call in (lambda x, **k: REF[name](x, **k),
                 lambda x, **k: REF_BACKWARD[name](x, x, **k)):
        with pytest.raises(ValueError, match=rf"\b{name}\b"):
            call(np.float64(1.0))
        for axis in (2, -3):
            with pytest.raises(ValueError, match=rf"\b{name}\b"):
                call(np.ones((2, 3)), axis=axis)
        for bad in (np.ones(3, complex), np.array(["a", "b"]), np.ones(2, object)):
            with pytest.raises(TypeError, match=rf"\b{name}\b"):
                call(bad)
        with pytest.raises(TypeError, match=rf"\b{name}\b"):
            call(np.ones((2, 3)), axis=1.5)
        with pytest.raises(ValueError, match=rf"\b{name}\b"):
            call(np.ones((2, 3)), where=np.ones(4, bool))


def test_reference_rows_sum_to_one_and_leave_input_alone():
    rng = np.random.default_rng(3)
    for dtype in FLOATS:
        x = (rng.normal(0, 5, (50, 33))).astype(dtype)
        before = x.copy()
        for name in ("softmax", "softmin"):
            y = REF[name](x)
            err = np.abs(y.astype(LD).sum(-1) - 1)
            assert err.max() <= 33 * np.finfo(dtype).eps
        assert x.tobytes() == before.tobytes()


# ---- fastact against the oracle: hypothesis ----------------------------------------------


@st.composite
def row_problems(draw):
    """(x, axis, where): a random array in a random layout, axis, mask and special values."""
    dtype = np.dtype(draw(st.sampled_from(FLOATS)))
    ndim = draw(st.integers(1, 3))
    shape = draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim))
    axis = draw(st.integers(-ndim, ndim - 1))
    if draw(st.booleans()):
        shape[axis] = draw(st.integers(1, 70))
    shape = tuple(shape)
    # float16: |x_i - x_j| must stay below 65504, or log_softmax itself overflows float16
    top = 3e4 if dtype == np.float16 else 1e4
    scale = draw(st.sampled_from([1e-3, 1.0, 8.0, 100.0, top]))
    layout = draw(st.sampled_from(["c", "f", "strided", "reversed", "transposed"]))
    masking = draw(st.sampled_from([None, "random", "1-d", "rows", "fully masked rows"]))
    specials = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]))
    seed = draw(st.integers(0, 2**32 - 1))
    rng = np.random.default_rng(seed)

    def values(shp):
        v = rng.uniform(-scale, scale, shp)
        if specials:
            pick = rng.random(shp)
            v = np.where(pick < specials / 3, np.inf, v)
            v = np.where((pick >= specials / 3) & (pick < 2 * specials / 3), -np.inf, v)
            v = np.where((pick >= 2 * specials / 3) & (pick < specials * 0.8), np.nan, v)
        return v.astype(dtype)

    if layout == "c":
        x = values(shape)
    elif layout == "f":
        x = np.asfortranarray(values(shape))
    elif layout == "strided":
        x = values((*shape[:-1], 2 * shape[-1]))[..., ::2]
    elif layout == "reversed":
        x = values(shape)[tuple(slice(None, None, -1) for _ in shape)]
    else:
        x = values(shape[::-1]).T
    if masking is None:
        where = None
    elif masking == "1-d":
        where = rng.random(shape[-1]) < 0.7
    elif masking == "rows":  # one flag per row, broadcast along the row axis
        flags = list(shape)
        flags[axis] = 1
        where = rng.random(flags) < 0.7
    else:
        where = rng.random(shape) < 0.7
        if masking == "fully masked rows":
            rows = rows_last(where, axis)
            rows[rng.random(rows.shape[:-1]) < 0.4] = False
    return x, axis, where


def _check_forward(name, x, axis, where):
    dtype = x.dtype
    before = x.copy()
    got = fast(name)(x, axis=axis, where=where)
    want = REF[name](x, axis=axis, where=where)
    assert x.tobytes() == before.tobytes(), "input modified"
    assert got.dtype == want.dtype == dtype and got.shape == want.shape == x.shape
    what = f"{name} {dtype.name} shape={x.shape} strides={x.strides} axis={axis}"
    mask = np.broadcast_to(True if where is None else where, x.shape)
    # masked entries: exactly 0 (-inf)
    assert np.all(got[~mask] == zero_of(name)), f"{what}: masked entries"
    # NaN exactly where the oracle has NaN
    assert np.array_equal(np.isnan(got), np.isnan(want)), f"{what}: NaN pattern\n{x!r}"
    keep = ~underflowed(want, dtype) | np.isinf(want) | np.isnan(want)
    err = ulp_error(got[keep], want[keep], dtype)
    assert err.size == 0 or err.max() <= FORWARD_ULP, (
        f"{what}: {err.max():.2f} ULP\nx={x!r}\nwhere={where!r}\ngot={got!r}\nwant={want!r}")
    # underflowed entries stay underflowed
    tiny = np.finfo(dtype).tiny
    assert np.all(np.abs(got[~keep].astype(np.float64)) <= 2 * tiny), f"{what}: underflow"
    if name != "log_softmax":
        # rows sum to 1 within n ULP (of 1): rows with an unmasked entry and no NaN
        y, m = rows_last(got, axis), rows_last(mask, axis)
        n = y.shape[-1]
        live = m.any(-1) & ~np.isnan(y).any(-1)
        err = np.abs(y.astype(LD).sum(-1) - 1)[live]
        assert err.size == 0 or err.max() <= max(n, 1) * np.finfo(dtype).eps, (
            f"{what}: row sums off by {err.max()}")
    return got


@needs_fast
@SETTINGS
@given(row_problems(), st.sampled_from(NAMES))
def test_fastact_forward_matches_oracle(problem, name):
    _check_forward(name, *problem)


def _backward_bound(name, g, y, m, dtype):
    """Allowed |fastact - oracle| for the backward, rows along the last axis.

    8 ULP of the oracle's value, plus a cancellation allowance: g_i - s (s = sum g_j y_j)
    and g_i - exp(y_i) sum g_j subtract quantities of size |g_i| and |s| (|s| <=
    sum |g_j y_j|); an implementation that rounds the n products and the sum in the
    result's precision (unit roundoff eps/2) is off by at most about n * eps/2 * that
    size, times y_i for softmax.  Hence (n + 8) * eps * size: any sound summation
    order passes, a wrong formula (errors O(size), not O(eps size)) does not.
    """
    eps = LD(np.finfo(dtype).eps)
    n = g.shape[-1]
    g, y = g.astype(LD), y.astype(LD)
    gm = np.where(m, g, 0)
    with np.errstate(all="ignore"):
        if name == "log_softmax":
            size = np.abs(g) + np.exp(y) * np.abs(gm).sum(-1, keepdims=True)
        else:
            gy = np.abs(np.where(m, gm * y, 0)).sum(-1, keepdims=True)
            size = np.abs(y) * (np.abs(g) + gy)
    return (n + 8) * eps * size


@needs_fast
@SETTINGS
@given(row_problems(), st.sampled_from(NAMES), st.integers(0, 2**32 - 1))
def test_fastact_backward_matches_oracle(problem, name, seed):
    x, axis, where = problem
    dtype = x.dtype
    rng = np.random.default_rng(seed)
    y = REF[name](x, axis=axis, where=where)
    g = (rng.normal(size=x.shape) * 10.0 ** rng.integers(-2, 3, x.shape)).astype(dtype)
    g_before, y_before = g.copy(), y.copy()
    got = fast(name).backward_from_output(g, y, axis=axis, where=where)
    want = REF_BACKWARD[name](g, y, axis=axis, where=where)
    assert g.tobytes() == g_before.tobytes() and y.tobytes() == y_before.tobytes()
    assert got.dtype == want.dtype == dtype and got.shape == want.shape == x.shape
    what = f"{name}.backward {dtype.name} shape={x.shape} axis={axis}"
    mask = np.broadcast_to(True if where is None else where, x.shape)
    assert np.all(got[~mask] == 0), f"{what}: masked entries"
    assert np.array_equal(np.isnan(got), np.isnan(want)), f"{what}: NaN pattern"
    ok = np.isnan(want) | (got == want)
    with np.errstate(invalid="ignore"):
        diff = np.abs(got.astype(LD) - want.astype(LD))
    bound = DERIVATIVE_ULP * ulp_of(want, dtype) + np.moveaxis(
        _backward_bound(name, rows_last(g, axis), rows_last(y, axis), rows_last(mask, axis),
                        dtype), -1, axis)
    bad = ~ok & ~(diff <= bound)
    assert not bad.any(), (f"{what}: off by {diff[bad].max()} > {bound[bad].min()}\n"
                           f"x={x!r}\ng={g!r}\ngot={got[bad]!r}\nwant={want[bad]!r}")


@needs_fast
def test_oracle_is_wired_in():
    """fastact.reference.NAME calls this oracle (same results, bitwise)."""
    from fastact import reference

    if not hasattr(reference, "softmax"):
        pytest.skip("fastact.reference.softmax not wired yet")
    rng = np.random.default_rng(0)
    x = rng.normal(0, 10, (4, 9)).astype(np.float32)
    m = rng.random((4, 9)) < 0.8
    for name in NAMES:
        a = getattr(reference, name)(x, axis=0, where=m)
        assert a.tobytes() == REF[name](x, axis=0, where=m).tobytes()
        b = getattr(reference, name).backward_from_output(x, a, axis=0, where=m)
        assert b.tobytes() == REF_BACKWARD[name](x, a, axis=0, where=m).tobytes()
    np.testing.assert_array_equal(reference.softmax.jacobian(x, axis=0),
                                  ref.softmax_jacobian(x, axis=0))


@needs_fast
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_fastact_extreme_rows_against_oracle(dtype):
    """The mpmath rows (spreads up to 1e4, length 1..64) in one stacked array per length."""
    for name in NAMES:
        for row in MP_ROWS[:120]:
            x = np.stack([row, row[::-1], -row]).astype(dtype)
            _check_forward(name, x, -1, None)
            _check_forward(name, np.ascontiguousarray(x.T), 0, None)


@needs_fast
def test_float32_rows_where_float_arithmetic_would_fail():
    """Two cases the vectorized float32 rows must not get wrong: x - max so large that its
    low part is half an ulp (the tail is exactly 0, the maximum's log_softmax exactly 0), and
    log_softmax's backward where g - exp(y) sum cancels (exp(y) is needed in double)."""
    x = np.array([-0.5, -1e7], np.float32)
    assert fast("softmax")(x).tolist() == [1.0, 0.0]
    assert fast("log_softmax")(x).tolist() == [0.0, -1e7]
    assert fast("softmin")(-x).tolist() == [1.0, 0.0]
    y = fast("log_softmax")(np.zeros((3, 1024), np.float32))
    g = np.ones_like(y)
    got = fast("log_softmax").backward_from_output(g, y)
    want = REF_BACKWARD["log_softmax"](g, y)
    assert np.all(want > 0)  # 1 - 1024 exp(fl(-log 1024)): small, not 0
    assert ulp_error(got, want, np.float32).max() <= DERIVATIVE_ULP


@needs_fast
@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
def test_long_rows_in_every_layout(dtype):
    """Rows of 1000..1040 entries (the vectorized rows' lanes and their tails), in the
    layouts they run in: contiguous or strided, without a mask, with a mask array, with
    one flag per row. Against the oracle (forward and backward), and each layout
    bitwise the same as the contiguous unmasked call where they compute the same thing."""
    rng = np.random.default_rng(7)
    for n in (1000, 1007, 1024, 1040):
        x = (rng.normal(0, 1, (3, n)) * np.array([[1.0], [30.0], [1e3]])).astype(dtype)
        x[0, 11] = x[0, 500] = x[0].max() + 1  # a tie at the maximum
        mask = rng.random((3, n)) < 0.8
        g = rng.normal(0, 1, (3, n)).astype(dtype)
        strided = np.zeros((3, 2 * n), dtype)[:, ::2]
        strided[...] = x
        for name in NAMES:
            plain = _check_forward(name, x, -1, None)
            masked = _check_forward(name, x, -1, mask)
            assert _check_forward(name, strided, -1, None).tobytes() == plain.tobytes()
            assert fast(name)(x, where=np.ones(n, bool)).tobytes() == plain.tobytes()
            assert fast(name)(strided, where=mask).tobytes() == masked.tobytes()
            for y, where in ((plain, None), (masked, mask)):
                got = fast(name).backward_from_output(g, y, where=where)
                want = REF_BACKWARD[name](g, y, where=where)
                m = np.ones(x.shape, bool) if where is None else where
                bound = DERIVATIVE_ULP * ulp_of(want, dtype) + _backward_bound(name, g, y, m,
                                                                               dtype)
                diff = np.abs(got.astype(LD) - want.astype(LD))
                assert np.all((got == want) | (diff <= bound)), f"{name}.backward n={n}"
                g_strided, y_strided = np.zeros_like(strided), np.zeros_like(strided)
                g_strided[...], y_strided[...] = g, y
                again = fast(name).backward_from_output(g_strided, y_strided, where=where)
                assert again.tobytes() == got.tobytes(), f"{name}.backward strided"
            inplace = x.copy()
            assert fast(name)(inplace, out=inplace) is inplace
            assert inplace.tobytes() == plain.tobytes(), f"{name} in place"


# ---- out=, errors, raw gufuncs -------------------------------------------------------------


@needs_fast
@pytest.mark.parametrize("name", NAMES)
def test_out(name):
    rng = np.random.default_rng(1)
    for dtype in FLOATS:
        x = rng.normal(0, 3, (5, 6)).astype(dtype)
        m = rng.random((5, 6)) < 0.7
        for axis in (0, 1, -1):
            want = fast(name)(x, axis=axis, where=m)
            for out in (np.full(x.shape, SENTINEL, dtype), np.full((6, 5), SENTINEL, dtype).T):
                got = fast(name)(x, axis=axis, where=m, out=out)
                assert got is out
                assert np.array_equal(out, want, equal_nan=True)
            y = want
            want_b = fast(name).backward_from_output(x, y, axis=axis, where=m)
            out = np.full(x.shape, SENTINEL, dtype)
            assert fast(name).backward_from_output(x, y, axis=axis, where=m, out=out) is out
            assert out.tobytes() == want_b.tobytes()


def _names(name: str, exc: BaseException) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", str(exc)) is not None


@needs_fast
@pytest.mark.parametrize("name", NAMES)
def test_errors_name_the_function_and_leave_out_alone(name):
    f = fast(name)

    def check(exc_type, call, out, what):
        before = out.copy()
        with pytest.raises(exc_type) as info:
            call(out)
        assert _names(name, info.value), f"{what}: message does not name {name}: {info.value}"
        assert out.tobytes() == before.tobytes(), f"{what}: out written before the error"

    x = np.arange(6.0).reshape(2, 3)
    o = np.full((2, 3), SENTINEL)
    for axis in (2, -3):
        check(ValueError, lambda out, a=axis: f(x, axis=a, out=out), o, f"axis={axis}")
        check(ValueError, lambda out, a=axis: f.backward_from_output(x, x, axis=a, out=out), o,
              f"backward axis={axis}")
    check(TypeError, lambda out: f(x, axis=1.5, out=out), o, "axis=1.5")
    check(ValueError, lambda out: f(x, where=np.ones(4, bool), out=out), o, "where (4,)")
    # (a 0-d input is a row of one: test_axis_tuples_none_and_0d)
    check(ValueError, lambda out: f(x, axis=(0, 0), out=out), o, "axis=(0, 0)")
    check(TypeError, lambda out: f(x, out=out, dtype=np.int8), o, "dtype=int8")
    cx = x + 1j
    check(TypeError, lambda out: f(cx, out=out), o, "complex")
    check(TypeError, lambda out: f.backward_from_output(cx, x, out=out), o, "backward complex grad")
    check(TypeError, lambda out: f.backward_from_output(x, cx, out=out), o, "backward complex y")
    for bad in (np.array(["a", "b"]), np.ones(2, object)):
        check(TypeError, lambda out, b=bad: f(b, out=out), np.full(2, SENTINEL), str(bad.dtype))
    if name == "softmax":
        for axis in (2, -3):
            with pytest.raises(ValueError) as info:
                f.jacobian(x, axis=axis)
            assert _names(name, info.value)
        with pytest.raises(ValueError) as info:
            f.jacobian(np.float64(1.0))
        assert _names(name, info.value)
        with pytest.raises(TypeError) as info:
            f.jacobian(cx)
        assert _names(name, info.value)


@needs_fast
@pytest.mark.parametrize("name", NAMES)
def test_raw_gufuncs(name):
    fwd, bwd = getattr(fastact.ufuncs, name), getattr(fastact.ufuncs, name + "_backward")
    assert isinstance(fwd, np.ufunc) and isinstance(bwd, np.ufunc)
    assert fwd.signature == "(n),(n)->(n)"
    assert bwd.signature == "(n),(n),(n)->(n)"
    rng = np.random.default_rng(2)
    x = rng.normal(0, 3, (4, 5))
    m = rng.random((4, 5)) < 0.7
    y = fwd(x, m)
    assert y.tobytes() == fast(name)(x, where=m).tobytes()
    g = rng.normal(size=(4, 5))
    assert bwd(g, y, m).tobytes() == fast(name).backward_from_output(g, y, where=m).tobytes()
    # axes= moves the core dimension, as fastact's axis= does
    assert fwd(x, m, axes=[(0,), (0,), (0,)]).tobytes() == fast(name)(
        x, axis=0, where=m).tobytes()


# ---- the Jacobian ----------------------------------------------------------------------------


@needs_fast
@pytest.mark.parametrize("dtype", FLOATS, ids=lambda d: np.dtype(d).name)
def test_fastact_jacobian(dtype):
    rng = np.random.default_rng(9)
    x = rng.normal(0, 4, (2, 7, 3)).astype(dtype)
    jac = fastact.softmax.jacobian(x, axis=1)
    want = ref.softmax_jacobian(x, axis=1)
    assert jac.shape == want.shape == (2, 3, 7, 7) and jac.dtype == dtype
    # y_i (1 - y_j) formed from a rounded y loses up to ~eps * y_i on the diagonal
    y = rows_last(ref.softmax(x, axis=1), 1).astype(LD)
    eps = LD(np.finfo(dtype).eps)
    diff = np.abs(jac.astype(LD) - want.astype(LD))
    bound = FORWARD_ULP * ulp_of(want, dtype) + 4 * eps * y[..., :, None]
    assert np.all(diff <= bound), f"jacobian off by {diff.max()}"
    symmetric = ulp_error(jac, np.swapaxes(jac, -1, -2).astype(LD), dtype)
    assert symmetric.max() <= 1, "jacobian not symmetric"
    # J @ g is the backward (J is symmetric, so J^T g = J g)
    g = rng.normal(size=x.shape).astype(dtype)
    ys = fastact.softmax(x, axis=1)
    back = rows_last(fastact.softmax.backward_from_output(g, ys, axis=1), 1).astype(LD)
    jg = np.einsum("...ij,...j->...i", jac.astype(LD), rows_last(g, 1).astype(LD))
    gl = rows_last(g, 1).astype(LD)
    # the backward's own allowance, plus rounding of the n entries of J in J @ g
    slack = (_backward_bound("softmax", gl, rows_last(ys, 1), np.ones(gl.shape, bool), dtype)
             + 2 * eps * (np.abs(jac.astype(LD)) * np.abs(gl)[..., None, :]).sum(-1))
    diff = np.abs(jg - back)
    bound = slack + DERIVATIVE_ULP * ulp_of(back, dtype)
    assert np.all(diff <= bound), f"J @ g off by {diff.max()}"


# ---- threads, leaks ----------------------------------------------------------------------------


@pytest.fixture
def restore_threads():
    yield
    fastact.set_num_threads(None)


@needs_fast
def test_thread_count_does_not_change_results(restore_threads):
    rng = np.random.default_rng(4)
    x = (rng.normal(0, 10, (4096, 1000))).astype(np.float32)
    x[5, 7] = np.nan
    x[9, :3] = np.inf
    x[11] = -np.inf
    mask = rng.random(1000) < 0.9
    g = rng.normal(size=x.shape).astype(np.float32)
    for name in NAMES:
        results = []
        for n in (1, 2):
            fastact.set_num_threads(n)
            y = fast(name)(x)
            results.append([y, fast(name)(x, where=mask), fast(name)(x[:, :64], axis=0),
                            fast(name).backward_from_output(g, y)])
        fastact.set_num_threads(None)
        for k, (a, b) in enumerate(zip(*results, strict=True)):
            assert a.tobytes() == b.tobytes(), f"{name} result {k} depends on the thread count"


@needs_fast
@pytest.mark.parametrize("name", NAMES)
def test_no_refcount_leaks(name):
    x = np.linspace(-3, 3, 24).reshape(4, 6)
    m = np.arange(24).reshape(4, 6) % 5 != 0
    y = fast(name)(x, where=m)
    g = np.ones_like(x)
    out = np.empty_like(x)
    objects = [x, m, y, g, out]

    def calls():
        fast(name)(x, axis=0, where=m, out=out)
        fast(name).backward_from_output(g, y, axis=-1, where=m)

    calls()
    before = [sys.getrefcount(o) for o in objects]
    for _ in range(1000):
        calls()
    after = [sys.getrefcount(o) for o in objects]
    assert after == before, f"{name}: refcounts {before} -> {after}"


@pytest.mark.parametrize("shape, axis", [((6, 40), -1), ((6, 40), 0), ((3, 4, 10), 1),
                                         ((2, 1030), -1), ((1030, 4), 0)])
@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_glu_along_any_axis_into_any_output(shape, axis, dtype):
    """glu runs along its axis as one loop over all rows: the same values as the
    reference for every layout, also written into an output that is a view of x itself
    (in place into the first half, or overlapping it shifted by one)."""
    x = np.random.default_rng(7).uniform(-6, 6, shape).astype(dtype)
    want = fastact.reference.glu(x, axis=axis)
    np.testing.assert_array_equal(fastact.glu(x, axis=axis), fastact.glu(x.copy(), axis=axis))
    assert ulp_error(fastact.glu(x, axis=axis), want, dtype).max() <= FORWARD_ULP
    half = shape[axis] // 2
    for start in (0, 1):  # in place; shifted by one, overlapping the first half partly
        y = x.copy()
        cut = [slice(None)] * y.ndim
        cut[axis] = slice(start, start + half)
        out = y[tuple(cut)]
        fastact.glu(y, axis=axis, out=out)
        np.testing.assert_array_equal(out, fastact.glu(x, axis=axis))
    g = np.random.default_rng(8).uniform(-1, 1, want.shape).astype(dtype)
    got = fastact.glu.backward(g, x, axis=axis)
    ref_g = fastact.reference.glu.backward(g, x, axis=axis)
    assert ulp_error(got, ref_g, dtype).max() <= DERIVATIVE_ULP + 1


@pytest.mark.filterwarnings("error")
@pytest.mark.parametrize("width", [2, 64, 200, 1024])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_glu_short_rows_with_special_entries(width, dtype):
    """Many short rows run a block of whole rows at a time, noting each element that needs
    its checked computation (NaN, inf, deep tails, an overflowing product) and computing
    only those again: the values of one row at a time and of the reference, NaN where the
    reference has NaN, no warning."""
    rng = np.random.default_rng(11)
    x = rng.uniform(-6, 6, (37, width)).astype(dtype)
    specials = np.array([np.nan, np.inf, -np.inf, -1e4, -95.0, 95.0, -760.0, 0.0, -0.0,
                         np.finfo(dtype).max], dtype)
    flat = x.reshape(-1)
    flat[rng.choice(flat.size, 3 * specials.size, replace=False)] = np.tile(specials, 3)
    g = rng.uniform(-2, 2, (37, width // 2)).astype(dtype)
    g[9, -1] = 0.0
    got = fastact.glu(x)
    rows = np.stack([fastact.glu(row) for row in x])
    np.testing.assert_array_equal(got, rows)
    with np.errstate(all="ignore"):
        want, want_g = fastact.reference.glu(x), fastact.reference.glu.backward(g, x)
    assert np.array_equal(np.isnan(got), np.isnan(want))
    fine = ~np.isnan(want)
    assert ulp_error(got[fine], want[fine], dtype).max() <= FORWARD_ULP
    grads = fastact.glu.backward(g, x)
    np.testing.assert_array_equal(
        grads, np.stack([fastact.glu.backward(gr, row) for gr, row in zip(g, x, strict=True)]))
    assert np.array_equal(np.isnan(grads), np.isnan(want_g))
    fine = ~np.isnan(want_g)
    assert ulp_error(grads[fine], want_g[fine], dtype).max() <= DERIVATIVE_ULP + 1


@pytest.mark.parametrize("which", IMPLS)
@pytest.mark.parametrize("name", NAMES)
def test_backward_from_the_input(which, name):
    """backward(g, x) is the VJP at x: finite differences of the reference, the Jacobian's
    transpose times g, and backward_from_output(g, f(x)) bitwise."""
    rng = np.random.default_rng(31)
    x, g = rng.normal(0, 2, (50, 7)), rng.normal(0, 1, (50, 7))
    f = getattr(fastact if which == "fastact" else fastact.reference, name)
    got = f.backward(g, x)
    fd = np.empty_like(x)
    h = 1e-6
    for j in range(x.shape[-1]):
        step = np.zeros(x.shape[-1])
        step[j] = h
        fd[:, j] = ((g * REF[name](x + step)).sum(-1) - (g * REF[name](x - step)).sum(-1)) / (2 * h)
    np.testing.assert_allclose(got, fd, rtol=1e-6, atol=1e-8)
    jac = f.jacobian(x)
    np.testing.assert_allclose(np.einsum("...ij,...i->...j", jac, g), got, rtol=1e-12,
                               atol=1e-14)
    assert got.tobytes() == f.backward_from_output(g, f(x)).tobytes()
    # along another axis, with a mask: the masked entries take no part in f(x) either
    m = rng.random(x.shape) < 0.8
    got = f.backward(g.T, x.T, axis=0, where=m.T)
    want = f.backward_from_output(g.T, f(x.T, axis=0, where=m.T), axis=0, where=m.T)
    assert got.tobytes() == want.tobytes()


# ---- several axes, the whole array, 0-d input, dtype= ----------------------------------------


def _plain(name, x, axis):
    """The family's formula over ``axis`` (an int, tuple or None) in float64."""
    z = -x if name == "softmin" else x
    shifted = z - z.max(axis=axis, keepdims=True)
    log_total = np.log(np.exp(shifted).sum(axis=axis, keepdims=True))
    return shifted - log_total if name == "log_softmax" else np.exp(shifted - log_total)


@pytest.mark.parametrize("which", IMPLS)
@pytest.mark.parametrize("name", NAMES)
def test_axis_tuples_none_and_0d(which, name):
    """As scipy.special.softmax and jax.nn.softmax take them: the axes as one row."""
    f = getattr(fastact if which == "fastact" else fastact.reference, name)
    x = np.random.default_rng(5).normal(0, 3, (3, 4, 5))
    for axis in [(0, 2), (2, 0), (1,), None, (0, 1, 2), (-1, -3)]:
        got = f(x, axis=axis)
        np.testing.assert_allclose(got, _plain(name, x, axis), rtol=1e-13, atol=1e-300,
                                   err_msg=f"axis={axis}")
        g = np.random.default_rng(6).normal(size=x.shape)
        # the VJP over the merged row, against the Jacobian-free formula of each name
        back = f.backward(g, x, axis=axis)
        assert back.tobytes() == f.backward_from_output(g, got, axis=axis).tobytes()
        axes = [a % 3 for a in (axis or (0, 1, 2))]

        def merged(a, axes=axes):  # the named axes moved last, as one
            moved = np.moveaxis(a, axes, range(-len(axes), 0))
            return moved.reshape(*moved.shape[:3 - len(axes)], -1)

        np.testing.assert_allclose(merged(back), f.backward(merged(g), merged(x), axis=-1),
                                   rtol=1e-12, atol=1e-15)
    # with a mask: the masked entries take no part, over the merged row too
    m = np.random.default_rng(7).random(x.shape) < 0.7
    got = f(x, axis=(0, 2), where=m)
    want = f(np.moveaxis(x, 1, 0).reshape(4, 15), axis=-1,
             where=np.moveaxis(m, 1, 0).reshape(4, 15))
    np.testing.assert_array_equal(np.moveaxis(got, 1, 0).reshape(4, 15), want)
    # a 0-d input is a row of one: softmax 1, log_softmax 0
    for scalar in (np.float64(3.0), 3.0, np.float32(-2.0)):
        assert f(scalar) == (0.0 if name == "log_softmax" else 1.0)
        assert f(scalar, axis=None) == f(scalar)
    # out= for several axes
    out = np.empty_like(x)
    assert f(x, axis=None, out=out) is out
    np.testing.assert_array_equal(out, f(x, axis=None))


@pytest.mark.parametrize("which", IMPLS)
@pytest.mark.parametrize("name", NAMES)
def test_dtype_computes_and_returns_in_it(which, name):
    f = getattr(fastact if which == "fastact" else fastact.reference, name)
    x = np.random.default_rng(8).normal(0, 3, (4, 6)).astype(np.float16)
    for dtype in (np.float32, np.float64):
        got = f(x, dtype=dtype)
        assert got.dtype == dtype
        np.testing.assert_array_equal(got, f(x.astype(dtype)))
        g = np.ones_like(x)
        assert f.backward(g, x, dtype=dtype).dtype == dtype
    with pytest.raises(TypeError, match=rf"^fastact.{name}: dtype must be float16"):
        f(x, dtype=np.int32)
    with pytest.raises(ValueError, match=rf"^fastact.{name}: axis \(0, 0\) names an axis twice"):
        f(x, axis=(0, 0))
    with pytest.raises(np.exceptions.AxisError, match=rf"^fastact.{name}: axis 2 is out"):
        f(x, axis=(0, 2))


@pytest.mark.parametrize("name", ["softmax", "log_softmax", "softmin", "sparsemax"])
def test_grad_out_broadcasts_against_the_output(name):
    f = getattr(fastact, name)
    x = np.random.default_rng(5).standard_normal((3, 4)).astype(np.float32)
    for g in (1.5, np.float32(2), np.arange(4, dtype=np.float32), np.ones((3, 1), np.float32)):
        full = np.broadcast_to(np.asarray(g, np.float32), x.shape).copy()
        for method, arg in (("backward", x), ("backward_from_output", f(x))):
            result = getattr(f, method)(g, arg)
            assert result.dtype == np.float32, (method, g)
            np.testing.assert_array_equal(result, getattr(f, method)(full, arg))
    with pytest.raises(ValueError, match=rf"fastact\.{name}: grad_out of shape \(3,\)"):
        f.backward(np.ones(3, np.float32), x)
