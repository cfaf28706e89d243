"""Binding and checking of activation parameters, shared by fastact and fastact.reference.

Both sides accept parameters by position or keyword and reject bad values
before anything is computed or written; the error names the function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ._arrays import exp_float, float_result
from .registry import DOMAIN_TEXTS, REQUIRED, Record


def _finite(v):
    return np.isfinite(v)


def _not_nan(v):
    return ~np.isnan(v)


_TESTS = {
    "finite": _finite,
    "extended": _not_nan,
    "nonzero": lambda v: _finite(v) & (v != 0),
    "nonnegative": lambda v: _finite(v) & (v >= 0),
    "nonnegative_extended": lambda v: _not_nan(v) & (v >= 0),
    "positive": lambda v: _finite(v) & (v > 0),
}
# domain: (test on the value rounded to the computation's dtype, what it must be)
DOMAINS = {name: (test, DOMAIN_TEXTS[name]) for name, test in _TESTS.items()}


def result_dtype(name: str, inputs: tuple, params: list) -> np.dtype:
    """The dtype a call computes and returns: that of the (float-promoted) inputs,
    unless a parameter array needs a wider one (a float16 loop takes float32
    parameters, so float16 and float32 parameters keep float16). Python numbers
    are weak, as for any ufunc; NumPy scalars are not (np.float64 is a float, but
    np.add(x16, np.float64(2)) is float64)."""
    try:
        operands = [as_exp_operand(a) for a in inputs]
        strong = [np.asarray(p) for p in params if type(p) not in (int, float)]
        data = np.result_type(*operands)
        if data == np.float16 and all(np.can_cast(p.dtype, np.float32) for p in strong):
            return np.dtype(np.float16)
        operands += [p if type(p) in (int, float) else np.asarray(p) for p in params]
        dt = np.result_type(*operands)
    except TypeError as exc:
        raise TypeError(f"fastact.{name}: unsupported input: {exc}") from None
    return float_result(name, dt)


def as_exp_operand(a: Any) -> Any:
    """An input's dtype as the ufunc sees it after fastact's promotion: ints and bools
    become the float type np.exp gives them; Python ints and floats stay weak scalars."""
    if isinstance(a, bool):
        return np.float16(a)
    if isinstance(a, (int, float)):
        return a
    dtype = getattr(a, "dtype", None)
    if not isinstance(dtype, np.dtype):  # a list, or an array type NumPy converts
        dtype = np.asarray(a).dtype
    return exp_float(dtype)  # the dtype alone: a Dask array is not computed for it


def check_domain(record_name: str, name: str, value: Any, domain: str, why: str = "",
                 dtype: np.dtype | None = None) -> None:
    """Raise ValueError if ``value`` (scalar or array), rounded to ``dtype`` (the type
    the call computes in; float64 if unknown), leaves ``domain``."""
    test, text = DOMAINS[domain]
    try:
        given = np.asarray(value)
        if given.dtype.kind not in "biuf":
            raise TypeError
        with np.errstate(over="ignore"):
            rounded = given.astype(dtype or np.float64)
    except (TypeError, ValueError):
        raise TypeError(
            f"fastact.{record_name}: parameter {name!r} must be a real number or array, "
            f"got {type(value).__name__}"
        ) from None
    ok = test(rounded)
    if np.all(ok):
        return
    i = int(np.argmin(np.ravel(ok)))
    shown, became = given.flat[i], rounded.flat[i]
    note = ""
    if np.isfinite(shown) and (not np.isfinite(became) or (became == 0) != (shown == 0)):
        note = f", which is {became.item()!r} in {rounded.dtype}, the type it computes in"
    where = "" if given.ndim == 0 else " (an element of the array)"
    raise ValueError(f"fastact.{record_name}: parameter {name!r} must be {text}{why}, "
                     f"got {shown.item()!r}{where}{note}")


class Binding:
    """How one activation's arguments are read: ``(x, *params, **params_and_ufunc_kwargs)``."""

    def __init__(self, record: Record):
        self.record = record
        self.names = record.param_names
        self.defaults = tuple(p.default for p in record.params)
        self.selector = record.selector

    def bind(self, args: tuple, kwargs: dict,
             inputs: tuple = ()) -> tuple[list, str | None, dict]:
        """Split into (parameter values, selector choice, remaining keyword arguments),
        and check each value given, rounded to the type a call on ``inputs`` computes in."""
        rec = self.record
        choice = None
        if self.selector is not None:
            sel_name, sel_default = self.selector
            choice = kwargs.pop(sel_name, sel_default)
            if isinstance(choice, (bool, np.bool_)) and rec.selector_bools:
                choice = rec.selector_bools[0 if choice else 1]
            if not isinstance(choice, str) or choice not in rec.kernels:
                allowed = ", ".join(repr(k) for k in rec.kernels)
                if rec.selector_bools:
                    allowed += ", True or False"
                raise ValueError(
                    f"fastact.{rec.name}: {sel_name}={choice!r} is not one of {allowed}"
                )
        if len(args) > len(self.names):
            raise TypeError(
                f"fastact.{rec.name}: takes {len(self.names)} parameter(s) after the input "
                f"({', '.join(self.names) or 'none'}), {len(args)} given"
            )
        values = list(args)
        for name in self.names[: len(args)]:
            if name in kwargs:
                raise TypeError(f"fastact.{rec.name}: got multiple values for {name!r}")
        for name, default in zip(self.names[len(args):], self.defaults[len(args):], strict=False):
            if name in kwargs:
                values.append(kwargs.pop(name))
            elif default is REQUIRED:
                raise TypeError(f"fastact.{rec.name}: missing required parameter {name!r}")
            else:
                values.append(default)
        if any(v is not d for v, d in zip(values, self.defaults, strict=False)):
            self.check(values, inputs=inputs)
        return values, choice, kwargs

    def computing_dtype(self, inputs: tuple, values: list) -> np.dtype | None:
        """The type parameters are rounded to in a call on ``inputs`` (None if the
        inputs are not arrays fastact computes on: the ufunc reports those)."""
        if not inputs:
            return None
        try:
            return param_dtype(result_dtype(self.record.name, inputs, values))
        except (TypeError, ValueError):
            return None

    def check(self, values: list, extra_domains: dict | None = None, why: str = "",
              inputs: tuple = ()) -> None:
        """Raise ValueError for a parameter outside its domain (and ``extra_domains``)."""
        rec = self.record
        dtype = self.computing_dtype(inputs, values)
        for param, value in zip(rec.params, values, strict=False):
            check_domain(rec.name, param.name, value, param.domain, dtype=dtype)
            extra = (extra_domains or {}).get(param.name)
            if extra and extra != param.domain:
                check_domain(rec.name, param.name, value, extra, why, dtype)
        if rec.ordered_params:
            low, high = rec.ordered_params
            with np.errstate(over="ignore"):
                lo, hi = (np.asarray(values[self.names.index(n)]).astype(dtype or np.float64)
                          for n in (low, high))
            above = lo > hi
            if np.any(above):
                i = int(np.argmax(np.ravel(np.broadcast_to(above, np.broadcast_shapes(
                    lo.shape, hi.shape)))))
                lo_i, hi_i = (np.broadcast_to(v, above.shape).flat[i].item() for v in (lo, hi))
                raise ValueError(f"fastact.{rec.name}: parameter {low!r} must be <= {high!r}, "
                                 f"got {low}={lo_i!r} and {high}={hi_i!r}")


def param_dtype(dtype: np.dtype) -> np.dtype:
    """The dtype parameters are rounded to for an input of ``dtype``: the type the
    computation runs in (float16 computes in float32)."""
    return np.dtype(np.float32) if dtype == np.float16 else np.dtype(dtype)


def sum_to_shape(values: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
    """Sum a broadcast result back down to ``shape`` (the gradient of a broadcast parameter)."""
    lead = values.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        lead + i for i, n in enumerate(shape) if n == 1 and values.shape[lead + i] != 1
    )
    out = values.sum(axis=axes, keepdims=True) if axes else values
    return out.reshape(shape)
