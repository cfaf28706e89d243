"""Row-wise activations in plain NumPy -- the oracle for softmax, log_softmax and softmin.

Each function works on the slices ("rows") of ``x`` along ``axis``.  Written for
clarity and accuracy, not speed; it never imports the compiled module.

Precision
    float16 and float32 results are computed in float64, float64 results in
    ``np.longdouble`` (80-bit on x86-64 Linux; where long double is double the
    reference is only as good as float64), and rounded once to the result dtype.
    Integers and bools promote as in ``np.exp`` (int8 -> float16, int16 ->
    float32, int32/int64 -> float64); complex, object and string inputs raise a
    ``TypeError`` naming the function.
Stability
    The row maximum m is subtracted before exponentiating, and ``x_i - m`` is
    carried as an exact pair hi + lo (Knuth's TwoSum), so the only rounding
    that matters is the last one.  log_softmax is ``(x_i - m) - log1p(rest)``
    with ``rest`` the sum of ``exp(x_j - m)`` over the row *without* its first
    arg-max, so log_softmax([0, -1e4]) is exactly [0, -1e4].  No floating-point
    warning is raised for any input.
Masks (``where``, JAX's meaning)
    A boolean array broadcast to x's shape; entries where it is False take no
    part in the max or the sum and get 0 (softmax, softmin) or -inf
    (log_softmax).  A fully masked row gives zeros / all -inf, not NaN.
Special rows (considering unmasked entries only; for softmin read -x for x)
    any NaN: the unmasked entries are NaN.  Otherwise +inf present: the k
    entries equal to +inf get 1/k (log_softmax: -log k), the others 0 (-inf).
    Otherwise all -inf: NaN (as PyTorch).
Backward, from the output y (sums over unmasked entries, 0 where masked)
    softmax: ``y * (g - sum(g*y))``; softmin: ``-y * (g - sum(g*y))``;
    log_softmax: ``g - exp(y) * sum(g)``.  Products and sums in the working
    precision (long double for float64).

>>> import numpy as np
>>> softmax(np.array([1000.0, 1000.0, -1000.0])).tolist()
[0.5, 0.5, 0.0]
>>> log_softmax(np.array([0.0, -1e4])).tolist()
[-0.0, -10000.0]
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .._arrays import check_axis, float_result

__all__ = [
    "log_softmax",
    "log_softmax_backward",
    "softmax",
    "softmax_backward",
    "softmax_jacobian",
    "log_softmax_jacobian",
    "softmin",
    "softmin_backward",
    "softmin_jacobian",
]

LD = np.longdouble


# ---- arguments -------------------------------------------------------------------------


def _as_array(name: str, a: Any) -> np.ndarray:
    try:
        return np.asarray(a)
    except (TypeError, ValueError) as exc:
        raise TypeError(f"fastact.{name}: unsupported input: {exc}") from None


def _row_axis(name: str, axis: Any, ndim: int) -> int:
    """``axis`` as a negative index (it stays valid when a mask or grad adds leading dims)."""
    return check_axis(name, axis, ndim) - ndim


def _mask(name: str, where: Any, shape: tuple[int, ...]) -> np.ndarray:
    """``where`` as a boolean array of ``shape`` (True: the entry takes part)."""
    if where is None:
        return np.ones(shape, dtype=bool)
    try:
        return np.broadcast_to(np.asarray(where, dtype=bool), shape)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"fastact.{name}: where does not broadcast to {shape}: {exc}") from None


def _working(dtype: np.dtype):
    return LD if dtype == np.float64 else np.float64


def _rows_last(a: np.ndarray, dtype: np.dtype, wp, ax: int) -> np.ndarray:
    """Round to the result dtype (as the ufunc does), widen, move the row axis last."""
    return np.moveaxis(np.asarray(a, dtype=dtype).astype(wp), ax, -1)


def _finish(r: np.ndarray, dtype: np.dtype, ax: int) -> np.ndarray:
    """Round once to the result dtype (silently: a float16 log_softmax below -65504 is -inf)."""
    with np.errstate(all="ignore"):
        return np.ascontiguousarray(np.moveaxis(r.astype(dtype), -1, ax))


# ---- the forward, on rows along the last axis in working precision ------------------------


def _two_diff(a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(hi, lo) with hi + lo == a - b exactly (Knuth's TwoSum of a and -b)."""
    c = -b
    hi = a + c
    a_part = hi - c
    c_part = hi - a_part
    return hi, (a - a_part) + (c - c_part)


