"""The arrays users bring besides NumPy's: Dask, xarray, pandas, bfloat16, DLPack.

* **Dask** arrays stay lazy. Elementwise functions reach Dask through the ufunc
  protocol; ``value_and_grad`` and prelu's ``backward`` (two outputs) go through
  ``dask.array.apply_gufunc``; row-wise functions through ``map_blocks`` after the
  row axes are made one chunk each (with a ``PerformanceWarning`` when that makes a
  block larger than Dask's ``array.chunk-size``).
* **xarray** DataArrays and **pandas** Series and DataFrames keep their wrapper,
  coordinates, index and name. Elementwise functions reach them through the ufunc
  protocol (so xarray aligns by dimension name); row-wise functions take their data
  and wrap the result like the input (for maxout and the gates, the row axis'
  labels are dropped: the output has other entries along it).
* **bfloat16** (``ml_dtypes``) computes in float32 and rounds once to bfloat16.
* Anything else with ``__dlpack__`` is viewed with ``np.from_dlpack`` (no copy);
  with ``__array__`` NumPy converts it as usual (a PyTorch CPU tensor without a copy).

Nothing here imports Dask, xarray, pandas or ml_dtypes: an object is one of theirs
only if its module was imported already.
"""

from __future__ import annotations

import functools
import inspect
import sys
import warnings
from typing import Any

import numpy as np

from ._arrays import check_axis, write_out

ARRAY_ARGUMENTS = ("grad_out", "x", "y", "where")
"""The row-wise methods' array arguments (the rest are axes, counts and options)."""


def _module_type(module: str, name: str) -> type | None:
    loaded = sys.modules.get(module)
    return getattr(loaded, name, None) if loaded is not None else None


def out_given(out: Any) -> bool:
    """Whether ``out=`` names an array to write into (None and a tuple of Nones do not)."""
    return out is not None and not (isinstance(out, tuple) and all(o is None for o in out))


def is_dask(a: Any) -> bool:
    """Whether ``a`` is a Dask array."""
    array_type = _module_type("dask.array", "Array")
    return array_type is not None and isinstance(a, array_type)


def wrapper_kind(a: Any) -> str | None:
    """"xarray" for a DataArray, "pandas" for a Series or DataFrame, else None."""
    data_array = _module_type("xarray", "DataArray")
    if data_array is not None and isinstance(a, data_array):
        return "xarray"
    pandas = sys.modules.get("pandas")
    if pandas is not None and isinstance(a, (pandas.Series, pandas.DataFrame)):
        return "pandas"
    return None


def is_bfloat16(dtype: Any) -> bool:
    """Whether ``dtype`` is ml_dtypes' bfloat16."""
    return isinstance(dtype, np.dtype) and dtype.kind == "V" and dtype.name == "bfloat16"


def narrow_kind(name: str, dtype: Any) -> None:
    """A TypeError naming ``fastact.<name>`` for a dtype from outside NumPy (type
    numbers from 256) other than bfloat16: ml_dtypes' float8s and the like, which
    NumPy would silently widen to a float loop."""
    if isinstance(dtype, np.dtype) and dtype.num >= 256 and not is_bfloat16(dtype):
        raise TypeError(f"fastact.{name}: unsupported dtype {dtype} (float16/32/64, "
                        f"bfloat16, ints, bool)")


def bfloat16_result(arrays: list) -> np.dtype | None:
    """bfloat16 where the arrays' dtypes promote to it (as NumPy with ml_dtypes
    promotes: bfloat16 with bfloat16 or a small int), else None."""
    dtypes = [a.dtype for a in arrays if isinstance(getattr(a, "dtype", None), np.dtype)]
    if not any(is_bfloat16(d) for d in dtypes):
        return None
    try:
        result = np.result_type(*dtypes)
    except TypeError:
        return None
    return result if is_bfloat16(result) else None


def widen(a: Any) -> Any:
    """A bfloat16 array (of any array type) as float32; anything else as it is."""
    return a.astype(np.float32) if is_bfloat16(getattr(a, "dtype", None)) else a


def narrowed(result: Any, dtype: np.dtype | None) -> Any:
    """The float results of a call, rounded once to ``dtype`` (None: as they are)."""
    if dtype is None:
        return result
    if isinstance(result, tuple):
        return tuple(narrowed(r, dtype) for r in result)
    with np.errstate(invalid="ignore"):  # ml_dtypes flags a signalling NaN's rounding
        return result.astype(dtype)


