"""Bounded-time fuzzing of fastact's public API against ``fastact.reference``.

    python tools/fuzz.py --seconds 120 --seed 1

Hypothesis draws an activation from ``fastact.registry`` (the elementwise ones, aliases
included, and the row-wise ones), an operation (f, grad, value_and_grad, backward,
backward_from_output where the record has it; the row-wise forward, backward and
backward_from_output, with ``axis`` and, for the masked ones, ``where=``), dtypes
(float16/32/64, integers, bool, now and then complex), shapes of 0 to 4 dimensions (empty
and 0-d included, Python scalars too), layouts (negative and non-unit steps, transposes,
the opposite byte order, unaligned data), parameters (values from each parameter's domain,
as Python numbers, NumPy scalars or arrays that broadcast, by position or keyword; now and
then outside the domain), ``out=`` (sometimes not contiguous, sometimes one of the inputs)
and ``where=``. fastact and the reference get the same arguments and must agree:

- both raise, with the same exception type (messages may differ), and fastact has left
  ``out`` untouched; or
- both return the same structure, types (array or NumPy scalar, ``out`` itself when
  given), shapes and dtypes, with NaN exactly where the reference has NaN and values
  within the accuracy contract (tests/ulp.py): 4 ULP forward, 8 ULP for derivatives;
  for the row-wise functions the bounds of tests/test_rowwise.py and
  tests/test_groups.py (a cancellation allowance where a result is a difference of
  sums, exact for maxout, entries below the normal range by value);
- fastact has not modified an input it was not given as ``out``, and raised no
  floating-point warning but overflow, and that only where a true result overflows (or
  where the reference warned alike).

The exceptions are the tests' own: float64 derivatives near the interior roots of f'
(silu, swish, mish, gelu), where the long-double reference cancels (tests/test_accuracy.py
checks them against mpmath, as tests/test_gated.py does for the gates' f'), and glu's
entries where the reference computes float16 and float32 in double beyond its range
(tests/test_groups.py); and the disagreements listed
in KNOWN, bugs not fixed yet, whose elements are left out and counted.

It runs for ``--seconds``, as a series of hypothesis runs of CHUNK examples each, seeded
from ``--seed`` and the chunk's number, so that the same command draws the same examples
(a failure found is then shrunk for at most ``--shrink-seconds`` more); ``--verbose``
prints each example before it runs (the last one printed is the input of a crash). Prints
the number of examples run; exits 1 with the failing example on any disagreement or
unexpected exception.
"""

from __future__ import annotations

import argparse
import inspect
import sys
import time
import traceback
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import HealthCheck, Phase, given, seed, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]  # this checkout's fastact, the tests' helpers

from test_accuracy import DERIVATIVE_ROOTS, NEAR_ROOT  # noqa: E402, I001
from ulp import DERIVATIVE_ULP, FORWARD_ULP, LD, rows_last, ulp_error, ulp_of, underflowed  # noqa: E402

import fastact  # noqa: E402
from fastact import reference, registry  # noqa: E402
from fastact._arrays import as_vjp_input  # noqa: E402
from fastact._params import DOMAINS, sum_to_shape  # noqa: E402
from fastact.registry import REQUIRED  # noqa: E402

ELEMENTWISE = registry.names(include_aliases=True)
ROWWISE = registry.rowwise_names()
FLOATS = [np.dtype(t) for t in (np.float16, np.float32, np.float64)]
INTS = [np.dtype(t) for t in (np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32,
                              np.uint32, np.int64, np.uint64)]
UNSUPPORTED = [np.dtype(np.complex64), np.dtype(np.complex128)]
SENTINEL = 7.25  # what out= holds before a call: a value no call leaves where it writes
N_OUT = {"forward": 1, "grad": 1, "value_and_grad": 2, "backward": 1,
         "backward_from_output": 1}


# Disagreements known and not fixed yet: id -> what. The comparisons they cover are left
# out (and counted, and the count printed), so that the run looks for anything else.
KNOWN = {
    "float64-backward-tiny-derivative": (
        "float64 backward (and backward_from_output) where f' is below double's normal "
        "range (sigmoid'(746), "
        "elu'(-746), silu'(-746)): the kernels form f' in double and multiply, so g f' "
        "keeps only the digits f' kept (docs/accuracy.md says so): sigmoid.backward(1e300, "
        "746.0) is 0, truly 1.04e-24; silu.backward(1e300, -746.0) is 0.28 % off; g = -inf "
        "gives NaN, truly -inf (float32 and float16 backward take double there)"),
}
SKIPPED: dict[str, int] = dict.fromkeys(KNOWN, 0)


class Disagreement(AssertionError):
    """fastact and the reference disagree (or fastact broke a rule of its own)."""


class TimeUp(BaseException):  # noqa: N818 -- not an error
    """Raised once a failure has been shrunk for as long as allowed: ends the run."""


CHUNK = 200  # examples per hypothesis run (main)


# ---- values, shapes and layouts ---------------------------------------------------------


def special_values(dtype: np.dtype) -> list[float]:
    """NaN, infinities, zeros, subnormals, extremes, kinks, tails and f' roots in ``dtype``."""
    info = np.finfo(dtype)
    vals = [np.nan, np.inf, -np.inf, 0.0, -0.0, float(info.smallest_subnormal),
            -float(info.smallest_subnormal), float(info.tiny), -float(info.tiny),
            float(info.max), -float(info.max), float(info.eps), 1.0, -1.0, 0.5, -0.5, 2.0,
            -2.0, 3.0, -3.0, 6.0, 2.5, -2.5, 1e-6, -1e-6, 20.0, -20.0, 80.0, -80.0, 90.0,
            -90.0, 700.0, -700.0, 750.0, -750.0, -1e4, 1e4]
    vals += [v for root in DERIVATIVE_ROOTS.values() for v in (root, root * 1.0001)]
    with np.errstate(over="ignore"):
        return sorted({float(dtype.type(v)) for v in vals}, key=lambda v: (np.isnan(v), v))


