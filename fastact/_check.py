"""``python -m fastact check``: the float32 accuracy of every elementwise activation.

Every activation in ``fastact.registry`` (gelu once per ``approximate``
choice), with its registry example parameters, runs its float32 kernels on
float32 inputs x and is compared with its float64 kernels on the same inputs
widened to float64, with the float32-rounded parameters passed as float64, so
that both compute the same mathematical function. The float64 kernels are
checked against mpmath by the test suite; their error (about 1e-16 relative)
is negligible at float32's scale.

Operations:

- ``forward``: f(x); ``grad``: f'(x).
- ``value_and_grad``: both outputs held to the forward and grad bounds, and
  required to equal ``f(x)`` and ``f.grad(x)`` bitwise (NaN payloads aside);
  elements that differ are counted as "not bitwise".
- ``backward``: g f'(x), with ``g = grad_out(bits of x)``, a float32 drawn from
  the input's bits by an integer hash: both signs, magnitudes in [2^-4, 2^4).
- ``backward_from_output``: g f'(x) from y, where y is the float32 forward
  result and the truth is the float64 ``backward_from_output`` at y widened;
  elements where y is not finite are skipped.

Errors are in ULP of float32 relative to the float64 truth, the measure of
``fastact._ulp`` (``ulp_error_f32`` computes the same numbers in float64
from the truth's exponent bits, some fifty times faster than its long double).
The bounds are ``BOUNDS``, per operation, with per-function exceptions in
``BOUND_OVERRIDES``; the exit status is 1 when any result lies outside them,
else 0.

Inputs are float32 bit patterns: ``--exhaustive`` takes all 2^32, otherwise
every ``--stride``-th one (x = k * stride) plus the special values
``SPECIALS``. The patterns are cut into chunks, spread over ``--jobs`` worker
processes (started with "spawn", one fastact thread each); ``--state FILE``
records the finished chunks and the running maxima after every chunk, so a
killed run continues where it stopped. The report ends with the time an
exhaustive run would take, projected from the time spent per input and function.
With ``--peers``, the float32 forward of fastact's NumPy reference formulas, and of
PyTorch and JAX where installed, is measured against the same truth (for information;
it does not set the exit status).

    python -m fastact check                           # strided, about a minute on 2 cores
    python -m fastact check --only sigmoid gelu --ops forward grad
    python -m fastact check --exhaustive --state check.json --json result.json
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import signal
import sys
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

import numpy as np

import fastact
from fastact import _peers, registry
from fastact._report import cpu_model, markdown_table
from fastact.registry import Case

OPS = ("forward", "grad", "value_and_grad", "backward", "backward_from_output")

BOUNDS: dict[str, float] = {
    "forward": 4,
    "grad": 8,
    "backward": 8,
    "backward_from_output": 8,
}
"""The contract, in ULP of float32, per operation; value_and_grad's value is held to the
forward bound and its derivative to the grad bound."""

CONTRACT_FILE = os.path.join(os.path.dirname(__file__), "float32_contract.json")
"""The contract each function reaches: its exhaustively measured maxima, rounded up to the
next half ULP (``tools/gen_accuracy_table.py --contract`` writes it from an exhaustive run)."""


def _measured_bounds() -> dict[str, dict[str, float]]:
    try:
        with open(CONTRACT_FILE, encoding="utf-8") as fh:
            return json.load(fh)["bounds"]
    except FileNotFoundError:
        return {}


BOUND_OVERRIDES: dict[str, dict[str, float]] = _measured_bounds()
"""Per-function bounds tighter than ``BOUNDS``: case key (``sigmoid``, ``gelu-none``) ->
{op: bound}, from ``CONTRACT_FILE``."""

DEFAULT_STRIDE = 31
"""Every 31st bit pattern (139 million inputs): about a minute for every function and
operation with 2 jobs on 2 cores. A prime, so that the samples cover every residue of
the low mantissa bits."""
CHUNK = 1 << 22
"""Bit patterns per chunk: the unit of work handed to a worker and recorded in ``--state``."""
BLOCK = 1 << 16
"""Elements computed at once inside a chunk (its working arrays take a few MB)."""
PATTERNS = 1 << 32

SPECIALS = (0x00000000, 0x80000000, 0x7F800000, 0xFF800000, 0x7FC00000, 0x7F7FFFFF,
            0xFF7FFFFF, 0x00000001, 0x80000001, 0x00800000, 0x80800000)
"""+-0, +-inf, NaN, +-FLT_MAX, +-smallest subnormal, +-FLT_MIN (float32 bits), always in a
strided run."""

STATE_FORMAT = "fastact check state 1"
SETUP = "(inputs)"
"""The timing entry of making the inputs, shared by every function."""

_EXPONENT = np.uint64(0x7FF0_0000_0000_0000)
_F32_EDGE = float(np.finfo(np.float32).max) * (1 + 2.0 ** -24)  # rounds to inf at or beyond
_F32_STEP_MIN = 2.0 ** -149


# ---- the measure -----------------------------------------------------------------------


def ulp_error_f32(actual, truth, out: np.ndarray | None = None,
                  scratch: np.ndarray | None = None) -> np.ndarray:
    """|actual - truth| in ULP of float32 at the float64 ``truth``: fastact._ulp's measure.

    The step is 2^(floor(log2|truth|) - 23), at least 2^-149 (a true 0 measures
    any nonzero result in subnormal steps); NaN against NaN and equal
    infinities count 0, a NaN or an infinity against anything else counts inf,
    and a truth that rounds beyond FLT_MAX counts as an infinity. ``actual`` is
    float32 (or anything that widens exactly to float64). ``out`` and
    ``scratch``, float64 arrays of the result's shape, avoid allocations.

    >>> ulp_error_f32(np.float32([1.0, 0.0, np.inf]), np.array([1.0 + 2.0 ** -22, 0.0, 1e300]))
    array([2., 0., 0.])
    """
    truth = np.ascontiguousarray(truth, dtype=np.float64)
    actual = np.asarray(actual)
    if out is None:
        out = np.empty(np.broadcast_shapes(actual.shape, truth.shape))
    if scratch is None:
        scratch = np.empty(truth.shape)
    with np.errstate(all="ignore"):
        np.subtract(actual, truth, out=out)
        np.abs(out, out=out)
        step = scratch
        # 2^floor(log2|t|) is t with its sign and mantissa cleared (0 for t = 0 and for
        # float64 subnormals, which the lower bound then replaces)
        np.bitwise_and(truth.view(np.uint64), _EXPONENT, out=step.view(np.uint64))
        np.multiply(step, 2.0 ** -23, out=step)
        np.maximum(step, _F32_STEP_MIN, out=step)
        np.divide(out, step, out=out)
        if out.size and step.max() >= 2.0 ** 104:  # a truth at 2^127 or beyond, inf or NaN
            over = np.flatnonzero(np.abs(truth) >= _F32_EDGE)
            if over.size:
                a = np.broadcast_to(actual, out.shape).ravel()[over]
                same = a == np.copysign(np.inf, truth.ravel()[over])
                out.ravel()[over] = np.where(same, 0.0, np.inf)
        if out.size and np.isnan(out.max()):
            bad = np.flatnonzero(np.isnan(out))
            a = np.broadcast_to(actual, out.shape).ravel()[bad]
            t = truth.ravel()[bad]
            out.ravel()[bad] = np.where(np.isnan(a) & np.isnan(t), 0.0, np.inf)
    return out


def grad_out(bits: np.ndarray) -> np.ndarray:
    """The float32 g that backward is checked with at the input with these float32 bits.

    An integer hash of the bits gives the sign, a power of two in [2^-4, 2^3]
    and 23 mantissa bits: |g| in [2^-4, 2^4), reproducible from x alone.

    >>> g = grad_out(np.arange(100_000, dtype=np.uint32))
    >>> bool((np.abs(g) >= 2.0 ** -4).all() and (np.abs(g) < 16).all() and (g < 0).any())
    True
    """
    h = np.array(bits, dtype=np.uint32, ndmin=1)
    np.multiply(h, np.uint32(0x9E3779B1), out=h)
    h ^= h >> np.uint32(16)
    np.multiply(h, np.uint32(0x85EBCA6B), out=h)
    h ^= h >> np.uint32(13)
    exponent = ((h >> np.uint32(23)) & np.uint32(7)) + np.uint32(127 - 4)
    h &= np.uint32(0x807FFFFF)
    h |= exponent << np.uint32(23)
    return h.view(np.float32).reshape(np.shape(bits))


def bound(key: str, op: str) -> float:
    """The contract for one function (case key) and operation, in ULP."""
    return BOUND_OVERRIDES.get(key, {}).get(op, BOUNDS[op])


# ---- what is checked -------------------------------------------------------------------


def cases(only: Iterable[str] | None = None) -> list[Case]:
    """The checked functions in registry order, gelu once per ``approximate`` choice.

    ``only`` takes registry names, aliases and case keys (``gelu-none``); the
    parameters are each record's ``example_params()``.
    """
    only = list(only or ())
    names = registry.names() + [a for a in only if a in registry.ALIASES]
    return [c for c in registry.cases(names) if not only or c.name in only or c.key in only]


def known_names() -> list[str]:
    """Every name ``--only`` accepts."""
    keys = [c.key for c in cases()]
    return list(dict.fromkeys(registry.names(include_aliases=True) + keys))


def ops_of(case: Case, ops: Iterable[str]) -> tuple[str, ...]:
    """The operations in ``ops`` that the case's activation has."""
    record = registry.get(case.name)
    return tuple(op for op in ops if op != "backward_from_output" or record.has_from_output)


