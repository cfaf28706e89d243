"""fastact on the arrays users bring: Dask arrays (lazy, on a distributed cluster too),
xarray and pandas objects (wrappers, coordinates, index and name kept), bfloat16
(ml_dtypes: computed in float32, rounded once), and objects with ``__dlpack__`` or
``__array__`` (PyTorch tensors among them)."""

from __future__ import annotations

import warnings

import dask
import dask.array as da
import ml_dtypes
import numpy as np
import pandas as pd
import pytest
import xarray as xr
from cases import call_kwargs, case_id, kernel_cases, truth_params
from dask.array.core import PerformanceWarning
from dask.callbacks import Callback
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from interop_calls import elementwise_calls, rowwise_calls, samples

import fastact
from fastact import _interop, reference, registry
from fastact._ulp import ulp_error

BF16 = np.dtype(ml_dtypes.bfloat16)
ELEMENTWISE = registry.names(include_aliases=True)
ROWWISE = registry.rowwise_names()


class NoCompute(Callback):
    """Fails any Dask computation started inside the block: nothing may run eagerly."""

    def _start(self, dsk):
        raise AssertionError("a Dask graph was computed before the result was asked for")


def assert_same(result, expected, kind=np.ndarray, label=""):
    """``result`` (one array or a tuple) of type ``kind`` with ``expected``'s values
    and dtypes, bit for bit; ``label`` names the call in a failure."""
    if isinstance(expected, tuple):
        assert isinstance(result, tuple) and len(result) == len(expected), label
        for r, e in zip(result, expected, strict=True):
            assert_same(r, e, kind, label)
        return
    assert isinstance(result, kind) or (  # a 0-d result is a NumPy scalar, as in NumPy
        kind is np.ndarray and isinstance(result, np.generic)), (label, type(result))
    values = np.asarray(result.compute() if isinstance(result, da.Array) else result)
    assert values.dtype == expected.dtype, label
    np.testing.assert_array_equal(values, expected, err_msg=label)


def chunked(chunks):
    """A converter to Dask arrays of these chunks (the last ones for fewer dimensions)."""
    def convert(a):
        a = np.asarray(a)
        return da.from_array(a, chunks=chunks[-a.ndim:] if isinstance(chunks, tuple) else chunks)
    return convert


# ---------------------------------------------------------------- Dask


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_dask_elementwise_is_lazy_and_equal(name, dtype):
    x, g = samples((7, 10), dtype)
    for op, call in elementwise_calls(name):
        with NoCompute():
            result = call(chunked((3, 4)), x, g)
        expected = call(np.asarray, x, g)
        if name == "prelu" and op == "backward":  # the parameter's gradient: a Dask sum,
            # in another order than NumPy's
            assert_same(result[0], expected[0], da.Array, op)
            assert result[1].dtype == expected[1].dtype
            np.testing.assert_allclose(result[1].compute(), expected[1],
                                       rtol=8 * np.finfo(dtype).eps)
            continue
        assert_same(result, expected, da.Array, op)


def test_dask_two_outputs_broadcast_and_chunked_differently():
    x, g = samples((6, 8), np.float32)
    alpha = np.linspace(0.1, 0.8, 8, dtype=np.float32)
    calls = {
        "NumPy g, Dask x": lambda c1, c2: fastact.prelu.backward(g, c1(x), 0.1),
        "other chunks": lambda c1, c2: fastact.prelu.backward(c2(g), c1(x), 0.1),
        "per-channel alpha": lambda c1, c2: fastact.prelu.backward(c2(g), c1(x), alpha),
        "a row of g": lambda c1, c2: fastact.prelu.backward(c2(g[0]), c1(x), 0.1),
        "where": lambda c1, c2: fastact.elu.value_and_grad(c1(x), where=c2(x > 0),
                                                           out=(None, None)),
    }
    for label, call in calls.items():
        with NoCompute():
            result = call(chunked((3, 4)), chunked((2, 3)))
        expected = call(np.asarray, np.asarray)
        for r, e in zip(result, expected, strict=True):
            assert isinstance(r, da.Array) and r.dtype == e.dtype, label
            if label == "where":
                r, e = r[x > 0], e[x > 0]  # elsewhere: NumPy leaves memory as it was
            np.testing.assert_allclose(r.compute(), e, rtol=1e-6, err_msg=label)


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("name", ROWWISE)
def test_dask_rowwise_is_lazy_with_rows_split_across_chunks(name, axis):
    x, g = samples((8, 12))
    for method, call in rowwise_calls(name):
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # small blocks: no PerformanceWarning
            with NoCompute():
                result = call(chunked((3, 5)), x, g, axis)
        assert_same(result, call(np.asarray, x, g, axis), da.Array, method)


