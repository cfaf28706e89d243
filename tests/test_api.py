"""Contract tests over every activation (aliases included): inputs, outputs, errors, ufuncs.

Every check compares fastact with ``fastact.reference`` (looked up by name) or with
known exact values -- never a kernel with itself -- except where the contract itself
is an equality between two fastact calls (aliases, thread counts, alignment).
"""

from __future__ import annotations

import contextlib
import re
import sys
import tracemalloc

import numpy as np
import pytest
from cases import EXTRA_PARAMS, FLOAT_DTYPES
from inputs import layouts, special_values
from ulp import DERIVATIVE_ULP, FORWARD_ULP, ulp_error

import fastact
from fastact import reference, registry

DTYPE_IDS = [np.dtype(d).name for d in FLOAT_DTYPES]
ALL_NAMES = registry.names(include_aliases=True)
BASE_OPS = ("forward", "grad", "value_and_grad", "backward")
SENTINEL = 7.25  # a value no call below produces at the positions it must leave alone


# ---- what the tests iterate over ------------------------------------------------


def _api_cases():
    """(name, keyword arguments) for every activation and alias, every selector choice."""
    out = []
    for case in registry.cases(ALL_NAMES):
        selector = registry.get(case.name).selector
        label = f"{case.name}[{selector[0]}={case.choice}]" if selector else case.name
        out.append(pytest.param(case.name, case.kwargs, id=label))
    return out


CASES = _api_cases()


def ops_of(name: str) -> tuple[str, ...]:
    rec = registry.get(name)
    return BASE_OPS + (("backward_from_output",) if rec.has_from_output else ())


def _case_op_params():
    out = []
    for case in CASES:
        name, kw = case.values
        for op in ops_of(name):
            out.append(pytest.param(name, kw, op, id=f"{case.id}-{op}"))
    return out


CASE_OPS = _case_op_params()
N_OUT = {"forward": 1, "grad": 1, "value_and_grad": 2, "backward": 1, "backward_from_output": 1}
BOUND = {"forward": FORWARD_ULP}


def n_out(name: str, op: str) -> int:
    """Outputs the caller provides with out= (prelu.backward takes one: grad_x)."""
    return N_OUT[op]


def call(module, name: str, op: str, inputs: tuple, kw: dict, **extra):
    obj = getattr(module, name)
    fn = obj if op == "forward" else getattr(obj, op)
    return fn(*inputs, **kw, **extra)


def sample(dtype) -> np.ndarray:
    """Special values (NaN, +-inf, +-0, subnormals, extremes) and a coarse grid."""
    return np.concatenate([special_values(dtype), np.linspace(-5, 5, 11).astype(dtype)])


G_VALUES = np.array([1.5, -2.0, 0.25, 3.0, -0.75])


def grads_like(a: np.ndarray) -> np.ndarray:
    """An upstream gradient of a's shape and dtype, contiguous."""
    return np.resize(G_VALUES, a.shape).astype(np.asarray(a).dtype)


def main_input(name: str, kw: dict, op: str, dtype) -> np.ndarray:
    """x for most operations; y = reference f(x) for backward_from_output."""
    x = sample(dtype)
    with np.errstate(all="ignore"):
        y, d = getattr(reference, name).value_and_grad(x, **kw)
    # drop x where the true result overflows (selu(max)): that warns, as np.multiply does
    x = x[~(np.isinf(y) | np.isinf(d)) | ~np.isfinite(x)]
    if name == "prelu" and op == "backward":
        # grad_alpha is a sum: keep it finite (no inf - inf, no overflow)
        x = x[~(np.abs(x) > 1e4)]
    if op == "backward_from_output":
        return getattr(reference, name)(x, **kw)
    return x


def op_inputs(op: str, main) -> tuple:
    if op in ("backward", "backward_from_output"):
        return (grads_like(np.asarray(main)) if isinstance(main, np.ndarray) else 1.5, main)
    return (main,)


def check_close(got, want, bound: float, what: str) -> None:
    """Same structure, type, shape and dtype; values within ``bound`` ULP; NaN where NaN."""
    if isinstance(want, tuple):
        assert isinstance(got, tuple), f"{what}: got {type(got).__name__}, expected a tuple"
        assert len(got) == len(want), f"{what}: {len(got)} results, expected {len(want)}"
        for i, (a, b) in enumerate(zip(got, want, strict=True)):
            check_close(a, b, bound, f"{what}[{i}]")
        return
    assert type(got) is type(want), (
        f"{what}: type {type(got).__name__}, expected {type(want).__name__}"
    )
    a, b = np.asarray(got), np.asarray(want)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, expected {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype}, expected {b.dtype}"
    if a.size:
        err = ulp_error(a, b, b.dtype)
        i = int(np.argmax(err))
        assert err.flat[i] <= bound, (
            f"{what}: {err.flat[i]:.2f} ULP at index {i}: got {a.flat[i]!r}, expected {b.flat[i]!r}"
        )


def check_prelu_grad_alpha(got, want, what: str, terms=None) -> None:
    """grad_alpha is a sum of g*min(x, 0): compare within a bound of the sum's rounding."""
    a, b = np.asarray(got), np.asarray(want)
    assert a.shape == b.shape, f"{what}: shape {a.shape}, expected {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtype {a.dtype}, expected {b.dtype}"
    eps = float(np.finfo(b.dtype).eps)
    scale = np.abs(b).astype(np.float64) if terms is None else terms
    np.testing.assert_allclose(a.astype(np.float64), b.astype(np.float64), rtol=0,
                               atol=float(np.max(64 * eps * (scale + 1e-300), initial=0)),
                               err_msg=what)


def compare_with_reference(name, kw, op, inputs, what, **extra):
    got = call(fastact, name, op, inputs, kw, **extra)
    want = call(reference, name, op, inputs, kw, **extra)
    bound = BOUND.get(op, DERIVATIVE_ULP)
    if name == "prelu" and op == "backward":
        check_close(got[0], want[0], bound, what + " grad_x")
        check_prelu_grad_alpha(got[1], want[1], what + " grad_alpha")
    else:
        check_close(got, want, bound, what)
    return got


def describe(a) -> str:
    a = np.asarray(a)
    return f"dtype={a.dtype} shape={a.shape} strides={a.strides}"


