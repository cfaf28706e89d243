"""Activation objects: keyword parameters in, compiled ufunc calls out.

``fastact.elu(x, alpha=0.5)`` binds the parameters (by position or keyword),
checks them, and calls the ufunc ``elu`` with ``(x, alpha)``; everything
else -- broadcasting, dtypes, ``out=``, ``where=`` -- is NumPy's ufunc
machinery. Errors from it are re-raised naming the function.
"""

from __future__ import annotations

import functools
import inspect
import re
import sys
import types
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import ArrayLike

from . import _ufuncs
from ._arrays import exp_float
from ._fastcall import PASSED_THROUGH, ForwardCall
from ._interop import (
    DISPATCH_CODE,
    bfloat16_result,
    data_of,
    from_dlpack,
    is_bfloat16,
    is_dask,
    lazy_elementwise,
    narrow_kind,
    narrowed,
    out_given,
    widen,
    wrapper_kind,
)
from ._params import Binding, param_dtype, result_dtype, sum_to_shape
from .registry import Record


def _as_float(a):
    """Integer and bool arrays become the float type np.exp would give them.

    With a float parameter beside them, NumPy's ufunc promotion would turn
    int8 into float64 (as in np.add(int8, 0.5)) rather than float16. Other
    array types (a dtype that is not NumPy's: PyTorch tensors) go to the ufunc
    as they are, which converts what NumPy converts; Dask arrays, xarray and
    pandas objects convert with their own ``astype``.
    """
    if isinstance(a, bool):
        return np.float16(a)  # as np.exp(True)
    dtype = getattr(a, "dtype", None)
    if dtype is None and wrapper_kind(a) == "pandas":  # a DataFrame: its columns' dtype
        dtype = np.result_type(*a.dtypes) if all(
            isinstance(d, np.dtype) for d in a.dtypes) else None
    if isinstance(dtype, np.dtype) and dtype.kind in "biu":
        if isinstance(a, np.ndarray) or not hasattr(a, "astype"):
            return np.asarray(a, dtype=exp_float(dtype))
        return a.astype(exp_float(dtype))  # a Dask array stays lazy, a DataArray wrapped
    return a


def _float_inputs(name: str, inputs: tuple, values: list) -> tuple:
    """The inputs as the ufunc gets them (``_as_float``); Python numbers, where every
    input is one, as arrays of the type the call computes in when a parameter of a NumPy
    type decides it (_params.result_dtype, as np.add(0.5, np.float32(2)) is float32):
    NumPy alone would give them float16's loop, the one that takes float32 parameters."""
    floats = tuple(_as_float(a) for a in inputs)
    if all(type(a) in (int, float) for a in floats) and not all(
            type(v) in (int, float) for v in values):
        try:
            dtype = result_dtype(name, inputs, values)
        except (TypeError, ValueError, OverflowError):  # the ufunc says what is wrong
            return floats
        return tuple(np.asarray(a, dtype) for a in floats)
    return floats


def _is_plain(inputs: tuple) -> bool:
    """Whether every input is a NumPy array of one of NumPy's own float types."""
    for a in inputs:
        if type(a) is not np.ndarray or a.dtype.kind != "f" or a.dtype.num >= 256:
            return False
    return True


def _prepared(name: str, inputs: tuple) -> tuple[tuple, np.dtype | None]:
    """(the inputs as the ufunc takes them, bfloat16 where the result is bfloat16):
    DLPack objects viewed as ndarrays, bfloat16 widened to float32 (computed in it and
    rounded once at the end); a TypeError for other narrow types NumPy would widen."""
    if _is_plain(inputs):
        return inputs, None
    # a list as the array NumPy makes of it (a list of bfloat16 numbers is bfloat16)
    inputs = tuple(np.asarray(a) if isinstance(a, list) else from_dlpack(name, a)
                   for a in inputs)
    for a in inputs:
        narrow_kind(name, getattr(a, "dtype", None))
    narrow = bfloat16_result(list(inputs))
    return tuple(map(widen, inputs)), narrow


