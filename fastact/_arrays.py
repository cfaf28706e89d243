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


def in_dtype(name: str, a: Any, dtype: Any) -> Any:
    """``a`` converted to ``dtype`` (float16/32/64) if given; a TypeError naming
    ``fastact.<name>`` for any other dtype."""
    if dtype is None:
        return a
    wanted = np.dtype(dtype)
    if wanted.kind != "f" or wanted.itemsize > 8:
        raise TypeError(f"fastact.{name}: dtype must be float16, float32 or float64, got "
                        f"{wanted}")
    return a.astype(wanted, copy=False) if isinstance(a, np.ndarray) else np.asarray(a, wanted)


def is_one_axis(axis: Any, ndim: int) -> bool:
    """Whether ``axis`` is a single int on an array of at least one dimension: the row
    functions' own case (``along_axes`` serves tuples, None and 0-d input)."""
    return isinstance(axis, (int, np.integer)) and not isinstance(axis, (bool, np.bool_)) \
        and ndim > 0


def along_axes(name: str, rows_function: Any, arrays: list, axis: Any,
               where: Any = None) -> np.ndarray:
    """``rows_function(*arrays, axis=-1, where=...)`` over the axes ``axis`` names taken
    together as one row (a tuple of ints, or None for all; a 0-d input is one row of one
    entry), as ``scipy.special.softmax`` and ``jax.nn.softmax`` take them: the axes are
    moved last and merged (a copy where they are not contiguous), and the result is put
    back in the inputs' shape. Errors name ``fastact.<name>``.

    >>> s = along_axes("softmax", lambda x, axis, where: x / x.sum(axis, keepdims=True),
    ...                [np.ones((2, 3, 2))], (0, 2))
    >>> s.shape, float(s.sum(axis=(0, 2))[0])
    ((2, 3, 2), 1.0)
    """
    arrays = [np.asarray(a) for a in arrays]
    shape = np.broadcast_shapes(*(a.shape for a in arrays))
    ndim = len(shape)
    if axis is None:
        axes: tuple[int, ...] = tuple(range(ndim))
    else:
        listed = tuple(axis) if isinstance(axis, (tuple, list)) else (axis,)
        if ndim == 0 and listed in ((), (0,), (-1,)):
            listed = ()
        axes = tuple(check_axis(name, a, ndim) for a in listed)
        if len(set(axes)) != len(axes):
            raise ValueError(f"fastact.{name}: axis {axis!r} names an axis twice")
    arrays = [np.broadcast_to(a, shape) for a in arrays]
    if where is not None:
        where = np.broadcast_to(np.asarray(where, dtype=bool), shape)
    last = tuple(range(ndim - len(axes), ndim))

    def to_rows(a: np.ndarray) -> np.ndarray:
        moved = np.moveaxis(a, axes, last)
        return moved.reshape(*moved.shape[:ndim - len(axes)], -1)

    rows = rows_function(*map(to_rows, arrays), axis=-1,
                         where=None if where is None else to_rows(where))
    moved_shape = [shape[i] for i in range(ndim) if i not in axes] + [shape[i] for i in axes]
    return np.moveaxis(np.asarray(rows).reshape(moved_shape), last, axes)


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


def write_out(name: str, out: Any, result: np.ndarray) -> None:
    """``result`` into ``out``, checked first (errors name ``fastact.<name>``)."""
    if not isinstance(out, np.ndarray):
        raise TypeError(f"fastact.{name}: out must be an ndarray, got {type(out).__name__}")
    if out.shape != result.shape:
        raise ValueError(f"fastact.{name}: out has shape {out.shape}, the result {result.shape}")
    if not out.flags.writeable:
        raise ValueError(f"fastact.{name}: output array is read-only")
    if not np.can_cast(result.dtype, out.dtype, "same_kind"):
        raise TypeError(f"fastact.{name}: cannot cast {result.dtype} to output {out.dtype}")
    np.copyto(out, result)