# ---- inputs: scalars, lists, 0-d, empty, layouts, dtypes ------------------------------


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_python_and_numpy_scalars(name, kw, op):
    for value in (0.5, -1.25, np.float32(0.5), np.float16(-1.5), np.float64(2.0)):
        if op == "backward_from_output":
            value = call(reference, name, "forward", (value,), kw)
        inputs = op_inputs(op, value)
        got = compare_with_reference(name, kw, op, inputs, f"{name}.{op}({value!r})")
        kind = type(np.exp(value))
        for r in got if isinstance(got, tuple) else (got,):
            if not (name == "prelu" and op == "backward" and r is got[1]):
                assert type(r) is kind, f"{name}.{op}({value!r}) gave {type(r)}, np.exp {kind}"


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_lists(name, kw, op):
    x = [-2.0, -0.5, 0.0, 0.75, 3.0]
    if op == "backward_from_output":
        main = call(reference, name, "forward", (x,), kw).tolist()
    else:
        main = x
    inputs = (list(G_VALUES), main) if op.startswith("backward") else (main,)
    got = compare_with_reference(name, kw, op, inputs, f"{name}.{op}(list)")
    for r in got if isinstance(got, tuple) else (got,):
        assert isinstance(r, np.ndarray) and r.dtype == np.float64


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_layouts_and_dtypes(name, kw, op, dtype):
    """Strided, reversed, transposed, Fortran, byte-swapped, 0-d and empty, every float dtype."""
    main = main_input(name, kw, op, dtype)
    for label, arr in layouts(main):
        inputs = op_inputs(op, arr)
        what = f"{name}.{op} on {label} ({describe(arr)})"
        got = compare_with_reference(name, kw, op, inputs, what)
        like_exp = np.exp(np.zeros_like(arr))
        want_kind, want_dtype = type(like_exp), like_exp.dtype
        assert want_dtype == np.dtype(dtype)
        for r in got if isinstance(got, tuple) else (got,):
            if name == "prelu" and op == "backward" and r is got[1]:
                continue
            assert type(r) is want_kind, f"{what}: {type(r).__name__}, np.exp gives {want_kind}"
            assert r.dtype == want_dtype, f"{what}: dtype {r.dtype}, expected {want_dtype}"
            assert np.shape(r) == arr.shape


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_empty_multidimensional(name, kw, dtype):
    x = np.empty((0, 3, 2), dtype=dtype)
    for op in ops_of(name):
        got = call(fastact, name, op, op_inputs(op, x), kw)
        for r in got if isinstance(got, tuple) else (got,):
            if name == "prelu" and op == "backward" and r is got[1]:
                assert np.shape(r) == ()
                assert r == 0
                continue
            assert r.shape == x.shape and r.dtype == x.dtype


INT_LIKE = [np.bool_, np.int8, np.uint8, np.int16, np.uint16, np.int32, np.int64, np.uint64]
INT_IDS = [np.dtype(d).name for d in INT_LIKE]


def _int_values(dtype):
    if dtype is np.bool_:
        return np.array([True, False, True])
    info = np.iinfo(dtype)
    return np.array([0, 1, 3, info.max, info.min, -2 if info.min < 0 else 2], dtype=dtype)


@pytest.mark.parametrize("dtype", INT_LIKE, ids=INT_IDS)
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_int_and_bool_promote_like_exp(name, kw, dtype):
    """Integer and bool inputs give np.exp's result dtype, and the values of that float."""
    x = _int_values(dtype)
    float_dtype = np.exp(np.zeros_like(x)).dtype
    for op in ("forward", "grad", "value_and_grad"):
        got = call(fastact, name, op, (x,), kw)
        for r in got if isinstance(got, tuple) else (got,):
            assert r.dtype == float_dtype, (
                f"fastact.{name}.{op}({np.dtype(dtype).name} array) gave {r.dtype}, "
                f"np.exp gives {float_dtype}"
            )
        with np.errstate(over="ignore"):  # the int's float image may overflow (uint64 max)
            want = call(reference, name, op, (x.astype(float_dtype),), kw)
        check_close(got, want, BOUND.get(op, DERIVATIVE_ULP), f"{name}.{op}(int)")


@pytest.mark.parametrize("scalar", [True, 3, -2, np.int8(2), np.uint16(7), np.int64(-1)], ids=repr)
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_int_and_bool_scalars_promote_like_exp(name, kw, scalar):
    got = call(fastact, name, "forward", (scalar,), kw)
    want_kind = type(np.exp(scalar))
    assert type(got) is want_kind, (
        f"fastact.{name}({scalar!r}) gave {type(got).__name__}, np.exp {want_kind.__name__}"
    )
    want = getattr(reference, name)(np.asarray(scalar).astype(want_kind), **kw)
    check_close(got, want, FORWARD_ULP, f"{name}({scalar!r})")


@pytest.mark.parametrize("dtype", INT_LIKE, ids=INT_IDS)
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_reference_int_and_bool_promote_like_exp(name, kw, dtype):
    x = _int_values(dtype)
    with np.errstate(over="ignore"):
        got = getattr(reference, name)(x, **kw)
    like_exp = np.exp(np.zeros_like(x)).dtype
    assert got.dtype == like_exp, (
        f"reference.{name}({np.dtype(dtype).name} array) gave {got.dtype}, np.exp gives {like_exp}"
    )


# ---- inputs are not modified; out=, in place, where= ------------------------------------


def _array_params(name, kw):
    """The activation's numeric parameters as small arrays (to check they stay unmodified)."""
    rec = registry.get(name)
    out = dict(kw)
    for p in rec.params:
        value = kw.get(p.name, p.default)
        out[p.name] = np.full((1,), value)
    return out


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_inputs_not_modified(name, kw, op):
    kw = _array_params(name, kw)
    for dtype in FLOAT_DTYPES:
        main = main_input(name, kw, op, dtype)
        for label, arr in layouts(main):
            inputs = op_inputs(op, arr)
            before = [a.copy() for a in inputs]
            params_before = {k: v.copy() for k, v in kw.items() if isinstance(v, np.ndarray)}
            call(fastact, name, op, inputs, kw)
            for a, b in zip(inputs, before, strict=True):
                assert a.tobytes() == b.tobytes(), f"{name}.{op} modified its input ({label})"
            for k, v in params_before.items():
                assert kw[k].tobytes() == v.tobytes(), f"{name}.{op} modified parameter {k}"


def _outs(name, op, shape, dtype, fill=SENTINEL):
    outs = tuple(np.full(shape, fill, dtype=dtype) for _ in range(n_out(name, op)))
    return outs


