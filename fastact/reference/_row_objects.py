"""The row-wise oracle objects: ``fastact``'s signatures around ``_rowwise`` and ``_groups``."""

from __future__ import annotations

import functools
from typing import Any

import numpy as np

from .. import registry
from .._arrays import along_axes, as_vjp_input, in_dtype, is_one_axis
from . import _groups, _rowwise
from ._deliver import deliver
from ._formulas import _FORMULAS


class RowActivation:
    """The NumPy oracle for a row-wise activation; same signatures as ``fastact.<name>``."""

    def __init__(self, record: registry.RowRecord):
        self.record = record
        self.name = record.name
        module = _rowwise if record.masked else _groups
        self._forward = getattr(module, record.name)
        self._backward = getattr(module, record.name + "_backward")
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\ny_i = {record.formula}"
        if record.jacobian:
            self.jacobian = getattr(_rowwise, record.name + "_jacobian")

    def __repr__(self) -> str:
        return f"<fastact.reference row-wise activation {self.name!r}>"


class SoftmaxActivation(RowActivation):
    """The oracle of softmax, log_softmax and softmin; fastact's signatures."""

    def _rows(self, function: Any, arrays: list, axis: Any, where: Any) -> Any:
        """``function`` along one axis, or over several, the whole array or a 0-d input
        (``along_axes``)."""
        if is_one_axis(axis, max(np.ndim(a) for a in arrays)):
            return function(*arrays, axis, where)
        return along_axes(self.name, function, arrays, axis, where)

    def __call__(self, x: Any, axis: Any = -1, where: Any = None, out: Any = None, *,
                 dtype: Any = None):
        """f(x) along ``axis`` (an int, a tuple or None); entries where ``where`` is False
        take no part; computed and returned in ``dtype`` if given."""
        x = in_dtype(self.name, x, dtype)
        return deliver(self.name, [self._rows(self._forward, [x], axis, where)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, axis: Any = -1, where: Any = None,
                 out: Any = None, *, dtype: Any = None):
        """The vector-Jacobian product at the input x (from y = f(x))."""
        grad_out, x = (in_dtype(self.name, a, dtype) for a in (grad_out, x))
        y = self._rows(self._forward, [as_vjp_input(self.name, grad_out, x)], axis, where)
        return self.backward_from_output(grad_out, y, axis, where, out)

    def backward_from_output(self, grad_out: Any, y: Any, axis: Any = -1, where: Any = None,
                             out: Any = None, *, dtype: Any = None):
        """The vector-Jacobian product from the output y."""
        grad_out, y = (in_dtype(self.name, a, dtype) for a in (grad_out, y))
        result = self._rows(self._backward, [grad_out, y], axis, where)
        return deliver(self.name, [result], out, True, 1)


class SparsemaxActivation(RowActivation):
    """The oracle of sparsemax (sorting algorithm); fastact's signatures."""

    def __call__(self, x: Any, axis: int = -1, out: Any = None):
        """The projection of each row onto the simplex."""
        return deliver(self.name, [self._forward(x, axis)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, axis: int = -1, out: Any = None):
        """The vector-Jacobian product at the input x (from y = sparsemax(x))."""
        y = self._forward(as_vjp_input(self.name, grad_out, x), axis)
        return deliver(self.name, [self._backward(grad_out, y, axis)], out, True, 1)

    def backward_from_output(self, grad_out: Any, y: Any, axis: int = -1, out: Any = None):
        """grad_out minus its mean over the support {y > 0}, 0 off it."""
        return deliver(self.name, [self._backward(grad_out, y, axis)], out, True, 1)


class GluActivation(RowActivation):
    """The oracle of glu; fastact's signatures."""

    def __call__(self, x: Any, axis: int = -1, out: Any = None):
        """a * sigmoid(b) for the halves (a, b) of x along ``axis``."""
        return deliver(self.name, [self._forward(x, axis)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, axis: int = -1):
        """The gradient with respect to x (both halves)."""
        return self._backward(grad_out, x, axis)


class GatedActivation(GluActivation):
    """The oracle of a gated function a f(b) other than glu, from f's formula."""

    def __init__(self, record: registry.RowRecord):
        formula = _FORMULAS[record.gate]
        self.record, self.name = record, record.name
        self._forward = functools.partial(_groups.gated, record.name, formula)
        self._backward = functools.partial(_groups.gated_backward, record.name, formula)
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\ny_i = {record.formula}"


class MaxoutActivation(RowActivation):
    """The oracle of maxout; fastact's signatures."""

    def __call__(self, x: Any, pieces: int, axis: int = -1, out: Any = None):
        """The maximum of each group of ``pieces`` along ``axis``."""
        return deliver(self.name, [self._forward(x, pieces, axis)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, pieces: int, axis: int = -1):
        """grad_out routed to the first arg-max of each group."""
        return self._backward(grad_out, x, pieces, axis)


_ROW_CLASSES = {"sparsemax": SparsemaxActivation, "glu": GluActivation,
                "maxout": MaxoutActivation}


def make_row(record: registry.RowRecord) -> RowActivation:
    """The oracle object of a row-wise record."""
    if record.gate and record.name != "glu":
        return GatedActivation(record)
    if record.jacobian:
        return SoftmaxActivation(record)
    return _ROW_CLASSES.get(record.name, RowActivation)(record)