def _rows(z: np.ndarray, m: np.ndarray, log: bool) -> dict[str, np.ndarray]:
    """softmax (or log_softmax) of every row of ``z`` (rows along the last axis, mask ``m``).

    Returns ``out`` (unrounded) and, for the Jacobian, the exponentials ``e``
    (1 at the first arg-max), ``total`` = their sum, ``regular`` (rows computed
    from ``e``, without special values) -- all in the working precision.
    """
    wp = z.dtype.type
    finite = np.isfinite(z) & m
    nan_row = (np.isnan(z) & m).any(-1, keepdims=True)
    pinf = (z == np.inf) & m
    pinf_row = pinf.any(-1, keepdims=True) & ~nan_row
    # unmasked entries all -inf (a fully masked row is not one of them)
    neginf_row = m.any(-1, keepdims=True) & ~finite.any(-1, keepdims=True) & ~nan_row & ~pinf_row
    # regular rows: the finite unmasked entries; -inf and masked entries get 0 / -inf
    zs = np.where(finite, z, wp(-np.inf))
    top = zs.max(-1, keepdims=True, initial=-np.inf)
    top = np.where(np.isfinite(top), top, wp(0))
    n = z.shape[-1]
    first = np.arange(n) == np.argmax(zs, axis=-1)[..., None] if n else np.zeros(z.shape, bool)
    hi, lo = _two_diff(np.where(finite, z, top), top)
    # exp(hi + lo) = exp(hi) * (1 + lo) to working precision: |lo| <= ulp(hi) / 2
    e = np.where(finite, np.exp(hi) + np.exp(hi) * lo, wp(0))
    rest = np.where(first, wp(0), e).sum(-1, keepdims=True)
    total = 1 + rest
    if log:
        out = np.where(finite, (hi - np.log1p(rest)) + lo, wp(-np.inf))
    else:
        out = e / total
    # rows with +inf: the +inf entries share the mass equally
    count = pinf.sum(-1, keepdims=True).astype(wp)
    share = -np.log(count) if log else 1 / count
    zero = wp(-np.inf) if log else wp(0)
    out = np.where(pinf_row, np.where(pinf, share, zero), out)
    out = np.where((nan_row | neginf_row) & m, wp(np.nan), out)
    out = np.where(m, out, zero)
    regular = ~(nan_row | pinf_row | neginf_row)
    return {"out": out, "e": e, "total": total, "regular": regular}


def _forward(name: str, x: Any, axis: Any, where: Any, log: bool, negate: bool) -> np.ndarray:
    x = _as_array(name, x)
    dtype = float_result(name, x.dtype)
    ax = _row_axis(name, axis, x.ndim)
    m = np.moveaxis(_mask(name, where, x.shape), ax, -1)
    wp = _working(dtype)
    z = _rows_last(x, dtype, wp, ax)
    if z.size == 0:
        return np.empty(x.shape, dtype=dtype)
    with np.errstate(all="ignore"):
        out = _rows(-z if negate else z, m, log)["out"]
    return _finish(out, dtype, ax)


