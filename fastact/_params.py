"""Binding and checking of activation parameters, shared by fastact and fastact.reference.

Both sides accept parameters by position or keyword and reject bad values
before anything is computed or written; the error names the function.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .registry import REQUIRED, Record

_DOMAIN_TESTS = {
    "nonzero": (lambda v: v != 0, "must be nonzero"),
    "nonnegative": (lambda v: v >= 0, "must be >= 0"),
    "positive": (lambda v: v > 0, "must be > 0"),
}


def _complies(value: Any, test) -> bool:
    with np.errstate(invalid="ignore"):
        ok = test(np.asarray(value))
    return bool(np.all(ok | np.isnan(np.asarray(value, dtype=float))))


def check_domain(record_name: str, name: str, value: Any, domain: str, why: str = "") -> None:
    """Raise ValueError if ``value`` (scalar or array) leaves ``domain``."""
    if domain == "any":
        return
    test, text = _DOMAIN_TESTS[domain]
    try:
        ok = _complies(value, test)
    except (TypeError, ValueError):
        raise TypeError(
            f"fastact.{record_name}: parameter {name!r} must be a real number or array, "
            f"got {type(value).__name__}"
        ) from None
    if not ok:
        raise ValueError(f"fastact.{record_name}: parameter {name!r} {text}{why}")


class Binding:
    """How one activation's arguments are read: ``(x, *params, **params_and_ufunc_kwargs)``."""

    def __init__(self, record: Record):
        self.record = record
        self.names = record.param_names
        self.defaults = tuple(p.default for p in record.params)
        self.selector = record.selector

    def bind(self, args: tuple, kwargs: dict) -> tuple[list, str | None, dict]:
        """Split into (parameter values, selector choice, remaining keyword arguments)."""
        rec = self.record
        choice = None
        if self.selector is not None:
            sel_name, sel_default = self.selector
            choice = kwargs.pop(sel_name, sel_default)
            if choice not in rec.kernels:
                allowed = ", ".join(repr(k) for k in rec.kernels)
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
            self.check(values)
        return values, choice, kwargs

    def check(self, values: list, extra_domains: dict | None = None, why: str = "") -> None:
        rec = self.record
        for param, value in zip(rec.params, values, strict=False):
            domain = (extra_domains or {}).get(param.name, param.domain)
            check_domain(rec.name, param.name, value, domain, why)
            if extra_domains and param.domain != domain:
                check_domain(rec.name, param.name, value, param.domain)
        if rec.ordered_params:
            low, high = rec.ordered_params
            lo = values[self.names.index(low)]
            hi = values[self.names.index(high)]
            if np.any(np.asarray(lo) > np.asarray(hi)):
                raise ValueError(f"fastact.{rec.name}: {low} must not exceed {high}")


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
