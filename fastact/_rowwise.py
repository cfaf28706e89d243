"""Row-wise activations (softmax and relatives): axis (and mask) in, gufunc calls out.

``fastact.softmax(x, axis=-1, where=mask)`` calls the generalized ufunc
``softmax(x, mask)`` with its core dimension on ``axis`` (NumPy's ``axes=``),
so any axis and any strides work without copies. ``where`` is a mask with
JAX's meaning -- entries where it is False take no part (0 in the output,
-inf for log_softmax) -- not the ufunc's "leave out untouched".
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import ArrayLike, DTypeLike

from . import _ufuncs
from ._api import _METHODS, _as_float, _call, by_name, names_binding_errors
from ._arrays import (
    along_axes,
    as_vjp_input,
    check_axis,
    groups,
    halves,
    in_dtype,
    is_one_axis,
    write_out,
)
from ._interop import accepts_foreign
from .registry import RowRecord

_TRUE = b"\x01"
AxisLike = int | tuple[int, ...] | None


def _unmasked(x: Any) -> tuple[Any, np.ndarray | None]:
    """(the data, the mask) of a ``numpy.ma`` masked array; (x, None) for anything else."""
    if isinstance(x, np.ma.MaskedArray):
        return np.ma.getdata(x), np.ma.getmaskarray(x)
    return x, None


def _remask(result: Any, mask: np.ndarray | None) -> Any:
    """``result`` as a masked array with ``mask`` (as NumPy's ufuncs return for masked input)."""
    if mask is None:
        return result
    return np.ma.MaskedArray(result, mask=np.broadcast_to(mask, np.shape(result)).copy())


def _broadcast_shape(*shapes: tuple) -> list[int]:
    """The shape ``shapes`` broadcast to, for any number of dimensions (NumPy's
    ``broadcast_shapes`` stops at 32); ValueError if they do not broadcast."""
    ndim = max(len(s) for s in shapes)
    result = []
    for sides in zip(*[(1,) * (ndim - len(s)) + tuple(s) for s in shapes], strict=True):
        big = {n for n in sides if n != 1}
        if len(big) > 1:
            raise ValueError(f"shapes {' and '.join(map(str, shapes))} do not broadcast")
        result.append(big.pop() if big else 1)
    return result


def _union(shape: tuple, *masks: np.ndarray | None) -> np.ndarray | None:
    """The entries masked in any of ``masks`` (None where none is a mask)."""
    given = [np.broadcast_to(m, shape) for m in masks if m is not None]
    return np.logical_or.reduce(given) if given else None


def _broadcast_pair(name: str, grad_out: Any, y: Any) -> tuple[Any, Any]:
    """(grad_out, y) broadcast to one shape (views) where their shapes differ, so that a
    number or a smaller grad_out broadcasts as in NumPy, a Python number weakly (it keeps
    y's dtype); the pair as it is otherwise or where either is no NumPy array."""
    if np.shape(grad_out) == np.shape(y) or not isinstance(y, np.ndarray):
        return grad_out, y
    if isinstance(grad_out, (int, float)):
        grad_out = np.asarray(grad_out, np.result_type(grad_out, y))
    elif isinstance(grad_out, np.generic):
        grad_out = np.asarray(grad_out)
    elif not isinstance(grad_out, np.ndarray):
        return grad_out, y
    try:
        grad_out, y = np.broadcast_arrays(grad_out, y)
    except ValueError:
        raise ValueError(f"fastact.{name}: grad_out of shape {np.shape(grad_out)} does not "
                         f"broadcast with the output's shape {np.shape(y)}") from None
    return grad_out, y


def _refuse_masked(name: str, *arrays: Any) -> None:
    """A TypeError for masked input where a mask has no meaning fastact can honour."""
    if any(isinstance(a, np.ma.MaskedArray) for a in arrays):
        raise TypeError(f"fastact.{name}: masked arrays are not supported here; pass "
                        f"x.filled(value) (or, for softmax, log_softmax and softmin, a "
                        f"where= mask)")


def _public(cls: type) -> type:
    """Class decorator: the public methods ``cls`` defines take Dask, xarray, pandas,
    bfloat16 and DLPack arrays (``accepts_foreign``) and name the activation in the
    errors of arguments that do not bind (``names_binding_errors``)."""
    for attr in _METHODS:
        if attr in cls.__dict__:
            setattr(cls, attr, accepts_foreign(cls.__dict__[attr]))
    return names_binding_errors(cls)


@names_binding_errors
class RowActivation:
    """A compiled row-wise activation: the base of the softmax family, sparsemax, maxout
    and the gated family."""

    def __init__(self, record: RowRecord):
        self.record = record
        self.name = record.name
        self._forward = getattr(_ufuncs, record.name)
        self._backward = getattr(_ufuncs, record.name + "_backward")
        self.__doc__ = _docstring(record)

    def __repr__(self) -> str:
        return f"<fastact row-wise activation {self.name!r}>"

    def __reduce__(self) -> tuple:
        return by_name, (self.name,)

    def _axis(self, x: Any, axis: Any) -> int:
        """``axis`` checked against x's dimensions, as a non-negative int."""
        return check_axis(self.name, axis, np.ndim(x))

    def _core(self, x: Any, axis: Any, where: Any) -> tuple[list, np.ndarray]:
        """The ``axes=`` argument and the mask broadcast to x's shape (a view, no copy)."""
        axis, shape = self._axis(x, axis), np.shape(x)
        if where is None:  # one True, read-only, seen at every index (as np.broadcast_to
            # makes it, for less than a tenth of its cost on small arrays)
            return [(axis,)] * 3, np.ndarray(shape, bool, _TRUE, strides=(0,) * len(shape))
        try:
            mask = np.broadcast_to(np.asarray(True if where is None else where, dtype=bool),
                                   shape)
        except ValueError as exc:
            raise ValueError(f"fastact.{self.name}: where does not broadcast: {exc}") from None
        return [(int(axis),)] * 3, mask


@_public
class SoftmaxActivation(RowActivation):
    """softmax, log_softmax and softmin: masks, any axes, backward from the input or the
    output, and the full Jacobian (for teaching and checking).

    ``f(x, axis=-1, where=None, out=None)``,
    ``f.backward(grad_out, x, axis=-1, where=None, out=None)`` and
    ``f.backward_from_output(grad_out, y, axis=-1, where=None, out=None)``.
    """

    def __call__(self, x: ArrayLike, axis: AxisLike = -1, where: ArrayLike | None = None,
                 out: np.ndarray | None = None, *, dtype: DTypeLike = None) -> np.ndarray:
        """f(x) along ``axis`` (an int, a tuple of ints taken together, or None for the
        whole array; a 0-d input is one row); entries where ``where`` is False take no
        part. ``dtype`` (float16/32/64): compute and return in it.

        The masked entries of a ``numpy.ma`` masked array take no part either, and
        come back masked.
        """
        x = in_dtype(self.name, _as_float(x), dtype)
        if not is_one_axis(axis, np.ndim(x)):
            return self._along(self.__call__, [x], axis, where, out)
        x, hidden = _unmasked(x)
        axes, mask = self._core(x, axis, where)
        if hidden is not None:
            mask = mask & ~hidden
        y = _call(self.name, self._forward, (x, mask), {"axes": axes, "out": out})
        return _remask(y, hidden)

    def backward(self, grad_out: ArrayLike, x: ArrayLike, axis: AxisLike = -1,
                 where: ArrayLike | None = None, out: np.ndarray | None = None, *,
                 dtype: DTypeLike = None) -> np.ndarray:
        """The vector-Jacobian product at the input x: ``backward_from_output`` of
        f(x), which it computes first (keep y and call that to save the pass).

        Entries masked in ``grad_out`` or ``x`` (``numpy.ma``) take no part, as with
        ``where``, and come back masked.
        """
        grad_out, x = (in_dtype(self.name, _as_float(a), dtype) for a in (grad_out, x))
        y = self(as_vjp_input(self.name, grad_out, x), axis=axis, where=where)
        return self.backward_from_output(grad_out, y, axis=axis, where=where, out=out)

    def backward_from_output(self, grad_out: ArrayLike, y: ArrayLike, axis: AxisLike = -1,
                             where: ArrayLike | None = None, out: np.ndarray | None = None,
                             *, dtype: DTypeLike = None) -> np.ndarray:
        """The vector-Jacobian product from the output y = f(x) (x need not be kept).

        Entries masked in ``grad_out`` or ``y`` (``numpy.ma``) take no part, as with
        ``where``, and come back masked.
        """
        grad_out, y = (in_dtype(self.name, _as_float(a), dtype) for a in (grad_out, y))
        if not is_one_axis(axis, max(np.ndim(grad_out), np.ndim(y))):
            return self._along(self.backward_from_output, [grad_out, y], axis, where, out)
        (grad_out, g_hidden), (y, y_hidden) = _unmasked(grad_out), _unmasked(y)
        grad_out, y = _broadcast_pair(self.name, grad_out, y)
        axes, mask = self._core(y, axis, where)
        hidden = _union(mask.shape, g_hidden, y_hidden)
        if hidden is not None:
            mask = mask & ~hidden
        gx = _call(self.name, self._backward, (grad_out, y, mask),
                   {"axes": [axes[0]] * 4, "out": out})
        return _remask(gx, hidden)

    def _along(self, method: Any, arrays: list, axis: Any, where: Any, out: Any) -> Any:
        """``method`` over several axes at once, the whole array or a 0-d input
        (``along_axes``), masked entries left out, written into ``out`` if given."""
        data, hidden = zip(*map(_unmasked, arrays), strict=True)
        shape = tuple(_broadcast_shape(*(np.shape(d) for d in data)))
        hide = _union(shape, *hidden)
        if hide is not None:
            where = ~hide if where is None else np.broadcast_to(where, shape) & ~hide
        result = along_axes(self.name, method, list(data), axis, where)
        if out is not None:
            write_out(self.name, out, result)
            return _remask(out, hide)
        return _remask(result[()] if result.ndim == 0 else result, hide)


    def jacobian(self, x: ArrayLike, axis: int = -1) -> np.ndarray:
        """dy_i/dx_j, shape (..., n, n) with the row axis moved last: y_i (delta_ij - y_j)
        for softmax, delta_ij - softmax(x)_j for log_softmax, -y_i (delta_ij - y_j) for
        softmin."""
        _refuse_masked(self.name + ".jacobian", x)
        x = _as_float(x)
        axes, mask = self._core(x, axis, None)
        # log_softmax's from softmax(x), not from exp of its rounded logarithm
        forward = _ufuncs.softmax if self.name == "log_softmax" else self._forward
        y = np.moveaxis(_call(self.name, forward, (x, mask), {"axes": axes}), axes[0][0], -1)
        eye = np.eye(y.shape[-1], dtype=y.dtype)
        if self.name == "log_softmax":
            return np.broadcast_to(eye - y[..., None, :], (*y.shape, y.shape[-1])).copy()
        jac = y[..., :, None] * (eye - y[..., None, :])
        return -jac if self.name == "softmin" else jac


@_public
class SparsemaxActivation(RowActivation):
    """sparsemax: no mask (its zeros are exact already); its VJP is a function of the output."""

    def __call__(self, x: ArrayLike, axis: int = -1, out: np.ndarray | None = None) -> np.ndarray:
        """The Euclidean projection of each row onto the probability simplex.

        The masked entries of a ``numpy.ma`` masked array take no part (as -inf
        would) and come back masked.
        """
        x, hidden = _unmasked(_as_float(x))
        if hidden is not None:
            x = np.where(hidden, -np.inf, x).astype(np.result_type(x), copy=False)
        axis = self._axis(x, axis)
        y = _call(self.name, self._forward, (x,), {"axes": [(axis,)] * 2, "out": out})
        return _remask(y, hidden)

    def backward(self, grad_out: ArrayLike, x: ArrayLike, axis: int = -1,
                 out: np.ndarray | None = None) -> np.ndarray:
        """The vector-Jacobian product at the input x: ``backward_from_output`` of
        sparsemax(x), which it computes first."""
        _refuse_masked(self.name + ".backward", grad_out, x)
        y = self(as_vjp_input(self.name, grad_out, x), axis=axis)
        return self.backward_from_output(grad_out, y, axis=axis, out=out)

    def backward_from_output(self, grad_out: ArrayLike, y: ArrayLike, axis: int = -1,
                             out: np.ndarray | None = None) -> np.ndarray:
        """grad_out minus its mean over the support {y > 0}, 0 off it."""
        _refuse_masked(self.name + ".backward_from_output", grad_out, y)
        grad_out, y = _broadcast_pair(self.name, _as_float(grad_out), _as_float(y))
        axis = self._axis(y, axis)
        return _call(self.name, self._backward, (grad_out, y), {"axes": [(axis,)] * 3,
                                                                 "out": out})


@_public
class GatedActivation(RowActivation):
    """The gated family (glu, swiglu, geglu, reglu): ``a f(b)`` for the halves (a, b) of x
    along ``axis`` -- the first half carries the values, the second the gate."""

    def __init__(self, record: RowRecord):
        super().__init__(record)
        self._rows = getattr(_ufuncs, record.name + "_rows")
        self._rows_backward = getattr(_ufuncs, record.name + "_rows_backward")

    def _halves(self, x: Any, axis: Any) -> tuple[np.ndarray, np.ndarray, int]:
        """The halves (a, b) of x along ``axis``, views, and the axis."""
        return halves(self.name, np.asarray(x), axis)

    def __call__(self, x: ArrayLike, axis: int = -1, out: np.ndarray | None = None) -> np.ndarray:
        """a * f(b) for the halves (a, b) of x along ``axis`` (views, no copies).

        For a ``numpy.ma`` masked array, an output entry is masked where a or b is.
        """
        x, hidden = _unmasked(_as_float(x))
        a, b, axis = self._halves(x, axis)
        # along the axis as a core dimension: one loop over every row
        y = _call(self.name, self._rows, (a, b), {"axes": [(axis,)] * 3, "out": out})
        if hidden is None:
            return y
        hidden_a, hidden_b, _ = self._halves(hidden, axis)
        return _remask(y, hidden_a | hidden_b)

    def backward(self, grad_out: ArrayLike, x: ArrayLike, axis: int = -1) -> np.ndarray:
        """The gradient with respect to x (both halves), from grad_out and x."""
        _refuse_masked(self.name + ".backward", grad_out, x)
        grad_out = _as_float(grad_out)
        a, b, axis = self._halves(_as_float(x), axis)
        dtype = None
        if type(grad_out) is np.ndarray or isinstance(grad_out, (np.floating, float, int)):
            try:
                shape = _broadcast_shape(np.shape(grad_out), a.shape)
                dtype = np.result_type(grad_out, a)
            except ValueError:  # the ufunc names the problem
                pass
        if dtype is None or dtype.kind != "f":  # other array types: their own __array_ufunc__
            ga, gb = _call(self.name, self._backward, (grad_out, a, b), {})
            return np.concatenate([ga, gb], axis=axis - a.ndim)
        # both halves written in place into one output: no concatenation
        half = shape[axis - a.ndim]
        shape[axis - a.ndim] *= 2
        out = np.empty(shape, dtype)
        cut = [slice(None)] * out.ndim
        first, second = list(cut), list(cut)
        first[axis - a.ndim], second[axis - a.ndim] = slice(0, half), slice(half, None)
        halves = (out[tuple(first)], out[tuple(second)])
        if np.shape(grad_out) == a.shape:  # along the axis, one loop over every row
            _call(self.name, self._rows_backward, (grad_out, a, b),
                  {"axes": [(axis,)] * 5, "out": halves})
        else:
            _call(self.name, self._backward, (grad_out, a, b), {"out": halves})
        return out


@_public
class MaxoutActivation(RowActivation):
    """maxout: the maximum over consecutive groups of ``pieces`` along ``axis``."""

    def _groups(self, x: Any, pieces: Any, axis: Any) -> tuple[np.ndarray, int]:
        """x with ``axis`` moved last and split into (groups, pieces): a view."""
        return groups(self.name, np.asarray(x), pieces, axis)

    def __call__(self, x: ArrayLike, pieces: int, axis: int = -1,
                 out: np.ndarray | None = None) -> np.ndarray:
        """The maximum of each group of ``pieces`` consecutive entries along ``axis``.

        The masked entries of a ``numpy.ma`` masked array take no part; a group
        with every entry masked comes back masked.
        """
        x, hidden = _unmasked(_as_float(x))
        if hidden is not None:
            x = np.where(hidden, -np.inf, x).astype(np.result_type(x), copy=False)
        groups, axis = self._groups(x, pieces, axis)
        if out is not None and not isinstance(out, np.ndarray):
            raise TypeError(f"fastact.{self.name}: out must be an ndarray, got "
                            f"{type(out).__name__}")
        kwargs = {} if out is None else {"out": np.moveaxis(out, axis, -1)}
        y = _call(self.name, self._forward, (groups,), kwargs)
        y = out if out is not None else np.moveaxis(y, -1, axis)
        if hidden is None:
            return y
        hidden_groups, _ = self._groups(hidden, pieces, axis)
        return _remask(y, np.moveaxis(hidden_groups.all(axis=-1), -1, axis))

    def backward(self, grad_out: ArrayLike, x: ArrayLike, pieces: int,
                 axis: int = -1) -> np.ndarray:
        """grad_out routed to the first arg-max of each group, 0 elsewhere."""
        _refuse_masked(self.name + ".backward", grad_out, x)
        groups, axis = self._groups(_as_float(x), pieces, axis)
        out_shape = list(np.shape(x))
        out_shape[axis] = groups.shape[-2]
        try:  # grad_out has the output's shape (a scalar broadcasts)
            g = np.moveaxis(np.broadcast_to(_as_float(grad_out), out_shape), axis, -1)
        except ValueError as exc:
            raise ValueError(f"fastact.{self.name}: grad_out does not match the output: "
                             f"{exc}") from None
        gx = _call(self.name, self._backward, (g, groups), {})
        flat = gx.reshape(*gx.shape[:-2], gx.shape[-2] * gx.shape[-1])
        return np.moveaxis(flat, -1, axis)


def _docstring(record: RowRecord) -> str:
    params = "".join(f", {p.name}" for p in record.params)
    example = "".join(f", {p.name}={p.example!r}" for p in record.params)
    where = ", where=None" if record.masked else ""
    return "\n".join([
        f"{record.name}(x{params}, axis=-1{where}, out=None)",
        "",
        f"y_i = {record.formula}",
        f"backward(g, x) = {record.backward}"
        + (" (y = f(x); backward_from_output(g, y) takes y)" if record.from_output else ""),
        f"Output range: {record.output_range}.",
        "",
        f"Advantages: {record.advantages}",
        f"Drawbacks: {record.drawbacks}",
        f"Typical uses: {record.uses}",
        "",
        "Example",
        "-------",
        ">>> import numpy as np, fastact",
        f">>> fastact.{record.name}(np.array([[1.0, 2.0, 3.0, 4.0]]){example}, axis=-1).ndim",
        "2",
    ])


_CLASSES = {"sparsemax": SparsemaxActivation, "maxout": MaxoutActivation}


def make(record: RowRecord) -> RowActivation:
    """The object for a row-wise registry record."""
    if record.gate:
        return GatedActivation(record)
    if record.jacobian:
        return SoftmaxActivation(record)
    return _CLASSES.get(record.name, RowActivation)(record)
