"""``python -m fastact``: time and check every activation against the NumPy reference.

Prints one header line describing the machine and the thread count, then a
Markdown table with one row per activation in ``fastact.registry`` (gelu once per
``approximate`` choice) and per row-wise function: nanoseconds per element for
fastact, for ``fastact.reference`` (NumPy) and, where installed, PyTorch and JAX;
the speed-up over NumPy; the largest error of the forward value and of the
derivative against the reference, in ULP of the working dtype. A legend of the
columns and a summary (worst errors against the contract, faster on n of m)
close it; progress goes to stderr while it runs.

Timing is the best of ``--repeat`` batches of calls of ``f(x)`` (a fresh output
array each call, as a user would call it), measured with ``time.perf_counter``.
The input is drawn uniformly from [-10, 10] with a fixed seed; its last elements
are replaced by tail values (``fastact._report.TAILS``) where naive formulas lose
their digits.

    python -m fastact                          # 1M float32 elements, one thread
    python -m fastact --dtype float64 --only sigmoid gelu --threads 0 --json out.json

``python -m fastact bench ...`` compares fastact with its peers instead
(NumPy, SciPy, numexpr, PyTorch, JAX): see ``fastact._bench``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys

import numpy as np

import fastact
from fastact import _peers, reference, registry
from fastact._report import best_time, cpu_model, make_input, markdown_table
from fastact._ulp import worst
from fastact.registry import Case

COLUMNS = ("name", "fastact ns/el", "reference ns/el", "speed-up", "max fwd ULP",
           "max grad ULP", "torch ns/el", "jax ns/el")
LEGEND = """Columns:
  name             the function as called (row-wise ones along rows of {row})
  fastact ns/el    fastact's time per element: f(x), a fresh output each call, best of {repeat}
  reference ns/el  the same call in fastact.reference (NumPy, computing in higher precision)
  speed-up         reference time over fastact time
  max fwd ULP      largest error of f(x) against the reference, in units in the last place
  max grad ULP     the same for f'(x) (row-wise: their backward)
  torch, jax ns/el the same call in PyTorch and JAX where installed (- where absent)"""

DEFAULT_SIZE = 1 << 20
DEFAULT_THREADS = 1


def cases(only: list[str] | None = None) -> list[Case]:
    """The rows, in registry order: one per activation, one per selector choice; aliases
    given in ``only`` get their own rows."""
    if not only:
        return registry.cases()
    return registry.cases([n for n in registry.names(include_aliases=True) if n in only])


def peer_times(case: Case, x: np.ndarray, repeat: int) -> tuple[str, str]:
    """PyTorch's and JAX's forward ns/el for ``case``, or "-" where absent."""
    times = []
    for maker in (_peers.torch_peer, _peers.jax_peer):
        run = maker(case, "forward", x, x)
        if run is None:
            times.append("-")
            continue
        run()  # JAX compiles on the first call
        times.append(f"{best_time(run, repeat) * 1e9 / max(x.size, 1):.2f}")
    return times[0], times[1]


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
        *peer_times(case, x, repeat),
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
    b_fast, b_ref = fast.backward(g, rows, *params), ref.backward(g, rows, *params)
    t_fast = best_time(lambda: fast(rows, *params), repeat)
    t_ref = best_time(lambda: ref(rows, *params), repeat)
    ns = 1e9 / max(rows.size, 1)
    peers = _peers.rowwise_peers(name, "forward", rows)
    times = []
    for peer in ("torch", "jax"):
        if peer in peers:
            peers[peer]()
            times.append(f"{best_time(peers[peer], repeat) * ns:.2f}")
        else:
            times.append("-")
    return (
        f"{name}(rows of {n})",
        f"{t_fast * ns:.2f}",
        f"{t_ref * ns:.2f}",
        f"{t_ref / t_fast:.1f}x" if t_fast > 0 else "-",
        _ulp(worst(y_fast, y_ref, rows.dtype, y_ref)[0]),
        _ulp(worst(b_fast, b_ref, rows.dtype, b_ref)[0]),
        *times,
    )


def _ulp(err: float) -> str:
    return f"{err:.3g}" if err >= 1000 else f"{err:.1f}"


def header(size: int, dtype: np.dtype, repeat: int) -> str:
    """One line: machine, threads, OpenMP, NumPy version and what is measured."""
    openmp = "yes" if fastact.ufuncs.openmp_enabled() else "no"
    return (f"fastact {fastact.__version__} on {cpu_model()}, {os.cpu_count()} cores, "
            f"{fastact.get_num_threads()} thread(s) for fastact and its peers, OpenMP {openmp}, "
            f"NumPy {np.__version__}; {size:,} {dtype.name} elements, best of {repeat}")


def summary(rows: list[tuple[str, ...]], dtype: np.dtype) -> str:
    """Worst errors against the contract, and how often fastact is the faster."""
    def number(text: str) -> float:
        return float(text.rstrip("x")) if text not in ("-", "") else float("nan")

    fwd = max(rows, key=lambda r: number(r[4]))
    grad = max(rows, key=lambda r: number(r[5]))
    lines = [f"Summary: worst error against the reference {fwd[4]} ULP forward ({fwd[0]}) and "
             f"{grad[5]} ULP for the derivative or backward ({grad[0]}); the contract is 4 and "
             f"8 ULP" + (" (float64's reference loses digits near the zeros of f': see below)"
                         if dtype == np.float64 else "") + "."]
    for column, peer in ((2, "NumPy (fastact.reference)"), (6, "PyTorch"), (7, "JAX")):
        pairs = [(number(r[1]), number(r[column])) for r in rows if r[column] != "-"]
        if pairs:
            faster = sum(fast < other for fast, other in pairs)
            lines.append(f"  faster than {peer} on {faster} of {len(pairs)} functions")
        else:
            lines.append(f"  {peer}: not installed")
    return "\n".join(lines)


def progress(done: int, total: int, label: str) -> None:
    """A one-line progress bar on stderr, where stderr is a terminal."""
    if not sys.stderr.isatty():
        return
    width = 30
    filled = width * done // max(total, 1)
    end = "\n" if done == total else ""
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} "
                     f"{label:<40.40}{end}")
    sys.stderr.flush()


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
    parser.add_argument("--size", type=int, default=DEFAULT_SIZE,
                        help="elements per array (default: %(default)s)")
    parser.add_argument("--dtype", choices=("float32", "float64"), default="float32")
    parser.add_argument("--repeat", type=int, default=5,
                        help="timed calls per function; the best counts (default: %(default)s)")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS,
                        help="threads for fastact, PyTorch and JAX (default: %(default)s, "
                             "for steady numbers; 0: fastact's default, every core)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these activations (names, aliases, row-wise names)")
    parser.add_argument("--json", metavar="FILE",
                        help="also write the rows, with the header, to FILE as JSON")
    args = parser.parse_args(argv)
    if args.size < 1 or args.repeat < 1:
        parser.error("--size and --repeat must be at least 1")
    if args.threads is not None and args.threads < 0:
        parser.error("--threads must be non-negative (0 restores the default)")
    known = registry.names(include_aliases=True) + registry.rowwise_names()
    unknown = sorted(set(args.only or ()) - set(known))
    if unknown:
        parser.error(f"unknown activation(s) {', '.join(unknown)}; "
                     f"choose from {', '.join(known)}")
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
    _peers.set_threads(args.threads or None)
    dtype = np.dtype(args.dtype)
    x = make_input(args.size, dtype, tails=True)
    top = header(args.size, dtype, args.repeat)
    print(top, end="\n\n", flush=True)
    todo = [(case.label, lambda c=case: measure(c, x, args.repeat)) for case in cases(args.only)]
    todo += [(name, lambda n=name: measure_rowwise(n, x, args.repeat))
             for name in registry.rowwise_names() if not args.only or name in args.only]
    rows = []
    for done, (label, run) in enumerate(todo):
        progress(done, len(todo), label)
        rows.append(run())
    progress(len(todo), len(todo), "done")
    print(markdown_table(rows, COLUMNS))
    print()
    print(LEGEND.format(row=ROW_LENGTH, repeat=args.repeat))
    print()
    print(summary(rows, dtype))
    if dtype == np.float64:
        print("\nfloat64: the reference computes in long double; near the zeros of silu', "
              "swish', mish' and gelu' its own derivative error grows (see fastact.reference), "
              "so a grad ULP above 8 there is the reference's, not fastact's; the tests check "
              "fastact against mpmath at those points.")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"header": top, "columns": list(COLUMNS),
                       "rows": [dict(zip(COLUMNS, r, strict=True)) for r in rows]}, f, indent=1)
    return 0


if __name__ == "__main__":
    try:
        raise SystemExit(main())
    except BrokenPipeError:  # the reader left (python -m fastact list | head): quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        raise SystemExit(1) from None
