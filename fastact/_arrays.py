"""The dtype and axis rules every part of fastact applies to its inputs, written once.

Integers and bools compute in the float type ``np.exp`` gives them (int8 in float16,
int32 in float64); only float16, float32 and float64 results exist. A row axis is an int
within the array's dimensions.

>>> exp_float(np.dtype(np.int8)), exp_float(np.dtype(np.float32))
(dtype('float16'), dtype('float32'))
>>> check_axis("softmax", -1, 2)
1
"""

from __future__ import annotations

from typing import Any

import numpy as np

SUPPORTED = "float16/32/64, ints, bool"


def exp_float(dtype: np.dtype) -> np.dtype:
    """The dtype an array of ``dtype`` computes in: ints and bools as in ``np.exp``."""
    return np.result_type(dtype, np.float16) if dtype.kind in "biu" else dtype


def float_result(name: str, *dtypes: np.dtype) -> np.dtype:
    """The result dtype of inputs of ``dtypes`` (each promoted by ``exp_float``); a
    TypeError naming ``fastact.<name>`` for any other kind or a float wider than 64 bits."""
    for dtype in dtypes:
        if dtype.kind not in "biuf" or dtype.itemsize > 8:
            raise TypeError(f"fastact.{name}: unsupported dtype {dtype} ({SUPPORTED})")
    return np.result_type(*(exp_float(d) for d in dtypes))


def as_vjp_input(name: str, grad_out: Any, x: Any) -> Any:
    """``x`` in the dtype its backward with ``grad_out`` returns (``float_result`` of the
    two arrays' dtypes), so that a backward from the input forms f(x) in that precision
    and not in x's own; x as it is where it has that dtype already, where either is no
    array (a Python number promotes nothing) or where a dtype is not supported (the call
    raises then)."""
    dtypes = [getattr(a, "dtype", None) for a in (grad_out, x)]
    if not all(isinstance(d, np.dtype) for d in dtypes):
        return x
    try:
        common = float_result(name, *dtypes)
    except TypeError:
        return x
    return x if exp_float(dtypes[1]) == common else x.astype(common)


def check_axis(name: str, axis: Any, ndim: int) -> int:
    """``axis`` as a non-negative index into ``ndim`` dimensions, or the error that names
    ``fastact.<name>`` and what is wrong (a 0-d array, an axis that is no int, or one out
    of bounds)."""
    if ndim == 0:
        raise ValueError(f"fastact.{name}: needs an array with at least one dimension (the "
                         "row axis); got a 0-d input")
    if not isinstance(axis, (int, np.integer)) or isinstance(axis, (bool, np.bool_)):
        raise TypeError(f"fastact.{name}: axis must be an int, got {axis!r}")
    if not -ndim <= axis < ndim:
        raise np.exceptions.AxisError(
            f"fastact.{name}: axis {axis} is out of bounds for an array of dimension {ndim}")
    return int(axis) % ndim


def halves(name: str, x: np.ndarray, axis: Any) -> tuple[np.ndarray, np.ndarray, int]:
    """The two halves of ``x`` along ``axis`` (views) and the axis, non-negative; a
    ValueError naming ``fastact.<name>`` where that length is odd."""
    axis = check_axis(name, axis, x.ndim)
    n = x.shape[axis]
    if n % 2:
        raise ValueError(f"fastact.{name}: the length along axis {axis} must be even, got {n}")
    first, second = [slice(None)] * x.ndim, [slice(None)] * x.ndim
    first[axis], second[axis] = slice(0, n // 2), slice(n // 2, n)
    return x[tuple(first)], x[tuple(second)], axis


def groups(name: str, x: np.ndarray, pieces: Any, axis: Any) -> tuple[np.ndarray, int]:
    """``x`` with ``axis`` moved last and split into (groups, pieces), a view, and the axis,
    non-negative; a ValueError naming ``fastact.<name>`` for pieces that are not a positive
    int dividing the axis' length."""
    axis = check_axis(name, axis, x.ndim)
    if not isinstance(pieces, (int, np.integer)) or isinstance(pieces, bool) or pieces < 1:
        raise ValueError(f"fastact.{name}: pieces must be a positive int, got {pieces!r}")
    n = x.shape[axis]
    if n % pieces:
        raise ValueError(f"fastact.{name}: the length along axis {axis} ({n}) is not a "
                         f"multiple of pieces={pieces}")
    moved = np.moveaxis(x, axis, -1)
    return moved.reshape(*moved.shape[:-1], n // pieces, int(pieces)), axis