def from_dlpack(name: str, a: Any) -> Any:
    """An object that has ``__dlpack__`` but is no ndarray, as an ndarray viewing its
    memory (a PyTorch bfloat16 tensor as bfloat16, which DLPack does not carry to
    NumPy; ``__array__`` where DLPack fails); anything else as it is. A TypeError
    naming ``fastact.<name>`` where neither works (a tensor that requires grad)."""
    if isinstance(a, np.ndarray) or not hasattr(a, "__dlpack__") or is_dask(a):
        return a
    torch = sys.modules.get("torch")
    try:
        if torch is not None and isinstance(a, torch.Tensor) and a.dtype == torch.bfloat16:
            return np.from_dlpack(a.view(torch.int16)).view(_bfloat16())
        try:
            return np.from_dlpack(a)
        except (BufferError, TypeError, ValueError):
            return np.asarray(a) if hasattr(a, "__array__") else a
    except (BufferError, RuntimeError, TypeError, ValueError) as exc:
        raise TypeError(f"fastact.{name}: cannot read {type(a).__name__} as an array: "
                        f"{exc}") from None


def _bfloat16() -> np.dtype:
    import ml_dtypes

    return np.dtype(ml_dtypes.bfloat16)


def data_of(a: Any) -> Any:
    """The array inside an xarray or pandas object (Dask or NumPy); ``a`` otherwise."""
    kind = wrapper_kind(a)
    if kind == "xarray":
        return a.data
    if kind == "pandas":
        return a.to_numpy()
    return a


def rewrap(result: Any, template: Any, axes: tuple[int, ...]) -> Any:
    """``result`` in the wrapper of ``template``: the same labels where the shape is the
    same; the labels of every axis but ``axes`` (the row axes) where only those changed
    length; a plain array where the dimensions differ (a Jacobian)."""
    if isinstance(result, tuple):
        return tuple(rewrap(r, template, axes) for r in result)
    kind = wrapper_kind(template)
    if kind is None or np.ndim(result) != template.ndim:
        return result
    same = np.shape(result) == template.shape
    if kind == "xarray":
        if same:
            return template.copy(data=result)
        changed = {template.dims[a] for a in axes}
        coords = {k: c for k, c in template.coords.items() if not changed & set(c.dims)}
        return type(template)(result, dims=template.dims, coords=coords, name=template.name,
                              attrs=template.attrs)
    pandas = sys.modules["pandas"]
    if isinstance(template, pandas.Series):
        return pandas.Series(result, index=template.index if same else None,
                             name=template.name)
    labels = [template.index, template.columns]
    if not same:
        for a in axes:
            labels[a] = None
    return pandas.DataFrame(result, index=labels[0], columns=labels[1])


def _foreign(a: Any) -> str | None:
    """What kind of array ``a`` is, for the row-wise methods' dispatch (None: NumPy's);
    a bfloat16 dtype (``dtype=``) counts as bfloat16."""
    if isinstance(a, (np.ndarray, np.generic)):
        if a.dtype.num < 256:
            return None
        return "bfloat16" if is_bfloat16(a.dtype) else "unsupported"
    if isinstance(a, (int, float, str, tuple, list, type(None))):
        return None
    if isinstance(a, (np.dtype, type)):
        try:
            return "bfloat16" if is_bfloat16(np.dtype(a)) else None
        except TypeError:
            return None
    if is_dask(a):
        return "dask"
    kind = wrapper_kind(a)
    if kind is not None:
        return "wrapper"
    return "dlpack" if hasattr(a, "__dlpack__") else None


_SIMPLE = frozenset((int, float, bool, str, tuple, list, type(None)))


def _plain(values: Any) -> bool:
    """Whether every value is a NumPy array of one of NumPy's own types or a Python
    number, string, sequence or None: the common call, decided fast."""
    for a in values:
        if type(a) is np.ndarray:
            if a.dtype.num >= 256:
                return False
        elif type(a) not in _SIMPLE:
            return False
    return True


_ORDER = ("unsupported", "wrapper", "dask", "bfloat16", "dlpack")
"""Which kind decides a call with several: a wrapper's data may be Dask or bfloat16."""


