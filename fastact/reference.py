"""fastact.reference: the same activations in plain NumPy -- the test oracle.

Same objects, same signatures as ``fastact``: ``reference.elu(x, alpha=0.5)``,
``reference.elu.grad(x)``, ``.value_and_grad``, ``.backward``,
``.backward_from_output``.  Written for clarity and accuracy, not speed:

* float16 and float32 results are computed in float64; float64 results in
  ``np.longdouble`` (80-bit on x86-64 Linux, so ~11 extra bits; on platforms
  where long double is double the reference is only as good as float64).
* Formulas are the numerically stable ones: exp(-|x|) instead of exp(-x),
  expm1 and log1p, a series for x - tanh(x) near 0, erfc from its series
  and continued fraction, exact products where an affine map cancels.
* Results are rounded once to the input's float dtype (ints promote as in
  ``np.exp``).

Its own accuracy is checked against mpmath in the test suite: within 1 ULP
for float32 and float64 results -- except float64 derivatives within ~0.1 of
an interior zero of f' (silu, swish, mish, gelu near x = -1.28, -1.19,
-0.75), where the sum that forms f' cancels and the relative error grows like
2**-64 / |x - zero|; the kernels are checked against mpmath directly there.

>>> import numpy as np
>>> from fastact import reference
>>> float(reference.sigmoid(np.float64(0.0)))
0.5
"""

from __future__ import annotations

import functools
from decimal import Decimal, localcontext
from fractions import Fraction
from math import comb, factorial
from typing import Any

import numpy as np

from . import _reference_groups, _reference_rowwise, registry
from ._params import Binding, param_dtype, result_dtype, sum_to_shape

LD = np.longdouble


# ---- helpers in working precision -------------------------------------------


def _pi(wp):
    return np.arccos(wp(-1))


def _sigmoid_pair(t):
    """(sigmoid(t), sigmoid(-t)) without overflow or cancellation."""
    e = np.exp(-np.abs(t))
    big, small = 1 / (1 + e), e / (1 + e)
    pos = t >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


def _times(x, s):
    """x * s, but a signed zero where s == 0 (the limit at x = +-inf, not NaN)."""
    return np.where(s == 0, np.copysign(0, x) * 0, x * s)


def _finite(x):
    """x with +-inf replaced by +-1e60: derivative formulas then give their limits."""
    return np.clip(x, -1e60, 1e60)


def _softplus(t):
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))


def _split(v):
    """Split doubles into two halves of <= 26 bits, so that products of halves are exact."""
    big = np.abs(v) > 1e300
    c = np.where(big, 0, v) * 134217729.0  # 2**27 + 1 (Veltkamp)
    hi = c - (c - np.where(big, 0, v))
    return np.where(big, v, hi), np.where(big, 0, v - hi)


def _affine(a, x, b, wp):
    """a*x + b with the product exact: no error from cancellation near the root
    (and b where a == 0, even at x = +-inf)."""
    a = np.asarray(a, np.float64)
    x = np.asarray(x, np.float64)
    a1, a2 = _split(a)
    x1, x2 = _split(x)
    a1, a2, x1, x2 = (np.asarray(v, wp) for v in (a1, a2, x1, x2))
    main = a1 * x1 + np.asarray(b, wp)
    return np.where(a == 0, np.asarray(b, wp), main + (a1 * x2 + a2 * x1) + a2 * x2)


def _bernoulli(n_max):
    b = [Fraction(1)]
    for m in range(1, n_max + 1):
        b.append(-sum(comb(m + 1, k) * b[k] for k in range(m)) / (m + 1))
    return b


_B = _bernoulli(60)
# x - tanh(x) = sum_{n>=2} c_n x^(2n-1): minus the tanh series without its first term.
_TANHSHRINK_SERIES = [
    -(Fraction(4) ** n) * (Fraction(4) ** n - 1) * _B[2 * n] / factorial(2 * n)
    for n in range(2, 28)
]


def _fraction(c: Fraction, wp):
    if wp is not LD:
        return wp(float(c))
    with localcontext() as ctx:
        ctx.prec = 40
        return LD(str(Decimal(c.numerator) / Decimal(c.denominator)))


def _tanhshrink_small(x, wp):
    x2 = x * x
    total = np.zeros_like(x)
    for c in reversed(_TANHSHRINK_SERIES):
        total = total * x2 + _fraction(c, wp)
    return total * x2 * x


