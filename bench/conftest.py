"""Options and fixtures for the benchmark suite: which sizes, dtypes and operations."""

from __future__ import annotations

import pytest

from fastact import _peers
from fastact._bench import SIZES


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("fastact benchmarks")
    group.addoption("--sizes", nargs="+", default=["64K", "1M"], choices=[*SIZES, "all"],
                    help="array sizes (default: 64K 1M; 'all' adds 1K and 16M)")
    group.addoption("--dtypes", nargs="+", default=["float32"], choices=["float32", "float64"],
                    help="dtypes (default: float32)")
    group.addoption("--ops", nargs="+", default=list(_peers.OPS), choices=_peers.OPS,
                    help="operations (default: all three)")
    group.addoption("--threads", type=int, default=None,
                    help="threads for fastact, numexpr, PyTorch and JAX (default: fastact's)")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize by the options: size and dtype for every test, op where asked for."""
    config = metafunc.config
    sizes = list(SIZES) if "all" in config.getoption("sizes") else config.getoption("sizes")
    if "size" in metafunc.fixturenames:
        metafunc.parametrize("size", [SIZES[s] for s in sizes], ids=sizes)
    if "dtype" in metafunc.fixturenames:
        metafunc.parametrize("dtype", config.getoption("dtypes"))
    if "op" in metafunc.fixturenames:
        ops = config.getoption("ops")
        if metafunc.function.__name__ == "test_bench_rowwise":  # no value_and_grad
            ops = [op for op in ops if op in ("forward", "backward")]
        metafunc.parametrize("op", ops)


@pytest.fixture(scope="session", autouse=True)
def threads(request: pytest.FixtureRequest) -> None:
    """Every implementation gets the same thread count."""
    _peers.set_threads(request.config.getoption("threads"))
