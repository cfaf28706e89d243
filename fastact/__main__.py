"""``python -m fastact``: time and check every activation against the NumPy reference.

Prints one header line describing the machine, then a Markdown table with one
row per activation in ``fastact.registry`` (gelu once per ``approximate``
choice): nanoseconds per element for fastact and for ``fastact.reference``,
the speed-up, and the largest error of the forward value and of the derivative
against the reference, in ULP of the working dtype.

Timing is the best of ``--repeat`` calls of ``f(x)`` (a fresh output array each
call, as a user would call it), measured with ``time.perf_counter``. The input
is drawn uniformly from [-10, 10] with a fixed seed; its last elements are
replaced by tail values (``TAILS``) where naive formulas lose their digits.

    python -m fastact                          # 1M float32 elements
    python -m fastact --dtype float64 --only sigmoid gelu --threads 1

``python -m fastact bench ...`` compares fastact with its peers instead
(NumPy, SciPy, numexpr, PyTorch, JAX): see ``fastact._bench``.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable, Iterator

import numpy as np

import fastact
from fastact import reference, registry
from fastact._peers import Case
from fastact._ulp import worst

SEED = 20240531
TAILS = (-90.0, -80.0, -30.0, -17.0, -13.0, -7.5, -1e-6, -0.0, 0.0, 1e-6, 7.5, 13.0, 17.0,
         25.0, 80.0, 90.0)
"""Tail values written over the end of the input (each repeated), tested for accuracy."""
TAIL_FRACTION = 1 / 1000

COLUMNS = ("name", "fastact ns/el", "reference ns/el", "speed-up", "max fwd ULP",
           "max grad ULP")


def cases(only: list[str] | None = None) -> Iterator[Case]:
    """The rows, in registry order: one per activation, one per selector choice."""
    for record in registry.RECORDS:
        if only and record.name not in only:
            continue
        given = record.example_params()
        if record.selector:
            for choice in record.kernels:
                yield Case(record.name, {**given, record.selector[0]: choice})
        else:
            yield Case(record.name, dict(given))


def make_input(size: int, dtype: np.dtype) -> np.ndarray:
    """Uniform [-10, 10] with a fixed seed, its last elements replaced by ``TAILS``."""
    x = np.random.default_rng(SEED).uniform(-10.0, 10.0, size).astype(dtype)
    n = min(size, max(len(TAILS), round(size * TAIL_FRACTION)))
    if n:
        x[size - n:] = np.resize(np.array(TAILS, dtype), n)
    return x


def best_time(fn: Callable[[], object], repeat: int) -> float:
    """Shortest of ``repeat`` wall-clock times of ``fn()``, in seconds."""
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def measure(case: Case, x: np.ndarray, repeat: int) -> tuple[str, ...]:
    """One table row for ``case`` on input ``x``, formatted as strings."""
    fast, ref = getattr(fastact, case.name), getattr(reference, case.name)
    y_fast, d_fast = fast.value_and_grad(x, **case.kwargs)  # also warms up caches and pages
    y_ref, d_ref = ref.value_and_grad(x, **case.kwargs)
    t_fast = best_time(lambda: fast(x, **case.kwargs), repeat)
    t_ref = best_time(lambda: ref(x, **case.kwargs), repeat)
    ns = 1e9 / max(x.size, 1)
    return (
        case.label,
        f"{t_fast * ns:.2f}",
        f"{t_ref * ns:.2f}",
        f"{t_ref / t_fast:.1f}x" if t_fast > 0 else "-",
        _ulp(worst(y_fast, y_ref, x.dtype, x)[0]),
        _ulp(worst(d_fast, d_ref, x.dtype, x)[0]),
    )


ROW_LENGTH = 1024
"""Row-wise functions run along rows of this length (the input reshaped)."""


def measure_rowwise(name: str, x: np.ndarray, repeat: int) -> tuple[str, ...]:
    """One table row for a row-wise activation; the grad column is its backward."""
    n = min(ROW_LENGTH, x.size)
    rows = x[: x.size // n * n].reshape(-1, n)
    record = registry.get(name)
    params = [p.example for p in record.params]
    fast, ref = getattr(fastact, name), getattr(reference, name)
    y_fast, y_ref = fast(rows, *params), ref(rows, *params)
    g = np.resize(np.linspace(-1.0, 1.0, 7, dtype=rows.dtype), y_ref.shape)
    second = rows if record.backward_from == "input" else y_ref
    b_fast, b_ref = fast.backward(g, second, *params), ref.backward(g, second, *params)
    t_fast = best_time(lambda: fast(rows, *params), repeat)
    t_ref = best_time(lambda: ref(rows, *params), repeat)
    ns = 1e9 / max(rows.size, 1)
    return (
        f"{name}(rows of {n})",
        f"{t_fast * ns:.2f}",
        f"{t_ref * ns:.2f}",
        f"{t_ref / t_fast:.1f}x" if t_fast > 0 else "-",
        _ulp(worst(y_fast, y_ref, rows.dtype, y_ref)[0]),
        _ulp(worst(b_fast, b_ref, rows.dtype, b_ref)[0]),
    )


def _ulp(err: float) -> str:
    return f"{err:.3g}" if err >= 1000 else f"{err:.1f}"


def markdown_table(rows: list, columns: tuple | list = COLUMNS) -> str:
    """An aligned Markdown table: the first column left-aligned, the others right-aligned."""
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(columns)]

    def line(cells) -> str:
        padded = [c.ljust(w) if i == 0 else c.rjust(w)
                  for i, (c, w) in enumerate(zip(cells, widths, strict=True))]
        return "| " + " | ".join(padded) + " |"

    rule = "|" + "|".join(
        ":" + "-" * (w + 1) if i == 0 else "-" * (w + 1) + ":" for i, w in enumerate(widths)
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


def header(size: int, dtype: np.dtype, repeat: int) -> str:
    """One line: machine, threads, OpenMP, NumPy version and what is measured."""
    openmp = "yes" if fastact.ufuncs.openmp_enabled() else "no"
    return (f"fastact {fastact.__version__} on {cpu_model()}, {os.cpu_count()} cores, "
            f"fastact threads {fastact.get_num_threads()}, OpenMP {openmp}, "
            f"NumPy {np.__version__}; {size:,} {dtype.name} elements, best of {repeat}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fastact",
        description="Time every fastact activation against fastact.reference and report "
                    "its largest error (in ULP) against it.")
    parser.add_argument("--size", type=int, default=1_000_000,
                        help="elements per array (default: %(default)s)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed calls per function; the best counts (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=None,
                        help="fastact.set_num_threads(N) before timing")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these activations (registry names)")
    args = parser.parse_args(argv)
    if args.size < 1 or args.repeat < 1:
        parser.error("--size and --repeat must be at least 1")
    if args.threads is not None and args.threads < 0:
        parser.error("--threads must be non-negative (0 restores the default)")
    unknown = sorted(set(args.only or ()) - set(registry.names()) - set(registry.rowwise_names()))
    if unknown:
        parser.error(f"unknown activation(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(registry.names())}")
    return args


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["bench"]:
        from fastact import _bench

        return _bench.main(argv[1:])
    if argv[:1] == ["check"]:
        from fastact import _check

        return _check.main(argv[1:])
    args = parse_args(argv)
    if args.threads is not None:
        fastact.set_num_threads(args.threads)
    dtype = np.dtype(args.dtype)
    x = make_input(args.size, dtype)
    print(header(args.size, dtype, args.repeat), end="\n\n", flush=True)
    rows = [measure(case, x, args.repeat) for case in cases(args.only)]
    rows += [measure_rowwise(name, x, args.repeat) for name in registry.rowwise_names()
             if not args.only or name in args.only]
    print(markdown_table(rows))
    if dtype == np.float64:
        print("\nfloat64: the reference computes in long double; near the zeros of silu', "
              "swish', mish' and gelu' its own derivative error grows (see fastact.reference), "
              "so a grad ULP above 8 there is the reference's, not fastact's; the tests check "
              "fastact against mpmath at those points.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