def params32(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """Keyword arguments for the float32 and the float64 calls: every parameter rounded to
    float32, the float64 side given the same values widened, plus the selector."""
    record = registry.get(case.name)
    values = {k: np.float32(v) for k, v in case.params().items()}
    kw32 = dict(values)
    kw64 = {k: np.float64(v) for k, v in values.items()}
    if record.selector:
        choice = case.kwargs.get(record.selector[0], record.selector[1])
        kw32[record.selector[0]] = kw64[record.selector[0]] = choice
    return kw32, kw64


# ---- peers (optional): their float32 forward against the same truth ------------------


def _jax_forward(case: Case) -> Any:
    """f(x) with jax.nn for the functions it has with the case's parameters, else None."""
    fn = _peers.jax_function(case)
    if fn is None:
        return None
    jnp = _peers.jax_module().numpy

    def forward(x: np.ndarray) -> np.ndarray:
        return np.asarray(fn(jnp.asarray(x)), dtype=np.float32)

    return forward


def _reference_forward(case: Case) -> Any:
    """f(x) by fastact.reference, NumPy's formulas (float32 computed in float64)."""
    from fastact import reference

    fn = getattr(reference, case.name)

    def forward(x: np.ndarray) -> np.ndarray:
        with np.errstate(all="ignore"):
            return np.asarray(fn(x, **case.kwargs), dtype=np.float32)

    return forward


def peer_forward(impl: str, case: Case) -> Any:
    """A float32 forward ``x -> y`` of ``case`` by fastact's NumPy reference formulas
    (``reference``), PyTorch (``torch``, as fastact._peers calls it) or JAX (``jax``), or
    None where the peer is absent or lacks the function."""
    if impl == "reference":
        return _reference_forward(case)
    if impl == "torch":
        if _peers.optional("torch") is None:
            return None
        probe = np.zeros(1, np.float32)
        if _peers.torch_peer(case, "forward", probe, probe) is None:
            return None

        def torch_forward(x):
            return _peers.to_numpy(_peers.torch_peer(case, "forward", x, x)())

        return torch_forward
    if impl == "jax":
        return _jax_forward(case)
    raise ValueError(f"unknown peer {impl!r}")


PEER_NAMES = ("reference", "torch", "jax")


# ---- results ---------------------------------------------------------------------------


@dataclass
class Tally:
    """The running result of one function and operation: the largest error, where it
    occurs (``ordinal`` orders the inputs, for a deterministic tie-break), how many
    results lie outside the bound (and how many of those have a true value below the
    normal range, where float32 itself holds fewer digits), how many were checked, and
    for value_and_grad how many differ from f and f.grad bitwise."""

    max_ulp: float = -1.0
    ordinal: int = -1
    bits: int = 0
    outside: int = 0
    checked: int = 0
    mismatches: int = 0
    outside_subnormal: int = 0

    def take(self, err: float, ordinal: int, bits: int) -> None:
        """Keep (err, ordinal, bits) if it is the worst so far (ties: smallest ordinal)."""
        if err > self.max_ulp or (err == self.max_ulp and ordinal < self.ordinal):
            self.max_ulp, self.ordinal, self.bits = err, ordinal, bits

    def merge(self, other: Tally) -> None:
        """Add another tally's inputs to this one."""
        if other.ordinal >= 0:
            self.take(other.max_ulp, other.ordinal, other.bits)
        self.outside += other.outside
        self.checked += other.checked
        self.mismatches += other.mismatches
        self.outside_subnormal += other.outside_subnormal

    def to_json(self) -> dict:
        """A JSON-ready dict (an infinite error as the string ``"inf"``)."""
        return {"max_ulp": _num(self.max_ulp), "ordinal": self.ordinal, "bits": self.bits,
                "outside": self.outside, "checked": self.checked,
                "mismatches": self.mismatches, "outside_subnormal": self.outside_subnormal}

    @classmethod
    def from_json(cls, d: dict) -> Tally:
        """The tally ``to_json`` wrote."""
        return cls(float(d["max_ulp"]), d["ordinal"], d["bits"], d["outside"], d["checked"],
                   d["mismatches"], d.get("outside_subnormal", 0))


def _num(v: float) -> float | str:
    return "inf" if v == np.inf else v


# ---- inputs ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Layout:
    """Which bit patterns a run checks and how they are cut into chunks."""

    stride: int = DEFAULT_STRIDE  # 1: exhaustive
    chunk: int = CHUNK
    block: int = BLOCK

    @property
    def exhaustive(self) -> bool:
        """Whether every bit pattern is checked."""
        return self.stride == 1

    @property
    def samples(self) -> int:
        """Bit patterns checked k * stride (the special values come on top)."""
        return -(-PATTERNS // self.stride)

    @property
    def chunks(self) -> int:
        """Number of chunks."""
        return -(-self.samples // self.chunk)

    @property
    def inputs(self) -> int:
        """Inputs per function, special values included."""
        return self.samples + (0 if self.exhaustive else len(SPECIALS))

    def describe(self) -> str:
        """``exhaustive`` or ``stride K``: what the state file must match."""
        return "exhaustive" if self.exhaustive else f"stride {self.stride}"

    def blocks(self, chunk: int) -> Iterator[tuple[int, np.ndarray]]:
        """(ordinal of the first input, uint32 bit patterns) for each block of a chunk."""
        end = min((chunk + 1) * self.chunk, self.samples)
        for lo in range(chunk * self.chunk, end, self.block):
            k = np.arange(lo, min(lo + self.block, end), dtype=np.int64)
            yield lo, (k * self.stride).astype(np.uint32)
        if chunk == 0 and not self.exhaustive:
            yield self.samples, np.array(SPECIALS, np.uint32)


# ---- the work of one chunk -------------------------------------------------------------


class _Buffers:
    """Working arrays of one block size, reused for every case and block."""

    def __init__(self, n: int):
        self.n = n
        f32 = ("x32", "g32", "y", "d", "v", "vd", "b", "bf")
        f64 = ("x64", "g64", "y64", "tf", "td", "tb", "tbf", "ef", "ed", "eb", "ebf", "ep", "s")
        for name in f32:
            setattr(self, name, np.empty(n, np.float32))
        for name in f64:
            setattr(self, name, np.empty(n))

    def view(self, n: int) -> dict[str, np.ndarray]:
        """The first n elements of every array."""
        return {k: v[:n] for k, v in self.__dict__.items() if isinstance(v, np.ndarray)}


def _block_max(err: np.ndarray) -> tuple[int, float]:
    i = int(np.argmax(err))
    return i, float(err[i])


_F32_TINY = float(np.finfo(np.float32).tiny)


def _add(tally: Tally, err: np.ndarray, at: tuple[int, float], base: int, bits: np.ndarray,
         limit: float, checked: int, truth: np.ndarray) -> None:
    i, e = at
    tally.take(e, base + i, int(bits[i]))
    tally.checked += checked
    if e > limit:
        _count_outside(tally, [(err, limit, truth)])


def _count_outside(tally: Tally, parts: list[tuple[np.ndarray, float, np.ndarray]]) -> None:
    """Count the elements where any (err, limit, truth) of ``parts`` has err > limit."""
    outside = np.zeros(parts[0][0].shape, bool)
    subnormal = np.zeros_like(outside)
    for err, limit, truth in parts:
        beyond = err > limit
        outside |= beyond
        subnormal |= beyond & (np.abs(truth) < _F32_TINY)
    tally.outside += int(np.count_nonzero(outside))
    tally.outside_subnormal += int(np.count_nonzero(subnormal))


def _differ(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Where two float32 arrays differ bitwise, NaN against NaN counting as equal."""
    ne = a.view(np.uint32) != b.view(np.uint32)
    if ne.any():
        ne &= ~(np.isnan(a) & np.isnan(b))
    return ne


def _check_block(case: Case, ops: tuple[str, ...], buf: dict, base: int, bits: np.ndarray,
                 tallies: dict[str, Tally]) -> None:
    f = getattr(fastact, case.name)
    kw32, kw64 = params32(case)
    key = case.key
    n = bits.size
    x32, x64, g32, g64 = buf["x32"], buf["x64"], buf["g32"], buf["g64"]
    need_f = any(op in ("forward", "value_and_grad", "backward_from_output")
                 or op.startswith("forward/") for op in ops)
    need_d = bool({"grad", "value_and_grad"} & set(ops))
    if need_f and need_d:
        f.value_and_grad(x64, out=(buf["tf"], buf["td"]), **kw64)
    elif need_f:
        f(x64, out=buf["tf"], **kw64)
    elif need_d:
        f.grad(x64, out=buf["td"], **kw64)
    if need_f:
        y = f(x32, out=buf["y"], **kw32)
        ef = ulp_error_f32(y, buf["tf"], out=buf["ef"], scratch=buf["s"])
        f_at = _block_max(ef)
    if need_d:
        d = f.grad(x32, out=buf["d"], **kw32)
        ed = ulp_error_f32(d, buf["td"], out=buf["ed"], scratch=buf["s"])
        d_at = _block_max(ed)
    if "forward" in ops:
        _add(tallies["forward"], ef, f_at, base, bits, bound(key, "forward"), n, buf["tf"])
    if "grad" in ops:
        _add(tallies["grad"], ed, d_at, base, bits, bound(key, "grad"), n, buf["td"])
    if "value_and_grad" in ops:
        _check_value_and_grad(f, kw32, key, buf, (ef, f_at), (ed, d_at), base, bits,
                              tallies["value_and_grad"])
    if "backward" in ops:
        b = f.backward(g32, x32, out=buf["b"], **kw32)
        tb = f.backward(g64, x64, out=buf["tb"], **kw64)
        if isinstance(b, tuple):  # prelu: (grad_x, grad_alpha)
            b, tb = b[0], tb[0]
        eb = ulp_error_f32(b, tb, out=buf["eb"], scratch=buf["s"])
        _add(tallies["backward"], eb, _block_max(eb), base, bits, bound(key, "backward"), n,
             tb)
    if "backward_from_output" in ops:
        y64 = buf["y64"]
        np.copyto(y64, y)
        bf = f.backward_from_output(g32, y, out=buf["bf"], **kw32)
        f.backward_from_output(g64, y64, out=buf["tbf"], **kw64)
        ebf = ulp_error_f32(bf, buf["tbf"], out=buf["ebf"], scratch=buf["s"])
        finite = np.isfinite(y)
        checked = int(np.count_nonzero(finite))
        if checked < n:
            ebf[~finite] = -1.0  # not checked: never the maximum, never outside
        _add(tallies["backward_from_output"], ebf, _block_max(ebf), base, bits,
             bound(key, "backward_from_output"), checked, buf["tbf"])
    for op in ops:
        if op.startswith("forward/"):  # a peer's forward
            forward = peer_forward(op.split("/")[1], case)
            if forward is not None:
                ep = ulp_error_f32(forward(x32), buf["tf"], out=buf["ep"], scratch=buf["s"])
                _add(tallies[op], ep, _block_max(ep), base, bits, bound(key, "forward"), n,
                     buf["tf"])


def _check_value_and_grad(f, kw32: dict, key: str, buf: dict, fwd: tuple, der: tuple,
                          base: int, bits: np.ndarray, tally: Tally) -> None:
    v, vd = f.value_and_grad(buf["x32"], out=(buf["v"], buf["vd"]), **kw32)
    (ef, f_at), (ed, d_at) = fwd, der
    ne_v, ne_d = _differ(v, buf["y"]), _differ(vd, buf["d"])
    differ = ne_v | ne_d
    mismatches = int(np.count_nonzero(differ))
    if mismatches:  # measure the pair's own results where they are not f's and f.grad's
        ef, ed = ef.copy(), ed.copy()
        for err, ne, got, truth in ((ef, ne_v, v, buf["tf"]), (ed, ne_d, vd, buf["td"])):
            idx = np.flatnonzero(ne)
            err[idx] = ulp_error_f32(got[idx], truth[idx])
        f_at, d_at = _block_max(ef), _block_max(ed)
    lf, ld = bound(key, "forward"), bound(key, "grad")
    i, e = f_at if f_at[1] >= d_at[1] else d_at
    tally.take(e, base + i, int(bits[i]))
    tally.checked += bits.size
    tally.mismatches += mismatches
    if f_at[1] > lf or d_at[1] > ld:
        _count_outside(tally, [(ef, lf, buf["tf"]), (ed, ld, buf["td"])])


def run_chunk(layout: Layout, chunk: int,
              work: list[tuple[Case, tuple[str, ...]]]) -> tuple[int, dict, dict]:
    """Check one chunk for each (case, ops) in ``work``; an op ``forward/torch`` or
    ``forward/jax`` is that peer's forward.

    Returns (chunk, {"<key>/<op>": tally as JSON}, timing), where timing maps each case
    key, and ``SETUP`` for making the inputs, to [seconds, inputs].
    """
    tallies = {f"{c.key}/{op}": Tally() for c, ops in work for op in ops}
    timing = {key: [0.0, 0] for key in [SETUP, *(c.key for c, _ in work)]}
    buffers = _Buffers(layout.block)
    with np.errstate(all="ignore"):
        for base, bits in layout.blocks(chunk):
            start = time.perf_counter()
            buf = buffers.view(bits.size)
            np.copyto(buf["x32"], bits.view(np.float32))
            np.copyto(buf["x64"], buf["x32"])
            np.copyto(buf["g32"], grad_out(bits))
            np.copyto(buf["g64"], buf["g32"])
            for case, ops in [(None, ()), *work]:
                if case is not None:
                    _check_block(case, ops, buf, base, bits,
                                 {op: tallies[f"{case.key}/{op}"] for op in ops})
                now = time.perf_counter()
                spent = timing[SETUP if case is None else case.key]
                spent[0] += now - start
                spent[1] += bits.size
                start = now
    return chunk, {k: t.to_json() for k, t in tallies.items()}, timing


def _init_worker(peers: tuple[str, ...]) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    fastact.set_num_threads(1)
    if "torch" in peers:
        torch = _peers.optional("torch")
        if torch is not None:
            torch.set_num_threads(1)


def _run_chunk_star(args: tuple) -> tuple:
    return run_chunk(*args)


# ---- the run: state, scheduling, progress ----------------------------------------------


@dataclass
class State:
    """Finished chunks and running tallies per "<key>/<op>", saved as JSON after every
    chunk so that a killed run can continue."""

    layout: Layout
    done: dict[str, list[list[int]]] = field(default_factory=dict)
    tallies: dict[str, Tally] = field(default_factory=dict)
    timing: dict[str, list] = field(default_factory=dict)
    path: str | None = None

    def is_done(self, name: str, chunk: int) -> bool:
        """Whether ``chunk`` is finished for "<key>/<op>" ``name``."""
        return any(lo <= chunk < hi for lo, hi in self.done.get(name, ()))

    def record(self, chunk: int, tallies: dict[str, dict], timing: dict[str, list]) -> None:
        """Merge one finished chunk's tallies and mark it done."""
        for name, t in tallies.items():
            if self.is_done(name, chunk):
                continue
            self.tallies.setdefault(name, Tally()).merge(Tally.from_json(t))
            spans = sorted([*self.done.get(name, []), [chunk, chunk + 1]])
            merged: list[list[int]] = []
            for lo, hi in spans:
                if merged and lo <= merged[-1][1]:
                    merged[-1][1] = max(merged[-1][1], hi)
                else:
                    merged.append([lo, hi])
            self.done[name] = merged
        for key, (seconds, inputs) in timing.items():
            total = self.timing.setdefault(key, [0.0, 0])
            total[0] += seconds
            total[1] += inputs

    def to_json(self) -> dict:
        """The state file's contents."""
        return {"format": STATE_FORMAT, "inputs": self.layout.describe(),
                "chunk": self.layout.chunk,
                "entries": {k: {"done": self.done[k], **self.tallies[k].to_json()}
                            for k in self.done},
                "timing": self.timing}

    def save(self) -> None:
        """Write the state file (atomically: a killed write leaves the old one)."""
        if self.path is None:
            return
        tmp = f"{self.path}.tmp"
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(self.to_json(), fh)
        os.replace(tmp, self.path)

    @classmethod
    def load(cls, path: str, layout: Layout) -> State:
        """The state in ``path`` (a fresh one if it does not exist); ValueError if it
        belongs to a run over other inputs."""
        state = cls(layout, path=path)
        if not os.path.exists(path):
            return state
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if data.get("format") != STATE_FORMAT:
            raise ValueError(f"{path} is not a fastact check state file")
        if data["inputs"] != layout.describe() or data["chunk"] != layout.chunk:
            raise ValueError(f"{path} records a run over {data['inputs']} in chunks of "
                             f"{data['chunk']}, not {layout.describe()} in chunks of "
                             f"{layout.chunk}")
        for name, entry in data["entries"].items():
            state.done[name] = [list(span) for span in entry["done"]]
            state.tallies[name] = Tally.from_json(entry)
        state.timing = {k: list(v) for k, v in data.get("timing", {}).items()}
        return state


def plan(state: State, work: list[tuple[Case, tuple[str, ...]]]
         ) -> list[tuple[int, list[tuple[Case, tuple[str, ...]]]]]:
    """(chunk, [(case, ops still to do there)]) for every chunk with something left."""
    units = []
    for chunk in range(state.layout.chunks):
        todo = []
        for case, ops in work:
            left = tuple(op for op in ops if not state.is_done(f"{case.key}/{op}", chunk))
            if left:
                todo.append((case, left))
        if todo:
            units.append((chunk, todo))
    return units


def _clock(seconds: float) -> str:
    s = int(seconds)
    if s >= 3600:
        return f"{s // 3600}:{s // 60 % 60:02d}:{s % 60:02d}"
    return f"{s // 60}:{s % 60:02d}"


class Progress:
    """A one-line progress report on stderr: chunks done/total, elapsed time, ETA."""

    def __init__(self, total: int, stream=None, quiet: bool = False):
        self.total, self.done, self.start = total, 0, time.perf_counter()
        self.stream = sys.stderr if stream is None else stream
        self.quiet = quiet
        self.last = 0.0

    def step(self) -> None:
        """One more chunk finished."""
        self.done += 1
        now = time.perf_counter()
        if self.quiet or (now - self.last < 0.5 and self.done < self.total):
            return
        self.last = now
        elapsed = now - self.start
        eta = elapsed / self.done * (self.total - self.done)
        self.stream.write(f"\rcheck: {self.done}/{self.total} chunks, "
                          f"{_clock(elapsed)} elapsed, ETA {_clock(eta)} ")
        if self.done == self.total:
            self.stream.write("\n")
        self.stream.flush()


def run(layout: Layout, work: list[tuple[Case, tuple[str, ...]]], jobs: int = 1,
        state: State | None = None, quiet: bool = False) -> State:
    """Check every (case, ops) of ``work`` over ``layout``'s inputs, continuing ``state``.

    ``jobs`` > 1 spreads the chunks over that many worker processes (started
    with "spawn", one fastact thread each); with 1 everything runs in this
    process, as it is.
    """
    state = State(layout) if state is None else state
    units = plan(state, work)
    progress = Progress(len(units), quiet=quiet)
    args = [(layout, chunk, todo) for chunk, todo in units]
    if jobs <= 1 or len(units) <= 1:
        results: Iterable[tuple] = map(_run_chunk_star, args)
        for chunk, tallies, timing in results:
            state.record(chunk, tallies, timing)
            state.save()
            progress.step()
        return state
    peers = tuple(sorted({op.split("/")[1] for _, ops in work for op in ops if "/" in op}))
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(min(jobs, len(units)), initializer=_init_worker, initargs=(peers,)) as pool:
        for chunk, tallies, timing in pool.imap_unordered(_run_chunk_star, args):
            state.record(chunk, tallies, timing)
            state.save()
            progress.step()
    return state


# ---- the report ------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """The CPU model, core count, fastact's dispatch level and the versions in use."""
    from fastact._config import config

    conf = config()
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "dispatch": conf["dispatch"],
            "openmp": conf["openmp"], "fastact": fastact.__version__, "numpy": np.__version__,
            "python": conf["python"]}


def report(state: State, work: list[tuple[Case, tuple[str, ...]]], jobs: int,
           seconds: float, command: str) -> dict[str, Any]:
    """The machine-readable result (what ``--json`` writes)."""
    layout = state.layout
    rows = []
    for case, ops in work:
        for op in ops:
            t = state.tallies.get(f"{case.key}/{op}", Tally())
            impl = op.split("/")[1] if "/" in op else "fastact"
            base_op = op.split("/")[0]
            limit: Any = ([bound(case.key, "forward"), bound(case.key, "grad")]
                          if op == "value_and_grad" else bound(case.key, base_op))
            row: dict[str, Any] = {
                "function": case.label, "key": case.key, "op": base_op, "impl": impl,
                "max_ulp": _num(t.max_ulp) if t.ordinal >= 0 else None,
                "at": None, "at_bits": None, "outside": t.outside,
                "outside_subnormal": t.outside_subnormal, "bound": limit,
                "checked": t.checked}
            if t.ordinal >= 0:
                x = np.array([t.bits], np.uint32)
                row["at"] = str(x.view(np.float32)[0])
                row["at_bits"] = f"0x{t.bits:08x}"
                if base_op.startswith("backward"):
                    row["g"] = str(grad_out(x)[0])
            if op == "value_and_grad":
                row["mismatches"] = t.mismatches
            rows.append(row)
    keys = [SETUP, *(case.key for case, _ in work)]
    ns = {k: state.timing[k][0] / state.timing[k][1] * 1e9 for k in keys
          if state.timing.get(k, [0, 0])[1]}
    workers = max(1, min(jobs, os.cpu_count() or 1))
    failed = [r for r in rows if r["impl"] == "fastact"
              and (r["outside"] or r.get("mismatches"))]
    return {
        "command": command,
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "exhaustive": layout.exhaustive,
        "stride": layout.stride,
        "inputs": layout.inputs,
        "jobs": jobs,
        "machine": machine(),
        "seconds": round(seconds, 3),
        "ns_per_input": {k: round(v, 2) for k, v in ns.items()},
        "projected_exhaustive_seconds": round(sum(ns.values()) * PATTERNS / 1e9 / workers, 1),
        "passed": not failed,
        "results": rows,
    }


def format_ulp(v: float | str | None) -> str:
    """An error in ULP for a table: 2 decimals, 3 significant digits from 1000 on."""
    if v is None:
        return "—"
    v = float(v)
    if v == np.inf:
        return "inf"
    return f"{v:.3g}" if v >= 1000 else f"{v:.2f}"


def table_rows(result: dict[str, Any]) -> tuple[tuple[str, ...], list[tuple[str, ...]]]:
    """(columns, rows) of the results table: function, op, max ULP, at input, outside
    the contract, bound. Shared by the command and tools/gen_accuracy_table.py."""
    columns = ("function", "op", "max ULP", "at input", "outside contract", "bound")
    rows = []
    for r in result["results"]:
        op = r["op"] if r["impl"] == "fastact" else f"{r['op']} ({r['impl']})"
        if r["at"] is None:
            at = "—"
        elif r["max_ulp"] == 0:
            at = "(all exact)"
        else:
            at = f"{r['at']} ({r['at_bits']})" + (f", g={r['g']}" if "g" in r else "")
        outside = f"{r['outside']:,}"
        if r.get("outside_subnormal"):
            outside += f" ({r['outside_subnormal']:,} subnormal)"
        limit = r["bound"]
        if isinstance(limit, list):
            limit = f"{limit[0]:g} / {limit[1]:g}, bitwise f / grad"
            if r.get("mismatches"):
                outside += f" ({r['mismatches']:,} not bitwise)"
        else:
            limit = f"{limit:g}"
        if r["impl"] != "fastact":
            limit = f"({limit})"
        rows.append((r["function"], op, format_ulp(r["max_ulp"]), at, outside, limit))
    return columns, rows


def describe_inputs(result: dict[str, Any]) -> str:
    """``exhaustive: all 2^32 float32 inputs`` or ``strided: one ... in K ...``."""
    if result["exhaustive"]:
        return "exhaustive: all 2^32 float32 inputs"
    return (f"strided: one float32 bit pattern in {result['stride']} (x = k * "
            f"{result['stride']}) and {len(SPECIALS)} special values, {result['inputs']:,} "
            f"inputs per function")


def text(result: dict[str, Any]) -> str:
    """The human-readable report: header, table, failures, timing."""
    m = result["machine"]
    lines = [f"fastact {m['fastact']} float32 accuracy against its float64 kernels, "
             f"{describe_inputs(result)}; {m['cpu']}, dispatch {m['dispatch']}, "
             f"jobs {result['jobs']}", ""]
    columns, rows = table_rows(result)
    lines.append(markdown_table(rows, columns))
    bad = [r for r in result["results"] if r["impl"] == "fastact"
           and (r["outside"] or r.get("mismatches"))]
    lines.append("")
    for r in bad:
        lines.append(f"OUTSIDE THE CONTRACT: {r['function']} {r['op']}: {r['outside']:,} "
                     f"results, worst {format_ulp(r['max_ulp'])} ULP at x = {r['at']} "
                     f"({r['at_bits']})"
                     + (f"; {r['outside_subnormal']:,} of them where the true value is "
                        f"subnormal" if r.get("outside_subnormal") else "")
                     + (f"; {r['mismatches']:,} not bitwise f / grad"
                        if r.get("mismatches") else ""))
    if not bad:
        lines.append("every result within the contract")
    projected = result["projected_exhaustive_seconds"]
    workers = max(1, min(result["jobs"], m["cores"] or 1))
    lines.append(f"projected time of --exhaustive for these functions and operations "
                 f"({workers} jobs): {_clock(projected)}")
    lines.append(f"total time {result['seconds']:.1f} s")
    return "\n".join(lines)


# ---- command line ----------------------------------------------------------------------


def parse_args(argv: list[str]) -> argparse.Namespace:
    """The command line of ``python -m fastact check``."""
    parser = argparse.ArgumentParser(
        prog="python -m fastact check",
        description="Check the float32 kernels of every elementwise activation against "
                    "its float64 kernels, in ULP, and exit 1 if any result lies outside "
                    "the contract.")
    parser.add_argument("--exhaustive", action="store_true",
                        help="all 2^32 float32 bit patterns (about an hour on 2 cores)")
    parser.add_argument("--stride", type=int, default=None,
                        help=f"check every K-th bit pattern (default: {DEFAULT_STRIDE})")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="only these activations (registry names, aliases, gelu-tanh, "
                             "gelu-none)")
    parser.add_argument("--ops", nargs="+", choices=OPS, default=list(OPS),
                        help="operations to check (default: all)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1,
                        help="worker processes (default: %(default)s)")
    parser.add_argument("--state", metavar="FILE",
                        help="JSON file of finished chunks and running maxima: a killed run "
                             "given the same file continues where it stopped")
    parser.add_argument("--json", nargs="?", const="-", metavar="FILE",
                        help="write the result as JSON to FILE (or, without FILE, to "
                             "stdout instead of the table)")
    parser.add_argument("--peers", action="store_true",
                        help="also measure the forward of the NumPy reference formulas, and of "
                             "PyTorch and JAX where installed")
    parser.add_argument("--chunk", type=int, default=CHUNK,
                        help="inputs per chunk, the unit of work and of --state "
                             "(default: %(default)s)")
    parser.add_argument("--quiet", action="store_true", help="no progress line on stderr")
    args = parser.parse_args(argv)
    if args.exhaustive and args.stride not in (None, 1):
        parser.error("--exhaustive and --stride exclude each other")
    args.stride = 1 if args.exhaustive else (args.stride or DEFAULT_STRIDE)
    if args.stride < 1 or args.jobs < 1 or args.chunk < 1:
        parser.error("--stride, --jobs and --chunk must be at least 1")
    known = known_names()
    unknown = sorted(set(args.only or ()) - set(known))
    if unknown:
        rowwise = set(unknown) & set(registry.rowwise_names())
        why = " (row-wise functions are not checked)" if rowwise else ""
        parser.error(f"unknown activation(s) {', '.join(unknown)}{why}; "
                     f"choose from {', '.join(known)}")
    return args


def main(argv: list[str] | None = None) -> int:
    """Run the check; 0 if every result is within the contract, 1 otherwise."""
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parse_args(argv)
    start = time.perf_counter()
    layout = Layout(args.stride, args.chunk, min(BLOCK, args.chunk))
    work = []
    for case in cases(args.only):
        ops = ops_of(case, args.ops)
        if args.peers and "forward" in ops:
            ops += tuple(f"forward/{impl}" for impl in PEER_NAMES
                         if peer_forward(impl, case) is not None)
        if ops:
            work.append((case, ops))
    if args.peers and not any(op.split("/")[-1] in ("torch", "jax")
                              for _, ops in work for op in ops if "/" in op):
        print("note: neither PyTorch nor JAX is installed (or has these functions); "
              "no peers measured", file=sys.stderr)
    try:
        state = State.load(args.state, layout) if args.state else State(layout)
    except (ValueError, KeyError, json.JSONDecodeError) as exc:
        print(f"python -m fastact check: error: {exc}", file=sys.stderr)
        return 2
    try:
        state = run(layout, work, jobs=args.jobs, state=state, quiet=args.quiet)
    except KeyboardInterrupt:
        where = (f"; the finished chunks are in {args.state}: run the same command to "
                 f"continue" if args.state else "")
        print(f"\npython -m fastact check: interrupted{where}", file=sys.stderr)
        return 130
    command = " ".join(["python -m fastact check", *argv])
    result = report(state, work, args.jobs, time.perf_counter() - start, command)
    if args.json and args.json != "-":
        with open(args.json, "w", encoding="utf-8") as fh:
            json.dump(result, fh, indent=1)
            fh.write("\n")
    if args.json == "-":
        print(json.dumps(result, indent=1))
    else:
        print(text(result))
    return 0 if result["passed"] else 1
