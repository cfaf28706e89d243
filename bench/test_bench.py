"""pytest-benchmark suite, generated from ``fastact.registry`` and ``fastact._peers``.

Every activation (gelu once per ``approximate`` choice) x operation (forward,
value_and_grad, backward) x dtype x size x implementation (fastact, the NumPy
reference, and SciPy, numexpr, PyTorch and JAX where installed and where they have
the function; the others are skipped). The row-wise functions run forward and
backward on rows of 1024. Not part of the default test run::

    pytest bench --benchmark-group-by=param:name             # implementations side by side
    pytest bench --sizes all --dtypes float32 float64        # the full matrix (hours)
    pytest bench --sizes 1M --ops forward --threads 1 -k sigmoid
    pytest bench -q --benchmark-disable                      # run each case once, as a test

Each case also checks its result against fastact.reference (shape, dtype,
closeness), so a benchmark cannot time the wrong function.
"""

from __future__ import annotations

import numpy as np
import pytest

from fastact import _peers, reference, registry
from fastact._bench import ROW_LENGTH, make_input

CASES = {case.key: case for case in _peers.cases()}


@pytest.mark.parametrize("impl", list(_peers.PEERS))
@pytest.mark.parametrize("name", list(CASES))
def test_bench(benchmark, name: str, impl: str, op: str, dtype: str, size: int) -> None:
    case = CASES[name]
    x = make_input(size, np.dtype(dtype))
    g = np.resize(np.linspace(-1.0, 1.0, 7, dtype=dtype), x.shape)
    run = _peers.PEERS[impl](case, op, x, g)
    if run is None:
        pytest.skip(f"{impl} has no {op} of {name} here (not installed, or no such function)")
    benchmark.group = f"{name} {op} {size} {dtype}"
    benchmark.extra_info.update(activation=case.name, params=repr(case.kwargs), impl=impl,
                                op=op, size=size, dtype=dtype)

    result = benchmark(run)

    f = getattr(reference, case.name)
    want = {"forward": lambda: f(x, **case.kwargs),
            "value_and_grad": lambda: f.value_and_grad(x, **case.kwargs),
            "backward": lambda: f.backward(g, x, **case.kwargs)}[op]()
    got, want = (v if isinstance(v, tuple) else (v,) for v in (result, want))
    if case.name == "prelu" and op == "backward":
        got, want = got[:1], want[:1]  # fastact's (grad_x, grad_alpha): grad_x
    for a, b in zip(got, want, strict=True):
        a = _peers.to_numpy(a)
        assert a.shape == x.shape and a.dtype == x.dtype
        # the same function, not an accuracy test: PyTorch's float32 tanh-GELU derivative
        # is exactly 0 where the truth is ~-1e-6
        np.testing.assert_allclose(a, b, rtol=1e-3, atol=1e-4)


@pytest.mark.parametrize("impl", ["fastact", "reference", "scipy", "torch", "jax"])
@pytest.mark.parametrize("name", registry.rowwise_names())
def test_bench_rowwise(benchmark, name: str, impl: str, op: str, dtype: str, size: int) -> None:
    x = make_input(size, np.dtype(dtype))
    rows = x[: x.size // ROW_LENGTH * ROW_LENGTH].reshape(-1, ROW_LENGTH)
    run = _peers.rowwise_peers(name, op, rows).get(impl)
    if run is None:
        pytest.skip(f"{impl} has no {op} of {name} here (not installed, or no such function)")
    benchmark.group = f"{name} {op}, rows of {ROW_LENGTH}, {size} {dtype}"
    benchmark.extra_info.update(activation=name, impl=impl, op=op, size=rows.size, dtype=dtype)

    got = _peers.to_numpy(benchmark(run))

    want = _peers.rowwise_peers(name, op, rows)["reference"]()
    assert got.shape == want.shape and got.dtype == rows.dtype
    np.testing.assert_allclose(got, want, rtol=1e-3, atol=1e-5)
