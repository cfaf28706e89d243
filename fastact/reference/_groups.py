"""NumPy oracles for maxout, the gated family and sparsemax (the row-wise functions without
a mask).

Float64 results are computed in long double, narrower ones in float64, and
rounded once. sparsemax uses the sorting algorithm of Martins & Astudillo
(2016) -- a different route from the kernel's fixed-point iteration.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .._arrays import check_axis, float_result, groups, halves


def _float(name: str, *arrays: Any) -> tuple[list[np.ndarray], np.dtype, type]:
    """The arrays rounded to the result dtype (as the compiled loops take them: int64
    2^63 - 511 and 2^63 - 512 are one float64) and widened to the working precision."""
    out = [np.asarray(a) for a in arrays]
    dtype = float_result(name, *(a.dtype for a in out))
    wp = np.longdouble if dtype == np.float64 else np.float64
    return [a.astype(dtype).astype(wp) for a in out], dtype, wp


def maxout(x: Any, pieces: int, axis: int = -1) -> np.ndarray:
    """max over consecutive groups of ``pieces`` along ``axis``; NaN if a group has one.

    >>> float(maxout(np.array([1.0, 3.0, 2.0, 0.0]), 2)[1])
    2.0
    """
    (x,), dtype, _ = _float("maxout", x)
    grouped, axis = groups("maxout", x, pieces, axis)
    if grouped.size == 0:
        return np.moveaxis(np.empty(grouped.shape[:-1], dtype), -1, axis)
    with np.errstate(invalid="ignore"):
        y = np.max(grouped, axis=-1)  # np.max propagates NaN
    return np.moveaxis(y, -1, axis).astype(dtype)


def maxout_backward(grad_out: Any, x: Any, pieces: int, axis: int = -1) -> np.ndarray:
    """grad_out routed to the first arg-max of each group (np.argmax: the first NaN)."""
    (g, x), dtype, _ = _float("maxout", grad_out, x)
    grouped, axis = groups("maxout", x, pieces, axis)
    n = x.shape[axis]
    if grouped.size == 0:
        return np.zeros(x.shape, dtype)
    arg = np.argmax(grouped, axis=-1)
    onehot = np.arange(pieces) == arg[..., None]
    out_shape = list(x.shape)
    out_shape[axis] = n // pieces
    g = np.moveaxis(np.broadcast_to(g, out_shape), axis, -1)
    gx = np.where(onehot, g[..., None], 0)
    return np.moveaxis(gx.reshape(*gx.shape[:-2], n), -1, axis).astype(dtype)


def _sigmoid(b: np.ndarray) -> np.ndarray:
    e = np.exp(-np.abs(b))
    return np.where(b >= 0, 1 / (1 + e), e / (1 + e))


def glu(x: Any, axis: int = -1) -> np.ndarray:
    """a * sigmoid(b), with (a, b) the two halves of x along ``axis``.

    Computed in long double whatever the dtype, so that sigmoid(b) is still
    positive where the result a * sigmoid(b) is (a = inf, b = -800 gives inf);
    inf * 0 (b = -inf) is NaN.

    >>> glu(np.array([2.0, 0.0])).tolist()
    [1.0]
    """
    (x,), dtype, _ = _float("glu", x)
    a, b, _ = halves("glu", x, axis)
    a, b = a.astype(np.longdouble), b.astype(np.longdouble)
    return _times(a, _sigmoid(b)).astype(dtype)


def _times(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """a * b with 0 * inf = 0 (sigmoid(-inf) is exactly 0): limits, not NaN."""
    with np.errstate(all="ignore"):
        zero = ((a == 0) | (b == 0)) & ~np.isnan(a) & ~np.isnan(b)
        return np.where(zero, 0 * np.sign(a) * np.sign(b), a * b)


def glu_backward(grad_out: Any, x: Any, axis: int = -1) -> np.ndarray:
    """(g sigmoid(b), g a sigmoid(b)(1 - sigmoid(b))), joined along ``axis``."""
    (g, x), dtype, _ = _float("glu", grad_out, x)
    a, b, axis = halves("glu", x, axis)
    a, b = a.astype(np.longdouble), b.astype(np.longdouble)
    g = g.astype(np.longdouble)
    s, c = _sigmoid(b), _sigmoid(-b)
    with np.errstate(all="ignore"):
        ga = g * a  # 0 * inf: NaN, as IEEE
    return np.concatenate([_times(g, s), _times(ga, s * c)], axis=axis).astype(dtype)


def _unit(v: np.ndarray) -> np.ndarray:
    """An infinite factor as its sign (where its product with a zero is a limit)."""
    return np.where(np.isinf(v), np.sign(v), v)


def _signs(formula: Callable, b: np.ndarray,
           needed: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The signs of f(b) and f'(b) where ``needed`` (0 elsewhere), which underflow far out:
    b clamped at -150 (where the signs of the gates' f and f' no longer change), in long
    double."""
    needed, b = np.broadcast_arrays(needed, b)
    sign_f, sign_d = np.zeros(b.shape), np.zeros(b.shape)
    if needed.any():
        f, d = formula(np.maximum(b[needed], -150).astype(np.longdouble), np.longdouble)
        sign_f[needed], sign_d[needed] = np.sign(f), np.sign(d)
    return sign_f, sign_d