def softmax(x: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""softmax along ``axis``: ``y_i = exp(x_i - m) / sum_j exp(x_j - m)``, m the row max.

    Parameters
    ----------
    x : array_like, float16/32/64 (ints and bools promote like ``np.exp``)
    axis : int, the axis of the rows (default -1).
    where : array_like of bool broadcasting to x's shape, optional.  Entries where it is
        False take no part in the max and the sum and get 0; a fully masked row is 0.

    Returns an array of x's float dtype and shape.  Rows with +inf share the mass among
    their +inf entries; all -inf rows and rows with NaN give NaN (at unmasked entries).

    >>> import numpy as np
    >>> softmax(np.array([1000.0, 1000.0, -1000.0])).tolist()
    [0.5, 0.5, 0.0]
    >>> softmax(np.array([[1.0, 2.0], [3.0, 5.0]]), axis=0).tolist()
    [[0.11920292202211756, 0.04742587317756678], [0.8807970779778824, 0.9525741268224333]]
    >>> softmax(np.array([1.0, 2.0, np.inf, np.inf]), where=[True, True, True, False]).tolist()
    [0.0, 0.0, 1.0, 0.0]
    """
    return _forward("softmax", x, axis, where, log=False, negate=False)


def log_softmax(x: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""log_softmax along ``axis``: ``(x_i - m) - log(sum_j exp(x_j - m))``, m the row max.

    Computed as ``(x_i - m) - log1p(rest)``, ``rest`` the sum of ``exp(x_j - m)`` over
    the row without its first arg-max, so no digit of a tiny ``rest`` is lost and
    log_softmax([0, -1e4]) is [0, -1e4], not [0, -inf].

    Parameters
    ----------
    x : array_like, float16/32/64 (ints and bools promote like ``np.exp``)
    axis : int, the axis of the rows (default -1).
    where : array_like of bool broadcasting to x's shape, optional.  Entries where it is
        False take no part and get -inf; a fully masked row is all -inf.

    Returns an array of x's float dtype and shape; +inf entries of a row get -log(k)
    (k of them), the others -inf; all -inf rows and rows with NaN give NaN.

    >>> import numpy as np
    >>> log_softmax(np.array([0.0, -1e4])).tolist()
    [-0.0, -10000.0]
    >>> log_softmax(np.array([[0.0, 0.0], [0.0, 0.0]]), where=[True, False]).tolist()
    [[0.0, -inf], [0.0, -inf]]
    """
    return _forward("log_softmax", x, axis, where, log=True, negate=False)


def softmin(x: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""softmin along ``axis``: ``softmax(-x)``, i.e. ``exp(m - x_i) / sum_j exp(m - x_j)``.

    m is the row minimum.  Same parameters, masks and special rows as :func:`softmax`
    applied to -x (so the -inf entries of x share the mass).

    >>> import numpy as np
    >>> softmin(np.array([1.0, 1.0, 1e4])).tolist()
    [0.5, 0.5, 0.0]
    >>> softmin(np.array([3.0, -np.inf, 0.0])).tolist()
    [0.0, 1.0, 0.0]
    """
    return _forward("softmin", x, axis, where, log=False, negate=True)


# ---- backward, from the output ---------------------------------------------------------------


def _backward(name: str, grad_out: Any, y: Any, axis: Any, where: Any, rule) -> np.ndarray:
    g, y = _as_array(name, grad_out), _as_array(name, y)
    dtype = float_result(name, g.dtype, y.dtype)
    ax = _row_axis(name, axis, y.ndim)
    mask = _mask(name, where, y.shape)
    try:
        shape = np.broadcast_shapes(g.shape, y.shape)
    except ValueError as exc:
        raise ValueError(f"fastact.{name}: grad_out and y do not broadcast: {exc}") from None
    if g.ndim + ax < 0 or g.shape[ax] != y.shape[ax]:
        raise ValueError(f"fastact.{name}: grad_out and y need the same row length, "
                         f"got shapes {g.shape} and {y.shape}")
    wp = _working(dtype)
    g, y, mask = (np.broadcast_to(a, shape) for a in (g, y, mask))
    if 0 in shape:
        return np.empty(shape, dtype=dtype)
    gw, yw = _rows_last(g, dtype, wp, ax), _rows_last(y, dtype, wp, ax)
    m = np.moveaxis(mask, ax, -1)
    with np.errstate(all="ignore"):
        out = np.where(m, rule(gw, yw, m, wp), wp(0))
    return _finish(out, dtype, ax)


def _softmax_rule(g, y, m, wp):
    s = np.where(m, g * y, wp(0)).sum(-1, keepdims=True)
    return y * (g - s)


def softmax_backward(grad_out: Any, y: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""Vector-Jacobian product of softmax from its output: ``y_i (g_i - sum_j g_j y_j)``.

    Parameters
    ----------
    grad_out : array_like, the gradient g of the loss with respect to y.
    y : array_like, ``softmax(x, axis, where)`` (x itself is not needed).
    axis : int, the axis of the rows (default -1).
    where : array_like of bool broadcasting to y's shape, optional.  Masked entries take
        no part in the sum and get 0.

    Returns the gradient with respect to x, in the float dtype of grad_out and y combined.
    The products and the sum are formed in float64 (float16/32) or long double (float64).

    >>> import numpy as np
    >>> y = softmax(np.array([0.0, 0.0]))
    >>> softmax_backward(np.array([1.0, 0.0]), y).tolist()
    [0.25, -0.25]
    """
    return _backward("softmax.backward", grad_out, y, axis, where, _softmax_rule)


def _log_softmax_rule(g, y, m, wp):
    s = np.where(m, g, wp(0)).sum(-1, keepdims=True)
    return g - np.exp(y) * s


def log_softmax_backward(grad_out: Any, y: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""Vector-Jacobian product of log_softmax from its output: ``g_i - exp(y_i) sum_j g_j``.

    Parameters
    ----------
    grad_out : array_like, the gradient g of the loss with respect to y.
    y : array_like, ``log_softmax(x, axis, where)``.
    axis : int, the axis of the rows (default -1).
    where : array_like of bool broadcasting to y's shape, optional.  Masked entries take
        no part in the sum and get 0.

    >>> import numpy as np
    >>> y = log_softmax(np.array([0.0, 0.0]))
    >>> log_softmax_backward(np.array([1.0, 0.0]), y).tolist()
    [0.5, -0.5]
    """
    return _backward("log_softmax.backward", grad_out, y, axis, where, _log_softmax_rule)


def _softmin_rule(g, y, m, wp):
    return -_softmax_rule(g, y, m, wp)


def softmin_backward(grad_out: Any, y: Any, axis: int = -1, where: Any = None) -> np.ndarray:
    r"""Vector-Jacobian product of softmin from its output: ``-y_i (g_i - sum_j g_j y_j)``.

    softmin(x) = softmax(-x), so its Jacobian is minus softmax's at -x.  Parameters as
    :func:`softmax_backward`, with ``y = softmin(x, axis, where)``.

    >>> import numpy as np
    >>> y = softmin(np.array([0.0, 0.0]))
    >>> softmin_backward(np.array([1.0, 0.0]), y).tolist()
    [-0.25, 0.25]
    """
    return _backward("softmin.backward", grad_out, y, axis, where, _softmin_rule)


# ---- the Jacobian ------------------------------------------------------------------------


def _jacobian(name: str, x: Any, axis: int, accurate: Any, plain: Any) -> np.ndarray:
    """The Jacobian of a row function of softmax(x) along ``axis``, row axis moved last and
    repeated: ``accurate(e, total, others, eye)`` from the exponentials e (1 at the row's
    first maximum), their sum and the sums without each entry, for regular rows;
    ``plain(s, eye)`` from softmax s for rows with inf or NaN."""
    x = _as_array(name, x)
    dtype = float_result(name, x.dtype)
    ax = _row_axis(name, axis, x.ndim)
    wp = _working(dtype)
    z = _rows_last(x, dtype, wp, ax)
    n = z.shape[-1]
    if z.size == 0:
        return np.empty((*z.shape, n), dtype=dtype)
    with np.errstate(all="ignore"):
        r = _rows(z, np.ones(z.shape, bool), log=False)
        e, total = r["e"], r["total"]
        eye = np.eye(n, dtype=bool)
        # sum of the row without entry i, for every i: the row repeated with its diagonal zeroed
        others = np.where(eye, wp(0), e[..., None, :]).sum(-1)
        jac = np.where(r["regular"][..., None], accurate(e, total, others, eye),
                       plain(r["out"], eye))
    return jac.astype(dtype)


def softmax_jacobian(x: Any, axis: int = -1) -> np.ndarray:
    r"""The Jacobian of softmax along ``axis``: ``J[..., i, j] = y_i (delta_ij - y_j)``.

    The row axis is moved last and a second one of the same length appended, so an
    input of shape (2, 5, 3) with axis=1 gives (2, 3, 5, 5).  J is symmetric, and
    ``J @ g`` is ``softmax_backward(g, y)`` for each row.  The diagonal is formed as
    ``e_i (sum_{j != i} e_j) / (sum_j e_j)**2`` (e_j = exp(x_j - m)), so no digit is
    lost to ``1 - y_i`` when y_i is close to 1.  Rows with inf or NaN use
    ``y_i (delta_ij - y_j)`` with y from :func:`softmax`.

    >>> import numpy as np
    >>> softmax_jacobian(np.array([0.0, 0.0])).tolist()
    [[0.25, -0.25], [-0.25, 0.25]]
    >>> softmax_jacobian(np.zeros((2, 5, 3)), axis=1).shape
    (2, 3, 5, 5)
    """
    def accurate(e, total, others, eye):
        off = -e[..., :, None] * e[..., None, :]
        return np.where(eye, (e * others)[..., :, None], off) / total[..., None] / total[..., None]

    return _jacobian("softmax.jacobian", x, axis, accurate,
                     lambda y, eye: y[..., :, None] * (eye - y[..., None, :]))


def log_softmax_jacobian(x: Any, axis: int = -1) -> np.ndarray:
    r"""The Jacobian of log_softmax along ``axis``: ``J[..., i, j] = delta_ij - s_j``, s the
    softmax of the row; shaped as :func:`softmax_jacobian`. The diagonal ``1 - s_i`` is
    formed as ``(sum_{j != i} e_j) / sum_j e_j``, so no digit is lost when s_i is close
    to 1. Rows with inf or NaN use ``delta_ij - s_j``.

    >>> import numpy as np
    >>> log_softmax_jacobian(np.array([0.0, 0.0])).tolist()
    [[0.5, -0.5], [-0.5, 0.5]]
    """
    def accurate(e, total, others, eye):
        return np.where(eye, (others / total)[..., :, None], -(e / total)[..., None, :])

    return _jacobian("log_softmax.jacobian", x, axis, accurate,
                     lambda s, eye: np.broadcast_to(eye - s[..., None, :], (*s.shape, s.shape[-1])))


def softmin_jacobian(x: Any, axis: int = -1) -> np.ndarray:
    r"""The Jacobian of softmin = softmax(-x) along ``axis``: minus softmax's at -x.

    >>> import numpy as np
    >>> softmin_jacobian(np.array([0.0, 0.0])).tolist()
    [[-0.25, 0.25], [0.25, -0.25]]
    """
    return -softmax_jacobian(np.negative(_as_array("softmin.jacobian", x)), axis)
