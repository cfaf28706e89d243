"""Every public function and method of fastact, called on arrays made by a converter:
the same calls on NumPy arrays and on Dask, xarray, pandas or bfloat16 versions of
them, for the interoperability tests to compare."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import fastact
from fastact import registry

Convert = Callable[[np.ndarray], object]


def elementwise_calls(name: str) -> list[tuple[str, Callable]]:
    """(operation, call(convert, x, g)) for every operation of elementwise ``name``."""
    record = registry.get(name)
    f = getattr(fastact, name)
    kw = record.example_params()

    def call(op: str) -> Callable:
        def run(convert: Convert, x: np.ndarray, g: np.ndarray):
            if op == "forward":
                return f(convert(x), **kw)
            if op == "backward":
                return f.backward(convert(g), convert(x), **kw)
            if op == "backward_from_output":
                return f.backward_from_output(convert(g), convert(f(x, **kw)), **kw)
            return getattr(f, op)(convert(x), **kw)
        return run

    return [(op, call(op)) for op in record.operations]


def rowwise_calls(name: str) -> list[tuple[str, Callable]]:
    """(method, call(convert, x, g, axis)) for every method of row-wise ``name``; g has
    x's shape and is cut to the output's where that is smaller (maxout, the gates)."""
    record = registry.get(name)
    f = getattr(fastact, name)

    def cut(g: np.ndarray, axis: int, parts: int) -> np.ndarray:
        return np.take(g, np.arange(g.shape[axis] // parts), axis=axis)

    if record.gate:
        return [
            ("forward", lambda c, x, g, axis: f(c(x), axis=axis)),
            ("backward", lambda c, x, g, axis: f.backward(c(cut(g, axis, 2)), c(x), axis=axis)),
        ]
    if name == "maxout":
        return [
            ("forward", lambda c, x, g, axis: f(c(x), 2, axis=axis)),
            ("backward", lambda c, x, g, axis: f.backward(c(cut(g, axis, 2)), c(x), 2,
                                                          axis=axis)),
        ]
    calls = [
        ("forward", lambda c, x, g, axis: f(c(x), axis=axis)),
        ("backward", lambda c, x, g, axis: f.backward(c(g), c(x), axis=axis)),
        ("backward_from_output",
         lambda c, x, g, axis: f.backward_from_output(c(g), c(f(x, axis=axis)), axis=axis)),
    ]
    if record.jacobian:
        calls.append(("jacobian", lambda c, x, g, axis: f.jacobian(c(x), axis=axis)))
    return calls


def samples(shape: tuple[int, ...], dtype=np.float64, seed: int = 0) -> tuple:
    """(x, g): inputs with negative, positive and tail values, and a gradient."""
    rng = np.random.default_rng(seed)
    x = (rng.standard_normal(shape) * 3).astype(dtype)
    g = rng.standard_normal(shape).astype(dtype)
    return x, g