@pytest.mark.parametrize("axis", [(0, 2), None, (1,)])
def test_dask_softmax_axes_masks_and_dtype(axis):
    x, g = samples((4, 5, 6))
    where = samples((5, 6), seed=3)[0] > -2
    lazy = chunked((2, 2, 4))
    for f in (fastact.softmax, fastact.log_softmax):
        with NoCompute():
            results = (f(lazy(x), axis=axis, where=where, dtype=np.float32),
                       f.backward(lazy(g), lazy(x), axis=axis, where=chunked((2, 4))(where)))
        assert_same(results[0], f(x, axis=axis, where=where, dtype=np.float32), da.Array)
        assert_same(results[1], f.backward(g, x, axis=axis, where=where), da.Array)


def test_dask_integers_stay_lazy_and_promote_as_numpy():
    x = np.arange(-20, 20, dtype=np.int8).reshape(4, 10)
    with NoCompute():
        results = (fastact.elu(chunked(2)(x), alpha=0.5), fastact.softmax(chunked(2)(x)),
                   fastact.sigmoid.value_and_grad(chunked(2)(x)))
    assert_same(results[0], fastact.elu(x, alpha=0.5), da.Array)
    assert results[0].dtype == np.float16
    assert_same(results[1], fastact.softmax(x), da.Array)
    assert_same(results[2], fastact.sigmoid.value_and_grad(x), da.Array)


def test_dask_joining_large_rows_warns_and_small_ones_do_not():
    x = da.zeros((64, 64), chunks=(64, 16))
    with dask.config.set({"array.chunk-size": "4KiB"}):
        for f in (fastact.softmax, fastact.glu):
            with pytest.warns(PerformanceWarning, match=rf"fastact\.{f.name}: the row axis") \
                    as caught:
                f(x)
            assert caught[0].filename == __file__  # points at the caller's line
        with warnings.catch_warnings():
            warnings.simplefilter("error")
            fastact.softmax(x, axis=0)  # already one chunk along the rows: no rechunk
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        fastact.softmax(x)  # 32 KiB blocks under the default 128 MiB


def test_dask_gate_backward_takes_a_number_as_numpy_does():
    x = samples((4, 6), np.float32)[0]
    result = fastact.glu.backward(2.0, chunked((2, 3))(x))
    assert_same(result, fastact.glu.backward(2.0, x), da.Array)


def test_dask_errors_name_the_function():
    x = chunked((2, 3))(samples((4, 6))[0])
    unknown = x[x[:, 0] > -100]  # chunk sizes unknown until computed
    with pytest.raises(ValueError, match=r"fastact\.softmax: .*unknown chunk sizes"):
        fastact.softmax(unknown)
    with pytest.raises(TypeError, match=r"fastact\.softmax: axis must be an int"):
        fastact.softmax(x, axis="b")
    with pytest.raises(ValueError, match=r"fastact\.softmax: .*broadcast"):
        fastact.softmax.backward(x, da.ones((5, 6)))
    with pytest.raises(ValueError, match=r"fastact\.glu: .*broadcast"):
        fastact.glu.backward(da.ones((4, 2)), x)