def float_elements(dtype: np.dtype, moderate: float = 30.0):
    """Floats of ``dtype``: mostly moderate, then special values, then anything at all."""
    width = 8 * dtype.itemsize
    moderate = float(min(dtype.type(moderate), np.finfo(dtype).max))  # representable
    return st.one_of(st.floats(-moderate, moderate, width=width),
                     st.sampled_from(special_values(dtype)),
                     st.floats(width=width))


def draw_values(draw, dtype: np.dtype, shape: tuple, moderate: float = 30.0) -> np.ndarray:
    """A C-ordered array of ``dtype`` and ``shape`` with hostile values."""
    if dtype.kind == "f":
        elements = float_elements(dtype, moderate)
    elif dtype.kind == "c":
        elements = st.complex_numbers(max_magnitude=10, allow_nan=False)
    else:
        elements = None  # every value of the integer type
    return draw(hnp.arrays(dtype, shape, elements=elements))


def relayout(draw, a: np.ndarray, label: str) -> np.ndarray:
    """``a``'s values and shape in a random layout: contiguous, or non-unit and negative
    steps after a transpose, or the opposite byte order, or unaligned (1-d)."""
    kind = draw(st.sampled_from(["contiguous", "contiguous", "strided", "strided",
                                 "byteswapped", "unaligned"]), label=f"{label} layout")
    if a.ndim == 0 or kind == "contiguous":
        return a.copy()
    if kind == "unaligned" and a.ndim == 1 and a.dtype.itemsize > 1:
        buf = np.zeros(a.nbytes + 1, np.uint8)
        view = buf[1:].view(a.dtype)
        view[...] = a
        return view
    dtype = a.dtype.newbyteorder() if kind == "byteswapped" else a.dtype
    perm = draw(st.permutations(range(a.ndim)), label=f"{label} axes")
    steps = [draw(st.sampled_from([1, 2, -1, -2, 3]), label=f"{label} step")
             for _ in range(a.ndim)]
    t = a.transpose(perm)
    big = np.zeros([n * abs(s) for n, s in zip(t.shape, steps, strict=True)], dtype)
    if dtype.kind == "f":
        big[...] = np.nan  # what lies between the elements
    view = big[tuple(slice(None, None, s) for s in steps)]
    view[...] = t
    return view.transpose(np.argsort(perm))


def as_scalar_maybe(draw, a: np.ndarray, label: str) -> Any:
    """A 0-d array as it is, as a NumPy scalar, or as a Python number."""
    if a.ndim or a.dtype.kind not in "biuf":
        return a
    how = draw(st.sampled_from(["array", "numpy", "python"]), label=f"{label} as")
    if how == "numpy":
        return a[()]
    if how == "python":
        return a.item()
    return a


def where_mask(draw, rng: np.random.Generator, shape: tuple) -> Any:
    """A ``where=`` mask that broadcasts to ``shape``: a bool, or an array with some of
    its dimensions 1 and maybe fewer of them."""
    kind = draw(st.sampled_from(["array", "array", "array", "bool"]), label="where kind")
    if kind == "bool":
        return draw(st.booleans(), label="where")
    drop = draw(st.integers(0, len(shape)), label="where drops")
    mshape = [n if draw(st.booleans(), label="where keeps dim") else 1
              for n in shape[drop:]]
    return rng.random(mshape) < draw(st.sampled_from([0.3, 0.7, 0.95]), label="where density")


# ---- parameters -------------------------------------------------------------------------

TYPICAL = [0.0, 1.0, -1.0, 0.5, -0.5, 2.0, -2.5, 3.0, 1 / 6, 0.2, 1.702, 0.01, 0.25, 1e-3,
           10.0, -10.0, 4.0]
EXTREME = [np.inf, -np.inf, 1e-300, -1e-300, 1e300, -1e300, 5e-324, 1e30, -1e30, 1e-30,
           -1e-30, 65504.0, 3e38, -3e38, 1e-40]


def in_domain(p: registry.Param, v: float) -> bool:
    """Whether ``v`` is in ``p``'s domain (fastact._params.DOMAINS) in float32, and so in
    whichever type a call computes in."""
    with np.errstate(over="ignore"):
        return bool(DOMAINS[p.domain][0](np.float32(v)))


def param_values(draw, p: registry.Param, n: int, label: str) -> list[float]:
    """``n`` values for parameter ``p``: mostly typical ones of its domain, sometimes
    extreme ones, rarely (1 in 20 draws) any value, the domain's rule broken included."""

    def ok(v):
        return in_domain(p, v)

    known = [v for v in (p.default, p.example) if v is not None]
    kind = draw(st.sampled_from(["typical"] * 15 + ["extreme"] * 4 + ["any"]),
                label=f"{label} kind")
    if kind == "any":
        pool = st.one_of(st.sampled_from(TYPICAL + EXTREME + [np.nan]), st.floats())
    elif kind == "typical":
        pool = st.one_of(st.sampled_from([v for v in known + TYPICAL if ok(v)]),
                         st.floats(-20, 20).filter(ok))
    else:
        pool = st.sampled_from([v for v in known + TYPICAL + EXTREME if ok(v)])
    return [draw(pool, label=label) for _ in range(n)]