def _out_arg(outs):
    return outs if len(outs) > 1 else outs[0]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_out(name, kw, op, dtype):
    main = main_input(name, kw, op, dtype)
    inputs = op_inputs(op, main)
    want = call(reference, name, op, inputs, kw)
    outs = _outs(name, op, main.shape, dtype)
    got = call(fastact, name, op, inputs, kw, out=_out_arg(outs))
    if name == "prelu" and op == "backward":
        assert got[0] is outs[0], "prelu.backward(out=) must return out as grad_x"
        check_close(got[0], want[0], DERIVATIVE_ULP, "prelu.backward out=")
        check_prelu_grad_alpha(got[1], want[1], "prelu.backward out= grad_alpha")
        return
    if len(outs) == 1:
        assert got is outs[0], f"{name}.{op}(out=) did not return out"
    else:
        assert isinstance(got, tuple) and all(a is b for a, b in zip(got, outs, strict=True))
    check_close(tuple(outs) if len(outs) > 1 else outs[0], want,
                BOUND.get(op, DERIVATIVE_ULP), f"{name}.{op}(out=)")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_out_in_place(name, kw, op, dtype):
    """out= is one of the inputs (out=x, out=g, out=y): the result is still right."""
    main = main_input(name, kw, op, dtype)
    want = call(reference, name, op, op_inputs(op, main), kw)
    n_inputs = len(op_inputs(op, main))
    for k in range(n_inputs):
        inputs = tuple(a.copy() for a in op_inputs(op, main))
        target = inputs[k]
        if n_out(name, op) == 2:
            other = np.full(main.shape, SENTINEL, dtype=dtype)
            got = call(fastact, name, op, inputs, kw, out=(target, other))
            assert got[0] is target and got[1] is other
            check_close(got, want, DERIVATIVE_ULP, f"{name}.{op} in place on input {k}")
        else:
            got = call(fastact, name, op, inputs, kw, out=target)
            if name == "prelu" and op == "backward":
                assert got[0] is target
                check_close(got[0], want[0], DERIVATIVE_ULP, "prelu.backward in place")
                check_prelu_grad_alpha(got[1], want[1], "prelu.backward in place grad_alpha")
            else:
                assert got is target
                check_close(got, want, BOUND.get(op, DERIVATIVE_ULP),
                            f"{name}.{op} in place on input {k}")


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
def test_out_overlapping_input_at_an_offset(dtype):
    """f(a[1:], out=a[:-1]): NumPy does not copy an input that runs ahead of its output,
    so the loop must read each input before it is overwritten, also for the elements that
    need a second, checked pass (a NaN, a deep tail) and on every thread count."""
    tail = {np.float16: -20.0, np.float32: -95.0, np.float64: -750.0}[np.dtype(dtype).type]
    base = np.linspace(-5, 5, 3001).astype(dtype)
    base[7], base[1500], base[2222] = np.nan, tail, np.inf
    for name, op in (("relu", "forward"), ("silu", "forward"), ("relu", "backward"),
                     ("silu", "backward")):
        f = getattr(fastact, name)
        for threads in (1, 2):
            fastact.set_num_threads(threads)
            try:
                a = base.copy()
                if op == "forward":
                    want = f(a[1:].copy())
                    got = f(a[1:], out=a[:-1])
                else:
                    g = np.linspace(1, 2, 3001).astype(dtype)
                    want = f.backward(g[1:].copy(), a[:-1])
                    got = f.backward(g[1:], a[:-1], out=g[:-1])
            finally:
                fastact.set_num_threads(None)
            assert got.tobytes() == want.tobytes(), f"{name}.{op} {threads} threads"


_nothing = contextlib.nullcontext


def _where_mask(shape):
    return (np.arange(int(np.prod(shape))) % 3 != 1).reshape(shape)


def _check_where(module, name, kw, op, dtype):
    main = main_input(name, kw, op, dtype)
    inputs = op_inputs(op, main)
    want = call(reference, name, op, inputs, kw)
    want = want[:1] if name == "prelu" and op == "backward" else want
    want = want if isinstance(want, tuple) else (want,)
    mask = _where_mask(main.shape)
    outs = _outs(name, op, main.shape, dtype)
    # prelu's grad_alpha under where= is checked in test_prelu_backward_where_grad_alpha
    with np.errstate(all="ignore") if name == "prelu" and op == "backward" else _nothing():
        call(module, name, op, inputs, kw, out=_out_arg(outs), where=mask)
    for i, (o, w) in enumerate(zip(outs, want, strict=True)):
        what = f"{module.__name__}.{name}.{op}(out=, where=) output {i}"
        assert np.all(o[~mask] == dtype(SENTINEL)), f"{what}: masked-out elements were written"
        check_close(o[mask], w[mask], BOUND.get(op, DERIVATIVE_ULP), what)


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_where_with_out(name, kw, op, dtype):
    _check_where(fastact, name, kw, op, dtype)


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_reference_where_with_out(name, kw, op):
    _check_where(reference, name, kw, op, np.float64)