def test_dask_out_is_refused_naming_the_function():
    x = da.zeros((4, 4), chunks=2)
    with pytest.raises(TypeError, match=r"fastact\.softmax: out= cannot take a Dask"):
        fastact.softmax(x, out=np.empty((4, 4)))
    with pytest.raises(TypeError, match=r"fastact\.tanh: out= cannot take a Dask"):
        fastact.tanh.value_and_grad(x, out=(np.empty((4, 4)), np.empty((4, 4))))
    with pytest.raises(TypeError, match=r"fastact\.relu: out= cannot take a Dask"):
        fastact.relu(x, out=np.empty((4, 4)))


def test_activations_pickle_as_references():
    import pickle

    for name in [*ELEMENTWISE, *ROWWISE]:
        f = getattr(fastact, name)
        assert pickle.loads(pickle.dumps(f)) is f


def _softmax(x):
    e = np.exp(x - x.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def _softmax_backward(g, x):
    s = _softmax(x)
    return s * (g - (g * s).sum(axis=-1, keepdims=True))


def _sigmoid_grad(x):
    e = np.exp(-np.abs(x))
    return e / (1 + e) ** 2


def _worst_relative(result, expected_function, *blocks):
    """One block's largest error against NumPy's formula, relative to the block's scale."""
    expected = expected_function(*blocks)
    return np.array([[np.max(np.abs(result - expected)) / np.max(np.abs(expected))]])


def test_local_cluster_larger_than_a_workers_memory():
    """Two worker processes of 256 MiB each compute over a 384 MiB input (and a 384 MiB
    gradient) whose rows are split across chunks; each result agrees with NumPy's
    formulas on every block, within a few float64 roundings."""
    distributed = pytest.importorskip("distributed")  # dask[distributed], a test extra
    limit = 256 * 2**20
    rows, n = 3 * 2**15, 512
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  memory_limit=limit, dashboard_address=None) as cluster, \
            distributed.Client(cluster):
        x = da.random.default_rng(0).standard_normal((rows, n), chunks=(1024, 256))
        g = da.random.default_rng(1).standard_normal((rows, n), chunks=(1024, 256))
        assert x.nbytes > limit and x.chunks[1] == (256, 256)
        value, derivative = fastact.sigmoid.value_and_grad(x)
        results = {
            "sigmoid": (fastact.sigmoid(x), lambda x: 1 / (1 + np.exp(-x))),
            "value_and_grad[0]": (value, lambda x: 1 / (1 + np.exp(-x))),
            "value_and_grad[1]": (derivative, _sigmoid_grad),
            "softmax": (fastact.softmax(x), _softmax),
            "softmax.backward": (fastact.softmax.backward(g, x), _softmax_backward),
        }
        rows_x, rows_g = x.rechunk({1: -1}), g.rechunk({1: -1})
        checks = []
        for result, formula in results.values():
            inputs = (rows_g, rows_x) if formula is _softmax_backward else (rows_x,)
            checks.append(da.map_blocks(_worst_relative, result.rechunk(rows_x.chunks),
                                        formula, *inputs, dtype=float, chunks=(1, 1)).max())
        worst = dict(zip(results, dask.compute(*checks), strict=True))
    assert all(e < 1e-14 for e in worst.values()), worst


# ---------------------------------------------------------------- xarray and pandas


def _data_array(a):
    rows, cols = a.shape
    return xr.DataArray(a, dims=("batch", "feature"), name="h",
                        coords={"batch": np.arange(rows) * 10,
                                "feature": [f"f{i}" for i in range(cols)],
                                "weight": ("batch", np.linspace(0, 1, 4)[:rows])})


def _frame(a):
    rows, cols = a.shape
    return pd.DataFrame(a, index=list("abcdefgh")[:rows], columns=[f"c{i}" for i in range(cols)])


def _series(a):
    return pd.Series(a, index=list("pqrstuvw")[:len(a)], name="s")


