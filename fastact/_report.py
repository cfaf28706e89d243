"""What the command line's jobs share: their input, their timer, their tables, the machine.

>>> print(markdown_table([("relu", "0.10")], ("name", "ns/el")))
| name | ns/el |
|:-----|------:|
| relu |  0.10 |
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

SEED = 20240531
TAILS = (-90.0, -80.0, -30.0, -17.0, -13.0, -7.5, -1e-6, -0.0, 0.0, 1e-6, 7.5, 13.0, 17.0,
         25.0, 80.0, 90.0)
"""Tail values written over the end of an input with tails (each repeated): where naive
formulas lose their digits."""
TAIL_FRACTION = 1 / 1000


def make_input(size: int, dtype: np.dtype, tails: bool = False) -> np.ndarray:
    """Uniform on [-10, 10] with a fixed seed; with ``tails``, its last elements (a
    thousandth, at least one of each) replaced by ``TAILS``."""
    x = np.random.default_rng(SEED).uniform(-10.0, 10.0, size).astype(dtype)
    n = min(size, max(len(TAILS), round(size * TAIL_FRACTION))) if tails else 0
    if n:
        x[size - n:] = np.resize(np.array(TAILS, dtype), n)
    return x


def best_time(fn: Callable[[], Any], repeat: int, batch_seconds: float = 2e-3) -> float:
    """The shortest time per call over ``repeat`` batches; a batch runs ``fn`` enough
    times to take about ``batch_seconds`` (once, for slow calls)."""
    start = time.perf_counter()
    fn()
    once = time.perf_counter() - start
    number = max(1, int(batch_seconds / max(once, 1e-9)))
    best = once
    for _ in range(repeat):
        start = time.perf_counter()
        for _ in range(number):
            fn()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def markdown_table(rows: list, columns: tuple | list, text_columns: int = 1) -> str:
    """An aligned Markdown table: the first ``text_columns`` columns left-aligned, the
    others (numbers) right-aligned."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def line(cells) -> str:
        padded = [c.ljust(w) if i < text_columns else c.rjust(w)
                  for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ":" + "-" * (w + 1) if i < text_columns else "-" * (w + 1) + ":"
        for i, w in enumerate(widths)
    ) + "|"
    return "\n".join([line(columns), rule, *(line(r) for r in rows)])


def cpu_model() -> str:
    """The CPU model from /proc/cpuinfo, or 'unknown CPU'."""
    try:
        with open("/proc/cpuinfo", encoding="utf-8", errors="replace") as f:
            for row in f:
                key, _, value = row.partition(":")
                if key.strip() in ("model name", "Hardware", "Processor", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return "unknown CPU"