@pytest.mark.parametrize("module", [fastact, reference], ids=["fastact", "reference"])
def test_prelu_backward_where_grad_alpha(module):
    """With where=, grad_alpha sums g*min(x, 0) over the selected elements only."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-3, 3, (2, 3, 4, 4))
    g = rng.uniform(-2, 2, x.shape)
    alpha = np.array([0.1, 0.2, 0.3]).reshape(3, 1, 1)
    mask = _where_mask(x.shape)
    out = np.full(x.shape, SENTINEL)
    for _ in range(2):  # freed memory full of huge values, reused by the next allocation
        junk = np.full(x.shape, 1e300)
        del junk
        with np.errstate(all="ignore"):  # a sum of garbage may overflow: report the values
            gx, galpha = module.prelu.backward(g, x, alpha, out=out, where=mask)
    expected = np.where(mask, g * np.minimum(x, 0), 0).sum(axis=(0, 2, 3)).reshape(3, 1, 1)
    assert galpha.shape == alpha.shape
    np.testing.assert_allclose(galpha, expected, rtol=1e-12, atol=1e-12,
                               err_msg=f"{module.__name__}.prelu.backward(where=) grad_alpha")
    assert np.all(out[~mask] == SENTINEL), "masked-out elements of out were written"
    np.testing.assert_allclose(gx[mask], np.where(x > 0, g, alpha * g)[mask], rtol=1e-15)


def test_prelu_backward_out_pair_is_not_silently_ignored():
    """prelu.backward(out=(gx, galpha)): either fill both buffers, or refuse the pair."""
    x = np.linspace(-3, 3, 12).reshape(4, 3)
    g = np.ones_like(x)
    alpha = np.array([0.1, 0.2, 0.3])
    gx_buf, ga_buf = np.full(x.shape, SENTINEL), np.full(alpha.shape, SENTINEL)
    try:
        gx, galpha = fastact.prelu.backward(g, x, alpha, out=(gx_buf, ga_buf))
    except (TypeError, ValueError) as exc:
        assert "prelu" in str(exc)
        return
    expected = (g * np.minimum(x, 0)).sum(axis=0)
    assert gx is gx_buf
    assert galpha is ga_buf, "the second out array was silently ignored"
    np.testing.assert_allclose(ga_buf, expected, rtol=1e-15)


# ---- broadcasting of parameters -------------------------------------------------------


def test_prelu_per_channel_alpha():
    rng = np.random.default_rng(3)
    x = rng.uniform(-4, 4, (2, 3, 5, 4))
    x[0, 0, 0, :2] = [0.0, -0.0]
    g = rng.uniform(-2, 2, x.shape)
    alpha = np.array([0.25, -0.1, 1.5]).reshape(3, 1, 1)
    for op, inputs in [("forward", (x,)), ("grad", (x,)), ("value_and_grad", (x,))]:
        got = call(fastact, "prelu", op, inputs + (alpha,), {})
        want = call(reference, "prelu", op, inputs + (alpha,), {})
        check_close(got, want, BOUND.get(op, DERIVATIVE_ULP), f"prelu.{op} per channel")
    # known exact values: x if x > 0 else alpha x
    np.testing.assert_array_equal(fastact.prelu(x, alpha), np.where(x > 0, x, alpha * x))
    np.testing.assert_array_equal(fastact.prelu.grad(x, alpha),
                                  np.where(x > 0, 1.0, np.broadcast_to(alpha, x.shape)))
    gx, galpha = fastact.prelu.backward(g, x, alpha)
    rgx, rgalpha = reference.prelu.backward(g, x, alpha)
    assert gx.shape == x.shape and galpha.shape == alpha.shape == rgalpha.shape
    check_close(gx, rgx, DERIVATIVE_ULP, "prelu.backward grad_x")
    hand = (g * np.minimum(x, 0)).sum(axis=(0, 2, 3)).reshape(alpha.shape)
    terms = np.abs(g * np.minimum(x, 0)).sum(axis=(0, 2, 3)).reshape(alpha.shape)
    check_prelu_grad_alpha(galpha, rgalpha, "prelu grad_alpha vs reference", terms)
    check_prelu_grad_alpha(galpha, hand, "prelu grad_alpha vs NumPy sum", terms)
    check_prelu_grad_alpha(rgalpha, hand, "reference grad_alpha vs NumPy sum", terms)
    np.testing.assert_array_equal(gx, np.where(x > 0, g, alpha * g))


@pytest.mark.parametrize(
    ("x_shape", "alpha_shape"),
    [((7,), ()), ((7,), (1,)), ((4, 3), (3,)), ((4, 3), (4, 1)), ((4, 3), (1, 1)),
     ((3,), (2, 1)), ((2, 3, 4), (1, 3, 1)), ((5, 1), (1, 6))],
    ids=str,
)
def test_prelu_grad_alpha_shapes(x_shape, alpha_shape):
    rng = np.random.default_rng(4)
    x = rng.uniform(-3, 3, x_shape)
    alpha = rng.uniform(0, 0.5, alpha_shape)
    out_shape = np.broadcast_shapes(x_shape, alpha_shape)
    g = rng.uniform(-2, 2, out_shape)
    gx, galpha = fastact.prelu.backward(g, x, alpha)
    rgx, rgalpha = reference.prelu.backward(g, x, alpha)
    assert gx.shape == out_shape
    assert np.shape(galpha) == alpha_shape == np.shape(rgalpha)
    full = g * np.minimum(np.broadcast_to(x, out_shape), 0)
    lead = len(out_shape) - len(alpha_shape)
    axes = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(alpha_shape)
                                      if n == 1 and out_shape[lead + i] != 1)
    hand = full.sum(axis=axes, keepdims=True).reshape(alpha_shape)
    terms = np.abs(full).sum(axis=axes, keepdims=True).reshape(alpha_shape)
    check_prelu_grad_alpha(galpha, hand, "grad_alpha vs NumPy sum", terms)
    check_prelu_grad_alpha(rgalpha, hand, "reference grad_alpha vs NumPy sum", terms)
    check_close(gx, rgx, DERIVATIVE_ULP, "grad_x")


def param_values(name: str) -> dict[str, list[float]]:
    """Valid values of each parameter: the default and every value tests/cases.py uses."""
    rec = registry.get(name)
    base = rec.alias_of or name
    sets = [registry.get(name).example_params(), *EXTRA_PARAMS.get(base, [])]
    out = {}
    for p in rec.params:
        vals = [p.default] if p.default is not None else []
        vals += [s[p.name] for s in sets if p.name in s]
        out[p.name] = sorted(set(vals))
    return out


PARAM_CASES = [c for c in CASES if registry.get(c.values[0]).params]


@pytest.mark.parametrize("dtype", FLOAT_DTYPES, ids=DTYPE_IDS)
@pytest.mark.parametrize(("name", "kw"), PARAM_CASES)
def test_array_parameters_broadcast(name, kw, dtype):
    """Each parameter as a column of values against a row of x: shape (k, n), as the reference."""
    x = np.linspace(-4, 4, 17).astype(dtype)
    values = param_values(name)
    k = max(len(v) for v in values.values())
    params = {p: np.resize(np.asarray(v, dtype=dtype), (k, 1)) for p, v in values.items()}
    for op in ops_of(name):
        if op == "backward_from_output" and name in ("leaky_relu", "elu", "celu"):
            params_op = {p: np.abs(v) for p, v in params.items()}
        else:
            params_op = params
        main = x if op != "backward_from_output" else getattr(reference, name)(x, **params_op)
        inputs = op_inputs(op, main)
        got = compare_with_reference(name, {}, op, inputs, f"{name}.{op} array params",
                                     **params_op)
        first = got[0] if isinstance(got, tuple) else got
        assert first.shape == (k, x.size)
        # and row by row equal to the scalar-parameter call
        for row in range(k):
            scalar_kw = {p: v[row, 0].item() for p, v in params_op.items()}
            row_inputs = tuple(a[row] if a.ndim == 2 else a for a in inputs)
            want = call(reference, name, op, row_inputs, scalar_kw)
            if name == "prelu" and op == "backward":
                check_close(got[0][row], want[0], DERIVATIVE_ULP, f"{name}.{op} row {row}")
            elif isinstance(got, tuple):
                check_close(tuple(r[row] for r in got), want, DERIVATIVE_ULP,
                            f"{name}.{op} row {row}")
            else:
                check_close(got[row], want, BOUND.get(op, DERIVATIVE_ULP),
                            f"{name}.{op} row {row}")


def test_leaky_relu_and_elu_array_alpha_exact():
    x = np.array([[-2.0, -0.5, 0.0, 1.5]])
    alpha = np.array([[0.0], [0.1], [0.5], [2.0]])
    np.testing.assert_array_equal(fastact.leaky_relu(x, alpha), np.where(x > 0, x, alpha * x))
    np.testing.assert_array_equal(fastact.leaky_relu.grad(x, alpha=alpha),
                                  np.where(x > 0, 1.0, alpha + 0 * x))
    check_close(fastact.elu(x, alpha), reference.elu(x, alpha), FORWARD_ULP, "elu array alpha")
    check_close(fastact.elu.grad(x, alpha), reference.elu.grad(x, alpha), DERIVATIVE_ULP,
                "elu.grad array alpha")
    x_pos = x[:, 2:]
    np.testing.assert_array_equal(fastact.elu(x_pos, alpha), np.where(x_pos > 0, x_pos, 0 * alpha))


# ---- errors ----------------------------------------------------------------------------


def _names_function(name: str, exc: BaseException) -> bool:
    return re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])", str(exc)) is not None


def expect_error(exc_type, name, fn, outs, what):
    """fn() raises exc_type naming ``name``, and leaves every array in ``outs`` unchanged."""
    before = [o.copy() for o in outs]
    with pytest.raises(exc_type) as info:
        fn()
    assert _names_function(name, info.value), f"{what}: message does not name {name}: {info.value}"
    for o, b in zip(outs, before, strict=True):
        assert o.tobytes() == b.tobytes(), f"{what}: out was written before the error"


MODULES = [pytest.param(fastact, id="fastact"), pytest.param(reference, id="reference")]
BAD_INPUTS = {
    "complex": np.array([1 + 2j, -1j, 0.5, 2]),
    "object": np.array([1.0, -2.0, 0.5, 3.0], dtype=object),
    "string": np.array(["a", "b", "1.0", "x"]),
    "bytes": np.array([b"a", b"b", b"1", b"x"]),
}


@pytest.mark.parametrize("bad", list(BAD_INPUTS))
@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_unsupported_input_dtype(name, kw, op, module, bad):
    x = BAD_INPUTS[bad]
    outs = _outs(name, op, x.shape, np.float64)
    inputs = (np.ones(x.shape), x) if op.startswith("backward") else (x,)
    expect_error(TypeError, name, lambda: call(module, name, op, inputs, kw, out=_out_arg(outs)),
                 outs, f"{module.__name__}.{name}.{op}({bad})")
    if op.startswith("backward"):  # the unsupported array as grad_out
        inputs = (x, np.ones(x.shape))
        expect_error(TypeError, name,
                     lambda: call(module, name, op, inputs, kw, out=_out_arg(outs)),
                     outs, f"{module.__name__}.{name}.{op}(grad_out {bad})")


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_complex_scalar_input(name, kw, op, module):
    inputs = (1.0, 1 + 1j) if op.startswith("backward") else (1 + 1j,)
    with pytest.raises(TypeError) as info:
        call(module, name, op, inputs, kw)
    assert _names_function(name, info.value), str(info.value)


def _bad_out_sets(name, op, shape):
    """(label, expected exception, out argument, arrays that must stay unchanged)."""
    good = lambda: np.full(shape, SENTINEL)  # noqa: E731
    wrong_shape = np.full((shape[0] - 1,), SENTINEL)
    int_out = np.full(shape, 7, dtype=np.int64)
    read_only = np.full(shape, SENTINEL)
    read_only.flags.writeable = False
    sets = []
    for label, exc, bad in [("wrong shape", ValueError, wrong_shape),
                            ("int dtype", TypeError, int_out),
                            ("read-only", ValueError, read_only)]:
        if n_out(name, op) == 1:
            sets.append((label, exc, bad, [bad]))
        else:
            first, second = good(), good()
            sets.append((label + " (first)", exc, (bad, second), [bad, second]))
            sets.append((label + " (second)", exc, (first, bad), [first, bad]))
    return sets


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_bad_out(name, kw, op, module):
    main = main_input(name, kw, op, np.float64)
    inputs = op_inputs(op, main)
    for label, exc, out, keep in _bad_out_sets(name, op, main.shape):
        expect_error(exc, name, lambda out=out: call(module, name, op, inputs, kw, out=out),
                     keep, f"{module.__name__}.{name}.{op}(out: {label})")


def _sentinel_call(module, name, op, kw, *params):
    x = np.linspace(-2, 2, 6)
    outs = _outs(name, op, x.shape, np.float64)
    inputs = op_inputs(op, x)
    return (lambda: call(module, name, op, inputs + params, kw, out=_out_arg(outs))), outs


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize("op", list(BASE_OPS))
def test_gelu_bad_approximate(module, op):
    for bogus in ("bogus", "erf", "exact", 1):
        fn, outs = _sentinel_call(module, "gelu", op, {"approximate": bogus})
        expect_error(ValueError, "gelu", fn, outs, f"gelu approximate={bogus!r}")


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    ("name", "kw"),
    [("prelu", {}), ("threshold", {}), ("threshold", {"threshold": 0.5}),
     ("threshold", {"value": 1.0})],
    ids=["prelu", "threshold", "threshold-no-value", "threshold-no-threshold"],
)
def test_missing_required_parameter(module, name, kw):
    for op in ops_of(name):
        fn, outs = _sentinel_call(module, name, op, kw)
        expect_error(TypeError, name, fn, outs, f"{name}.{op} missing parameter")
    fn, outs = _sentinel_call(module, "threshold", "forward", {}, 0.5)
    expect_error(TypeError, "threshold", fn, outs, "threshold(x, 0.5)")


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_too_many_positional_parameters(name, kw, op, module):
    rec = registry.get(name)
    positional = tuple(kw.get(p.name, p.default) for p in rec.params) + (0.5,)
    rest = {k: v for k, v in kw.items() if k not in rec.param_names}
    fn, outs = _sentinel_call(module, name, op, rest, *positional)
    expect_error(TypeError, name, fn, outs, f"{name}.{op} with {len(positional)} parameters")


PARAM_CASE_OPS = [c for c in CASE_OPS if registry.get(c.values[0]).params]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw", "op"), PARAM_CASE_OPS)
def test_parameter_given_twice(name, kw, op, module):
    rec = registry.get(name)
    first = rec.params[0]
    value = kw.get(first.name, first.default)
    fn, outs = _sentinel_call(module, name, op, {**kw, first.name: value}, value)
    expect_error(TypeError, name, fn, outs, f"{name}.{op} with {first.name} twice")


INVALID_PARAMS = [
    ("celu", {"alpha": 0}), ("celu", {"alpha": 0.0}), ("celu", {"alpha": np.array([1.0, 0.0])}),
    ("softplus", {"beta": 0}), ("softplus", {"beta": np.array([[2.0], [0.0]])}),
    ("softshrink", {"lambd": -1}), ("hardshrink", {"lambd": -0.5}),
    ("squareplus", {"b": -1}), ("squareplus", {"b": np.array([4.0, -1e-300])}),
    ("hard_tanh", {"min_val": 1.0, "max_val": -1.0}), ("hard_tanh", {"min_val": 2.0}),
    ("hard_tanh", {"max_val": -2.0}),
    ("hard_tanh", {"min_val": np.array([-1.0, 0.5]), "max_val": np.array([1.0, 0.25])}),
]


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw"), INVALID_PARAMS,
                         ids=[f"{n}-{'-'.join(k)}-{i}" for i, (n, k) in enumerate(INVALID_PARAMS)])
def test_invalid_parameter_values(module, name, kw):
    for op in ops_of(name):
        fn, outs = _sentinel_call(module, name, op, kw)
        expect_error(ValueError, name, fn, outs, f"{name}.{op} with {kw}")


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(
    ("name", "kw"),
    [("leaky_relu", {"alpha": -0.1}), ("elu", {"alpha": -1.0}), ("elu", {"alpha": 0.0}),
     ("leaky_relu", {"alpha": np.array([[0.1], [-0.1]])})],
    ids=["leaky_relu-neg", "elu-neg", "elu-zero", "leaky_relu-array"],
)
def test_backward_from_output_parameter_domain(module, name, kw):
    fn, outs = _sentinel_call(module, name, "backward_from_output", kw)
    expect_error(ValueError, name, fn, outs, f"{name}.backward_from_output with {kw}")
    # positional too, and the forward function accepts the value
    value = next(iter(kw.values()))
    fn, outs = _sentinel_call(module, name, "backward_from_output", {}, value)
    expect_error(ValueError, name, fn, outs, f"{name}.backward_from_output positional")
    x = np.linspace(-2, 2, 6)
    check_close(getattr(fastact, name)(x, **kw), getattr(reference, name)(x, **kw),
                FORWARD_ULP, f"{name} forward with {kw}")


@pytest.mark.parametrize("module", MODULES)
@pytest.mark.parametrize(("name", "kw"), CASES)
def test_unknown_keyword(module, name, kw):
    fn, outs = _sentinel_call(module, name, "forward", {**kw, "bogus_parameter": 1.0})
    expect_error(TypeError, name, fn, outs, f"{name}(bogus_parameter=1.0)")


# ---- which operations exist -------------------------------------------------------------


NO_FROM_OUTPUT = ("gelu", "silu", "swish", "mish", "tanhshrink", "threshold", "prelu",
                  "hard_swish", "quick_gelu")


@pytest.mark.parametrize("name", ALL_NAMES)
def test_backward_from_output_exists_iff_registry_says(name):
    rec = registry.get(name)
    for module in (fastact, reference):
        obj = getattr(module, name)
        assert hasattr(obj, "backward_from_output") == rec.has_from_output, module.__name__
        for op in BASE_OPS[1:]:
            assert callable(getattr(obj, op))
    if name in NO_FROM_OUTPUT:
        assert not hasattr(getattr(fastact, name), "backward_from_output")


# ---- aliases -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("alias", "target", "kw"),
    [("logistic", "sigmoid", {}), ("hard_silu", "hard_swish", {"slope": 1 / 6}),
     ("hardsigmoid", "hard_sigmoid", {"slope": 1 / 6}),
     ("hardswish", "hard_swish", {"slope": 1 / 6}), ("hardtanh", "hard_tanh", {}),
     ("logsigmoid", "log_sigmoid", {}), ("soft_sign", "softsign", {}),
     ("quick_gelu", "swish", {"beta": 1.702})],
    ids=["logistic", "hard_silu", "hardsigmoid", "hardswish", "hardtanh", "logsigmoid",
         "soft_sign", "quick_gelu"],
)
def test_aliases(alias, target, kw):
    for dtype in FLOAT_DTYPES:
        x = sample(dtype)
        g = grads_like(x)
        for op in ops_of(alias):
            main = x if op != "backward_from_output" else reference.sigmoid(x)
            inputs = (g, main) if op.startswith("backward") else (main,)
            got = call(fastact, alias, op, inputs, {})
            same = call(fastact, target, op, inputs, kw)
            for r, s in zip(got if isinstance(got, tuple) else (got,),
                            same if isinstance(same, tuple) else (same,), strict=True):
                assert r.tobytes() == s.tobytes(), f"{alias}.{op} differs from {target}{kw}"
            want = call(reference, target, op, inputs, kw)
            check_close(got, want, BOUND.get(op, DERIVATIVE_ULP), f"{alias}.{op}")
        assert registry.get(alias).alias_of == target


def test_quick_gelu_default_beta():
    assert registry.get("quick_gelu").params[0].default == 1.702
    x = np.linspace(-6, 6, 101)
    np.testing.assert_array_equal(fastact.quick_gelu(x), fastact.swish(x, beta=1.702))
    check_close(fastact.quick_gelu(x), reference.swish(x, 1.702), FORWARD_ULP, "quick_gelu")
    check_close(reference.quick_gelu(x), reference.swish(x, 1.702), 0, "reference.quick_gelu")


def test_peer_names_mean_what_the_peers_compute():
    """PyTorch's hardsigmoid and hardswish, JAX's hard_silu: relu6(x + 3) / 6 (times x);
    JAX's gelu(approximate=True / False): the tanh form / erf."""
    x = np.linspace(-5, 5, 81)
    gate = np.minimum(np.maximum(x + 3, 0), 6) / 6
    # slope = 1/6 rounded to double (off by under 2^-56): x / 6 + 0.5 is off by |x| 2^-56,
    # which near the clip point -3 is many ULP of the small result
    for name, want in (("hardsigmoid", gate), ("hardswish", x * gate), ("hard_silu", x * gate)):
        np.testing.assert_allclose(getattr(fastact, name)(x), want, rtol=4 * 2.0**-52,
                                   atol=5 * 5 * 2.0**-56, err_msg=name)
    check_close(fastact.hardtanh(x), np.clip(x, -1, 1), 0, "hardtanh")
    check_close(fastact.gelu(x, approximate=True), reference.gelu(x, approximate="tanh"),
                FORWARD_ULP, "gelu(approximate=True)")
    check_close(fastact.gelu(x, approximate=False), reference.gelu(x, approximate="none"),
                FORWARD_ULP, "gelu(approximate=False)")
    assert np.array_equal(fastact.gelu.grad(x, approximate=np.False_),
                          fastact.gelu.grad(x, approximate="none"))