def _erfc(z, wp):
    """erfc for real z: Maclaurin series of erf for |z| < 1.5, continued fraction beyond."""
    z = np.asarray(z, wp)
    out = np.empty_like(z)
    two_over_sqrt_pi = 2 / np.sqrt(_pi(wp))
    near = np.abs(z) < 1.5
    zn = z[near]
    z2 = zn * zn
    term, total = zn.copy(), zn.copy()
    for n in range(1, 45):
        term = term * -z2 / n
        total = total + term / (2 * n + 1)
    out[near] = 1 - two_over_sqrt_pi * total
    zf = np.abs(z[~near])
    t = zf.copy()
    for k in range(300, 0, -1):  # erfc(z) = e^{-z^2}/sqrt(pi) / (z + (1/2)/(z + 1/(z + ...)))
        t = zf + (k / 2) / t
    tail = np.exp(-zf * zf) / np.sqrt(_pi(wp)) / t
    out[~near] = np.where(z[~near] > 0, tail, 2 - tail)
    return out


def _selu_constants():
    alpha, scale = Decimal("1.6732632423543772"), Decimal("1.0507009873554805")
    with localcontext() as ctx:
        ctx.prec = 50
        sa = alpha * scale
        hi = float(sa)
        return alpha, scale, hi, float(sa - Decimal(hi))


_SELU_ALPHA, _SELU_SCALE, _SELU_SA_HI, _SELU_SA_LO = _selu_constants()


def _const(wp, decimal):
    return wp(str(decimal)) if wp is LD else wp(float(decimal))


# ---- the activations: each returns (f(x), f'(x)) in working precision ------------


def _linear(x, slope, wp):
    return _times(x, slope), slope + np.zeros_like(x)


def _step(x, wp):
    return np.where(x > 0, wp(1), wp(0)), np.zeros_like(x)


def _sigmoid(x, wp):
    s, c = _sigmoid_pair(x)
    return s, s * c


def _tanh(x, wp):
    return np.tanh(x), 1 / np.cosh(x) ** 2


def _relu(x, wp):
    return np.where(x > 0, x, 0), np.where(x > 0, wp(1), wp(0))


def _relu_squared(x, wp):
    positive = np.where(x > 0, x, 0)
    return positive * positive, 2 * positive


def _leaky_relu(x, alpha, wp):
    return np.where(x > 0, x, _times(x, alpha)), np.where(x > 0, wp(1), alpha)


def _elu(x, alpha, wp):
    xn = np.minimum(x, 0)
    return np.where(x > 0, x, alpha * np.expm1(xn)), np.where(x > 0, wp(1), alpha * np.exp(xn))


def _selu(x, wp):
    scale, alpha = _const(wp, _SELU_SCALE), _const(wp, _SELU_ALPHA)
    y, d = _elu(x, alpha, wp)
    return scale * y, scale * d


def _celu(x, alpha, wp):
    q = np.minimum(x, 0) / alpha
    return np.where(x > 0, x, alpha * np.expm1(q)), np.where(x > 0, wp(1), np.exp(q))


def _gelu_tanh(x, wp):
    c = np.sqrt(2 / _pi(wp))
    kappa = _const(wp, Decimal("0.044715"))
    xf = _finite(x)
    v = 2 * c * (xf + kappa * xf**3)
    dv = 2 * c * (1 + 3 * kappa * xf**2)
    s, one_minus_s = _sigmoid_pair(v)
    return _times(x, s), s + xf * s * one_minus_s * dv


def _gelu_erf(x, wp):
    xf = _finite(x)
    cdf = _erfc(-x / np.sqrt(wp(2)), wp) / 2
    pdf = np.exp(-xf * xf / 2) / np.sqrt(2 * _pi(wp))
    return _times(x, cdf), cdf + xf * pdf


def _silu(x, wp):
    s, c = _sigmoid_pair(x)
    return _times(x, s), s * (1 + _finite(x) * c)


def _scaled(beta, x):
    """beta * x, with 0 (not NaN) for beta = 0 at x = +-inf."""
    return np.where(beta == 0, 0, beta * x)


def _swish(x, beta, wp):
    t = _scaled(beta, x)
    s, c = _sigmoid_pair(t)
    return _times(x, s), s * (1 + _finite(t) * c)


def _softplus_act(x, beta, wp):
    t = _scaled(beta, x)
    return _softplus(t) / beta, _sigmoid_pair(t)[0]


