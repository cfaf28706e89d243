"""``python -m fastact bench``: fastact against its peers, as one table per size, dtype and op.

For every activation (and the row-wise functions, forward and backward, on rows
of ``ROW_LENGTH``): nanoseconds per element for fastact, then fastact's time as a
fraction of each installed peer's (NumPy reference, SciPy, numexpr, PyTorch, JAX;
``0.25`` means fastact takes a quarter of the peer's time), the fraction of
the fastest peer, and the share of the memory roofline fastact reaches.

The roofline is the time to move the operation's bytes (inputs read, outputs
written) at the copy bandwidth measured in the same run, with as many threads
as fastact uses; fastact's roofline share is timed with ``out=`` (no page
faults from a fresh output), every other column with plain calls, as a user
would make them. Times are the best of ``--repeat`` batches.

    python -m fastact bench                                  # 1M float32, every op
    python -m fastact bench --threads 1 --sizes 1K 1M 16M --dtypes float32 float64

It also prints the cost of a call on 16 elements against np.exp, and, with more
than one thread, each activation's speed-up from 1 thread to all of them.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import functools
import json
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

import fastact
from fastact import _peers, registry
from fastact._config import config as fastact_config
from fastact._report import best_time, cpu_model, make_input, markdown_table
from fastact.registry import Case

SIZES = {"1K": 1 << 10, "64K": 1 << 16, "1M": 1 << 20, "16M": 1 << 24}
ROW_LENGTH = 1024
ARRAYS_MOVED = {"forward": 2, "value_and_grad": 3, "backward": 3}
"""Arrays of the input's size each operation reads or writes."""


