"""Measure what one element of each activation costs, for the registry's ``cost_ns``
(from which tools/gen_docs.py writes csrc/kernels/fa_costs.h).

The OpenMP policy (csrc/loops/fa_parallel.c) runs a loop on several threads when
n * cost exceeds FA_PARALLEL_MIN_WORK; cost is in units of COST_UNIT_NS
nanoseconds per element, measured here on one thread: the float32
value_and_grad loop on 64K contiguous elements (in cache), at the best
dispatch level of the machine it runs on.

    python tools/measure_costs.py    # prints each kernel's ns, for the records' cost_ns
"""

from __future__ import annotations

import time

import numpy as np

import fastact
from fastact import registry

SIZE = 1 << 16


def ns_per_element(name: str, kwargs: dict, x: np.ndarray) -> float:
    f = getattr(fastact, name)
    y, d = np.empty_like(x), np.empty_like(x)
    best = float("inf")
    for _ in range(200):
        start = time.perf_counter()
        f.value_and_grad(x, out=(y, d), **kwargs)
        best = min(best, time.perf_counter() - start)
    return best * 1e9 / x.size


def main() -> None:
    fastact.set_num_threads(1)
    x = np.random.default_rng(1).uniform(-10, 10, SIZE).astype(np.float32)
    for case in registry.cases():  # one per compiled kernel (gelu: one per approximate=)
        ns = ns_per_element(case.name, case.kwargs, x)
        units = max(1, round(ns / registry.COST_UNIT_NS))
        print(f"{case.name}: cost_ns[{case.choice!r}] = {ns:.2f}  ({units} units, {case.kernel})")

if __name__ == "__main__":
    main()
