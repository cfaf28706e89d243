"""Numerically careful building blocks of the elementwise formulas, in working precision.

``wp`` is the working precision: ``np.float64`` for float16 and float32 results,
``LD`` (``np.longdouble``) for float64 ones. Here are the pieces the formulas in
``_formulas`` share: sigmoid and softplus without overflow or cancellation, an
exact affine map, the series of x - tanh(x) near 0, erfc, and SELU's constants.
"""

from __future__ import annotations

from decimal import Decimal, localcontext
from fractions import Fraction
from math import comb, factorial

import numpy as np

LD = np.longdouble


def pi(wp):
    """pi in the working precision."""
    return np.arccos(wp(-1))


def sigmoid_pair(t):
    """(sigmoid(t), sigmoid(-t)) without overflow or cancellation."""
    e = np.exp(-np.abs(t))
    big, small = 1 / (1 + e), e / (1 + e)
    pos = t >= 0
    return np.where(pos, big, small), np.where(pos, small, big)


def times(x, s):
    """x * s, but a signed zero where s == 0 (the limit at x = +-inf, not NaN)."""
    return np.where(s == 0, np.copysign(0, x) * 0, x * s)


def finite(x):
    """x with +-inf replaced by +-1e60: derivative formulas then give their limits."""
    return np.clip(x, -1e60, 1e60)


def softplus(t):
    """log(1 + e^t) without overflow: max(t, 0) + log1p(e^-|t|)."""
    return np.maximum(t, 0) + np.log1p(np.exp(-np.abs(t)))


def _split(v):
    """Split doubles into two halves of <= 26 bits, so that products of halves are exact."""
    big = np.abs(v) > 1e300
    c = np.where(big, 0, v) * 134217729.0  # 2**27 + 1 (Veltkamp)
    hi = c - (c - np.where(big, 0, v))
    return np.where(big, v, hi), np.where(big, 0, v - hi)


def affine(a, x, b, wp):
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


def tanhshrink_small(x, wp):
    """x - tanh(x) by its series (for |x| < 0.5, where the difference cancels)."""
    x2 = x * x
    total = np.zeros_like(x)
    for c in reversed(_TANHSHRINK_SERIES):
        total = total * x2 + _fraction(c, wp)
    return total * x2 * x


def erfc(z, wp):
    """erfc for real z: Maclaurin series of erf for |z| < 1.5, continued fraction beyond."""
    z = np.asarray(z, wp)
    out = np.empty_like(z)
    two_over_sqrt_pi = 2 / np.sqrt(pi(wp))
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
    tail = np.exp(-zf * zf) / np.sqrt(pi(wp)) / t
    out[~near] = np.where(z[~near] > 0, tail, 2 - tail)
    return out


def _selu_constants():
    alpha, scale = Decimal("1.6732632423543772"), Decimal("1.0507009873554805")
    with localcontext() as ctx:
        ctx.prec = 50
        sa = alpha * scale
        hi = float(sa)
        return alpha, scale, hi, float(sa - Decimal(hi))


SELU_ALPHA, SELU_SCALE, SELU_SA_HI, SELU_SA_LO = _selu_constants()


def const(wp, decimal):
    """A decimal constant rounded once to the working precision."""
    return wp(str(decimal)) if wp is LD else wp(float(decimal))

