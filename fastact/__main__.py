"""``python -m fastact``: time and check every activation against the NumPy reference.

Prints one header line describing the machine, then a Markdown table with one
row per activation in ``fastact.registry`` (gelu once per ``approximate``
choice): nanoseconds per element for fastact and for ``fastact.reference``,
the speed-up, and the largest error of the forward value and of the derivative
against the reference, in ULP of the working dtype.

Timing is the best of ``--repeat`` batches of calls of ``f(x)`` (a fresh output
array each call, as a user would call it), measured with ``time.perf_counter``.
The input is drawn uniformly from [-10, 10] with a fixed seed; its last elements
are replaced by tail values (``fastact._report.TAILS``) where naive formulas lose
their digits.

    python -m fastact                          # 1M float32 elements
    python -m fastact --dtype float64 --only sigmoid gelu --threads 1

``python -m fastact bench ...`` compares fastact with its peers instead
(NumPy, SciPy, numexpr, PyTorch, JAX): see ``fastact._bench``.
"""

from __future__ import annotations

import argparse
import os
import sys

import numpy as np

import fastact
from fastact import reference, registry
from fastact._report import best_time, cpu_model, make_input, markdown_table
from fastact._ulp import worst
from fastact.registry import Case

COLUMNS = ("name", "fastact ns/el", "reference ns/el", "speed-up", "max fwd ULP",
           "max grad ULP")


def cases(only: list[str] | None = None) -> list[Case]:
    """The rows, in registry order: one per activation, one per selector choice."""
    return registry.cases([n for n in registry.names() if not only or n in only])


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


def header(size: int, dtype: np.dtype, repeat: int) -> str:
    """One line: machine, threads, OpenMP, NumPy version and what is measured."""
    openmp = "yes" if fastact.ufuncs.openmp_enabled() else "no"
    return (f"fastact {fastact.__version__} on {cpu_model()}, {os.cpu_count()} cores, "
            f"fastact threads {fastact.get_num_threads()}, OpenMP {openmp}, "
            f"NumPy {np.__version__}; {size:,} {dtype.name} elements, best of {repeat}")


SUBCOMMANDS = """subcommands (each with its own --help):
  python -m fastact bench ...   fastact against NumPy, SciPy, numexpr, PyTorch and JAX
  python -m fastact check ...   float32 accuracy against the contract, strided or exhaustive
  python -m fastact plot ...    the activations and their derivatives drawn to a file
  python -m fastact list        every function with its parameters and range
  python -m fastact info NAME   one function: formula, notes, accuracy and speed
  python -m fastact guide [TASK]  which activations suit which task, and why
  python -m fastact gradient-flow   how much of a gradient survives N layers of each"""


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fastact",
        description="Time every fastact activation against fastact.reference and report "
                    "its largest error (in ULP) against it.",
        epilog=SUBCOMMANDS, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action="version",
                        version=f"fastact {fastact.__version__}")
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
    if argv[:1] and argv[0] in ("list", "info", "guide"):
        from fastact import _describe

        return _describe.main(argv[0], argv[1:])
    if argv[:1] == ["gradient-flow"]:
        from fastact import _gradient_flow

        return _gradient_flow.main(argv[1:])
    if argv[:1] == ["plot"]:
        from fastact import _plot_command

        return _plot_command.main(argv[1:])
    args = parse_args(argv)
    if args.threads is not None:
        fastact.set_num_threads(args.threads)
    dtype = np.dtype(args.dtype)
    x = make_input(args.size, dtype, tails=True)
    print(header(args.size, dtype, args.repeat), end="\n\n", flush=True)
    rows = [measure(case, x, args.repeat) for case in cases(args.only)]
    rows += [measure_rowwise(name, x, args.repeat) for name in registry.rowwise_names()
             if not args.only or name in args.only]
    print(markdown_table(rows, COLUMNS))
    if dtype == np.float64:
        print("\nfloat64: the reference computes in long double; near the zeros of silu', "
              "swish', mish' and gelu' its own derivative error grows (see fastact.reference), "
              "so a grad ULP above 8 there is the reference's, not fastact's; the tests check "
              "fastact against mpmath at those points.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