# ---- raw ufuncs ------------------------------------------------------------------------------


def _expected_ufuncs() -> dict[str, tuple[int, int]]:
    out = {}
    for rec in registry.RECORDS:
        np_ = len(rec.params)
        for kernel in map(rec.kernel, rec.choices):
            out[kernel] = (1 + np_, 1)
            out[kernel + "_grad"] = (1 + np_, 1)
            out[kernel + "_value_and_grad"] = (1 + np_, 2)
            out[kernel + "_backward"] = (2 + np_, 2 if rec.param_grad else 1)
            if rec.has_from_output:
                out[kernel + "_backward_from_output"] = (2 + np_, 1)
    for row in registry.ROWWISE:  # gufuncs; see test_registry for their signatures
        fwd = getattr(fastact.ufuncs, row.name)
        bwd = getattr(fastact.ufuncs, row.name + "_backward")
        out[row.name] = (fwd.nin, fwd.nout)
        out[row.name + "_backward"] = (bwd.nin, bwd.nout)
        if fwd.signature is None:  # elementwise on the halves: also along a core axis
            out[row.name + "_rows"] = (fwd.nin, fwd.nout)
            out[row.name + "_rows_backward"] = (bwd.nin, bwd.nout)
    return out


def _expected_params() -> dict[str, int]:
    """The number of parameters of each elementwise ufunc."""
    counts = {}
    for rec in registry.RECORDS:
        for kernel in map(rec.kernel, rec.choices):
            for suffix in ("", "_grad", "_value_and_grad", "_backward", "_backward_from_output"):
                counts[kernel + suffix] = len(rec.params)
    return counts


