"""pytest-benchmark smoke suite, generated from ``fastact.registry`` (no per-function code).

Every activation (gelu once per ``approximate`` choice) x implementation
(fastact, reference, torch where PyTorch has the function and torch is
installed) x operation (forward, value_and_grad) on 64K float32 elements.
Not part of the default test run (pyproject's ``testpaths = ["tests"]``)::

    pytest bench --benchmark-group-by=param:name           # implementations side by side
    pytest bench --benchmark-group-by=param:name,param:op  # ... one group per operation
    pytest bench -q --benchmark-disable                    # run each case once, as a test

Each case also checks its result: shape, dtype, finiteness, and closeness to
``fastact.reference``, so a benchmark cannot time the wrong function.
"""

from __future__ import annotations

from collections.abc import Callable
from types import ModuleType
from typing import Any

import numpy as np
import pytest

import fastact
from fastact import reference, registry

PARAMS: dict[str, dict[str, float]] = {
    "hard_sigmoid": {"slope": 1 / 6},  # PyTorch's hardsigmoid
    "hard_swish": {"slope": 1 / 6},  # PyTorch's hardswish
}
"""Parameters given to every implementation besides the registry's examples for required
ones; the rest keep the registry's defaults."""


def _cases() -> dict[str, tuple[str, dict[str, Any]]]:
    """Case id -> (activation name, keyword arguments), in registry order."""
    cases = {}
    for record in registry.RECORDS:
        kwargs = {**record.example_params(), **PARAMS.get(record.name, {})}
        if record.selector:
            for choice in record.kernels:
                cases[f"{record.name}-{choice}"] = (
                    record.name, {**kwargs, record.selector[0]: choice})
        else:
            cases[record.name] = (record.name, dict(kwargs))
    return cases


CASES = _cases()


# torch(t, x, p): the PyTorch equivalent, p holding every parameter of the case.
TORCH: dict[str, Callable[[ModuleType, Any, dict[str, Any]], Any]] = {
    "sigmoid": lambda t, x, p: t.sigmoid(x),
    "tanh": lambda t, x, p: t.tanh(x),
    "relu": lambda t, x, p: t.nn.functional.relu(x),
    "leaky_relu": lambda t, x, p: t.nn.functional.leaky_relu(x, p["alpha"]),
    "elu": lambda t, x, p: t.nn.functional.elu(x, p["alpha"]),
    "selu": lambda t, x, p: t.nn.functional.selu(x),
    "celu": lambda t, x, p: t.nn.functional.celu(x, p["alpha"]),
    "gelu-tanh": lambda t, x, p: t.nn.functional.gelu(x, approximate="tanh"),
    "gelu-none": lambda t, x, p: t.nn.functional.gelu(x, approximate="none"),
    "silu": lambda t, x, p: t.nn.functional.silu(x),
    "softplus": lambda t, x, p: t.nn.functional.softplus(x, beta=p["beta"]),
    "mish": lambda t, x, p: t.nn.functional.mish(x),
    "hard_sigmoid": lambda t, x, p: t.nn.functional.hardsigmoid(x),
    "hard_swish": lambda t, x, p: t.nn.functional.hardswish(x),
    "hard_tanh": lambda t, x, p: t.nn.functional.hardtanh(x, p["min_val"], p["max_val"]),
    "relu6": lambda t, x, p: t.nn.functional.relu6(x),
    "softsign": lambda t, x, p: t.nn.functional.softsign(x),
    "log_sigmoid": lambda t, x, p: t.nn.functional.logsigmoid(x),
    "tanhshrink": lambda t, x, p: t.nn.functional.tanhshrink(x),
    "softshrink": lambda t, x, p: t.nn.functional.softshrink(x, p["lambd"]),
    "hardshrink": lambda t, x, p: t.nn.functional.hardshrink(x, p["lambd"]),
    "threshold": lambda t, x, p: t.nn.functional.threshold(x, p["threshold"], p["value"]),
}
TORCH_FIXED: dict[str, dict[str, float]] = {
    "hard_sigmoid": {"slope": 1 / 6, "offset": 0.5},
    "hard_swish": {"slope": 1 / 6, "offset": 0.5},
}
"""Parameter values PyTorch's function has built in; the case must use the same."""
assert set(TORCH) <= set(CASES), set(TORCH) - set(CASES)

OPS = ("forward", "value_and_grad")
PARAMETRIZATION = [
    pytest.param(case, impl, op, id=f"{case}-{impl}-{op}")
    for case in CASES
    for impl in ("fastact", "reference", *(("torch",) if case in TORCH else ()))
    for op in OPS
]