# ---- one call, on either side -------------------------------------------------------------


@dataclass
class Outcome:
    """What a call did: its result or exception, and the warnings it raised."""

    result: Any = None
    error: BaseException | None = None
    warnings: list[str] = field(default_factory=list)


def run(fn) -> Outcome:
    """Call ``fn()``, recording its warnings and any Exception it raises."""
    out = Outcome()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            out.result = fn()
        except Exception as exc:  # compared with the other side's
            out.error = exc
    out.warnings = [f"{w.category.__name__}: {w.message}" for w in caught]
    return out


def copy_arg(a: Any) -> Any:
    """A copy of an argument (of each member of a tuple or list), with its values and
    dtype: the reference's arguments and the bounds' inputs must not be the arrays that
    fastact's call, with an input as its out=, overwrites."""
    if isinstance(a, (tuple, list)):
        return type(a)(copy_arg(v) for v in a)
    return a.copy() if isinstance(a, np.ndarray) else a


def fmt(a: Any) -> str:
    """An argument in full, with its dtype, shape and strides."""
    if isinstance(a, tuple):
        return "(" + ", ".join(fmt(v) for v in a) + ")"
    if isinstance(a, np.ndarray):
        with np.printoptions(threshold=sys.maxsize, floatmode="unique", linewidth=100):
            return (f"array({np.array2string(a, separator=', ')}, dtype={a.dtype.str}) "
                    f"shape={a.shape} strides={a.strides}")
    return repr(a)


@dataclass
class Example:
    """One drawn call: ``module.NAME[.op](*args, **kwargs)`` on both sides."""

    name: str
    op: str
    args: list
    kwargs: dict
    rowwise: bool = False
    aliased: tuple[int, ...] = ()  # which args are also out (fastact's call only)
    text: str = ""  # the description, made before the calls (an aliased out changes x)
    n_inputs: int = 1  # arrays before the parameters
    result_dtype: np.dtype | None = None  # what it computes in, when out= is wider

    def describe(self) -> str:
        call = self.name + ("" if self.op == "forward" else "." + self.op)
        lines = [f"fastact.{call}(...) against reference.{call}(...):"]
        lines += [f"  arg {i}: {fmt(a)}" for i, a in enumerate(self.args)]
        lines += [f"  {k}={fmt(v)}" for k, v in self.kwargs.items()]
        if self.aliased:
            lines.append(f"  out is arg {self.aliased[0]} itself")
        return "\n".join(lines)

    def call(self, module, args, kwargs) -> Any:
        obj = getattr(module, self.name)
        fn = obj if self.op == "forward" else getattr(obj, self.op)
        return fn(*args, **kwargs)


# ---- drawing examples ----------------------------------------------------------------------


def draw_dtype(draw, label: str) -> np.dtype:
    """Mostly a float dtype, sometimes an integer or bool, rarely an unsupported one."""
    kind = draw(st.sampled_from(["float"] * 12 + ["int"] * 3 + ["unsupported"]),
                label=f"{label} kind")
    pool = {"float": FLOATS, "int": INTS, "unsupported": UNSUPPORTED}[kind]
    return draw(st.sampled_from(pool), label=label)


def computed_dtype(dtype: np.dtype) -> np.dtype:
    """The float dtype an input of ``dtype`` computes in: np.exp's for ints and bools."""
    return np.exp(np.zeros(1, dtype)).dtype if dtype.kind in "biu" else dtype


def draw_out(draw, rng, shapes: list[tuple], dtypes: list[np.dtype]) -> tuple:
    """Output arrays of the given shapes holding SENTINEL: the result's dtype or float64
    (a cast NumPy allows), rarely an integer one (refused); any layout."""
    outs = []
    for i, (shape, dtype) in enumerate(zip(shapes, dtypes, strict=True)):
        kind = draw(st.sampled_from(["same"] * 8 + ["float64", "int"]), label=f"out {i} dtype")
        dt = {"same": dtype, "float64": np.dtype(np.float64), "int": np.dtype(np.int32)}[kind]
        outs.append(relayout(draw, np.full(shape, SENTINEL, dt), f"out {i}"))
    return tuple(outs)