def _assert_wrapped(result, expected, template, axes=()):
    """``result`` an object like ``template`` with ``expected``'s values, its labels kept
    (those of ``axes`` only where their length is unchanged)."""
    if isinstance(expected, tuple):
        for r, e in zip(result, expected, strict=True):
            _assert_wrapped(r, e, template, axes)
        return
    if np.ndim(expected) != template.ndim:  # a Jacobian: a plain array
        assert_same(result, expected)
        return
    assert type(result) is type(template)
    values = result.to_numpy()
    assert values.dtype == expected.dtype
    np.testing.assert_array_equal(values, expected)
    same = expected.shape == template.shape
    if isinstance(template, xr.DataArray):
        assert result.dims == template.dims and result.name == template.name
        for key, coord in template.coords.items():
            if same or not set(coord.dims) & {template.dims[a] for a in axes}:
                xr.testing.assert_equal(result.coords[key], coord)
            else:
                assert key not in result.coords
    elif isinstance(template, pd.Series):
        assert result.name == template.name
        if same:
            pd.testing.assert_index_equal(result.index, template.index)
    else:
        labels = (template.index, template.columns)
        for a, (got, want) in enumerate(zip((result.index, result.columns), labels,
                                            strict=True)):
            if same or a not in axes:
                pd.testing.assert_index_equal(got, want)