def _expected_types(name: str, nin: int, nout: int) -> list[str]:
    """Loop type strings: all float, except the bool mask of the masked row-wise gufuncs
    and the parameters of the float16 loops, which compute in float32."""
    base = name.removesuffix("_backward")
    if base in registry.rowwise_names() and registry.get(base).masked:
        return [c * (nin - 1) + "?->" + c for c in "efd"]
    np_ = _expected_params().get(name, 0)
    return [c * (nin - np_) + ("f" if c == "e" else c) * np_ + "->" + c * nout for c in "efd"]


def test_raw_ufuncs_match_registry():
    expected = _expected_ufuncs()
    names = list(fastact.ufuncs.__all__)
    assert sorted(names) == sorted(expected), (
        f"missing: {sorted(set(expected) - set(names))}, "
        f"extra: {sorted(set(names) - set(expected))}"
    )
    present = {n for n, v in vars(fastact.ufuncs).items() if isinstance(v, np.ufunc)}
    assert present == set(expected), f"outside the registry: {sorted(present - set(expected))}"
    for n, (nin, nout) in expected.items():
        u = getattr(fastact.ufuncs, n)
        assert isinstance(u, np.ufunc), n
        assert (u.nin, u.nout) == (nin, nout), f"{n}: nin={u.nin} nout={u.nout}"
        assert u.__name__ == n
        assert u.types == _expected_types(n, nin, nout), f"{n}: {u.types}"
    assert (fastact.ufuncs.sigmoid_value_and_grad.nin,
            fastact.ufuncs.sigmoid_value_and_grad.nout) == (1, 2)
    assert (fastact.ufuncs.prelu_backward.nin, fastact.ufuncs.prelu_backward.nout) == (3, 2)