def accepts_foreign(method: Any) -> Any:
    """A row-wise method taking Dask, xarray, pandas, bfloat16 and DLPack arrays too:
    NumPy arrays go straight to ``method``; the others as the module says."""
    signature = inspect.signature(method)

    @functools.wraps(method)
    def call(self: Any, *args: Any, **kwargs: Any) -> Any:
        if _plain(args) and (not kwargs or _plain(kwargs.values())):
            return method(self, *args, **kwargs)
        try:
            bound = signature.bind(self, *args, **kwargs)
        except TypeError:  # the method says what does not bind
            return method(self, *args, **kwargs)
        # the array arguments and dtype= decide (out= is NumPy's or refused by the method)
        kinds = {_foreign(v) for k, v in bound.arguments.items()
                 if k in ARRAY_ARGUMENTS or k == "dtype"}
        kinds.discard(None)
        if not kinds:
            return method(self, *args, **kwargs)
        kind = min(kinds, key=_ORDER.index)
        return _HANDLERS[kind](self, call, bound)

    return call


DISPATCH_CODE = accepts_foreign(lambda self: None).__code__
"""The code of ``accepts_foreign``'s wrapper: a TypeError whose traceback ends in it
means the arguments did not bind."""


def _arrays(bound: inspect.BoundArguments) -> dict:
    return {k: v for k, v in bound.arguments.items()
            if k in ARRAY_ARGUMENTS and v is not None}


def _call_with(method: Any, bound: inspect.BoundArguments, **changed: Any) -> Any:
    arguments = {**bound.arguments, **changed}
    self = arguments.pop("self")
    kwargs = arguments.pop("kwargs", {})  # none of the row-wise methods has **kwargs
    return method(self, **arguments, **kwargs)


def _row_axes(name: str, bound: inspect.BoundArguments, ndim: int) -> tuple[int, ...]:
    """The non-negative row axes of a call on ``ndim`` dimensions (all for None), each
    checked (``check_axis``)."""
    axis = bound.arguments.get("axis", bound.signature.parameters["axis"].default)
    if axis is None:
        return tuple(range(ndim))
    listed = axis if isinstance(axis, (tuple, list)) else (axis,)
    return tuple(check_axis(name, a, ndim) for a in listed) if ndim else ()