def _numpy_impl(module: ModuleType, name: str, kwargs: dict, op: str, x: np.ndarray):
    f = getattr(module, name)
    if op == "forward":
        return lambda: f(x, **kwargs)
    return lambda: f.value_and_grad(x, **kwargs)


def _torch_impl(torch: ModuleType, case: str, name: str, kwargs: dict, op: str,
                x: np.ndarray):
    record = registry.get(name)
    params = {p.name: kwargs.get(p.name, p.default) for p in record.params}
    fixed = TORCH_FIXED.get(case, {})
    assert {k: params[k] for k in fixed} == fixed, f"torch's {case} needs {fixed}"
    fn, xt = TORCH[case], torch.from_numpy(x.copy())
    if op == "forward":
        return lambda: fn(torch, xt, params)

    def value_and_grad():
        xg = xt.detach().requires_grad_()
        y = fn(torch, xg, params)
        (g,) = torch.autograd.grad(y, xg, torch.ones_like(y))
        return y.detach(), g

    return value_and_grad


class _Expected(dict):
    """Case id -> (f(x), f'(x)) from fastact.reference, computed on first use."""

    def __init__(self, x: np.ndarray):
        super().__init__()
        self.x = x

    def __missing__(self, case: str) -> tuple[np.ndarray, np.ndarray]:
        name, kwargs = CASES[case]
        self[case] = value = getattr(reference, name).value_and_grad(self.x, **kwargs)
        return value


@pytest.fixture(scope="module")
def expected(x: np.ndarray) -> _Expected:
    return _Expected(x)


def _to_numpy(value: Any) -> np.ndarray:
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)


@pytest.mark.parametrize(("name", "impl", "op"), PARAMETRIZATION)
def test_bench(benchmark, request, x, expected, name: str, impl: str, op: str) -> None:
    activation, kwargs = CASES[name]
    if impl == "torch":
        run = _torch_impl(request.getfixturevalue("torch"), name, activation, kwargs, op, x)
    else:
        run = _numpy_impl(fastact if impl == "fastact" else reference, activation, kwargs,
                          op, x)
    benchmark.group = f"{name} {op}"
    benchmark.extra_info.update(activation=activation, params=repr(kwargs), impl=impl,
                                op=op, size=x.size, dtype=str(x.dtype))

    result = benchmark(run)

    if op == "value_and_grad":
        assert isinstance(result, tuple) and len(result) == 2
    outputs = (result,) if op == "forward" else result
    for got, want in zip(outputs, expected[name][: len(outputs)], strict=True):
        got = _to_numpy(got)
        assert got.shape == x.shape and got.dtype == x.dtype
        assert np.isfinite(got).all()
        # a sanity check that the peer is the same function, not an accuracy test:
        # PyTorch's float32 tanh-GELU derivative is exactly 0 where the truth is ~-1e-6
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5 if impl == "torch" else 1e-6)


# ---- row-wise functions: rows of ROW_LENGTH, forward and backward -------------------

ROW_LENGTH = 1024
TORCH_ROWWISE: dict[str, Callable[[ModuleType, Any], Any]] = {
    "softmax": lambda t, x: t.softmax(x, dim=-1),
    "log_softmax": lambda t, x: t.log_softmax(x, dim=-1),
    "softmin": lambda t, x: t.nn.functional.softmin(x, dim=-1),
    "glu": lambda t, x: t.nn.functional.glu(x, dim=-1),
}
ROW_PARAMETRIZATION = [
    pytest.param(row.name, impl, id=f"{row.name}-{impl}")
    for row in registry.ROWWISE
    for impl in ("fastact", "reference", *(("torch",) if row.name in TORCH_ROWWISE else ()))
]


@pytest.mark.parametrize(("name", "impl"), ROW_PARAMETRIZATION)
def test_bench_rowwise(benchmark, request, x: np.ndarray, name: str, impl: str) -> None:
    rows = x[: x.size // ROW_LENGTH * ROW_LENGTH].reshape(-1, ROW_LENGTH)
    params = [p.example for p in registry.get(name).params]
    if impl == "torch":
        torch = request.getfixturevalue("torch")
        xt = torch.from_numpy(rows.copy())
        run = lambda: TORCH_ROWWISE[name](torch, xt)  # noqa: E731
    else:
        f = getattr(fastact if impl == "fastact" else reference, name)
        run = lambda: f(rows, *params)  # noqa: E731
    benchmark.group = f"{name} rows of {ROW_LENGTH}"
    benchmark.extra_info.update(activation=name, impl=impl, size=rows.size, dtype=str(x.dtype))

    got = _to_numpy(benchmark(run))

    want = getattr(reference, name)(rows, *params)
    assert got.shape == want.shape and got.dtype == rows.dtype
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)