def draw_elementwise(draw, rng) -> Example:
    """A call of an elementwise activation's operation."""
    name = draw(st.sampled_from(ELEMENTWISE), label="name")
    rec = registry.get(name)
    ops = ["forward", "grad", "value_and_grad", "backward"]
    ops += ["backward_from_output"] if rec.has_from_output else []
    op = draw(st.sampled_from(ops), label="op")
    two_inputs = op.startswith("backward")
    dtype = draw_dtype(draw, "dtype")
    n_arrays = 1 + two_inputs + len(rec.params)
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=n_arrays, min_dims=0,
                                                    max_dims=4, min_side=0, max_side=6),
                  label="shapes").input_shapes
    x = draw_values(draw, dtype, shapes[two_inputs])

    # parameters: left to their defaults, Python numbers, NumPy scalars or arrays
    pdtype = computed_dtype(dtype) if dtype.kind != "c" else np.dtype(np.float64)
    values = []
    for k, p in enumerate(rec.params):
        kinds = ["python", "numpy", "array", "array"] + ([] if p.default is REQUIRED else
                                                        ["default"] * 2)
        how = draw(st.sampled_from(kinds), label=f"{p.name} as")
        if how == "default":
            values.append(None)
            continue
        shape = shapes[1 + two_inputs + k] if how == "array" else ()
        n = int(np.prod(shape))
        vals = param_values(draw, p, max(n, 1), p.name)
        if how == "python":
            values.append(float(vals[0]))
        else:
            pt = draw(st.sampled_from([pdtype] + FLOATS), label=f"{p.name} dtype")
            with np.errstate(over="ignore"):
                arr = np.array(vals[:n] if how == "array" else vals[0], pt).reshape(shape)
            values.append(arr[()] if how == "numpy" else relayout(draw, arr, p.name))
    # by position (all of them up to the last one given) or by keyword
    last = max([k + 1 for k, v in enumerate(values) if v is not None], default=0)
    positional = draw(st.booleans(), label="positional") and last > 0
    args, kwargs = [], {}
    if positional:
        args = [rec.params[k].default if v is None else v for k, v in enumerate(values[:last])]
    else:
        kwargs = {p.name: v for p, v in zip(rec.params, values, strict=True) if v is not None}
    if rec.selector and draw(st.booleans(), label="selector given"):
        choices = [*rec.kernels, "erf"]  # "erf" is not a choice: an error on both sides
        kwargs[rec.selector[0]] = draw(st.sampled_from(choices), label="selector")

    if op == "backward_from_output":
        # y = f(x) (f' is a function of y only on f's range: elsewhere the two sides may
        # extend it differently, squareplus' at y = -1 with b = 0 for one)
        with np.errstate(all="ignore"), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                x = np.asarray(reference.__dict__[name](x, *args, **kwargs))
            except (TypeError, ValueError):
                pass
    inputs = [relayout(draw, x, "x")]
    if two_inputs:
        gdt = draw(st.sampled_from([dtype, dtype, *FLOATS]), label="g dtype")
        big = draw(st.sampled_from([4.0, 4.0, 1e30]), label="g scale")
        g = draw_values(draw, gdt, shapes[0], moderate=big)
        inputs = [relayout(draw, g, "g"), *inputs]
    inputs = [as_scalar_maybe(draw, a, f"input {i}") for i, a in enumerate(inputs)]
    example = Example(name, op, [*inputs, *args], kwargs, n_inputs=len(inputs))

    # out= and where=, against the shape and dtype the reference gives
    with_where = draw(st.integers(0, 3), label="where?") == 0
    with_out = draw(st.integers(0, 2), label="out?") == 0
    want = Outcome(error=ValueError())
    if with_where or with_out:
        want = run(lambda: example.call(reference, copy_arg(example.args), example.kwargs))
    if want.error is None:
        results = want.result if isinstance(want.result, tuple) else (want.result,)
        rshape, rdtype = np.shape(results[0]), np.asarray(results[0]).dtype
        example.result_dtype = rdtype
        if with_where:
            kwargs["where"] = where_mask(draw, rng, rshape)
        if with_out:
            n = N_OUT[op]
            alias = [i for i, a in enumerate(inputs) if isinstance(a, np.ndarray)
                     and a.shape == rshape and a.dtype == rdtype and a.flags.writeable]
            if alias and n == 1 and draw(st.integers(0, 3), label="out is an input") == 0:
                example.aliased = (draw(st.sampled_from(alias), label="aliased input"),)
                kwargs["out"] = example.args[example.aliased[0]]
            elif name == "prelu" and op == "backward":
                outs = draw_out(draw, rng, [rshape, np.shape(results[1])], [rdtype] * 2)
                kwargs["out"] = outs if draw(st.booleans(), label="pair") else outs[0]
            else:
                outs = draw_out(draw, rng, [rshape] * n, [rdtype] * n)
                kwargs["out"] = outs if n == 2 else outs[0]
    return example


def row_values(draw, rng, dtype: np.dtype, shape: tuple) -> np.ndarray:
    """Rows of random values at one scale, with NaN and infinities mixed in now and then
    (after tests/test_rowwise.py), or hypothesis's values for small arrays."""
    if dtype.kind != "f" or (np.prod(shape) <= 16 and draw(st.booleans(), label="drawn")):
        return draw_values(draw, dtype, shape)
    top = 3e4 if dtype == np.float16 else 1e4
    scale = draw(st.sampled_from([1e-3, 1.0, 8.0, 100.0, top]), label="scale")
    specials = draw(st.sampled_from([0.0, 0.0, 0.05, 0.3]), label="specials")
    kind = draw(st.sampled_from(["uniform", "ties"]), label="values")
    v = rng.uniform(-scale, scale, shape)
    if kind == "ties":
        v = np.round(v / scale * 3) * scale / 3
    if specials:
        pick = rng.random(shape)
        v = np.where(pick < specials / 3, np.inf, v)
        v = np.where((pick >= specials / 3) & (pick < 2 * specials / 3), -np.inf, v)
        v = np.where((pick >= 2 * specials / 3) & (pick < specials * 0.8), np.nan, v)
    with np.errstate(over="ignore"):
        return v.astype(dtype)