def _mish(x, wp):
    sp = _softplus(x)
    t = np.tanh(sp)
    return _times(x, t), t + _finite(x) * _sigmoid_pair(x)[0] / np.cosh(sp) ** 2


def _hard_region(x, slope, offset):
    """-1 / 0 / 1: at or beyond the clip point x0 = -offset/slope, on the ramp, at or
    beyond x1 = (1 - offset)/slope -- both computed in float64, as the kernels do."""
    x, slope, offset = (np.asarray(v, np.float64) for v in (x, slope, offset))
    with np.errstate(all="ignore"):
        x0, x1 = -offset / slope, (1 - offset) / slope
    pos, neg = slope > 0, slope < 0
    low = np.where(pos, x <= x0, np.where(neg, x >= x0, offset <= 0))
    high = np.where(pos, x >= x1, np.where(neg, x <= x1, offset >= 1))
    # an infinite x is past both points whatever they are (a point beyond the range
    # is inf too): its side is the sign of slope x
    with np.errstate(invalid="ignore"):
        towards = np.sign(slope * x)
    ends = np.isinf(x) & (pos | neg)
    low, high = np.where(ends, towards < 0, low), np.where(ends, towards > 0, high)
    return np.where(low, -1, np.where(high, 1, 0))


def _hard_sigmoid(x, slope, offset, wp):
    region = _hard_region(x, slope, offset)
    ramp = np.clip(_affine(slope, x, offset, wp), 0, 1)
    y = np.where(region < 0, wp(0), np.where(region > 0, wp(1), ramp))
    return y, np.where(region == 0, slope, wp(0))


def _hard_swish(x, slope, offset, wp):
    region = _hard_region(x, slope, offset)
    ramp = np.clip(_affine(slope, x, offset, wp), 0, 1)
    y = np.where(region < 0, np.copysign(0, x) * 0, np.where(region > 0, x, x * ramp))
    # f' = 2 slope x + offset: 2 slope, or where that leaves the double range 2 x (on the
    # ramp |x| <= (|offset| + 1) / |slope| is then tiny)
    big = np.abs(np.asarray(slope, np.float64)) > np.finfo(np.float64).max / 2
    ramp_d = _affine(np.where(big, slope, 2 * np.asarray(slope)), np.where(big, 2 * x, x),
                     offset, wp)
    d = np.where(region < 0, wp(0), np.where(region > 0, wp(1), ramp_d))
    return y, d


def _hard_tanh(x, min_val, max_val, wp):
    inside = (x > min_val) & (x < max_val)
    return np.clip(x, min_val, max_val), np.where(inside, wp(1), wp(0))


def _relu6(x, wp):
    return _hard_tanh(x, wp(0), wp(6), wp)


def _softsign(x, wp):
    a = 1 + np.abs(x)
    return np.where(np.isinf(x), np.sign(x), x / a), 1 / a**2


def _log_sigmoid(x, wp):
    return -_softplus(-x), _sigmoid_pair(-x)[0]


def _tanhshrink(x, wp):
    th = np.tanh(x)
    small = np.abs(x) < 0.5
    return np.where(small, _tanhshrink_small(np.where(small, x, 0), wp), x - th), th * th


def _softshrink(x, lambd, wp):
    y = np.where(x > lambd, x - lambd, np.where(x < -lambd, x + lambd, 0))
    return y, np.where(np.abs(x) > lambd, wp(1), wp(0))


def _hardshrink(x, lambd, wp):
    keep = np.abs(x) > lambd
    return np.where(keep, x, 0), np.where(keep, wp(1), wp(0))


def _threshold(x, threshold, value, wp):
    return np.where(x > threshold, x, value), np.where(x > threshold, wp(1), wp(0))


def _squareplus(x, b, wp):
    s = np.sqrt(x * x + b)
    neg = x < 0
    y = np.where(neg, b / (2 * (s - x)), (x + s) / 2)
    ratio = np.where(np.isinf(x), np.sign(x), np.where(s > 0, x / s, 0))
    d = np.where(neg, b / (2 * s) / (s - x), (1 + ratio) / 2)
    return y, d


def _sparse_plus(x, wp):
    y = np.where(x <= -1, 0, np.where(x >= 1, x, (x + 1) ** 2 / 4))
    d = np.where(x <= -1, 0, np.where(x >= 1, wp(1), (x + 1) / 2))
    return y, d