def _write_narrowed(name: str, result: Any, out: Any, where: Any) -> Any:
    """``result`` (one array or a tuple) copied into ``out`` (one array or a tuple)."""
    results = result if isinstance(result, tuple) else (result,)
    outs = out if isinstance(out, tuple) else (out,)
    if len(outs) != len(results):
        raise TypeError(f"fastact.{name}: this operation returns {len(results)} arrays, so "
                        f"out must be a tuple of {len(results)} arrays")
    for dst in outs:
        if not isinstance(dst, np.ndarray):
            raise TypeError(f"fastact.{name}: out must be an ndarray, got {type(dst).__name__}")
    try:
        for dst, src in zip(outs, results, strict=True):
            np.copyto(dst, src, where=where, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"fastact.{name}: cannot write the result into out: {exc}") from None
    return out


def _defaults_by_dtype(values: list) -> dict:
    """Default parameter values as read-only 0-d arrays of the type each input float
    dtype computes in (float32 for float16), keyed by the input dtype's type number."""
    by_dtype = {}
    for dtype in map(np.dtype, (np.float16, np.float32, np.float64)):
        with np.errstate(over="ignore"):
            arrays = tuple(np.array(v, dtype=param_dtype(dtype)) for v in values)
        if all(np.isfinite(a) for a in arrays):
            for a in arrays:
                a.flags.writeable = False
            by_dtype[dtype.num] = arrays
    return by_dtype


UFUNC_OPTIONS = ("out", "where", "dtype", "casting", "order", "subok", "signature", "axes",
                 "axis", "keepdims")
"""The keyword arguments a ufunc takes (axes and the rest for the row-wise gufuncs)."""


def by_name(name: str) -> Any:
    """The public object ``fastact.<name>``: activations pickle as a reference to it
    (sent to Dask workers or other processes, they arrive as the same object)."""
    return getattr(sys.modules["fastact"], name)


def _explain(name: str, exc: Exception, args: tuple, kwargs: dict, nout: int) -> Exception:
    """The ufunc's error, restated naming the function and the actual problem."""
    text = str(exc)
    unknown = sorted(set(kwargs) - set(UFUNC_OPTIONS))
    if unknown:
        return TypeError(f"fastact.{name}: unexpected keyword argument(s) "
                         f"{', '.join(map(repr, unknown))} (ufunc options: "
                         f"{', '.join(UFUNC_OPTIONS)})")
    if "not supported for the input types" in text or "did not contain a loop" in text:
        dtypes = ", ".join(str(np.asarray(a).dtype) for a in args)
        return TypeError(f"fastact.{name}: unsupported input dtype(s) ({dtypes}); fastact "
                         f"computes float16/32/64 (ints and bools promote)")
    out = kwargs.get("out")
    if out is not None:
        if "Cannot cast ufunc" in text:
            return TypeError(f"fastact.{name}: cannot write the result into out: {text}")
        if nout > 1 and "must be a tuple" in text:
            return TypeError(f"fastact.{name}: this operation returns {nout} arrays, so out "
                             f"must be a tuple of {nout} arrays, got {type(out).__name__}")
        if "ArrayType" in text:
            return TypeError(f"fastact.{name}: out must be an ndarray, got "
                             f"{type(out).__name__}")
    return type(exc)(f"fastact.{name}: {text}")


def _call(name: str, ufunc: np.ufunc, args: tuple, kwargs: dict):
    try:
        return ufunc(*args, **kwargs)
    except (TypeError, ValueError) as exc:
        raise _explain(name, exc, args, kwargs, ufunc.nout) from None


_METHODS = ("__call__", "grad", "value_and_grad", "backward", "backward_from_output",
            "jacobian")