@pytest.mark.parametrize("kernel", registry.kernel_names())
def test_raw_ufunc_per_kernel(kernel):
    rec = next(r for r in registry.RECORDS
               if kernel == r.name or kernel in (r.kernels or {}).values())
    for suffix in ("", "_grad", "_value_and_grad", "_backward"):
        assert isinstance(getattr(fastact.ufuncs, kernel + suffix, None), np.ufunc), kernel + suffix
    has = isinstance(getattr(fastact.ufuncs, kernel + "_backward_from_output", None), np.ufunc)
    assert has == rec.has_from_output
    # the raw ufunc agrees with the reference, parameters positional
    choice = next((c for c, k in rec.kernels.items() if k == kernel), None)
    kw = rec.example_params()
    params = [kw.get(p.name, p.default) for p in rec.params]
    if choice is not None:
        kw[rec.selector[0]] = choice
    x = np.linspace(-4, 4, 33)
    check_close(getattr(fastact.ufuncs, kernel)(x, *params),
                getattr(reference, rec.name)(x, **kw), FORWARD_ULP, kernel)


# ---- threads, alignment, floating-point environment --------------------------------------------


def _mixed(n: int, dtype) -> np.ndarray:
    rng = np.random.default_rng(11)
    parts = [rng.uniform(-10, 10, n // 2), rng.standard_normal(n // 4) * 100,
             rng.uniform(-1, 1, n - n // 2 - n // 4)]
    x = np.concatenate(parts).astype(dtype)
    x[::1000] = 0.0
    x[7::1001] = np.nan
    x[13::997] = np.inf
    x[17::991] = -np.inf
    return x


THREAD_CASES = [c for c in CASES if registry.get(c.values[0]).alias_of is None]


@pytest.fixture
def restore_threads():
    yield
    fastact.set_num_threads(None)


@pytest.mark.parametrize(("name", "kw"), THREAD_CASES)
def test_thread_count_does_not_change_results(name, kw, restore_threads):
    for dtype in (np.float32, np.float64):
        x = _mixed(3_000_000, dtype)
        results = []
        for n in (1, 2):
            fastact.set_num_threads(n)
            results.append(getattr(fastact, name).value_and_grad(x, **kw))
        fastact.set_num_threads(None)
        for k, (a, b) in enumerate(zip(*results, strict=True)):
            assert a.tobytes() == b.tobytes(), (
                f"{name} {np.dtype(dtype).name} output {k}: "
                f"{np.count_nonzero(a.view(np.uint8) != b.view(np.uint8))} bytes differ"
            )


@pytest.mark.parametrize(("name", "kw"), THREAD_CASES)
def test_alignment_does_not_change_results(name, kw):
    for dtype in (np.float32, np.float64):
        x = _mixed(40_001, dtype)
        whole = getattr(fastact, name).value_and_grad(x, **kw)
        for shift in (1, 2, 3):
            part = getattr(fastact, name).value_and_grad(x[shift:], **kw)
            for a, b in zip(whole, part, strict=True):
                assert a[shift:].tobytes() == b.tobytes(), f"{name} shifted by {shift}"


def test_thread_settings(restore_threads):
    assert isinstance(fastact.get_num_threads(), int)
    assert fastact.get_num_threads() >= 1
    fastact.set_num_threads(1)
    assert fastact.get_num_threads() == 1
    fastact.set_num_threads(2)
    assert fastact.get_num_threads() == (2 if fastact.ufuncs.openmp_enabled() else 1)
    fastact.set_num_threads(None)
    assert fastact.get_num_threads() >= 1
    for bad in (-1, -8, 1.5):
        with pytest.raises(ValueError, match="set_num_threads"):
            fastact.set_num_threads(bad)
    assert fastact.get_num_threads() >= 1


def test_no_flush_to_zero():
    x = np.linspace(-1, 1, 100_000)
    fastact.gelu(x, approximate="none")
    fastact.sigmoid.value_and_grad(x.astype(np.float32))
    assert np.float64(5e-324) * 1.0 != 0
    assert np.float32(1e-45) * np.float32(1) != 0
    tiny = np.float32(1e-45)
    s = tiny + tiny
    assert s != 0 and s < np.finfo(np.float32).tiny
    assert np.float64(2.5e-308) / 4 != 0
    # and the kernels themselves keep subnormal inputs and outputs
    sub = np.array([5e-324, -5e-324, 1e-310])
    np.testing.assert_array_equal(fastact.relu(sub), [5e-324, 0.0, 1e-310])
    np.testing.assert_array_equal(fastact.linear(sub), sub)


# ---- no leaks ------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_no_reference_leaks(name, kw, op):
    x = np.linspace(-3, 3, 16)
    if op == "backward_from_output":
        x = reference.__dict__[name](x, **kw)
    inputs = op_inputs(op, x)
    params = {k: (np.float64(v) if isinstance(v, float) else v) for k, v in kw.items()}
    rec = registry.get(name)
    params.update({p.name: np.full((1,), p.default if p.default is not None
                                   else kw.get(p.name)) for p in rec.params[:1]})
    objects = [*inputs, *params.values()]
    call(fastact, name, op, inputs, params)
    before = [sys.getrefcount(o) for o in objects]
    for _ in range(1000):
        call(fastact, name, op, inputs, params)
    after = [sys.getrefcount(o) for o in objects]
    assert after == before, f"{name}.{op}: refcounts {before} -> {after}"


@pytest.mark.parametrize(("name", "kw"), CASES)
def test_no_memory_growth_with_out(name, kw):
    x = np.linspace(-3, 3, 256)
    g = grads_like(x)
    o1, o2 = np.empty_like(x), np.empty_like(x)
    f = getattr(fastact, name)
    y = getattr(reference, name)(x, **kw)

    def run():
        f(x, **kw, out=o1)
        f.grad(x, **kw, out=o1)
        f.value_and_grad(x, **kw, out=(o1, o2))
        f.backward(g, x, **kw, out=o2)
        if hasattr(f, "backward_from_output"):
            f.backward_from_output(g, y, **kw, out=o1)

    tracemalloc.start()
    try:
        for _ in range(50):
            run()
        start = tracemalloc.get_traced_memory()[0]
        for _ in range(500):
            run()
        growth = tracemalloc.get_traced_memory()[0] - start
    finally:
        tracemalloc.stop()
    # 500 leaked 2 KiB outputs would be 1 MB; allow interpreter noise
    assert growth < 16_384, f"{name}: traced memory grew by {growth} bytes over 500 rounds"


NO_TEMPORARIES_SLACK = 256 << 10  # NumPy's iterator buffers and small objects, not per element


def _traced_peak(fn) -> int:
    """Bytes allocated at the peak of one call of fn, beyond what was held before it."""
    fn()  # first-call caches (default parameter arrays, ...)
    tracemalloc.reset_peak()
    before = tracemalloc.get_traced_memory()[0]
    result = fn()
    peak = tracemalloc.get_traced_memory()[1] - before
    del result
    return peak


@pytest.mark.parametrize(("name", "kw", "op"), CASE_OPS)
def test_no_temporaries(name, kw, op):
    """f(x) allocates only its output, value_and_grad only its two, and with
    out= nothing at all (tracemalloc sees NumPy's allocations). prelu.backward with a
    scalar alpha also holds g min(x, 0) before summing it into grad_alpha."""
    x = np.linspace(-5, 5, 1 << 20).astype(np.float32)
    g = grads_like(x)
    y = getattr(reference, name)(x, **kw)
    inputs = {"forward": (x,), "grad": (x,), "value_and_grad": (x,), "backward": (g, x),
              "backward_from_output": (g, y)}[op]
    outs = tuple(np.empty_like(x) for _ in range(n_out(name, op)))
    arrays = N_OUT[op] + (1 if (name, op) == ("prelu", "backward") else 0)
    tracemalloc.start()
    try:
        fresh = _traced_peak(lambda: call(fastact, name, op, inputs, kw))
        given = _traced_peak(lambda: call(fastact, name, op, inputs, kw,
                                          out=outs if len(outs) > 1 else outs[0]))
    finally:
        tracemalloc.stop()
    assert fresh <= arrays * x.nbytes + NO_TEMPORARIES_SLACK, (
        f"{name}.{op}: {fresh} bytes at the peak for {arrays} output(s) of {x.nbytes}")
    if (name, op) != ("prelu", "backward"):
        assert given <= NO_TEMPORARIES_SLACK, f"{name}.{op}(out=...): {given} bytes allocated"


@pytest.mark.parametrize(("name", "args", "outputs"), [
    ("softmax", lambda x: (x,), 1), ("log_softmax", lambda x: (x,), 1),
    ("softmin", lambda x: (x,), 1), ("sparsemax", lambda x: (x,), 1),
    ("glu", lambda x: (x,), 0.5), ("maxout", lambda x: (x, 2), 0.5)])
def test_no_temporaries_row_wise(name, args, outputs):
    """The row-wise functions and their backward allocate only their outputs, too."""
    x = np.random.default_rng(0).normal(size=(512, 1024)).astype(np.float32)
    f = getattr(fastact, name)
    y = f(*args(x))
    if name == "glu":
        backward = (y, x)
    elif name == "maxout":
        backward = (y, x, 2)
    else:
        backward = (x, x)
    tracemalloc.start()
    try:
        forward_peak = _traced_peak(lambda: f(*args(x)))
        backward_peak = _traced_peak(lambda: f.backward(*backward))
        from_output_peak = (_traced_peak(lambda: f.backward_from_output(x, y))
                            if f.record.from_output else 0)
    finally:
        tracemalloc.stop()
    assert forward_peak <= outputs * x.nbytes + NO_TEMPORARIES_SLACK, (name, forward_peak)
    # from the input: the gradient and, where it is formed from y = f(x), y
    formed = 2 if f.record.from_output else 1
    assert backward_peak <= formed * x.nbytes + NO_TEMPORARIES_SLACK, (name, backward_peak)
    assert from_output_peak <= x.nbytes + NO_TEMPORARIES_SLACK, (name, from_output_peak)


# ---- configuration, public names, docstrings ------------------------------------------------


def test_show_config(capsys):
    fastact.show_config()
    text = capsys.readouterr().out
    assert "fastact" in text
    assert re.search(r"^\s*compiler\s+\S+", text, re.M), text
    assert re.search(r"^\s*cflags\s+\S+", text, re.M), text
    openmp = re.search(r"^\s*openmp\s+(\S+)\s*$", text, re.M)
    assert openmp and openmp.group(1) in ("True", "False", "yes", "no"), text
    assert (openmp.group(1) in ("True", "yes")) == fastact.ufuncs.openmp_enabled()
    assert re.search(r"^\s*threads\s+\d+", text, re.M), text
    for forbidden in ("-ffast-math", "-Ofast", "-funsafe-math-optimizations"):
        assert forbidden not in text, f"built with {forbidden}"


def test_public_names():
    for name in ALL_NAMES:
        assert name in fastact.__all__, name
        assert isinstance(getattr(fastact, name), fastact.Activation)
        assert name in reference.__all__, name
    for name in fastact.__all__:
        assert hasattr(fastact, name), name
    public = {n for n, v in vars(fastact).items()
              if isinstance(v, fastact.Activation) and not n.startswith("_")}
    assert public == set(ALL_NAMES), f"not in the registry: {sorted(public - set(ALL_NAMES))}"


@pytest.mark.parametrize("name", ALL_NAMES)
def test_docstrings(name):
    rec = registry.get(name)
    obj = getattr(fastact, name)
    doc = obj.__doc__
    assert doc and rec.formula in doc, f"fastact.{name}: no formula in the docstring"
    assert rec.derivative in doc
    assert name in doc
    assert rec.formula in (getattr(reference, name).__doc__ or "")
    for op in ops_of(name)[1:]:
        assert getattr(obj, op).__doc__, f"fastact.{name}.{op} has no docstring"


def test_function_docstrings():
    for fn in (fastact.get_num_threads, fastact.set_num_threads, fastact.show_config):
        assert fn.__doc__ and len(fn.__doc__.strip()) > 20, fn.__name__
    assert fastact.__doc__


# ---- array-protocol dispatch -------------------------------------------------------------------


class _Wrapped:
    """A minimal array-like that implements __array_ufunc__, like Dask or xarray do."""

    def __init__(self, data):
        self.data = np.asarray(data)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        raw = [i.data if isinstance(i, _Wrapped) else i for i in inputs]
        return _Wrapped(getattr(ufunc, method)(*raw, **kwargs))


@pytest.mark.parametrize("name", ["sigmoid", "elu", "gelu"])
def test_array_ufunc_dispatch(name):
    """The compiled entry points are real ufuncs: other array types get dispatched to."""
    x = np.linspace(-3, 3, 7)
    got = getattr(fastact, name)(_Wrapped(x))
    assert isinstance(got, _Wrapped)
    np.testing.assert_array_equal(got.data, getattr(fastact, name)(x))


def test_float16_overflow_warns_like_float32():
    x16 = np.array([1.0, 60000.0], dtype=np.float16)
    with pytest.warns(RuntimeWarning, match="overflow"):
        assert fastact.linear(x16, slope=2.0)[1] == np.inf