def _sparse_sigmoid(x, wp):
    inside = (x > -1) & (x < 1)
    y = np.where(x <= -1, 0, np.where(x >= 1, wp(1), (x + 1) / 2))
    return y, np.where(inside, wp(0.5), wp(0))


_FORMULAS = {
    "linear": _linear, "step": _step, "sigmoid": _sigmoid, "tanh": _tanh, "relu": _relu,
    "relu_squared": _relu_squared, "leaky_relu": _leaky_relu, "prelu": _leaky_relu,
    "elu": _elu, "selu": _selu,
    "celu": _celu, "gelu_tanh": _gelu_tanh, "gelu_erf": _gelu_erf, "silu": _silu,
    "swish": _swish, "softplus": _softplus_act, "mish": _mish,
    "hard_sigmoid": _hard_sigmoid, "hard_swish": _hard_swish, "hard_tanh": _hard_tanh,
    "relu6": _relu6, "softsign": _softsign, "log_sigmoid": _log_sigmoid,
    "tanhshrink": _tanhshrink, "softshrink": _softshrink, "hardshrink": _hardshrink,
    "threshold": _threshold, "squareplus": _squareplus, "sparse_plus": _sparse_plus,
    "sparse_sigmoid": _sparse_sigmoid,
}


# ---- f'(x) from y = f(x) ------------------------------------------------------


def _one_if(cond, wp):
    return np.where(cond, wp(1), wp(0))


_FROM_OUTPUT = {
    "linear": lambda y, slope, wp: slope + np.zeros_like(y),
    "step": lambda y, wp: np.zeros_like(y),
    "sigmoid": lambda y, wp: y * (1 - y),
    "tanh": lambda y, wp: (1 - y) * (1 + y),
    "relu": lambda y, wp: _one_if(y > 0, wp),
    "relu_squared": lambda y, wp: np.where(y > 0, 2 * np.sqrt(np.maximum(y, 0)), 0),
    "leaky_relu": lambda y, alpha, wp: np.where(y > 0, wp(1), alpha),
    "elu": lambda y, alpha, wp: np.where(y > 0, wp(1), y + alpha),
    "selu": lambda y, wp: np.where(y > 0, _const(wp, _SELU_SCALE),
                                   (y + wp(_SELU_SA_HI)) + wp(_SELU_SA_LO)),
    "celu": lambda y, alpha, wp: np.where(y > 0, wp(1), (y + alpha) / alpha),
    "softplus": lambda y, beta, wp: -np.expm1(-beta * y),
    "hard_sigmoid": lambda y, slope, offset, wp: np.where((y > 0) & (y < 1), slope, 0),
    "hard_tanh": lambda y, lo, hi, wp: _one_if((y > lo) & (y < hi), wp),
    "relu6": lambda y, wp: _one_if((y > 0) & (y < 6), wp),
    "softsign": lambda y, wp: (1 - np.abs(y)) ** 2,
    "log_sigmoid": lambda y, wp: -np.expm1(y),
    "softshrink": lambda y, lambd, wp: _one_if(y != 0, wp),
    "hardshrink": lambda y, lambd, wp: _one_if(y != 0, wp),
    "squareplus": lambda y, b, wp: np.where(y >= 1, 1 / (1 + b / 4 / y / y),
                                            np.where(y * y + b > 0, y * y / (y * y + b / 4), 0)),
    "sparse_plus": lambda y, wp: np.where(y <= 0, 0, np.sqrt(np.minimum(y, 1))),
    "sparse_sigmoid": lambda y, wp: np.where((y > 0) & (y < 1), wp(0.5), wp(0)),
}


# ---- objects with fastact's signatures -------------------------------------------

_UFUNC_KWARGS = {"out", "where", "dtype"}