def _on_wrapper(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    arrays = _arrays(bound)
    template = next((arrays[k] for k in ("x", "y", "grad_out") if wrapper_kind(arrays.get(k))),
                    None)
    out = bound.arguments.get("out")
    if template is None or (out is not None and wrapper_kind(out)):
        raise TypeError(f"fastact.{self.name}: an xarray or pandas object may be x, y or "
                        f"grad_out, not out= or where= alone")
    axes = _row_axes(self.name, bound, template.ndim)
    _check_aligned(self.name, [v for v in arrays.values() if wrapper_kind(v)], axes)
    result = _call_with(method, bound, **{k: data_of(v) for k, v in arrays.items()})
    if out is not None:
        return result
    return rewrap(result, template, axes)


def _check_aligned(name: str, wrapped: list, axes: tuple[int, ...]) -> None:
    """A ValueError naming ``fastact.<name>`` unless the xarray and pandas inputs of a
    row-wise call have the same dimensions and the same labels off the row ``axes``
    (their data are paired by position, as the row axis is; along it a gate's or
    maxout's grad_out has other entries)."""
    first = wrapped[0]
    for other in wrapped[1:]:
        if wrapper_kind(other) != wrapper_kind(first):
            raise TypeError(f"fastact.{name}: mixes xarray and pandas inputs")
        if wrapper_kind(first) == "xarray":
            off_rows = [d for i, d in enumerate(first.dims) if i not in axes]
            same = other.dims == first.dims and all(
                other.indexes[d].equals(first.indexes[d])
                for d in off_rows if d in first.indexes and d in other.indexes)
        else:
            labels = ("index", "columns")[:first.ndim]
            same = all(getattr(other, k).equals(getattr(first, k))
                       for i, k in enumerate(labels) if i not in axes)
        if not same:
            raise ValueError(
                f"fastact.{name}: the inputs' dimensions or labels differ; row-wise "
                f"functions pair them by position: align them first (xarray.align, "
                f"transpose, or DataFrame.align)")


def _on_bfloat16(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    arrays = _arrays(bound)
    dtype = bound.arguments.get("dtype")
    changed: dict = {}
    if dtype is None:
        target = bfloat16_result([v for k, v in arrays.items() if k != "where"])
    elif is_bfloat16(np.dtype(dtype)):  # computed in float32, rounded at the end
        target, changed["dtype"] = np.dtype(dtype), np.float32
    else:  # dtype= decides
        target = None
    out = bound.arguments.get("out")
    if out is not None:
        changed["out"] = None
    changed.update({k: widen(np.asanyarray(from_dlpack(self.name, v)))
                    for k, v in arrays.items() if k != "where"})
    result = narrowed(_call_with(method, bound, **changed), target)
    if out is None:
        return result
    write_out(self.name, out, result)
    return out


def _on_unsupported(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    for value in _arrays(bound).values():
        narrow_kind(self.name, getattr(value, "dtype", None))
    return _call_with(method, bound)


def _on_dlpack(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    return _call_with(method, bound, **{k: from_dlpack(self.name, v)
                                        for k, v in _arrays(bound).items()})


def _on_dask(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    if bound.arguments.get("out") is not None:
        raise TypeError(f"fastact.{self.name}: out= cannot take a Dask result (Dask arrays "
                        f"are immutable); assign the returned array instead")
    try:
        return _dask_rows(self, method, bound)
    except (ValueError, TypeError, IndexError) as exc:  # from Dask: name the function
        if str(exc).startswith("fastact."):
            raise
        raise type(exc)(f"fastact.{self.name}: {exc}") from None


def _dask_rows(self: Any, method: Any, bound: inspect.BoundArguments) -> Any:
    import dask.array as da

    # Python numbers stay numbers (weak, as NumPy takes them)
    arrays = {k: v for k, v in _arrays(bound).items() if not isinstance(v, (int, float))}
    names = list(arrays)
    lazy = [da.asarray(arrays[k]) for k in names]
    if any(np.isnan(n) for a in lazy for n in a.shape):
        raise ValueError(f"fastact.{self.name}: a Dask array of unknown chunk sizes; call "
                         f"x.compute_chunk_sizes() first")
    ndim = max(a.ndim for a in lazy)
    axes = _row_axes(self.name, bound, ndim)
    changes_shape = bound.arguments.get("pieces") is not None or getattr(
        self.record, "gate", None)
    name = getattr(method, "__name__", "__call__")
    if changes_shape or name == "jacobian":
        return _dask_reshaped(self, method, bound, names, lazy, axes[0], name)
    shape = np.broadcast_shapes(*(a.shape for a in lazy))
    lazy = [da.broadcast_to(a, shape) for a in lazy]
    template = max(lazy, key=lambda a: a.npartitions)
    chunks = tuple((n,) if i in axes else template.chunks[i] for i, n in enumerate(shape))
    _warn_large(self.name, chunks, max(a.dtype.itemsize for a in lazy),
                any(len(template.chunks[i]) > 1 for i in axes), depth=6)
    lazy = [a.rechunk(chunks) for a in lazy]
    block = functools.partial(_on_blocks, method, bound, names)
    dtype = _result_dtype(block, lazy, ())  # the dtype, from one entry
    return da.map_blocks(block, *lazy, dtype=dtype, meta=np.empty((0,) * len(shape), dtype))


def _dask_reshaped(self: Any, method: Any, bound: inspect.BoundArguments, names: list,
                   lazy: list, axis: int, name: str) -> Any:
    """maxout, the gates (the row axis changes length) and Jacobians (one axis more)
    lazily: the row axis one chunk, the other axes chunked as x's (or y's)."""
    import dask.array as da

    x = lazy[names.index("x")]
    loop = tuple(c for i, c in enumerate(x.chunks) if i != axis)
    _warn_large(self.name, tuple((n,) if i == axis else c for i, (n, c) in
                                 enumerate(zip(x.shape, x.chunks, strict=True))),
                x.dtype.itemsize, len(x.chunks[axis]) > 1, depth=7)
    x = x.rechunk({axis: -1})
    block = functools.partial(_on_blocks, method, bound, names)
    n = x.shape[axis]
    if name == "jacobian":
        chunks = (*loop, (n,), (n,))
        dtype = _result_dtype(block, [x], (axis,))
        return da.map_blocks(block, x, chunks=chunks, drop_axis=axis,
                             new_axis=[x.ndim - 1, x.ndim], dtype=dtype)
    if name != "backward":  # the forward: the row axis shrinks
        dtype, length = _result_dtype_and_length(block, x, axis)
        chunks = tuple((length,) if i == axis else c for i, c in enumerate(x.chunks))
        return da.map_blocks(block, x, chunks=chunks, dtype=dtype)
    if "grad_out" not in names:  # a number
        return da.map_blocks(block, x, chunks=x.chunks, dtype=_result_dtype(block, [x], (axis,)))
    g = lazy[names.index("grad_out")]
    g_shape = list(x.shape)
    g_shape[axis] = _output_length(bound, n)
    g = da.broadcast_to(g, tuple(g_shape)).rechunk(
        tuple((m,) if i == axis else c for i, (m, c) in enumerate(zip(g_shape, x.chunks,
                                                                        strict=True))))
    ordered = [g if k == "grad_out" else x for k in names]
    dtype = _result_dtype(block, ordered, (axis,))
    return da.map_blocks(block, *ordered, chunks=x.chunks, dtype=dtype)


def _output_length(bound: inspect.BoundArguments, n: int) -> int:
    """The output's length along the row axis of length ``n``: maxout's groups, or a
    gate's half."""
    pieces = bound.arguments.get("pieces")
    return n // pieces if pieces is not None else n // 2


def _on_blocks(method: Any, bound: inspect.BoundArguments, names: list, *blocks: Any) -> Any:
    return _call_with(method, bound, **dict(zip(names, blocks, strict=True)))


def _small(a: Any, keep: tuple[int, ...]) -> np.ndarray:
    """A NumPy stand-in for ``a``: its dtype, length 1 except along ``keep``."""
    shape = tuple(n if i in keep else min(n, 1) for i, n in enumerate(a.shape))
    return np.ones(shape, a.dtype)


def _result_dtype(block: Any, lazy: list, axes: tuple[int, ...]) -> np.dtype:
    """The dtype ``block`` returns, from a call on stand-ins with one row along ``axes``."""
    return np.asarray(block(*(_small(a, axes) for a in lazy))).dtype


def _result_dtype_and_length(block: Any, x: Any, axis: int) -> tuple[np.dtype, int]:
    result = np.asarray(block(_small(x, (axis,))))
    return result.dtype, result.shape[axis]


def _warn_large(name: str, chunks: tuple, itemsize: int, rechunked: bool,
                depth: int) -> None:
    """A PerformanceWarning where making the row axes one chunk gives blocks larger
    than Dask's ``array.chunk-size``, pointing ``depth`` frames up (the user's call)."""
    if not rechunked:
        return
    import dask
    from dask.array.core import PerformanceWarning
    from dask.utils import parse_bytes

    limit = parse_bytes(dask.config.get("array.chunk-size"))
    largest = itemsize * int(np.prod([max(c) if c else 0 for c in chunks], dtype=np.float64))
    if largest > limit:
        warnings.warn(
            f"fastact.{name}: the row axis is split across chunks; joining it gives blocks "
            f"of {largest / 2**20:.0f} MiB (array.chunk-size is {limit / 2**20:.0f} MiB). "
            f"Chunk the other axes more finely, e.g. x.rechunk({{axis: -1, other: 'auto'}})",
            PerformanceWarning, stacklevel=depth)


_HANDLERS = {"unsupported": _on_unsupported, "wrapper": _on_wrapper, "dask": _on_dask,
             "bfloat16": _on_bfloat16, "dlpack": _on_dlpack}


def lazy_elementwise(ufunc: np.ufunc, inputs: tuple, kwargs: dict) -> Any:
    """A ufunc with several outputs (value_and_grad, prelu's backward) over Dask inputs,
    one tuple of Dask arrays: through ``xarray.apply_ufunc`` where an input is a
    DataArray (so that it aligns by dimension name), then ``dask.array.apply_gufunc``
    with every dimension a loop dimension, the inputs broadcast and chunked alike."""
    if any(wrapper_kind(a) == "xarray" for a in inputs):
        xr = sys.modules["xarray"]
        return xr.apply_ufunc(lambda *a: lazy_elementwise(ufunc, a, kwargs), *inputs,
                              dask="allowed", output_core_dims=[()] * ufunc.nout)
    import dask.array as da

    where = kwargs.get("where", True)
    arrays = [a for a in inputs if not isinstance(a, (int, float))]
    dtypes = [r.dtype for r in ufunc(*(np.ones(1, a.dtype) if isinstance(a, np.ndarray) or
                                       is_dask(a) else a for a in inputs))]
    lazy = da.broadcast_arrays(*(da.asarray(data_of(a)) for a in arrays),
                               *([] if where is True else [da.asarray(where)]))
    lazy = da.core.unify_chunks(*(x for a in lazy for x in (a, tuple(range(a.ndim)))))[1]

    # out=None given with where= says "leave the rest as it is", as NumPy takes it
    quiet = {"out": (None,) * ufunc.nout} if "out" in kwargs else {}

    def blocks(*parts: Any) -> Any:
        it = iter(parts)
        full = [a if isinstance(a, (int, float)) else next(it) for a in inputs]
        return ufunc(*full) if where is True else ufunc(*full, where=next(it), **quiet)

    signature = ",".join(["()"] * len(lazy)) + "->" + ",".join(["()"] * ufunc.nout)
    return tuple(da.apply_gufunc(blocks, signature, *lazy, output_dtypes=dtypes))
