"""High-precision (mpmath) ground truth for the fastact activations.

``truth(name, x, params)`` returns ``(f(x), f'(x))`` evaluated from the plain
mathematical definition with mpmath at ``DPS`` (or more) significant digits.
It is the reference the NumPy implementation and the compiled kernels are
checked against to within a few ULP, so it never uses float formulas.

Conventions
-----------
* ``x`` and every parameter are exact binary values (``mpf(float)``).  The
  decimal constants of the definitions (``0.044715``, the SELU constants) and
  the irrational ones (``sqrt(2/pi)``) are exact mathematical values, rounded
  only to the working precision.  One convention is not exact arithmetic:
  hard_sigmoid and hard_swish change region at the clip points
  ``-offset/slope`` and ``(1 - offset)/slope`` as rounded to double, which
  puts them at -2.5 and 2.5 for the defaults and at -3 and 3 for slope=1/6.
* NaN in gives NaN out; ``x = +-inf`` gives the mathematical limits; values
  that are exactly zero are returned as exact zeros.
* Derivatives at kinks follow the conventions of the fastact specification
  (e.g. ``relu'(0) = 0``, ``elu'(0) = alpha``, 0 at clip points).

Accuracy
--------
Every returned value has well over 30 correct significant digits (about 60,
at least ~44 next to the interior roots of f'), including results far below
or above the float64 range.  To get there the formulas avoid catastrophic
cancellation (``1 + tanh(t) = 2*sigmoid(2t)``, ``1 - tanh^2 = sech^2``,
``squareplus`` and its derivative rewritten for x < 0, ``log(1 + e^z)``
split at 0, ``tanh(softplus(x))`` as a rational function of e^x), and keep
error amplification in check: ``exp(t)`` has condition number ``|t|``, so
where ``t`` is a rounded value (``x/alpha`` in celu, ``sqrt(2/pi)*(x +
0.044715 x^3)`` in gelu_tanh) the precision is raised by its size in bits;
the tails of gelu_erf use ``Gamma(1/2, x^2/2)``, whose argument is exact,
instead of ``erfc(x/sqrt(2))``; ``x - tanh(x)`` loses ``2*log2(1/|x|)`` bits
for small x, which are added to the precision.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import mpmath
import numpy as np
from mpmath import mp, mpf

from fastact import registry

__all__ = ["DPS", "TAIL_POINTS", "sample_points", "truth", "truth_from_output_grad"]

DPS = 60
"""Base working precision in decimal digits (raised locally where needed)."""

_GUARD_BITS = 16

_ZERO = mpf(0)
_ONE = mpf(1)
_HALF = mpf(0.5)
_NAN = mpf("nan")

Pair = tuple[mpf, mpf]

# --------------------------------------------------------------------------
# helpers (all called inside a ``mp.workdps(DPS)`` context)
# --------------------------------------------------------------------------


def _bits(v: mpf) -> int:
    """Binary exponent ``e`` with ``|v| < 2**e``; 0 for zero or infinite ``v``."""
    return int(mpmath.mag(v)) if v and mpmath.isfinite(v) else 0


def _extra_bits(v: mpf, factor: int) -> int:
    """Extra precision for an argument growing like ``|v|**factor`` (0 if ``|v| < 1``)."""
    return factor * max(0, _bits(v)) + _GUARD_BITS


def _mul(a: mpf, b: mpf) -> mpf:
    """``a*b``, except that a zero factor gives 0 even if the other one is infinite.

    This is the limit of a product one of whose factors is identically 0 (or
    tends to 0 exponentially, like ``x*sigmoid(x)`` as ``x -> -inf``).
    """
    if not a or not b:
        return _ZERO
    return a * b


def _clip(v: mpf, lo: mpf, hi: mpf) -> mpf:
    """``min(max(v, lo), hi)``."""
    if v < lo:
        return lo
    if v > hi:
        return hi
    return v


def _sigmoid_pair(z: mpf) -> Pair:
    """``(sigmoid(z), sigmoid(-z))`` without cancellation; ``z`` may be infinite."""
    if mpmath.isinf(z):
        return (_ONE, _ZERO) if z > 0 else (_ZERO, _ONE)
    e = mpmath.exp(-z)
    return 1 / (1 + e), e / (1 + e)


def _log1pexp(z: mpf) -> mpf:
    """``log(1 + e**z)`` as ``max(z, 0) + log1p(e**-|z|)``; ``z`` may be infinite."""
    return max(z, _ZERO) + mpmath.log1p(mpmath.exp(-abs(z)))


def _affine(slope: mpf, x: mpf, offset: mpf) -> mpf:
    """``slope*x + offset`` exactly (its limit for infinite ``x``)."""
    return mpmath.fadd(_mul(slope, x), offset, exact=True)


# --------------------------------------------------------------------------
# the activations: each maps (x, params) -> (f(x), f'(x)), x never NaN
# --------------------------------------------------------------------------


def _linear(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return _mul(p["slope"], x), p["slope"]


def _step(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return (_ONE if x > 0 else _ZERO), _ZERO


def _sigmoid(x: mpf, p: Mapping[str, mpf]) -> Pair:
    s, s_neg = _sigmoid_pair(x)
    return s, s * s_neg


def _tanh(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return mpmath.tanh(x), 1 / mpmath.cosh(x) ** 2


def _relu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return (x, _ONE) if x > 0 else (_ZERO, _ZERO)


def _relu_squared(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return (x * x, 2 * x) if x > 0 else (_ZERO, _ZERO)


def _leaky_relu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    alpha = p["alpha"]
    return (x, _ONE) if x > 0 else (_mul(alpha, x), alpha)


def _scaled_elu(x: mpf, alpha: mpf, scale: mpf) -> Pair:
    """``scale*elu(x, alpha)`` and its derivative."""
    if x > 0:
        return scale * x, scale
    return scale * alpha * mpmath.expm1(x), scale * alpha * mpmath.exp(x)


def _elu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return _scaled_elu(x, p["alpha"], _ONE)


def _selu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    # created here so that the decimals are rounded to the working precision
    return _scaled_elu(x, mpf("1.6732632423543772"), mpf("1.0507009873554805"))


def _celu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    alpha = p["alpha"]
    if alpha == 0:
        raise ValueError("celu: alpha must be nonzero")
    if x > 0:
        return x, _ONE
    # x/alpha is rounded; exp() amplifies that error by |x/alpha|
    with mp.extraprec(max(0, _bits(x) - _bits(alpha)) + _GUARD_BITS):
        t = x / alpha
        return alpha * mpmath.expm1(t), mpmath.exp(t)


def _gelu_tanh(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if mpmath.isinf(x):
        return (x, _ONE) if x > 0 else (_ZERO, _ZERO)
    # 0.5*(1 + tanh(t)) = sigmoid(2t) with 2t ~ 0.07*x**3 rounded: |2t| is
    # the amplification of its rounding error in exp(-2t)
    with mp.extraprec(_extra_bits(x, 3)):
        c = 2 * mpmath.sqrt(2 / mpmath.pi)
        k = mpf("0.044715")
        s, s_neg = _sigmoid_pair(c * (x + k * x**3))
        return x * s, s * (1 + x * s_neg * c * (1 + 3 * k * x**2))


def _gelu_erf(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if mpmath.isinf(x):
        return (x, _ONE) if x > 0 else (_ZERO, _ZERO)
    pdf = mpmath.exp(-x * x / 2) / mpmath.sqrt(2 * mpmath.pi)
    if abs(x) < 1:
        # |x/sqrt(2)| < 1: the rounding error of the argument is not amplified
        cdf = mpmath.erfc(-x / mpmath.sqrt(2)) / 2
    else:
        # erfc(z) would amplify the rounding error of z = |x|/sqrt(2) by 2 z**2
        # (and mpmath's erfc overflows for z > 1e154), so use the upper tail
        # erfc(z)/2 = Gamma(1/2, z**2)/(2 sqrt(pi)), whose argument x**2/2 is exact
        tail = mpmath.gammainc(_HALF, x * x / 2) / (2 * mpmath.sqrt(mpmath.pi))
        cdf = tail if x < 0 else 1 - tail
    return x * cdf, cdf + x * pdf


def _swish(x: mpf, p: Mapping[str, mpf]) -> Pair:
    z = _mul(p["beta"], x)  # exact
    s, s_neg = _sigmoid_pair(z)
    return _mul(x, s), _mul(s, 1 + _mul(z, s_neg))


def _silu(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return _swish(x, {"beta": _ONE})


def _softplus(x: mpf, p: Mapping[str, mpf]) -> Pair:
    beta = p["beta"]
    if beta == 0:
        raise ValueError("softplus: beta must be nonzero")
    z = _mul(beta, x)  # exact
    return _log1pexp(z) / beta, _sigmoid_pair(z)[0]


def _mish(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if mpmath.isinf(x):
        return (x, _ONE) if x > 0 else (_ZERO, _ZERO)
    # with u = e^x:  tanh(softplus(x)) = w/(w + 2),  w = u*(u + 2),
    # sech(softplus(x))**2 * sigmoid(x) = 4*u*(1 + u)/(w + 2)**2
    u = mpmath.exp(x)
    w = u * (u + 2)
    return x * w / (w + 2), w / (w + 2) + 4 * x * u * (1 + u) / (w + 2) ** 2


def _hard_region(x: mpf, slope: mpf, offset: mpf) -> int:
    """-1 / 0 / 1 for x at or past the clip point of output 0, on the ramp, at or past
    the clip point of output 1.  By fastact's convention the clip points are
    x0 = -offset/slope and x1 = (1 - offset)/slope rounded to double (so slope=1/6
    puts them at exactly -3 and 3, as PyTorch's hardsigmoid)."""
    s, b = float(slope), float(offset)
    if s == 0:
        return -1 if b <= 0 else (1 if b >= 1 else 0)
    x0, x1 = -b / s, (1.0 - b) / s
    if s > 0:
        return -1 if x <= x0 else (1 if x >= x1 else 0)
    return -1 if x >= x0 else (1 if x <= x1 else 0)


def _hard_sigmoid(x: mpf, p: Mapping[str, mpf]) -> Pair:
    region = _hard_region(x, p["slope"], p["offset"])
    if region:
        return (_ZERO if region < 0 else _ONE), _ZERO
    return _clip(_affine(p["slope"], x, p["offset"]), _ZERO, _ONE), p["slope"]


def _hard_swish(x: mpf, p: Mapping[str, mpf]) -> Pair:
    slope = p["slope"]
    region = _hard_region(x, slope, p["offset"])
    if region < 0:
        return _ZERO, _ZERO
    if region > 0:
        return x, _ONE
    z = _affine(slope, x, p["offset"])
    return _mul(x, _clip(z, _ZERO, _ONE)), mpmath.fadd(_mul(slope, x), z, exact=True)


def _hard_tanh(x: mpf, p: Mapping[str, mpf]) -> Pair:
    lo, hi = p["min_val"], p["max_val"]
    return _clip(x, lo, hi), (_ONE if lo < x < hi else _ZERO)


def _relu6(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return _clip(x, _ZERO, mpf(6)), (_ONE if 0 < x < 6 else _ZERO)


def _softsign(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if mpmath.isinf(x):
        return mpmath.sign(x), _ZERO
    d = 1 + abs(x)
    return x / d, 1 / d**2


def _log_sigmoid(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return -_log1pexp(-x), _sigmoid_pair(x)[1]


def _tanhshrink(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if mpmath.isinf(x):
        return x, _ONE
    # x - tanh(x) ~ x**3/3 cancels 2*log2(1/|x|) bits for small |x|
    with mp.extraprec(2 * max(0, -_bits(x)) + _GUARD_BITS):
        t = mpmath.tanh(x)
        return x - t, t * t


def _softshrink(x: mpf, p: Mapping[str, mpf]) -> Pair:
    lambd = p["lambd"]
    if x > lambd:
        return x - lambd, _ONE
    if x < -lambd:
        return x + lambd, _ONE
    return _ZERO, _ZERO


def _hardshrink(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return (x, _ONE) if abs(x) > p["lambd"] else (_ZERO, _ZERO)


def _threshold(x: mpf, p: Mapping[str, mpf]) -> Pair:
    return (x, _ONE) if x > p["threshold"] else (p["value"], _ZERO)


def _squareplus(x: mpf, p: Mapping[str, mpf]) -> Pair:
    b = p["b"]
    if b < 0:
        raise ValueError("squareplus: b must be >= 0")
    if mpmath.isinf(x):
        return (x, _ONE) if x > 0 else (_ZERO, _ZERO)
    s = mpmath.sqrt(x * x + b)
    if not s:  # x = 0 with b = 0: f' = (1 + 0/0)/2 is undefined
        return _ZERO, _NAN
    if x >= 0:
        return (x + s) / 2, (1 + x / s) / 2
    # x < 0: x + s = b/(s - x) and 1 + x/s = b/(s*(s - x)), without cancellation
    d = s - x
    return b / (2 * d), b / (2 * s * d)


def _sparse_plus(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if x <= -1:
        return _ZERO, _ZERO
    if x >= 1:
        return x, _ONE
    u = x + 1
    return u * u / 4, u / 2


def _sparse_sigmoid(x: mpf, p: Mapping[str, mpf]) -> Pair:
    if x <= -1:
        return _ZERO, _ZERO
    if x >= 1:
        return _ONE, _ZERO
    return (x + 1) / 2, _HALF


# kernel name -> its function (f and f' at mpf precision)
_FUNCTIONS: dict[str, Callable[[mpf, Mapping[str, mpf]], Pair]] = {
    "linear": _linear,
    "step": _step,
    "sigmoid": _sigmoid,
    "tanh": _tanh,
    "relu": _relu,
    "relu_squared": _relu_squared,
    "leaky_relu": _leaky_relu,
    "prelu": _leaky_relu,
    "elu": _elu,
    "selu": _selu,
    "celu": _celu,
    "gelu_tanh": _gelu_tanh,
    "gelu_erf": _gelu_erf,
    "silu": _silu,
    "swish": _swish,
    "softplus": _softplus,
    "mish": _mish,
    "hard_sigmoid": _hard_sigmoid,
    "hard_swish": _hard_swish,
    "hard_tanh": _hard_tanh,
    "relu6": _relu6,
    "softsign": _softsign,
    "log_sigmoid": _log_sigmoid,
    "tanhshrink": _tanhshrink,
    "softshrink": _softshrink,
    "hardshrink": _hardshrink,
    "threshold": _threshold,
    "squareplus": _squareplus,
    "sparse_plus": _sparse_plus,
    "sparse_sigmoid": _sparse_sigmoid,
}

# kernel name -> {parameter: default, or None if it is required}, from the registry
_DEFAULTS: dict[str, dict[str, float | None]] = {
    rec.kernel(choice): {p.name: p.default for p in rec.params}
    for rec in registry.RECORDS for choice in rec.choices
}


def _resolve_params(name: str, params: Mapping[str, float]) -> dict[str, mpf]:
    """Exact ``mpf`` parameters of ``name``: given values, else the defaults.

    Raises KeyError for an unknown ``name`` or a missing required parameter,
    ValueError for a parameter ``name`` does not have.
    """
    defaults = _DEFAULTS[name]
    unknown = set(params) - set(defaults)
    if unknown:
        raise ValueError(f"{name}: unknown parameter(s) {sorted(unknown)}")
    resolved = {}
    for key, default in defaults.items():
        value = params.get(key, default)
        if value is None:
            raise KeyError(f"{name}: parameter {key!r} is required")
        resolved[key] = mpf(float(value))
    return resolved


def truth(name: str, x: float, params: dict) -> tuple[mpmath.mpf, mpmath.mpf]:
    """Return ``(f(x), f'(x))`` as mpf at high precision for the given float x and parameter dict.

    ``x`` and the parameters are exact binary values; parameters missing from
    ``params`` take their defaults.  NaN gives ``(nan, nan)``; ``x = +-inf``
    gives the limits.  The results have ``DPS`` digits, of which at least 30
    (in practice about DPS) are correct.
    """
    func = _FUNCTIONS[name]
    with mp.workdps(DPS):
        p = _resolve_params(name, params)
        xm = mpf(float(x))
        if mpmath.isnan(xm):
            return _NAN, _NAN
        f, df = func(xm, p)
        return mpf(f), mpf(df)


def _grad_sigmoid(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return y * (1 - y)


def _grad_tanh(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return (1 - y) * (1 + y)


def _grad_softplus(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return -mpmath.expm1(-p["beta"] * y)


def _grad_log_sigmoid(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return -mpmath.expm1(y)


def _grad_elu(y: mpf, p: Mapping[str, mpf]) -> mpf:
    if p["alpha"] <= 0:
        raise ValueError("elu: the output determines x only for alpha > 0")
    return _ONE if y > 0 else mpmath.fadd(y, p["alpha"], exact=True)


def _grad_selu(y: mpf, p: Mapping[str, mpf]) -> mpf:
    scale = mpf("1.0507009873554805")
    return scale if y > 0 else y + scale * mpf("1.6732632423543772")


def _grad_celu(y: mpf, p: Mapping[str, mpf]) -> mpf:
    alpha = p["alpha"]
    return _ONE if y > 0 else mpmath.fadd(y, alpha, exact=True) / alpha


def _grad_softsign(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return (1 - abs(y)) ** 2


def _grad_relu_squared(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return 2 * mpmath.sqrt(y) if y > 0 else _ZERO


def _grad_squareplus(y: mpf, p: Mapping[str, mpf]) -> mpf:
    return y * y / (y * y + p["b"] / 4)


def _grad_sparse_plus(y: mpf, p: Mapping[str, mpf]) -> mpf:
    if y < 0:
        raise ValueError("sparse_plus: outputs are >= 0")
    return mpmath.sqrt(min(y, _ONE))


_FROM_OUTPUT: dict[str, Callable[[mpf, Mapping[str, mpf]], mpf]] = {
    "sigmoid": _grad_sigmoid,
    "tanh": _grad_tanh,
    "softplus": _grad_softplus,
    "log_sigmoid": _grad_log_sigmoid,
    "elu": _grad_elu,
    "selu": _grad_selu,
    "celu": _grad_celu,
    "softsign": _grad_softsign,
    "squareplus": _grad_squareplus,
    "relu_squared": _grad_relu_squared,
    "sparse_plus": _grad_sparse_plus,
}


def truth_from_output_grad(name: str, y: float, params: dict) -> mpmath.mpf:
    """Return the true ``f'(x)`` at the ``x`` with ``f(x) = y``, computed from ``y`` alone.

    Only for activations whose derivative is a function of the output
    (sigmoid, tanh, softplus, log_sigmoid, elu, selu, celu, softsign,
    squareplus, sparse_plus); KeyError for any other name.  NaN gives NaN.
    """
    grad = _FROM_OUTPUT[name]
    with mp.workdps(DPS):
        p = _resolve_params(name, params)
        ym = mpf(float(y))
        if mpmath.isnan(ym):
            return _NAN
        return mpf(grad(ym, p))


# --------------------------------------------------------------------------
# test points
# --------------------------------------------------------------------------


def _floats(text: str) -> list[float]:
    """Parse the whitespace-separated float literals in ``text``."""
    return [float(v) for v in text.split()]


def _around(*values: float, k: int = 2) -> list[float]:
    """Each value with its ``k`` nearest float64 neighbours on either side."""
    out = []
    for v in values:
        below, above = [v], [v]
        for _ in range(k):
            below.append(float(np.nextafter(below[-1], -np.inf)))
            above.append(float(np.nextafter(above[-1], np.inf)))
        out += [*below[:0:-1], v, *above[1:]]
    return out


def _unique(values: list[float]) -> list[float]:
    """Drop repeats (keeping 0.0 and -0.0 apart), preserving order."""
    return list({v.hex(): v for v in values}.values())


# zero, subnormals, the subnormal/normal boundary, tiny, one, huge, the largest float
_COMMON = _floats("""
    0.0 -0.0 5e-324 -5e-324 1e-310 -1e-310 2.2250738585072014e-308 -2.2250738585072014e-308
    1e-300 -1e-300 1e-20 -1e-20 1.0 -1.0 1e300 -1e300 1.7976931348623157e308 -1.7976931348623157e308
""")

# where exp(x) under/overflows or float kernels switch between formulas
_EXP_TAILS = _floats("""
    -36 -37 -80 -708 -709.78 -710 -745 -745.2 -750 -800 25 36 40 80 709.78 710 745 750 800
""")

# interior roots of f' (the doubles nearest to the mathematical roots; test_registry.py
# checks them against mpmath)
_ROOTS = registry.derivative_roots()
_ROOT_SILU, _ROOT_MISH = _ROOTS["silu"], _ROOTS["mish"]
_ROOT_GELU_TANH, _ROOT_GELU_ERF = _ROOTS["gelu_tanh"], _ROOTS["gelu_erf"]

_GELU = _floats("-3 -5 -7.5 -13 -20 -26 -27 -37 -38.5 -40 -1e-10 1e-10 3 5 10")
_SILU = [*_EXP_TAILS, *_floats("-90 -20 20 -1.2785"), *_around(_ROOT_SILU, k=3)]
_ELU = _around(0.0) + _floats("-1e-10 1e-10 -1e-5 -20 -40 -745 -750 -800")
_HARD_SIGMOID = _around(-2.5, 2.5, 0.0) + _floats("-3 3")
_SHRINK = _around(-0.5, 0.5, 0.0) + _floats("-2 2")
_SPARSE = _around(-1.0, 1.0, 0.0) + _floats("-0.5 0.5")

_SPECIFIC: dict[str, list[float]] = {
    "linear": _floats("2.5 -3.75 1e10"),
    "step": _around(0.0),
    "sigmoid": _EXP_TAILS + _floats("0.5"),
    "tanh": _floats("-17 19 20 -20 22 1e-8 -1e-8 1e-5 0.55 0.625 0.5493061443340549"),
    "relu": _around(0.0),
    # where x^2 overflows float32 and float64
    "relu_squared": _around(0.0) + _floats("1.8446743e19 1.8446744e19 1.3407807929942596e154 "
                                           "1.3407807929942597e154"),
    "leaky_relu": _around(0.0) + _floats("-745"),
    "prelu": _around(0.0) + _floats("-745"),
    "elu": _ELU,
    # float32 scale x just below FLT_MAX, where scale rounded to float overflows it
    "selu": _ELU + _floats("3.2386221488365256e38"),
    "celu": _ELU,
    "gelu_tanh": _GELU + _around(-0.7518, k=1) + _around(_ROOT_GELU_TANH, k=3),
    # float32's worst inputs in erfc's tail, and where its formulas change
    "gelu_erf": _GELU + _around(-0.7518, k=1) + _around(_ROOT_GELU_ERF, k=3)
    + _floats("-11.213244438171387 -5.5 -12.5 -13.25 -14 -14.25 -0.7071"),
    "silu": _SILU,
    "swish": _SILU,
    "softplus": _EXP_TAILS + _floats("-1e-10 1e-10 20 30 33.3"),
    "mish": _around(_ROOT_MISH, k=3) + _floats("-1.19 -30 -20 -745 -750 10 15 20 40"),
    "hard_sigmoid": _HARD_SIGMOID,
    "hard_swish": _HARD_SIGMOID,
    "hard_tanh": _around(-1.0, 1.0, 0.0) + _floats("-2 2"),
    "relu6": _around(0.0, 6.0) + _floats("3 7"),
    "softsign": _floats("0.5 -0.5 1e10 1e16 9007199254740992 -9007199254740992"),
    "log_sigmoid": _EXP_TAILS + _floats("0.5 -0.5"),
    "tanhshrink": _floats("1e-160 -1e-160 1e-100 1e-8 1e-6 -1e-6 1e-3 0.1 0.5 0.625 1.2 "
                          "-1.3681447673749307 1.4999 1.5 19 20 -20"),
    "softshrink": _SHRINK,
    "hardshrink": _SHRINK,
    "threshold": _around(0.0, 0.1, 0.5, -0.5, 1.0, -1.0, k=1),
    "squareplus": _floats("-2 2 -1e8 1e8 -1e10 1e10 -1e20 1e20 -1e155 1e155 -1e160 1e160 -1e200"),
    "sparse_plus": _SPARSE,
    "sparse_sigmoid": _SPARSE,
}

TAIL_POINTS: dict[str, list[float]] = {
    name: _unique(_COMMON + _SPECIFIC[name]) for name in _FUNCTIONS
}
"""Per activation: finite float64 inputs where implementations tend to go wrong."""


def sample_points(name: str, n: int = 300, seed: int = 0) -> list[float]:
    """``TAIL_POINTS[name]`` followed by ``n`` deterministic pseudo-random points.

    Half of the ``n`` points (rounded down) are log-uniform in magnitude over
    ``[1e-300, 1e300]`` with random sign, the rest uniform over ``[-40, 40]``.
    """
    rng = np.random.default_rng(seed)
    n_log = n // 2
    log_uniform = rng.choice([-1.0, 1.0], n_log) * 10.0 ** rng.uniform(-300.0, 300.0, n_log)
    uniform = rng.uniform(-40.0, 40.0, n - n_log)
    return TAIL_POINTS[name] + [float(v) for v in log_uniform] + [float(v) for v in uniform]