def draw_rowwise(draw, rng) -> Example:
    """A call of a row-wise activation's forward, backward or backward_from_output."""
    name = draw(st.sampled_from(ROWWISE), label="name")
    rec = registry.get(name)
    ops = ["forward", "backward"] + (["backward_from_output"] if rec.from_output else [])
    op = draw(st.sampled_from(ops), label="op")
    dtype = draw_dtype(draw, "dtype")
    # an unsupported dtype comes with arguments that are otherwise right: which of two
    # errors is raised first is not part of the contract (fastact checks the shape, the
    # axis and pieces before the dtype, the reference after)
    wrong = dtype.kind != "c"  # whether to make other mistakes now and then
    ndim = draw(st.sampled_from([0, 1, 1, 2, 2, 3, 4] if wrong else [1, 2]), label="ndim")
    shape = [draw(st.integers(0, 5), label="side") for _ in range(ndim)]
    axis = draw(st.integers(-ndim, ndim - 1) if ndim else st.just(-1), label="axis")
    if wrong and ndim and draw(st.integers(0, 30), label="axis out of range") == 0:
        axis = draw(st.sampled_from([ndim, -ndim - 1]), label="bad axis")
    pieces = None
    if ndim and -ndim <= axis < ndim:
        n = draw(st.integers(0, 40) if draw(st.booleans(), label="long") else
                 st.integers(0, 6), label="row length")
        if name == "maxout":
            pieces = draw(st.integers(1, 5), label="pieces")
            n = n - n % pieces if not wrong or draw(st.integers(0, 10), label="ragged") else n
        elif rec.gate:
            n = n - n % 2 if not wrong or draw(st.integers(0, 10), label="odd") else n
        shape[axis] = n
    if name == "maxout" and pieces is None:
        pieces = draw(st.integers(1, 3), label="pieces")
    if wrong and name == "maxout" and draw(st.integers(0, 30), label="bad pieces") == 0:
        pieces = draw(st.sampled_from([0, -1, True, 2.0]), label="pieces")
    shape = tuple(shape)
    x = row_values(draw, rng, dtype, shape)
    kwargs: dict = {"axis": axis}
    if rec.masked and draw(st.booleans(), label="where?"):
        kwargs["where"] = where_mask(draw, rng, shape)
    lead = [pieces] if name == "maxout" else []
    xr = relayout(draw, x, "x")
    if op == "forward":
        example = Example(name, op, [xr, *lead], kwargs, rowwise=True)
    else:
        # grad_out: the output's shape (maxout's groups, the gates' halves), finite values
        gshape = list(shape)
        if ndim and -ndim <= axis < ndim and (name == "maxout" or rec.gate):
            div = 2 if rec.gate else pieces
            if isinstance(div, int) and not isinstance(div, bool) and div > 0:
                gshape[axis] //= div
        gdt = draw(st.sampled_from([computed_dtype(dtype) if dtype.kind != "c" else dtype,
                                    *FLOATS]), label="g dtype")
        g = (rng.normal(size=gshape) * 10.0 ** rng.integers(-2, 3, gshape)).astype(gdt)
        g = relayout(draw, g, "g")
        second = xr
        if op == "backward_from_output":
            # from y = f(x), as for the elementwise backward_from_output
            kw = {k: v for k, v in kwargs.items() if k != "axis"}
            try:
                with np.errstate(all="ignore"), warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    y = getattr(reference, name)(x, axis=axis, **kw)
                second = relayout(draw, y, "y")
            except (TypeError, ValueError, IndexError):
                pass
        example = Example(name, op, [g, second, *lead], kwargs, rowwise=True)
    if "out" in _row_signature(name, op) and draw(st.integers(0, 3), label="out?") == 0:
        want = run(lambda: example.call(reference, copy_arg(example.args), example.kwargs))
        if want.error is None:
            r = want.result
            example.result_dtype = r.dtype
            example.kwargs["out"] = draw_out(draw, rng, [r.shape], [r.dtype])[0]
    return example


def _row_signature(name: str, op: str) -> tuple[str, ...]:
    """The keyword arguments a row-wise function's operation takes."""
    obj = getattr(fastact, name)
    fn = obj if op == "forward" else getattr(obj, op)
    return tuple(inspect.signature(fn).parameters)


# ---- comparing ---------------------------------------------------------------------------


def fail(example: Example, message: str) -> None:
    """Raise a Disagreement naming the example in full (as it was before the calls)."""
    raise Disagreement(f"{message}\n{example.text or example.describe()}")


def parts(result) -> tuple:
    return result if isinstance(result, tuple) else (result,)


def params_of(example: Example) -> dict[str, Any]:
    """An elementwise example's parameter values by name (defaults filled in)."""
    rec = registry.get(example.name)
    given = dict(zip(rec.param_names, example.args[example.n_inputs:], strict=False))
    return {p.name: given.get(p.name, example.kwargs.get(p.name, p.default))
            for p in rec.params}


def near_root(example: Example, x, dtype) -> np.ndarray | None:
    """Where a float64 derivative is not checked: |t - root| <= NEAR_ROOT, t = beta x."""
    rec = registry.get(example.name)
    choice = example.kwargs.get(rec.selector[0], rec.selector[1]) if rec.selector else None
    kernel = rec.kernels.get(choice) if rec.kernels else (rec.alias_of or rec.name)
    if np.dtype(dtype).newbyteorder("=") != np.float64 or kernel not in DERIVATIVE_ROOTS:
        return None  # (an out= of the opposite byte order is float64 too)
    beta = params_of(example).get("beta", 1.0)
    t = np.asarray(x, np.float64) * np.asarray(beta, np.float64)
    return np.abs(t - DERIVATIVE_ROOTS[kernel]) <= NEAR_ROOT