def copy_bandwidth(nbytes: int, threads: int, repeat: int) -> float:
    """Bytes per second moved (read + written) by copying an array of nbytes, split among
    ``threads`` Python threads (NumPy releases the GIL while copying)."""
    src = np.ones(nbytes // 8)
    dst = np.empty_like(src)
    parts = np.array_split(np.arange(src.size), max(threads, 1))
    bounds = [(p[0], p[-1] + 1) for p in parts if p.size]
    with concurrent.futures.ThreadPoolExecutor(len(bounds)) as pool:

        def copy() -> None:
            list(pool.map(lambda b: np.copyto(dst[b[0]:b[1]], src[b[0]:b[1]]), bounds))

        seconds = best_time(copy, repeat)
    return 2 * src.nbytes / seconds


def _same(got: Any, want: Any) -> bool:
    """A sanity check that a peer computes the same function (not an accuracy test).

    Compares the outputs both have (fastact's prelu backward also returns grad_alpha),
    and allows one element in 10^5 to differ: at a kink (hard_sigmoid' at exactly 3)
    a peer may take the other one-sided derivative.
    """
    got = got if isinstance(got, tuple) else (got,)
    want = want if isinstance(want, tuple) else (want,)
    for a, b in zip(got, want, strict=False):
        a = _peers.to_numpy(a)
        close = np.isclose(a, b, rtol=1e-3, atol=1e-4, equal_nan=True)
        if np.count_nonzero(~close) > 1e-5 * close.size:
            return False
    return True


def _fastact_out(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Callable[[], Any]:
    """fastact with preallocated outputs, for the roofline column."""
    f = getattr(fastact, case.name)
    a, b = np.empty_like(x), np.empty_like(x)
    if op == "forward":
        return lambda: f(x, out=a, **case.kwargs)
    if op == "value_and_grad":
        return lambda: f.value_and_grad(x, out=(a, b), **case.kwargs)
    if case.name == "prelu":
        return lambda: f.backward(g, x, out=(a, np.empty_like(np.asarray(case.kwargs["alpha"]))),
                                  **case.kwargs)
    return lambda: f.backward(g, x, out=a, **case.kwargs)


def measure(case: Case, op: str, x: np.ndarray, g: np.ndarray, repeat: int,
            bandwidth: float) -> tuple[dict[str, float], float, set[str]]:
    """(seconds per call for each implementation, roofline share, peers that disagree)."""
    times, wrong = {}, set()
    want = None
    for impl, make in _peers.PEERS.items():
        run = make(case, op, x, g)
        if run is None:
            continue
        result = run()
        if impl == "fastact":
            want = tuple(_peers.to_numpy(r) for r in (result if isinstance(result, tuple)
                                                      else (result,)))
        elif not _same(result, want):
            wrong.add(impl)
        times[impl] = best_time(run, repeat)
    moved = ARRAYS_MOVED[op] * x.nbytes
    with_out = best_time(_fastact_out(case, op, x, g), repeat)
    return times, moved / bandwidth / with_out, wrong


def measure_rowwise(name: str, op: str, x: np.ndarray, repeat: int) -> dict[str, float]:
    """Seconds per call of ``op`` (forward or backward) on rows of ROW_LENGTH for fastact
    and its row-wise peers."""
    rows = x[: x.size // ROW_LENGTH * ROW_LENGTH].reshape(-1, ROW_LENGTH)
    runs = _peers.rowwise_peers(name, op, rows)
    return {impl: best_time(run, repeat) for impl, run in runs.items()}


def _ratio(fast: float, peer: float | None) -> str:
    return "-" if peer is None else f"{fast / peer:.2f}"


def run_table(size: int, dtype: np.dtype, op: str, only: list[str] | None, repeat: int,
              threads: int) -> str:
    """The Markdown table for one size, dtype and operation, under a heading line."""
    x = make_input(size, dtype)
    bandwidth = copy_bandwidth(x.nbytes, threads, repeat)
    g = np.resize(np.linspace(-1.0, 1.0, 7, dtype=dtype), x.shape)
    peers = [p for p in _peers.PEERS if p != "fastact"]
    columns = ["function", "fastact ns/el", *(f"/ {p}" for p in peers), "/ fastest peer",
               "% roofline"]
    rows, notes = [], []
    for case in _peers.cases(only):
        times, roofline, wrong = measure(case, op, x, g, repeat, bandwidth)
        fast = times["fastact"]
        peer_times = [times[p] for p in peers if p in times and p not in wrong]
        rows.append([case.label, f"{fast * 1e9 / size:.2f}",
                     *(_ratio(fast, times.get(p)) + ("?" if p in wrong else "") for p in peers),
                     _ratio(fast, min(peer_times, default=None)), f"{100 * roofline:.0f}"])
        record(case.label, size, dtype, op, times, wrong, roofline)
        notes += [f"{case.label}: {p} disagrees with fastact (left out of the fastest)"
                  for p in sorted(wrong)]
    if op in ("forward", "backward"):
        for name in registry.rowwise_names():
            if only and name not in only:
                continue
            times = measure_rowwise(name, op, x, repeat)
            record(f"{name} (rows of {ROW_LENGTH})", size, dtype, op, times, set(), None)
            fast = times["fastact"]
            rows.append([f"{name} (rows of {ROW_LENGTH})", f"{fast * 1e9 / size:.2f}",
                         *(_ratio(fast, times.get(p)) for p in peers),
                         _ratio(fast, min((t for p, t in times.items() if p != "fastact"),
                                          default=None)), "-"])
    heading = (f"### {op}, {size:,} {dtype.name} elements "
               f"(copy bandwidth {bandwidth / 1e9:.1f} GB/s)\n\n")
    if not rows:  # e.g. --only softmax with --ops value_and_grad: row-wise ones have none
        return heading + f"(none of the functions selected is timed for {op})"
    return heading + markdown_table(rows, columns) + ("\n\n" + "\n".join(notes) if notes else "")


RESULTS: list[dict[str, Any]] = []
"""Every measurement of this run, for --json."""


def record(label: str, size: int, dtype: np.dtype, op: str, times: dict[str, float],
           wrong: set[str], roofline: float | None) -> None:
    """Keep one row's times (seconds per call) for --json; peers that disagree are left out."""
    RESULTS.append({"function": label, "size": size, "dtype": dtype.name, "op": op,
                    "ns_per_element": {k: v * 1e9 / size for k, v in times.items()
                                       if k not in wrong},
                    "roofline": roofline})


def call_overhead(repeat: int) -> str:
    """fastact.sigmoid and np.exp on 16 float32 elements: the cost of a call."""
    x = make_input(16, np.dtype("float32"))
    # partial, not lambda: a lambda's own call would be a fair share of what is timed
    fast = best_time(functools.partial(fastact.sigmoid, x), repeat)
    ufunc = best_time(functools.partial(fastact.ufuncs.sigmoid, x), repeat)
    exp = best_time(functools.partial(np.exp, x), repeat)
    return (f"Call overhead, 16 float32 elements: fastact.sigmoid {fast * 1e9:.0f} ns, "
            f"its raw ufunc fastact.ufuncs.sigmoid {ufunc * 1e9:.0f} ns, np.exp "
            f"{exp * 1e9:.0f} ns ({fast / exp:.1f}x and {ufunc / exp:.1f}x np.exp).")


def thread_scaling(size: int, threads: int, only: list[str] | None, repeat: int) -> str:
    """Forward time on 1 thread over time on ``threads``, float32, per activation."""
    x = make_input(size, np.dtype("float32"))
    rows = []
    for case in _peers.cases(only):
        f = getattr(fastact, case.name)
        out = np.empty_like(x)
        timed = {}
        for n in (1, threads):
            fastact.set_num_threads(n)
            timed[n] = best_time(lambda f=f, out=out, case=case: f(x, out=out, **case.kwargs),
                                 repeat)
        rows.append([case.label, f"{timed[1] * 1e9 / size:.2f}",
                     f"{timed[threads] * 1e9 / size:.2f}", f"{timed[1] / timed[threads]:.2f}"])
    fastact.set_num_threads(threads)
    return (f"### threads: forward, {size:,} float32 elements, out= given\n\n"
            + markdown_table(rows, ["function", "1 thread ns/el", f"{threads} threads ns/el",
                                    "speed-up"]))


def header(threads: int, repeat: int) -> str:
    """Machine, dispatch level, threads, versions of fastact and every peer."""
    config = fastact_config()
    versions = [f"NumPy {np.__version__}"]
    for label, module in (("SciPy", "scipy"), ("numexpr", "numexpr"), ("PyTorch", "torch"),
                          ("JAX", "jax")):
        mod = _peers.optional(module)
        versions.append(f"{label} {mod.__version__}" if mod else f"{label} not installed")
    return (f"fastact {fastact.__version__} ({config['dispatch']} kernels) on {cpu_model()}, "
            f"{threads} thread(s) for every implementation; {', '.join(versions)}; "
            f"best of {repeat}.\n"
            "Columns '/ peer': fastact's time divided by the peer's (below 1: fastact faster).")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fastact bench",
        description="Time fastact against NumPy (fastact.reference), SciPy, numexpr, "
                    "PyTorch and JAX, whichever are installed.")
    parser.add_argument("--threads", type=int, default=None,
                        help="threads for fastact, numexpr, PyTorch and JAX (default: fastact's)")
    parser.add_argument("--sizes", nargs="+", default=["1M"], choices=list(SIZES))
    parser.add_argument("--dtypes", nargs="+", default=["float32"],
                        choices=["float32", "float64"])
    parser.add_argument("--ops", nargs="+", default=list(_peers.OPS), choices=_peers.OPS)
    parser.add_argument("--only", nargs="+", metavar="NAME", help="only these activations")
    parser.add_argument("--repeat", type=int, default=5, help="timed batches; the best counts")
    parser.add_argument("--json", metavar="FILE",
                        help="also write every measurement, with the machine and the peers' "
                             "versions, to FILE (tools/gen_speed_table.py turns it into "
                             "docs/speed.md and the README's table)")
    args = parser.parse_args(argv)
    if args.threads is not None and args.threads < 0:
        parser.error("--threads must be non-negative (0: fastact's default)")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    known = set(registry.names()) | set(registry.rowwise_names())
    unknown = sorted(set(args.only or ()) - known)
    if unknown:
        parser.error(f"unknown activation(s) {', '.join(unknown)}")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    _peers.set_threads(args.threads)
    threads = fastact.get_num_threads()
    print(header(threads, args.repeat), flush=True)
    print(call_overhead(args.repeat), flush=True)
    for label in args.sizes:
        for dtype in args.dtypes:
            for op in args.ops:
                print("\n" + run_table(SIZES[label], np.dtype(dtype), op, args.only,
                                       args.repeat, threads), flush=True)
    if threads > 1:
        print("\n" + thread_scaling(SIZES[args.sizes[-1]], threads, args.only, args.repeat))
    if args.json:
        write_json(args, argv, threads)
    return 0


def write_json(args: argparse.Namespace, argv: list[str] | None, threads: int) -> None:
    """The run's measurements, machine and versions as JSON."""
    versions = {"fastact": fastact.__version__, "numpy": np.__version__}
    for module in ("scipy", "numexpr", "torch", "jax"):
        mod = _peers.optional(module)
        versions[module] = mod.__version__ if mod else None
    given = sys.argv[1:] if argv is None else argv
    with open(args.json, "w", encoding="utf-8") as fh:
        json.dump({"command": " ".join(["python -m fastact bench", *given]),
                   "date": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
                   "machine": cpu_model(), "dispatch": fastact_config()["dispatch"],
                   "threads": threads, "repeat": args.repeat, "versions": versions,
                   "results": RESULTS}, fh, indent=1)
