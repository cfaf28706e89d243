"""The elementwise formulas: f and f' of each kernel, and f' from the output y = f(x).

``_FORMULAS[kernel](x, *params, wp)`` returns ``(f(x), f'(x))`` and
``_FROM_OUTPUT[kernel](y, *params, wp)`` returns f' as a function of y, all in the
working precision ``wp`` (see ``_numerics``). Keys are the registry's kernel names.
"""

from __future__ import annotations

from decimal import Decimal

import numpy as np

from ._numerics import (
    SELU_ALPHA,
    SELU_SA_HI,
    SELU_SA_LO,
    SELU_SCALE,
    affine,
    const,
    erfc,
    finite,
    pi,
    sigmoid_pair,
    softplus,
    tanhshrink_small,
    times,
)

# ---- the activations: each returns (f(x), f'(x)) in working precision ------------


def _linear(x, slope, wp):
    return times(x, slope), slope + np.zeros_like(x)


def _step(x, wp):
    return np.where(x > 0, wp(1), wp(0)), np.zeros_like(x)


def _sigmoid(x, wp):
    s, c = sigmoid_pair(x)
    return s, s * c


def _tanh(x, wp):
    return np.tanh(x), 1 / np.cosh(x) ** 2


def _relu(x, wp):
    return np.where(x > 0, x, 0), np.where(x > 0, wp(1), wp(0))


def _relu_squared(x, wp):
    positive = np.where(x > 0, x, 0)
    return positive * positive, 2 * positive


def _leaky_relu(x, alpha, wp):
    return np.where(x > 0, x, times(x, alpha)), np.where(x > 0, wp(1), alpha)


def _elu(x, alpha, wp):
    xn = np.minimum(x, 0)
    return np.where(x > 0, x, alpha * np.expm1(xn)), np.where(x > 0, wp(1), alpha * np.exp(xn))


def _selu(x, wp):
    scale, alpha = const(wp, SELU_SCALE), const(wp, SELU_ALPHA)
    y, d = _elu(x, alpha, wp)
    return scale * y, scale * d


def _celu(x, alpha, wp):
    q = np.minimum(x, 0) / alpha
    return np.where(x > 0, x, alpha * np.expm1(q)), np.where(x > 0, wp(1), np.exp(q))


def _gelu_tanh(x, wp):
    c = np.sqrt(2 / pi(wp))
    kappa = const(wp, Decimal("0.044715"))
    xf = finite(x)
    v = 2 * c * (xf + kappa * xf**3)
    dv = 2 * c * (1 + 3 * kappa * xf**2)
    s, one_minus_s = sigmoid_pair(v)
    return times(x, s), s + xf * s * one_minus_s * dv


def _gelu_erf(x, wp):
    xf = finite(x)
    cdf = erfc(-x / np.sqrt(wp(2)), wp) / 2
    pdf = np.exp(-xf * xf / 2) / np.sqrt(2 * pi(wp))
    return times(x, cdf), cdf + xf * pdf


def _silu(x, wp):
    s, c = sigmoid_pair(x)
    return times(x, s), s * (1 + finite(x) * c)


def _scaled(beta, x):
    """beta * x, with 0 (not NaN) for beta = 0 at x = +-inf."""
    return np.where(beta == 0, 0, beta * x)


def _swish(x, beta, wp):
    t = _scaled(beta, x)
    s, c = sigmoid_pair(t)
    return times(x, s), s * (1 + finite(t) * c)


def _softplus_act(x, beta, wp):
    t = _scaled(beta, x)
    return softplus(t) / beta, sigmoid_pair(t)[0]


def _mish(x, wp):
    sp = softplus(x)
    t = np.tanh(sp)
    return times(x, t), t + finite(x) * sigmoid_pair(x)[0] / np.cosh(sp) ** 2


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
    ramp = np.clip(affine(slope, x, offset, wp), 0, 1)
    y = np.where(region < 0, wp(0), np.where(region > 0, wp(1), ramp))
    return y, np.where(region == 0, slope, wp(0))


def _hard_swish(x, slope, offset, wp):
    region = _hard_region(x, slope, offset)
    ramp = np.clip(affine(slope, x, offset, wp), 0, 1)
    y = np.where(region < 0, np.copysign(0, x) * 0, np.where(region > 0, x, x * ramp))
    # f' = 2 slope x + offset: 2 slope, or where that leaves the double range 2 x (on the
    # ramp |x| <= (|offset| + 1) / |slope| is then tiny)
    big = np.abs(np.asarray(slope, np.float64)) > np.finfo(np.float64).max / 2
    ramp_d = affine(np.where(big, slope, 2 * np.asarray(slope)), np.where(big, 2 * x, x),
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
    return -softplus(-x), sigmoid_pair(-x)[0]


def _tanhshrink(x, wp):
    th = np.tanh(x)
    small = np.abs(x) < 0.5
    return np.where(small, tanhshrink_small(np.where(small, x, 0), wp), x - th), th * th


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
    "selu": lambda y, wp: np.where(y > 0, const(wp, SELU_SCALE),
                                   (y + wp(SELU_SA_HI)) + wp(SELU_SA_LO)),
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
