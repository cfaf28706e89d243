"""The elementwise oracle objects: ``fastact``'s signatures around the formulas.

Each object binds parameters as ``fastact`` does, rounds inputs and parameters as the
ufunc does, computes in working precision with ``_formulas``, passes NaN through,
rounds once to the result dtype and delivers (``_deliver``).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import registry
from .._params import Binding, param_dtype, result_dtype, sum_to_shape
from ._deliver import deliver
from ._formulas import _FORMULAS, _FROM_OUTPUT
from ._numerics import LD

_UFUNC_KWARGS = {"out", "where", "dtype"}


class Activation:
    """The NumPy oracle for one activation; same signatures as ``fastact.<name>``."""

    def __init__(self, record: registry.Record):
        self.record = record
        self.name = record.name
        self._binding = Binding(record)
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\nf(x) = {record.formula}"

    def __repr__(self) -> str:
        return f"<fastact.reference activation {self.name!r}>"

    def _run(self, inputs: tuple, params: tuple, kwargs: dict, compute, n_out: int = 1):
        """Bind, promote, compute in working precision, pass NaN through, round, deliver.

        The last of ``inputs`` is x (or y): where it is NaN every result is NaN.
        """
        values, choice, kwargs = self._binding.bind(params, kwargs, inputs)
        unknown = set(kwargs) - _UFUNC_KWARGS
        if unknown:
            raise TypeError(f"fastact.{self.name}: unexpected keyword(s) {sorted(unknown)}")
        dtype = np.dtype(kwargs.get("dtype") or result_dtype(self.name, inputs, values))
        wp = LD if dtype == np.float64 else np.float64
        # inputs are first rounded to the result dtype and parameters to the type the
        # ufunc computes in (float32 for float16), as the ufunc does
        arrays = [np.asarray(a, dtype=dtype).astype(wp) for a in inputs]
        arrays += [np.asarray(a, dtype=param_dtype(dtype)).astype(wp) for a in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        with np.errstate(all="ignore"):
            results = compute(self.record.kernel(choice), arrays, wp)
            nan = np.isnan(arrays[len(inputs) - 1])
            results = [np.where(nan, arrays[len(inputs) - 1], r) for r in results]
            results = [np.broadcast_to(r, shape).astype(dtype) for r in results]
        return deliver(self.name, results, kwargs.get("out"), kwargs.get("where", True), n_out)

    def __call__(self, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """f(x), elementwise."""
        return self._run((x,), params, kwargs, lambda k, a, wp: [_FORMULAS[k](*a, wp)[0]])

    def grad(self, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """f'(x), elementwise."""
        return self._run((x,), params, kwargs, lambda k, a, wp: [_FORMULAS[k](*a, wp)[1]])

    def value_and_grad(self, x: Any, *params: Any, **kwargs: Any):
        """(f(x), f'(x))."""
        return self._run((x,), params, kwargs, lambda k, a, wp: list(_FORMULAS[k](*a, wp)), 2)

    def backward(self, grad_out: Any, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """grad_out * f'(x)."""
        return self._run((grad_out, x), params, kwargs,
                         lambda k, a, wp: [a[0] * _FORMULAS[k](*a[1:], wp)[1]])


class ActivationFromOutput(Activation):
    """An oracle whose f' is also a function of the output y = f(x)."""

    def backward_from_output(self, grad_out: Any, y: Any, *params: Any, **kwargs: Any):
        """grad_out * f'(x) from y = f(x)."""
        base = self.record.alias_of or self.name
        if self.record.from_output_domain:
            values, _, _ = self._binding.bind(params, dict(kwargs), (grad_out, y))
            self._binding.check(values, self.record.from_output_domain,
                                " for backward_from_output (f' is not a function of y otherwise)",
                                (grad_out, y))
        return self._run((grad_out, y), params, kwargs,
                         lambda k, a, wp: [a[0] * _FROM_OUTPUT[base](*a[1:], wp)])


class ActivationWithParamGrad(Activation):
    """An oracle whose backward also gives the gradient of its parameter (prelu)."""

    def backward(self, grad_out: Any, x: Any, *params: Any, **kwargs: Any):
        """(grad_out * f'(x), gradient of the parameter summed down to its shape)."""
        values, _, _ = self._binding.bind(params, dict(kwargs))

        def compute(k, a, wp):
            g, xx, alpha = a
            return [g * _FORMULAS[k](xx, alpha, wp)[1], g * np.where(xx > 0, 0, xx)]

        out = kwargs.pop("out", None)
        out_x, out_param = out if isinstance(out, tuple) else (out, None)
        where = kwargs.pop("where", True)
        gx, galpha = self._run((grad_out, x), params, kwargs, compute, 2)
        galpha = sum_to_shape(np.where(where, galpha, 0).astype(galpha.dtype),
                              np.shape(values[0]))
        if out_x is not None:
            gx = deliver(self.name, [gx], out_x, where, 1)
        if out_param is not None:
            galpha = deliver(self.name, [galpha], out_param, True, 1)
        return gx, galpha


def make(record: registry.Record) -> Activation:
    """The oracle object of an elementwise record, of the class its methods need."""
    if record.param_grad:
        return ActivationWithParamGrad(record)
    if record.has_from_output:
        return ActivationFromOutput(record)
    return Activation(record)