class Activation:
    """The NumPy oracle for one activation; same signatures as ``fastact.<name>``."""

    def __init__(self, record: registry.Record):
        self.record = record
        self.name = record.name
        self._binding = Binding(record)
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\nf(x) = {record.formula}"

    def __repr__(self) -> str:
        return f"<fastact.reference activation {self.name!r}>"

    def _run(self, inputs: tuple, params: tuple, kwargs: dict, compute, n_out: int = 1):
        """Bind, promote, compute in working precision, pass NaN through, round, deliver.

        The last of ``inputs`` is x (or y): where it is NaN every result is NaN.
        """
        values, choice, kwargs = self._binding.bind(params, kwargs, inputs)
        unknown = set(kwargs) - _UFUNC_KWARGS
        if unknown:
            raise TypeError(f"fastact.{self.name}: unexpected keyword(s) {sorted(unknown)}")
        dtype = np.dtype(kwargs.get("dtype") or result_dtype(self.name, inputs, values))
        wp = LD if dtype == np.float64 else np.float64
        # inputs are first rounded to the result dtype and parameters to the type the
        # ufunc computes in (float32 for float16), as the ufunc does
        arrays = [np.asarray(a, dtype=dtype).astype(wp) for a in inputs]
        arrays += [np.asarray(a, dtype=param_dtype(dtype)).astype(wp) for a in values]
        shape = np.broadcast_shapes(*(a.shape for a in arrays))
        with np.errstate(all="ignore"):
            results = compute(self.record.kernel(choice), arrays, wp)
            nan = np.isnan(arrays[len(inputs) - 1])
            results = [np.where(nan, arrays[len(inputs) - 1], r) for r in results]
            results = [np.broadcast_to(r, shape).astype(dtype) for r in results]
        return _deliver(self.name, results, kwargs.get("out"), kwargs.get("where", True), n_out)

    def __call__(self, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """f(x), elementwise."""
        return self._run((x,), params, kwargs, lambda k, a, wp: [_FORMULAS[k](*a, wp)[0]])

    def grad(self, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """f'(x), elementwise."""
        return self._run((x,), params, kwargs, lambda k, a, wp: [_FORMULAS[k](*a, wp)[1]])

    def value_and_grad(self, x: Any, *params: Any, **kwargs: Any):
        """(f(x), f'(x))."""
        return self._run((x,), params, kwargs, lambda k, a, wp: list(_FORMULAS[k](*a, wp)), 2)

    def backward(self, grad_out: Any, x: Any, *params: Any, **kwargs: Any) -> np.ndarray:
        """grad_out * f'(x)."""
        return self._run((grad_out, x), params, kwargs,
                         lambda k, a, wp: [a[0] * _FORMULAS[k](*a[1:], wp)[1]])


class ActivationFromOutput(Activation):
    def backward_from_output(self, grad_out: Any, y: Any, *params: Any, **kwargs: Any):
        """grad_out * f'(x) from y = f(x)."""
        base = self.record.alias_of or self.name
        if self.record.from_output_domain:
            values, _, _ = self._binding.bind(params, dict(kwargs), (grad_out, y))
            self._binding.check(values, self.record.from_output_domain,
                                " for backward_from_output (f' is not a function of y otherwise)",
                                (grad_out, y))
        return self._run((grad_out, y), params, kwargs,
                         lambda k, a, wp: [a[0] * _FROM_OUTPUT[base](*a[1:], wp)])


class ActivationWithParamGrad(Activation):
    def backward(self, grad_out: Any, x: Any, *params: Any, **kwargs: Any):
        """(grad_out * f'(x), gradient of the parameter summed down to its shape)."""
        values, _, _ = self._binding.bind(params, dict(kwargs))

        def compute(k, a, wp):
            g, xx, alpha = a
            return [g * _FORMULAS[k](xx, alpha, wp)[1], g * np.where(xx > 0, 0, xx)]

        out = kwargs.pop("out", None)
        out_x, out_param = out if isinstance(out, tuple) else (out, None)
        where = kwargs.pop("where", True)
        gx, galpha = self._run((grad_out, x), params, kwargs, compute, 2)
        galpha = sum_to_shape(np.where(where, galpha, 0).astype(galpha.dtype),
                              np.shape(values[0]))
        if out_x is not None:
            gx = _deliver(self.name, [gx], out_x, where, 1)
        if out_param is not None:
            galpha = _deliver(self.name, [galpha], out_param, True, 1)
        return gx, galpha


def _deliver(name, results, out, where, n_out):
    if out is None:
        if where is not True:
            results = [np.where(where, r, np.zeros((), r.dtype)) for r in results]
        results = [r[()] if r.ndim == 0 else r for r in results]
        return results[0] if n_out == 1 else tuple(results)
    outs = out if isinstance(out, tuple) else (out,)
    if len(outs) != n_out:
        raise ValueError(f"fastact.{name}: out must have {n_out} array(s)")
    try:
        # check every destination before writing any
        for dst, r in zip(outs, results, strict=False):
            np.broadcast_shapes(dst.shape, r.shape)
            if dst.shape != np.broadcast_shapes(dst.shape, r.shape):
                raise ValueError(f"output shape {dst.shape} cannot hold {r.shape}")
            if not dst.flags.writeable:
                raise ValueError("output array is read-only")
            if not np.can_cast(r.dtype, dst.dtype, "same_kind"):
                raise TypeError(f"cannot cast {r.dtype} to output {dst.dtype}")
        for dst, r in zip(outs, results, strict=False):
            np.copyto(dst, r, where=where, casting="same_kind")
    except (TypeError, ValueError) as exc:
        raise type(exc)(f"fastact.{name}: {exc}") from None
    return outs[0] if n_out == 1 else outs


def _make(record: registry.Record) -> Activation:
    if record.param_grad:
        return ActivationWithParamGrad(record)
    if record.has_from_output:
        return ActivationFromOutput(record)
    return Activation(record)


class RowActivation:
    """The NumPy oracle for a row-wise activation; same signatures as ``fastact.<name>``."""

    def __init__(self, record: registry.RowRecord):
        self.record = record
        self.name = record.name
        module = _reference_rowwise if record.masked else _reference_groups
        self._forward = getattr(module, record.name)
        self._backward = getattr(module, record.name + "_backward")
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\ny_i = {record.formula}"
        if record.jacobian:
            self.jacobian = _reference_rowwise.softmax_jacobian

    def __repr__(self) -> str:
        return f"<fastact.reference row-wise activation {self.name!r}>"

    def __call__(self, x: Any, axis: int = -1, where: Any = None, out: Any = None):
        """f(x) along ``axis``; entries where ``where`` is False take no part."""
        return _deliver(self.name, [self._forward(x, axis, where)], out, True, 1)

    def backward(self, grad_out: Any, y: Any, axis: int = -1, where: Any = None,
                 out: Any = None):
        """The vector-Jacobian product from the output y."""
        return _deliver(self.name, [self._backward(grad_out, y, axis, where)], out, True, 1)


for _name in registry.names(include_aliases=True):
    globals()[_name] = _make(registry.get(_name))
class SparsemaxActivation(RowActivation):
    """The oracle of sparsemax (sorting algorithm); fastact's signatures."""

    def __call__(self, x: Any, axis: int = -1, out: Any = None):
        """The projection of each row onto the simplex."""
        return _deliver(self.name, [self._forward(x, axis)], out, True, 1)

    def backward(self, grad_out: Any, y: Any, axis: int = -1, out: Any = None):
        """grad_out minus its mean over the support {y > 0}, 0 off it."""
        return _deliver(self.name, [self._backward(grad_out, y, axis)], out, True, 1)


class GluActivation(RowActivation):
    """The oracle of glu; fastact's signatures."""

    def __call__(self, x: Any, axis: int = -1, out: Any = None):
        """a * sigmoid(b) for the halves (a, b) of x along ``axis``."""
        return _deliver(self.name, [self._forward(x, axis)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, axis: int = -1):
        """The gradient with respect to x (both halves)."""
        return self._backward(grad_out, x, axis)


class GatedActivation(GluActivation):
    """The oracle of a gated function a f(b) other than glu, from f's formula."""

    def __init__(self, record: registry.RowRecord):
        formula = _FORMULAS[record.gate]
        self.record, self.name = record, record.name
        self._forward = functools.partial(_reference_groups.gated, record.name, formula)
        self._backward = functools.partial(_reference_groups.gated_backward, record.name,
                                           formula)
        self.__doc__ = f"NumPy reference of fastact.{record.name}.\n\ny_i = {record.formula}"


class MaxoutActivation(RowActivation):
    """The oracle of maxout; fastact's signatures."""

    def __call__(self, x: Any, pieces: int, axis: int = -1, out: Any = None):
        """The maximum of each group of ``pieces`` along ``axis``."""
        return _deliver(self.name, [self._forward(x, pieces, axis)], out, True, 1)

    def backward(self, grad_out: Any, x: Any, pieces: int, axis: int = -1):
        """grad_out routed to the first arg-max of each group."""
        return self._backward(grad_out, x, pieces, axis)


_ROW_CLASSES = {"sparsemax": SparsemaxActivation, "glu": GluActivation,
                "maxout": MaxoutActivation}
for _row in registry.ROWWISE:
    _class = GatedActivation if _row.gate and _row.name != "glu" else RowActivation
    globals()[_row.name] = _ROW_CLASSES.get(_row.name, _class)(_row)

__all__ = registry.names(include_aliases=True) + registry.rowwise_names()