def check_values(example: Example, got, want, bound, skip, what: str) -> None:
    """NaN where the reference has NaN, and |got - want| <= ``bound`` elsewhere (in ULPs of
    the dtype computed in, or an array of absolute bounds), ``skip`` left out."""
    got, want = np.asarray(got), np.asarray(want)
    dtype = example.result_dtype if example.result_dtype is not None else want.dtype
    keep = np.ones(want.shape, bool) if skip is None else ~np.broadcast_to(skip, want.shape)
    nan_got, nan_want = np.isnan(got), np.isnan(want)
    bad = np.flatnonzero((nan_got != nan_want) & keep)
    if bad.size:
        i = bad[0]
        fail(example, f"{what}: NaN differs at flat index {i}: fastact {got.flat[i]!r}, "
                      f"reference {want.flat[i]!r}")
    keep &= ~nan_want
    if isinstance(bound, (int, float)):
        err = np.where(keep, ulp_error(got, want, dtype), 0)
        i = int(np.argmax(err)) if err.size else 0
        if err.size and err.flat[i] > bound:
            fail(example, f"{what}: {err.flat[i]:.3g} ULP (> {bound}) at flat index {i}: "
                          f"fastact {got.flat[i]!r}, reference {want.flat[i]!r}")
        return
    with np.errstate(invalid="ignore", over="ignore"):
        diff = np.abs(got.astype(LD) - want.astype(LD))
        same = got == want
        bad = np.flatnonzero(keep & ~same & ~(diff <= np.broadcast_to(bound, want.shape)))
    if bad.size:
        i = bad[0]
        limit = np.broadcast_to(bound, want.shape).flat[i]
        fail(example, f"{what}: off by {diff.flat[i]!r} (> {limit!r}) "
                      f"at flat index {i}: fastact {got.flat[i]!r}, reference {want.flat[i]!r}")


def check_warnings(example: Example, got: Outcome, want: Outcome, results) -> None:
    """fastact's floating-point warnings: overflow only, and only where a true result
    overflows (or where the reference warned the same); NumPy's note on where= without
    out= is NumPy's."""
    overflowed = any(np.any(np.isinf(np.asarray(r, dtype=np.float64))) for r in results
                     if np.asarray(r).dtype.kind == "f")
    for w in got.warnings:
        if "'where' used without 'out'" in w or w in want.warnings:
            continue
        if "overflow" in w and overflowed:
            continue
        if example.name == "prelu" and example.op == "backward":
            continue  # grad_alpha is a sum of products: it may overflow or make inf - inf
        fail(example, f"fastact warned {w!r} (the reference: {want.warnings})")


def elementwise_bounds(example: Example, k: int, inputs) -> tuple[Any, Any]:
    """(bound, skip) for result ``k`` of an elementwise call."""
    op, name = example.op, example.name
    if op == "forward" or (op == "value_and_grad" and k == 0):
        return FORWARD_ULP, None
    if name == "prelu" and op == "backward" and k == 1:
        return "grad_alpha", None
    if op == "backward_from_output":
        return DERIVATIVE_ULP, None
    x = inputs[1] if op == "backward" else inputs[0]
    return DERIVATIVE_ULP, x


def tiny_derivative(example: Example, inputs, want, dtype) -> np.ndarray | None:
    """KNOWN["float64-backward-tiny-derivative"]: where a float64 backward's f'(x) (or,
    from the output, f' of y) is below the normal range and g times f' rounded to double
    is not the reference's g f' (None where that cannot be)."""
    if (example.op not in ("backward", "backward_from_output")
            or np.dtype(dtype).newbyteorder("=") != np.float64):
        return None
    kwargs = {k: v for k, v in example.kwargs.items() if k not in ("out", "where")}
    ref = getattr(reference, example.name)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if example.op == "backward":
            d = ref.grad(inputs[1], *inputs[2:], **kwargs)
        else:  # f'(y), rounded to double
            d = ref.backward_from_output(np.ones_like(inputs[1], dtype=np.float64),
                                         inputs[1], *inputs[2:], **kwargs)
    naive = np.asarray(inputs[0], np.float64) * np.asarray(d, np.float64)
    want = np.asarray(want, np.float64)
    rounded = (naive == want) | (np.isnan(naive) & np.isnan(want))
    hit = np.broadcast_to((np.abs(d) < np.finfo(np.float64).tiny) & ~rounded, want.shape)
    SKIPPED["float64-backward-tiny-derivative"] += int(np.count_nonzero(hit))
    return hit