def _integers(shape):
    return np.arange(-(np.prod(shape) // 2), np.prod(shape) - np.prod(shape) // 2,
                     dtype=np.int16).reshape(shape) % 13 - 6


@pytest.mark.parametrize("wrap", ["xarray", "pandas"])
@pytest.mark.parametrize("name", ELEMENTWISE)
def test_wrappers_kept_for_every_elementwise_method(name, wrap):
    x, g = _integers((4, 6)), _integers((4, 6))[::-1].copy()
    convert = _data_array if wrap == "xarray" else _frame
    template = convert(x)
    for op, call in elementwise_calls(name):
        result, expected = call(convert, x, g), call(np.asarray, x, g)
        if name == "prelu" and op == "backward":  # the parameter's gradient: an array
            _assert_wrapped(result[0], expected[0], template)
            assert_same(result[1], expected[1])
            continue
        _assert_wrapped(result, expected, template)
    for op, call in elementwise_calls(name):
        if name == "prelu" and op == "backward":
            continue
        _assert_wrapped(call(_series, x[0], g[0]), call(np.asarray, x[0], g[0]), _series(x[0]))


@pytest.mark.parametrize("axis", [0, 1])
@pytest.mark.parametrize("name", ROWWISE)
def test_wrappers_kept_for_every_rowwise_method(name, axis):
    x, g = _integers((4, 6)), _integers((4, 6))[::-1].copy()
    for convert in (_data_array, _frame):
        template = convert(x)
        for _method, call in rowwise_calls(name):
            _assert_wrapped(call(convert, x, g, axis), call(np.asarray, x, g, axis),
                            template, (axis,))
    for _method, call in rowwise_calls(name):
        _assert_wrapped(call(_series, x[0], g[0], 0), call(np.asarray, x[0], g[0], 0),
                        _series(x[0]), (0,))


def test_xarray_over_dask_stays_lazy():
    x, g = samples((6, 8))
    lazy = xr.DataArray(da.from_array(x, chunks=(2, 3)), dims=("batch", "feature"), name="h")
    with NoCompute():
        results = (fastact.softmax(lazy), fastact.gelu(lazy), fastact.glu(lazy),
                   fastact.tanh.value_and_grad(lazy))
    for result, expected in zip(results, (fastact.softmax(x), fastact.gelu(x), fastact.glu(x),
                                          fastact.tanh.value_and_grad(x)), strict=True):
        for r, e in zip(*(v if isinstance(v, tuple) else (v,) for v in (result, expected)),
                        strict=True):
            assert isinstance(r, xr.DataArray) and isinstance(r.data, da.Array)
            np.testing.assert_array_equal(r.values, e)


def test_two_outputs_on_dask_data_arrays_align_by_name():
    x, g = samples((4, 4))
    xa, ga = xr.DataArray(x, dims=("t", "f")), xr.DataArray(g.T, dims=("f", "t"))
    eager = fastact.prelu.backward(ga, xa, 0.1)
    with NoCompute():
        lazy = fastact.prelu.backward(ga.chunk(2), xa.chunk(2), 0.1)
    assert isinstance(lazy[0].data, da.Array)
    xr.testing.assert_allclose(lazy[0].compute(), eager[0])
    np.testing.assert_allclose(np.asarray(lazy[1]), eager[1], rtol=1e-14)
    np.testing.assert_allclose(eager[1], reference.prelu.backward(g, x, 0.1)[1], rtol=1e-14)


def test_rowwise_wrappers_with_other_labels_are_refused():
    x, g = samples((4, 4))
    xa = xr.DataArray(x, dims=("t", "f"), coords={"t": [0, 1, 2, 3]})
    shuffled = xr.DataArray(g, dims=("t", "f"), coords={"t": [3, 2, 1, 0]})
    for other in (shuffled, xa.transpose()):
        with pytest.raises(ValueError, match=r"fastact\.softmax: the inputs' dimensions"):
            fastact.softmax.backward(other, xa)
    with pytest.raises(ValueError, match=r"fastact\.softmax: the inputs' dimensions"):
        fastact.softmax.backward(_frame(g).iloc[::-1], _frame(x))


def test_prelu_backward_on_a_data_array_sums_the_parameter_gradient():
    x, g = samples((4, 6))
    alpha = np.linspace(0.1, 0.6, 6)
    grad_x, grad_alpha = fastact.prelu.backward(_data_array(g), _data_array(x), alpha)
    expected = reference.prelu.backward(g, x, alpha)
    _assert_wrapped(grad_x, fastact.prelu.backward(g, x, alpha)[0], _data_array(x))
    np.testing.assert_allclose(grad_alpha, expected[1], rtol=1e-15)
    assert grad_alpha.shape == (6,)


# ---------------------------------------------------------------- bfloat16

def as_float64(a):
    """bfloat16 as float64, exactly (through float32: ml_dtypes' direct cast warns on
    NaN; a signalling NaN becomes a quiet one)."""
    with np.errstate(invalid="ignore"):
        return a.astype(np.float32).astype(np.float64)


EVERY_BFLOAT16 = np.arange(2**16, dtype=np.uint16).view(BF16)
BFLOAT16_BOUND = 0.5 + 2**-12
"""Computed in float32 within the float32 contract (at most 7 float32 ULPs, 7 * 2^-16
bfloat16 ULPs), then rounded once: at most half a bfloat16 ULP more than that."""


@pytest.mark.parametrize("case", kernel_cases(), ids=case_id)
def test_bfloat16_every_input_within_half_an_ulp(case):
    name = case[0]
    kw = call_kwargs(case)
    # the truth with the parameters as the float32 loop rounds them
    ref_kw = {**kw, **truth_params(case, np.float32)}
    f, ref = getattr(fastact, name), getattr(reference, name)
    x = EVERY_BFLOAT16
    g = np.random.default_rng(0).standard_normal(x.size).astype(BF16)
    x64, g64 = as_float64(x), as_float64(g)
    with np.errstate(over="ignore", invalid="ignore"):  # as float32 overflows (and prelu's
        # parameter gradient sums inf and -inf)
        y = f(x, **kw)
        results = {"forward": (y, ref(x64, **ref_kw)),
                   "grad": (f.grad(x, **kw), ref.grad(x64, **ref_kw)),
                   "backward": (f.backward(g, x, **kw), ref.backward(g64, x64, **ref_kw))}
        value, derivative = f.value_and_grad(x, **kw)
        from_output = registry.get(name).has_from_output and f.backward_from_output(g, y, **kw)
    results["value_and_grad[0]"] = (value, results["forward"][1])
    results["value_and_grad[1]"] = (derivative, results["grad"][1])
    if registry.get(name).has_from_output:
        results["backward_from_output"] = (
            from_output, ref.backward_from_output(g64, as_float64(y), **ref_kw))
    for op, (result, truth) in results.items():
        if name == "prelu" and op == "backward":
            result, truth = result[0], truth[0]
        assert result.dtype == BF16, op
        with np.errstate(all="ignore"):
            err = ulp_error(result, truth, BF16)
        worst = int(np.argmax(err))
        assert err[worst] <= BFLOAT16_BOUND, (
            f"{op} at x={x64[worst]!r}: {float(result[worst])!r}, true {truth[worst]!r}, "
            f"{err[worst]:.3f} bfloat16 ULPs")


def test_bfloat16_fails_the_bound_when_rounded_twice():
    """The bound above can fail: a result rounded to float16 on the way (three more
    bits lost) is more than half a bfloat16 ULP away somewhere."""
    x = as_float64(EVERY_BFLOAT16)
    x = x[np.isfinite(x) & (np.abs(x) < 60000)]
    twice = reference.tanh(x.astype(np.float16)).astype(BF16)
    assert np.max(ulp_error(twice, reference.tanh(x), BF16)) > BFLOAT16_BOUND


@pytest.mark.parametrize("name", ROWWISE)
def test_bfloat16_rowwise_is_float32_rounded_once(name):
    x, g = samples((6, 8), dtype=BF16)
    for method, call in rowwise_calls(name):
        result = call(np.asarray, x, g, -1)
        in_float32 = call(lambda a: np.asarray(a, np.float32), x, g, -1)
        assert result.dtype == BF16, method
        np.testing.assert_array_equal(result, in_float32.astype(BF16))


def test_bfloat16_promotes_as_numpy_with_ml_dtypes():
    x, g = samples((3, 4), dtype=BF16)
    assert fastact.elu.backward(g.astype(np.float32), x).dtype == np.float32
    np.testing.assert_array_equal(fastact.elu.backward(g.astype(np.float32), x),
                                  fastact.elu.backward(g.astype(np.float32),
                                                       x.astype(np.float32)))
    assert fastact.elu.backward(g, x.astype(np.float64)).dtype == np.float64
    assert fastact.elu.backward(g, np.int8(3)).dtype == BF16  # as np.result_type
    assert fastact.softmax.backward(g, x.astype(np.float32)).dtype == np.float32
    assert fastact.sigmoid(x[0, 0]).dtype == BF16
    assert fastact.sigmoid(list(x[0])).dtype == BF16  # as np.asarray makes the list
    assert fastact.elu(x, alpha=np.float64(0.5)).dtype == BF16  # a parameter promotes nothing
    assert fastact.softmax(x, dtype=BF16).dtype == BF16
    assert fastact.softmax(x.astype(np.float64), dtype=BF16).dtype == BF16


def test_bfloat16_with_dtype_masks_and_parameters():
    x, g = samples((3, 4), dtype=BF16)
    assert fastact.gelu(x, dtype=np.float32).dtype == np.float32
    np.testing.assert_array_equal(fastact.gelu(x, dtype=np.float32),
                                  fastact.gelu(x.astype(np.float32)))
    assert fastact.gelu(x.astype(np.float32), dtype=BF16).dtype == BF16
    assert fastact.softmax(x, dtype=np.float64).dtype == np.float64
    assert fastact.softmax.backward(g, x, dtype=np.float64).dtype == np.float64
    masked = np.ma.masked_array(np.array([[1, 2, 3, 100]], BF16), [[0, 0, 0, 1]])
    np.testing.assert_array_equal(fastact.softmax(masked).mask, masked.mask)
    np.testing.assert_array_equal(fastact.softmax(masked).compressed(),
                                  fastact.softmax(np.array([[1, 2, 3]], BF16)).ravel())
    np.testing.assert_array_equal(fastact.maxout(masked, 2), np.array([[2, 3]], BF16))
    alpha = np.full(4, 0.25, BF16)
    assert fastact.prelu(x, alpha).dtype == BF16
    np.testing.assert_array_equal(fastact.prelu(x, alpha), fastact.prelu(x, 0.25))
    assert fastact.prelu.backward(g, x, alpha)[1].dtype == BF16
    out = np.zeros((3, 4), BF16)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no "where without out" warning
        fastact.gelu(x, out=out, where=x > 0)
    np.testing.assert_array_equal(out, np.where(x > 0, fastact.gelu(x), 0).astype(BF16))


def test_bfloat16_out_and_wrappers():
    x, g = samples((3, 4), dtype=BF16)
    out = np.zeros((3, 4), BF16)
    assert fastact.gelu(x, out=out) is out
    np.testing.assert_array_equal(out, fastact.gelu(x))
    pair = (np.zeros((3, 4), BF16), np.zeros((3, 4), BF16))
    assert fastact.tanh.value_and_grad(x, out=pair) is pair
    np.testing.assert_array_equal(pair[1], fastact.tanh.grad(x))
    assert fastact.softmax(x, out=out) is out
    np.testing.assert_array_equal(out, fastact.softmax(x))
    wrapped = fastact.softmax(_data_array(x))
    assert isinstance(wrapped, xr.DataArray) and wrapped.dtype == BF16
    with NoCompute():
        lazy = fastact.silu(chunked(2)(x))
    assert lazy.dtype == BF16
    np.testing.assert_array_equal(lazy.compute(), fastact.silu(x))


@pytest.mark.parametrize("dtype", ["float8_e4m3fn", "float8_e5m2"])
def test_other_narrow_floats_are_refused(dtype):
    x = np.zeros(3, getattr(ml_dtypes, dtype))
    with pytest.raises(TypeError, match=rf"fastact\.sigmoid: unsupported dtype {dtype}"):
        fastact.sigmoid(x)
    with pytest.raises(TypeError, match=r"fastact\.elu: unsupported dtype"):
        fastact.elu.grad(x)
    with pytest.raises(TypeError, match=r"fastact\.softmax: unsupported dtype"):
        fastact.softmax(x)
    with pytest.raises(TypeError, match=r"fastact\.glu: unsupported dtype"):
        fastact.glu.backward(x[:1], np.zeros(2, x.dtype))


# ---------------------------------------------------------------- DLPack and __array__


class DLPackOnly:
    """An array known only by the DLPack protocol (no ``__array__``)."""

    def __init__(self, a):
        self._a = np.asarray(a)  # a NumPy scalar has no __dlpack__

    def __dlpack__(self, **kwargs):
        return self._a.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._a.__dlpack_device__()


class ArrayOnly:
    """An array known only by ``__array__``."""

    def __init__(self, a):
        self._a = a

    def __array__(self, dtype=None, copy=None):
        return self._a if dtype is None else self._a.astype(dtype)


@pytest.mark.parametrize("kind", [DLPackOnly, ArrayOnly])
def test_protocol_objects_for_every_function_and_method(kind):
    x, g = samples((4, 6))
    for name in ELEMENTWISE:
        for op, call in elementwise_calls(name):
            assert_same(call(kind, x, g), call(np.asarray, x, g), label=f"{name}.{op}")
    for name in ROWWISE:
        for method, call in rowwise_calls(name):
            assert_same(call(kind, x, g, -1), call(np.asarray, x, g, -1),
                        label=f"{name}.{method}")


def test_dlpack_is_viewed_without_a_copy():
    x = samples((5,))[0]
    assert np.shares_memory(_interop.from_dlpack("test", DLPackOnly(x)), x)


def test_torch_tensors_without_a_copy():
    torch = pytest.importorskip("torch")  # an optional peer (CI installs it)
    x, g = samples((4, 6))
    tx, tg = torch.from_numpy(x), torch.from_numpy(g)
    assert np.shares_memory(_interop.from_dlpack("test", tx), x)
    for name in ("gelu", "elu", "prelu", "softplus"):
        for op, call in elementwise_calls(name):
            assert_same(call(torch.from_numpy, x, g), call(np.asarray, x, g),
                        label=f"{name}.{op}")
    for name in ROWWISE:
        for method, call in rowwise_calls(name):
            assert_same(call(torch.from_numpy, x, g, 1), call(np.asarray, x, g, 1),
                        label=f"{name}.{method}")
    np.testing.assert_array_equal(fastact.sigmoid(tx.float()),
                                  fastact.sigmoid(x.astype(np.float32)))
    half = torch.from_numpy(x.astype(np.float32)).to(torch.bfloat16)
    assert_same(fastact.gelu(half), fastact.gelu(x.astype(np.float32).astype(BF16)))
    assert_same(fastact.softmax(half), fastact.softmax(x.astype(np.float32).astype(BF16)))
    with pytest.raises(TypeError, match=r"fastact\.sigmoid: cannot read Tensor.*requires grad"):
        fastact.sigmoid(tg.clone().requires_grad_())
    for f, out in ((fastact.softmax, torch.zeros(4, 6)), (fastact.maxout, torch.zeros(4, 3))):
        args = (tx, 2) if f is fastact.maxout else (tx,)
        with pytest.raises(TypeError, match=rf"fastact\.{f.name}: out must be an ndarray"):
            f(*args, out=out)


# ---------------------------------------------------------------- drawn at random

_DTYPES = [np.float16, np.float32, np.float64, BF16, np.int8]


@st.composite
def _dask_calls(draw):
    """A function, a method, an input of random shape, dtype and chunks (0-d and empty
    arrays among them), and the converter to Dask arrays of those chunks."""
    rowwise = draw(st.booleans())
    name = draw(st.sampled_from(ROWWISE if rowwise else ELEMENTWISE))
    ndim = draw(st.integers(1 if rowwise else 0, 3))
    shape = list(draw(st.lists(st.integers(0, 6), min_size=ndim, max_size=ndim)))
    axis = draw(st.integers(-ndim, ndim - 1)) if rowwise else None
    if rowwise and name in ("maxout", "glu", "swiglu", "geglu", "reglu"):
        shape[axis] = 2 * draw(st.integers(1, 3))  # even: two halves, or groups of 2
    dtype = np.dtype(draw(st.sampled_from(_DTYPES)))
    chunks = tuple(draw(st.integers(1, max(n, 1))) for n in shape)
    calls = rowwise_calls(name) if rowwise else elementwise_calls(name)
    method, call = draw(st.sampled_from(calls))
    seed = draw(st.integers(0, 2**16))
    container = draw(st.sampled_from(["dask", "xarray", "dlpack"]))
    return name, method, call, tuple(shape), axis, dtype, chunks, seed, container


def _labelled(a):
    return xr.DataArray(a, dims=[f"d{i}" for i in range(a.ndim)])


@settings(max_examples=150, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.too_slow])
@given(_dask_calls())
def test_other_containers_agree_with_numpy_on_random_calls(drawn):
    """Dask (random chunks), xarray and DLPack inputs of random shape (0-d and empty
    among them) and dtype (bfloat16 and int8 among them) give NumPy's values and dtype."""
    name, method, call, shape, axis, dtype, chunks, seed, container = drawn
    x, g = samples(shape, np.float64, seed)
    if dtype.kind == "i":
        x, g = np.round(x).astype(dtype), np.round(g).astype(dtype)
    else:
        x, g = x.astype(np.float32).astype(dtype), g.astype(np.float32).astype(dtype)
    x, g = np.asarray(x), np.asarray(g)  # 0-d arrays, not NumPy scalars
    args = (x, g) if axis is None else (x, g, axis)
    convert, kind = {"dask": (chunked(chunks), da.Array), "xarray": (_labelled, xr.DataArray),
                     "dlpack": (DLPackOnly, np.ndarray)}[container]
    if container == "dlpack" and dtype == BF16:  # DLPack has no bfloat16 for NumPy
        convert = np.asarray
    with np.errstate(all="ignore"):
        expected = call(np.asarray, *args)
        with NoCompute():
            result = call(convert, *args)
    if name == "prelu" and method == "backward":  # the parameter's gradient: summed
        result, expected = result[0], expected[0]  # in another order by Dask
    if method == "jacobian" and container == "xarray":
        kind = np.ndarray  # a Jacobian has no labels to keep
    if kind is xr.DataArray:
        result = tuple(r.data for r in result) if isinstance(result, tuple) else result.data
        kind = np.ndarray
    with np.errstate(all="ignore"):
        assert_same(result, expected, kind, f"{name}.{method} {shape} {dtype} {chunks}")