def _names_binding_errors(method):
    """``method`` raising the TypeError of arguments that do not bind (missing, too many,
    an unknown keyword) with the activation's name instead of the class's."""
    label = "" if method.__name__ == "__call__" else f".{method.__name__}"

    @functools.wraps(method)
    def call(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except TypeError as exc:
            # raised before the method's frame existed: the arguments did not bind
            if not _raised_binding(exc):
                raise
            problem = re.sub(r"^[\w.]+\(\) ", "", str(exc))
            if problem.startswith("takes "):  # Python's counts include self
                problem = _without_self(problem)
            raise TypeError(f"fastact.{self.name}{label}: {problem}") from None

    return call


def _raised_binding(exc: TypeError) -> bool:
    """Whether ``exc`` came from arguments that did not bind: its traceback ends in a
    wrapper's frame (this module's or the foreign-array dispatch's), not the method's."""
    last = exc.__traceback__
    if last is None:
        return False
    while last.tb_next is not None:
        last = last.tb_next
    return last.tb_frame.f_code in (_BINDING_CODE, DISPATCH_CODE)


def _without_self(problem: str) -> str:
    """Python's "takes 2 positional arguments but 3 were given", counted without self."""
    counts = [int(n) - 1 for n in re.findall(r"\d+", problem)]
    text = re.sub(r"\d+", "{}", problem).format(*counts)
    text = re.sub(r"\b1 positional arguments\b", "1 positional argument", text)
    return re.sub(r"\bbut 1 were given", "but 1 was given", text)


_BINDING_CODE = _names_binding_errors(lambda self: None).__code__


def names_binding_errors(cls: type) -> type:
    """Class decorator: the public methods ``cls`` defines, wrapped by
    ``_names_binding_errors``."""
    for attr in _METHODS:
        if attr in cls.__dict__:
            setattr(cls, attr, _names_binding_errors(cls.__dict__[attr]))
    return cls


@names_binding_errors
class Activation(ForwardCall):
    """A compiled activation with its derivative, fused value-and-grad and backward.

    Call it as ``f(x, *params, out=None, **ufunc_kwargs)``; parameters may
    also be given by keyword and may be arrays broadcasting against ``x``.
    See ``fastact.registry.get(name)`` for the formula and conventions.
    """

    def __init__(self, record: Record):
        self.record = record
        self.name = record.name
        self._binding = Binding(record)
        choices = record.kernels or {None: record.kernel()}
        self._kernels = {
            choice: {op: getattr(_ufuncs, kernel + suffix, None) for op, suffix in _OPS.items()}
            for choice, kernel in choices.items()
        }
        self.__doc__ = _docstring(record)
        _give_signatures(self, record)
        # the binding of a call with no parameters, made once: most calls are f(x);
        # and per selector choice (gelu's approximate=), keyed by it
        try:
            self._no_params = self._binding.bind((), {})
        except (TypeError, ValueError):  # a parameter is required (prelu's alpha)
            self._no_params = None
        self._no_params_by_choice = {}
        if self._no_params is not None and record.selector is not None:
            selector = record.selector[0]
            self._no_params_by_choice = {
                choice: self._binding.bind((), {selector: choice}) for choice in record.kernels}
        self._plain_forward = None  # for f(float array): see ForwardCall
        self._bare_forward = None  # the ufunc, for an activation without parameters
        if self._no_params is not None:
            values, choice, _ = self._no_params
            forward = self._kernels[choice]["forward"]
            if values:
                self._plain_forward = (forward, _defaults_by_dtype(values))
            else:
                self._bare_forward = forward

    def __repr__(self) -> str:
        return f"<fastact activation {self.name!r}>"

    def __reduce__(self) -> tuple:
        return by_name, (self.name,)

    def _ufunc(self, op: str, args: tuple, kwargs: dict, inputs: tuple):
        """(the ufunc for ``op``, the parameter values, the ufunc's keyword arguments);
        parameters given are checked as rounded for a call on ``inputs``."""
        if not args and self._no_params is not None:  # what binding would give:
            bound = self._no_params
            if self._no_params_by_choice and self.record.selector[0] in kwargs:
                kwargs = dict(kwargs)
                choice = kwargs.pop(self.record.selector[0])
                bound = self._no_params_by_choice.get(choice) if isinstance(choice, str) else None
                if bound is None:  # not a choice: binding names the allowed ones
                    kwargs[self.record.selector[0]] = choice
            if bound is not None and kwargs.keys() <= PASSED_THROUGH:
                values, choice, base = bound
                return self._kernels[choice][op], values, {**base, **kwargs}
        values, choice, kwargs = self._binding.bind(args, kwargs, inputs)
        return self._kernels[choice][op], values, kwargs

    if TYPE_CHECKING:  # at run time, ForwardCall.__call__ (C): f(x) without Python

        def __call__(self, x: ArrayLike, *params: ArrayLike, **kwargs: Any) -> np.ndarray:
            """f(x): the activation, elementwise."""
            ...

    def _run(self, op: str, params: tuple, kwargs: dict, inputs: tuple,
             domain: dict | None = None) -> Any:
        """The ufunc for ``op`` on ``inputs`` (prepared: DLPack, bfloat16) with the
        parameters bound and checked (against ``domain`` too, if given); two outputs
        over Dask arrays lazily."""
        result, narrow, values, kwargs = self._compute(op, params, kwargs, inputs, domain)
        out = kwargs.get("out") if narrow is not None and out_given(kwargs.get("out")) else None
        result = narrowed(result, narrow)
        if out is None:
            return result
        return _write_narrowed(self.name, result, out, kwargs.get("where", True))

    def _compute(self, op: str, params: tuple, kwargs: dict, inputs: tuple,
                 domain: dict | None = None) -> tuple[Any, np.dtype | None, list, dict]:
        """(the result before rounding to bfloat16, bfloat16 or None, the parameter
        values, the keyword arguments given): ``_run``'s work, out= (and where=) left to
        it where the result is bfloat16."""
        if _is_plain(inputs) and "dtype" not in kwargs:  # none of the rest applies
            ufunc, values, kwargs = self._ufunc(op, params, kwargs, inputs)
            self._check_domain(values, domain, inputs)
            return _call(self.name, ufunc, (*inputs, *values), kwargs), None, values, kwargs
        inputs, narrow = _prepared(self.name, inputs)
        params = tuple(map(widen, params))  # bfloat16 parameters as float32
        kwargs = {k: v if k in UFUNC_OPTIONS else widen(v) for k, v in kwargs.items()}
        if kwargs.get("dtype") is not None:  # dtype= decides, bfloat16 computed in float32
            narrow = np.dtype(kwargs["dtype"]) if is_bfloat16(np.dtype(kwargs["dtype"])) \
                else None
            if narrow is not None:
                kwargs["dtype"] = np.float32
        ufunc, values, kwargs = self._ufunc(op, params, kwargs, inputs)
        self._check_domain(values, domain, inputs)
        lazy = any(is_dask(data_of(a)) for a in inputs)
        if lazy and out_given(kwargs.get("out")):
            raise TypeError(f"fastact.{self.name}: out= cannot take a Dask result (Dask "
                            f"arrays are immutable); assign the returned array instead")
        if lazy or any(wrapper_kind(a) for a in inputs):
            # pandas and Dask make Python numbers float64 arrays: give the parameters in
            # the type the loop takes (as the C call does)
            dtype = self._binding.computing_dtype(inputs, values)
            values = [dtype.type(v) if dtype and type(v) in (int, float) else v
                      for v in values]
        args = (*_float_inputs(self.name, inputs, values), *values)
        run_kwargs = kwargs
        if narrow is not None and out_given(kwargs.get("out")):
            run_kwargs = {k: v for k, v in kwargs.items() if k not in ("out", "where")}
        if ufunc.nout > 1 and lazy:
            # Dask has no ufunc with two outputs, in a wrapper (xarray) or not
            try:
                result = lazy_elementwise(ufunc, args, run_kwargs)
            except (TypeError, ValueError) as exc:
                raise type(exc)(f"fastact.{self.name}: {exc}") from None
            return result, narrow, values, kwargs
        return _call(self.name, ufunc, args, run_kwargs), narrow, values, kwargs

    def _check_domain(self, values: list, domain: dict | None, inputs: tuple) -> None:
        """The parameter values against ``domain`` (backward_from_output's narrower one)."""
        if domain:
            self._binding.check(values, domain, " for backward_from_output (f' is not a "
                                "function of y otherwise)", inputs)

    def _general_call(self, x: ArrayLike, *params: ArrayLike, **kwargs: Any) -> np.ndarray:
        """f(x, *params, **kwargs) with the parameters bound and checked."""
        return self._run("forward", params, kwargs, (x,))

    def grad(self, x: ArrayLike, *params: ArrayLike, **kwargs: Any) -> np.ndarray:
        """f'(x), elementwise."""
        return self._run("grad", params, kwargs, (x,))

    def value_and_grad(
        self, x: ArrayLike, *params: ArrayLike, **kwargs: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """(f(x), f'(x)) from one read of x; ``out=`` takes a pair of arrays."""
        return self._run("value_and_grad", params, kwargs, (x,))

    def backward(
        self, grad_out: ArrayLike, x: ArrayLike, *params: ArrayLike, **kwargs: Any
    ) -> np.ndarray:
        """grad_out * f'(x), the vector-Jacobian product, without forming f'(x)."""
        return self._run("backward", params, kwargs, (grad_out, x))


@names_binding_errors
class ActivationFromOutput(Activation):
    """An activation whose derivative is a function of its output y = f(x) alone."""

    def backward_from_output(
        self, grad_out: ArrayLike, y: ArrayLike, *params: ArrayLike, **kwargs: Any
    ) -> np.ndarray:
        """grad_out * f'(x) computed from y = f(x), so x need not be kept."""
        return self._run("backward_from_output", params, kwargs, (grad_out, y),
                         self.record.from_output_domain)


@names_binding_errors
class ActivationWithParamGrad(Activation):
    """An activation with a learned parameter (prelu): backward also returns its gradient."""

    def backward(  # type: ignore[override]
        self, grad_out: ArrayLike, x: ArrayLike, *params: ArrayLike, **kwargs: Any
    ) -> tuple[np.ndarray, np.ndarray]:
        """(grad_out * f'(x), gradient of the parameter summed down to its shape).

        ``out`` may be one array (for grad_x) or a pair (grad_x, grad_param); with
        ``where=``, masked-out elements contribute nothing to grad_param.
        """
        kwargs = dict(kwargs)
        out_x, out_param = _out_pair(self.name, kwargs.pop("out", None))
        where = kwargs.pop("where", True)
        (grad_x, grad_param), narrow, values, _ = self._compute("backward", params, kwargs,
                                                                (grad_out, x))
        grad_param = data_of(grad_param)  # an xarray or pandas wrapper: its array
        if where is not True:
            grad_param = np.where(where, grad_param, 0).astype(grad_param.dtype)
        if isinstance(grad_param, np.matrix):  # whose sum has no keepdims
            grad_param = np.asarray(grad_param)
        # summed in the computing type, rounded to bfloat16 once
        grad_x, grad_param = narrowed((grad_x, sum_to_shape(grad_param, np.shape(values[0]))),
                                      narrow)
        try:
            for dst, src in ((out_x, grad_x), (out_param, grad_param)):
                if dst is not None:  # check both before writing either
                    if not isinstance(dst, np.ndarray):
                        raise TypeError(f"out must hold ndarrays, got {type(dst).__name__}")
                    if dst.shape != np.shape(src):
                        raise ValueError(f"out has shape {dst.shape}, the result "
                                         f"{np.shape(src)}")
                    if not dst.flags.writeable:
                        raise ValueError("output array is read-only")
                    if not np.can_cast(src.dtype, dst.dtype, "same_kind"):
                        raise TypeError(f"cannot cast {src.dtype} to output {dst.dtype}")
            if out_x is not None:
                np.copyto(out_x, grad_x, where=where)
                grad_x = out_x
            if out_param is not None:
                np.copyto(out_param, grad_param)
                grad_param = out_param
        except (TypeError, ValueError) as exc:
            raise type(exc)(f"fastact.{self.name}: {exc}") from None
        return grad_x, grad_param


def _give_signatures(obj: Activation, record: Record) -> None:
    """``obj``'s own signatures (the record's), for ``inspect.signature`` and ``help``: on
    the object, and on per-object copies of its methods (the class's take ``*params``)."""
    obj.__signature__ = record.signature("forward")
    for op in record.operations[1:]:
        method = getattr(type(obj), op)
        copy = types.FunctionType(method.__code__, method.__globals__, method.__name__,
                                  method.__defaults__, method.__closure__)
        copy.__dict__.update(method.__dict__)
        copy.__doc__, copy.__qualname__ = method.__doc__, f"{record.name}.{op}"
        sig = record.signature(op)
        self_param = inspect.Parameter("self", inspect.Parameter.POSITIONAL_ONLY)
        copy.__signature__ = sig.replace(parameters=[self_param, *sig.parameters.values()])
        setattr(obj, op, types.MethodType(copy, obj))


def _out_pair(name: str, out) -> tuple:
    """``out`` of a two-result backward: None, an array (for grad_x) or a pair."""
    if out is None or isinstance(out, np.ndarray):
        return out, None
    if isinstance(out, tuple) and len(out) == 2:
        return out
    raise TypeError(f"fastact.{name}.backward: out must be an array or a pair of arrays "
                    f"(grad_x, grad_param), got {type(out).__name__}")


_OPS = {
    "forward": "",
    "grad": "_grad",
    "value_and_grad": "_value_and_grad",
    "backward": "_backward",
    "backward_from_output": "_backward_from_output",
}


def _docstring(record: Record) -> str:
    params = ", ".join(
        p.name if p.default is None else f"{p.name}={p.default!r}" for p in record.params
    )
    if record.selector:
        params = ", ".join(filter(None, [params, f"{record.selector[0]}={record.selector[1]!r}"]))
    sig = f"{record.name}(x{', ' + params if params else ''}, *, out=None, where=True, ...)"
    lines = [
        sig,
        "",
        f"f(x) = {record.formula}",
        f"f'(x) = {record.derivative}",
        f"Output range: {record.output_range}.",
    ]
    for where, choice in record.kinks:
        lines.append(f"At {where}: {choice}.")
    lines += [
        "",
        f"Advantages: {record.advantages}",
        f"Drawbacks: {record.drawbacks}",
        f"Typical uses: {record.uses}",
        "",
        "Methods: .grad(x, ...), .value_and_grad(x, ...), .backward(grad_out, x, ...)"
        + (", .backward_from_output(grad_out, y, ...)" if record.has_from_output else "")
        + ".",
        "",
        "Example",
        "-------",
        ">>> import numpy as np, fastact",
        f">>> fastact.{record.name}(np.linspace(-2, 2, 5){_example_params(record)}).shape",
        "(5,)",
    ]
    return "\n".join(lines)


def _example_params(record: Record) -> str:
    return "".join(f", {name}={value!r}" for name, value in record.example_params().items())


def make(record: Record) -> Activation:
    """The Activation object for a registry record."""
    if record.param_grad:
        return ActivationWithParamGrad(record)
    if record.has_from_output:
        return ActivationFromOutput(record)
    return Activation(record)