def grad_alpha_bound(example: Example, want) -> np.ndarray:
    """grad_alpha = the sum of g min(x, 0) down to alpha's shape: 8 ULP plus the rounding
    of a sum of n terms in the result's precision, (n + 8) eps sum |terms|."""
    g, x = (np.asarray(a, np.float64) for a in example.args[:2])
    alpha = example.args[2] if len(example.args) > 2 else example.kwargs.get("alpha")
    shape = np.shape(alpha)
    where = example.kwargs.get("where", True)
    with np.errstate(all="ignore"):
        terms = np.abs(g * np.minimum(x, 0))
        full = np.broadcast_shapes(terms.shape, shape, np.shape(where))
        terms = np.where(where, np.broadcast_to(terms, full), 0)
        n = max(terms.size // max(int(np.prod(shape)), 1), 1)
        total = sum_to_shape(terms, shape)
        dtype = example.result_dtype or np.asarray(want).dtype
        eps = float(np.finfo(dtype).eps)
        return DERIVATIVE_ULP * ulp_of(want, dtype) + (n + 8) * eps * total


def row_bounds(example: Example, want, inputs) -> tuple[Any, Any]:
    """(bound, skip) for a row-wise result, as tests/test_rowwise.py and
    tests/test_groups.py bound them."""
    name, op = example.name, example.op
    if np.ndim(want) == 0:  # a 0-d input is a row of one: bound it as one
        where = example.kwargs.get("where")
        row = replace(example, kwargs={**example.kwargs, "axis": -1, **(
            {} if where is None else {"where": np.reshape(where, (1,))})})
        inputs = [np.reshape(a, (1,)) if np.ndim(a) == 0 and i < 2 else a
                  for i, a in enumerate(inputs)]
        bound, skip = row_bounds(row, np.reshape(want, (1,)), inputs)
        return bound[0], None if skip is None else skip[0]
    dtype = example.result_dtype or np.asarray(want).dtype
    want_ld = np.asarray(want, LD)
    tiny = LD(np.finfo(dtype).tiny)
    eps = LD(np.finfo(dtype).eps)
    axis = example.kwargs["axis"]
    unit = LD(2.0) ** -64 if dtype == np.float64 else LD(2.0) ** -53
    with np.errstate(invalid="ignore", over="ignore"):
        small = np.where(underflowed(want, dtype), 2 * tiny, 0)
        if name == "maxout":
            return np.zeros(np.shape(want), LD), None
        gate = registry.get(name).gate
        if gate:
            x = np.asarray(inputs[0] if op == "forward" else inputs[1], np.float64)
            a, b = np.split(x, 2, axis=axis)
            ulps = FORWARD_ULP if op == "forward" else DERIVATIVE_ULP
            bound = np.maximum(ulps * ulp_of(want, dtype), small)
            if name != "glu":  # float64's reference cancels near a root of f'
                root = registry.derivative_roots().get(gate)
                near = (np.abs(b - root) < 1e-3) if root is not None and dtype == np.float64 \
                    else np.zeros(b.shape, bool)
                if op == "forward":
                    return bound, None
                return bound, np.concatenate([np.zeros(a.shape, bool), near], axis=axis)
            if op == "forward":
                skip = ~np.isfinite(a) & (b < -700)
            else:
                wild = (np.isinf(a) & np.isinf(b)) | (~np.isfinite(a) & (np.abs(b) > 700))
                skip = np.concatenate([np.zeros(a.shape, bool), wild], axis=axis)
            return bound, skip
        n = np.shape(want)[axis]
        if op == "forward":
            if name == "sparsemax":
                return FORWARD_ULP * ulp_of(want, dtype) + (n + 2) * unit, None
            return np.maximum(FORWARD_ULP * ulp_of(want, dtype), small), None
        where = example.kwargs.get("where")
        second = np.asarray(inputs[1])
        if op == "backward":  # from x: each side forms its own y = f(x) first, in the
            # result's dtype
            kw = {} if where is None else {"where": where}
            x = as_vjp_input(name, np.asarray(inputs[0]), second)
            second = getattr(reference, name)(x, axis=axis, **kw)
        g = rows_last(np.asarray(inputs[0], LD), axis)
        y = rows_last(np.asarray(second, LD), axis)
        g, y = np.broadcast_arrays(g, y)
        m = np.ones(np.shape(want), bool) if where is None else np.broadcast_to(
            where, np.shape(want))
        m = rows_last(m, axis)
        if name == "sparsemax":
            support = y > 0
            c = support.sum(-1, keepdims=True)
            mean_abs = np.where(support, np.abs(g), 0).sum(-1, keepdims=True) / np.maximum(c, 1)
            extra = (c + 2) * eps * mean_abs
        else:
            gm = np.where(m, g, 0)
            if name == "log_softmax":
                size = np.abs(g) + np.exp(y) * np.abs(gm).sum(-1, keepdims=True)
            else:
                gy = np.abs(np.where(m, gm * y, 0)).sum(-1, keepdims=True)
                size = np.abs(y) * (np.abs(g) + gy)
            extra = (n + 8) * eps * size
            if op == "backward":  # and fastact's y is off by up to FORWARD_ULP each
                dy = np.where(m, FORWARD_ULP * ulp_of(y, dtype), 0)
                if name == "log_softmax":
                    extra = extra + np.exp(y) * dy * np.abs(gm).sum(-1, keepdims=True)
                else:
                    extra = extra + dy * (np.abs(g) + gy) + np.abs(y) * (
                        np.abs(gm) * dy).sum(-1, keepdims=True)
        extra = np.moveaxis(np.broadcast_to(extra, y.shape), -1, axis)
        return np.maximum(DERIVATIVE_ULP * ulp_of(want_ld, dtype) + extra, small), None


def compare(example: Example, verbose: bool) -> None:
    """Call both sides with the same arguments and check that they agree."""
    example.text = example.describe()
    if verbose:
        print(example.text, flush=True)
    ref_args = copy_arg(example.args)
    ref_kwargs = {k: copy_arg(v) for k, v in example.kwargs.items()}
    want = run(lambda: example.call(reference, ref_args, ref_kwargs))
    before = [copy_arg(a) for a in example.args]
    out = example.kwargs.get("out")
    out_before = copy_arg(out)
    got = run(lambda: example.call(fastact, example.args, example.kwargs))
    with np.errstate(all="ignore"):
        check(example, got, want, ref_args, before, out, out_before)


def check(example: Example, got: Outcome, want: Outcome, ref_args, before, out,
          out_before) -> None:
    """The rules of the module docstring, for one example's two outcomes."""
    if got.error is not None or want.error is not None:
        if got.error is None or want.error is None or type(got.error) is not type(want.error):
            fail(example, f"fastact: {got.error!r}; reference: {want.error!r}"
                 + ("".join(traceback.format_exception(got.error)) if got.error else ""))
        for o, b in zip(parts(out), parts(out_before), strict=True):
            if isinstance(o, np.ndarray) and o.tobytes() != b.tobytes():
                fail(example, f"fastact raised {got.error!r} after writing out")
        return

    for i, (a, b) in enumerate(zip(example.args, before, strict=True)):
        if i in example.aliased or not isinstance(a, np.ndarray):
            continue
        if a.tobytes() != b.tobytes():
            fail(example, f"fastact modified input {i}")
    got_parts, want_parts = parts(got.result), parts(want.result)
    if isinstance(got.result, tuple) != isinstance(want.result, tuple) or len(
            got_parts) != len(want_parts):
        fail(example, f"fastact returned {type(got.result).__name__} of "
                      f"{len(got_parts)}, the reference {type(want.result).__name__} of "
                      f"{len(want_parts)}")
    if out is not None:
        for k, o in enumerate(parts(out)):
            if got_parts[k] is not o:
                fail(example, f"result {k} is not the out= array given")
    check_warnings(example, got, want, want_parts)
    where = example.kwargs.get("where", True) if not example.rowwise else True
    for k, (a, b) in enumerate(zip(got_parts, want_parts, strict=True)):
        what = f"result {k}"
        grad_alpha = example.name == "prelu" and example.op == "backward" and k == 1
        # (prelu's grad_alpha from 0-d inputs: a NumPy scalar or a 0-d array, unpinned)
        if type(a) is not type(b) and not grad_alpha:
            fail(example, f"{what}: type {type(a).__name__}, reference {type(b).__name__}")
        a_arr, b_arr = np.asarray(a), np.asarray(b)
        if a_arr.shape != b_arr.shape or a_arr.dtype != b_arr.dtype:
            fail(example, f"{what}: {a_arr.dtype}{a_arr.shape}, reference "
                          f"{b_arr.dtype}{b_arr.shape}")
        if b_arr.dtype.kind != "f":
            continue
        if example.rowwise:
            bound, skip = row_bounds(example, b_arr, example.args)
        else:
            bound, skip = elementwise_bounds(example, k, ref_args)
            if bound == "grad_alpha":
                bound, skip = grad_alpha_bound(example, b_arr), None
            elif skip is not None:
                skip = near_root(example, skip, b_arr.dtype)
            dtype = example.result_dtype or b_arr.dtype
            known = tiny_derivative(example, ref_args, b_arr, dtype) if k == 0 else None
            if known is not None:
                skip = known if skip is None else (np.broadcast_to(skip, known.shape) | known)
            masked = out is None and where is not True
            if masked and not grad_alpha:
                off = ~np.broadcast_to(np.asarray(where, bool), b_arr.shape)
                skip = off if skip is None else (np.broadcast_to(skip, b_arr.shape) | off)
        check_values(example, a_arr, b_arr, bound, skip, what)


# ---- the run ------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    """Parse the arguments, fuzz until the time is up, report; 0 if nothing was found."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=60.0,
                        help="how long to draw new examples (default 60)")
    parser.add_argument("--seed", type=int, default=0, help="the run's seed (default 0)")
    parser.add_argument("--shrink-seconds", type=float, default=120.0,
                        help="at most this long to shrink a failure found (default 120)")
    parser.add_argument("--verbose", action="store_true",
                        help="print every example before running it")
    args = parser.parse_args(argv)

    start = time.monotonic()
    state: dict[str, Any] = {"examples": 0, "failure": None, "kinds": {}}

    def one_example(data) -> None:
        if state["failure"] is not None and (
                time.monotonic() - start > args.seconds + args.shrink_seconds):
            raise TimeUp  # stop shrinking: the failure recorded is reported
        draw = data.draw
        with np.errstate(all="ignore"):
            rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1), label="rng seed"))
            rowwise = draw(st.integers(0, 3), label="row-wise?") == 0
            example = draw_rowwise(draw, rng) if rowwise else draw_elementwise(draw, rng)
        state["examples"] += 1
        key = f"{example.name}.{example.op}"
        state["kinds"][key] = state["kinds"].get(key, 0) + 1
        try:
            compare(example, args.verbose)
        except Exception as exc:
            state["failure"] = "".join(traceback.format_exception(exc))
            raise

    # Hypothesis has no time limit, and stopping a run from inside the test confuses it:
    # so the run is a series of short hypothesis runs, chunk k seeded with (seed, k),
    # until the time is up. A rerun with the same seed draws the same examples.
    chunk = 0
    while time.monotonic() - start < args.seconds:
        run_chunk = seed(args.seed * 1_000_003 + chunk)(settings(
            max_examples=CHUNK, deadline=None, database=None, derandomize=False,
            phases=[Phase.generate, Phase.shrink], report_multiple_bugs=False,
            suppress_health_check=list(HealthCheck), print_blob=False)(
                given(data=st.data())(one_example)))
        try:
            run_chunk()
        except TimeUp:
            break
        except Exception:  # hypothesis re-raises the shrunk failure
            traceback.print_exc()
            print(f"fuzz: FAILED after {state['examples']} examples "
                  f"({time.monotonic() - start:.0f} s, seed {args.seed}, chunk {chunk})")
            return 1
        chunk += 1
    elapsed = time.monotonic() - start
    if state["failure"] is not None:  # shrinking ran out of time
        print(state["failure"])
        print(f"fuzz: FAILED after {state['examples']} examples ({elapsed:.0f} s, "
              f"seed {args.seed}, chunk {chunk}; shrinking stopped)")
        return 1
    print(f"fuzz: {state['examples']} examples in {elapsed:.0f} s (seed {args.seed}, "
          f"{chunk} chunks), {len(state['kinds'])} function/operation pairs, "
          f"no disagreement")
    for key, count in SKIPPED.items():
        if count:
            print(f"  {count} element(s) left out as known: {key}: {KNOWN[key]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