def gated(name: str, formula: Callable, x: Any, axis: int = -1) -> np.ndarray:
    """a f(b) for the halves (a, b) of x along ``axis``, f(b) from ``formula(b, wp)``
    (the elementwise reference's (f, f') pair) in the working precision, the product
    rounded once. IEEE products (inf * 0 is NaN; an infinite a times an f(b) that is not
    0 is infinite, however far f(b) underflows), but at b = -inf, where the gate is
    closed: 0, with the sign of a f(b) nearby, for an infinite a too.

    >>> gated("reglu", lambda b, wp: (np.maximum(b, 0), (b > 0) * 1.0),
    ...       np.array([3.0, 2.0])).tolist()
    [6.0]
    """
    (x,), dtype, wp = _float(name, x)
    a, b, _ = halves(name, x, axis)
    with np.errstate(all="ignore"):
        f = formula(b, wp)[0]
        far = np.isinf(a) & np.isfinite(b)
        y = np.where(far, a * _signs(formula, b, far)[0], a * f)
        y = np.where(b == -np.inf, _unit(a) * f, y)
        y = np.where(np.isnan(b), np.nan, y)  # the formulas' selects may drop a NaN
        return y.astype(dtype)


def gated_backward(name: str, formula: Callable, grad_out: Any, x: Any,
                   axis: int = -1) -> np.ndarray:
    """(g f(b), g a f'(b)) in IEEE arithmetic (the working precision holds g a exactly
    for float32 and float16), joined along ``axis``; infinite factors and the closed gate
    as in ``gated``."""
    (g, x), dtype, wp = _float(name, grad_out, x)
    a, b, axis = halves(name, x, axis)
    with np.errstate(all="ignore"):
        f, d = formula(b, wp)
        finite_b = np.isfinite(b)
        far_g, far_ga = np.isinf(g) & finite_b, (np.isinf(g) | np.isinf(a)) & finite_b
        sign_f, sign_d = _signs(formula, b, far_ga)  # far_ga holds far_g
        ga = np.where(far_g, g * sign_f, g * f)
        ga = np.where(b == -np.inf, _unit(g) * f, ga)
        gb = np.where(far_ga, (g * a) * sign_d, (g * a) * d)
        gb = np.where(b == -np.inf, _unit(g) * _unit(a) * d, gb)
        ga, gb = (np.where(np.isnan(b), np.nan, v) for v in (ga, gb))
        ga, gb = np.broadcast_arrays(ga, gb)
        return np.concatenate([ga, gb], axis=axis).astype(dtype)


def sparsemax(x: Any, axis: int = -1) -> np.ndarray:
    """The Euclidean projection of each row onto the probability simplex.

    Sort z descending, k = max{j : 1 + j z_(j) > sum_{i<=j} z_(i)},
    tau = (sum_{i<=k} z_(i) - 1) / k, y = max(z - tau, 0). A row with a NaN,
    or nothing but -inf, is NaN; +inf entries share the mass.

    >>> sparsemax(np.array([0.1, 1.5, 0.2])).tolist()
    [0.0, 1.0, 0.0]
    """
    (x,), dtype, wp = _float("sparsemax", x)
    axis = check_axis("sparsemax", axis, x.ndim)
    if x.shape[axis] == 0:
        return x.astype(dtype)
    z = np.moveaxis(x, axis, -1)
    with np.errstate(all="ignore"):
        m = np.max(z, axis=-1, keepdims=True)
        finite = np.isfinite(m)
        zs = np.where(finite, z - np.where(finite, m, 0), 0)
        srt = -np.sort(-zs, axis=-1)
        csum = np.cumsum(srt, axis=-1)
        j = np.arange(1, z.shape[-1] + 1, dtype=wp)
        k = np.sum(1 + j * srt > csum, axis=-1, keepdims=True)
        k = np.maximum(k, 1)
        tau = (np.take_along_axis(csum, k - 1, axis=-1) - 1) / k
        y = np.maximum(zs - tau, 0)
        n_inf = np.sum(z == np.inf, axis=-1, keepdims=True)
        y = np.where(m == np.inf, np.where(z == np.inf, 1 / np.maximum(n_inf, 1), 0), y)
        y = np.where(np.isnan(m) | (m == -np.inf), np.nan, y)
    return np.moveaxis(y, -1, axis).astype(dtype)


def sparsemax_backward(grad_out: Any, y: Any, axis: int = -1) -> np.ndarray:
    """grad_out minus its mean over the support {y > 0}, 0 off it (NaN if y has a NaN)."""
    (g, y), dtype, _ = _float("sparsemax", grad_out, y)
    axis = check_axis("sparsemax", axis, y.ndim)
    support = y > 0
    count = np.sum(support, axis=axis, keepdims=True)
    with np.errstate(all="ignore"):
        mean = np.sum(np.where(support, g, 0), axis=axis, keepdims=True) / np.maximum(count, 1)
        gx = np.where(support, g - mean, 0)
        gx = np.where(np.any(np.isnan(y), axis=axis, keepdims=True), np.nan, gx)
    return gx.astype(dtype)
