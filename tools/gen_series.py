"""Generate csrc/math/fa_series.h: polynomials for the places where a formula cancels.

Also the polynomials of fastact's own erfc (see the end of main()).

Several derivatives are a sum of two terms that cancel at an interior root
(silu'(x) = s + x s (1 - s) vanishes at x = -1.2785...), so near the root the
plain formula loses all relative accuracy however carefully each term is
computed.  There we evaluate f'(x) = (x - r) P(x - r) instead, with r split
into two doubles and P a Chebyshev-economized polynomial fitted here in
mpmath at high precision.  Likewise x - tanh(x) = x^3 Q(x^2) near zero.

For every root the interval is chosen so that outside it the
plain formula's cancellation ratio (|A| + |B|) / |A + B| stays below
MAX_RATIO, and the degree so that the fit's relative error is below 2**-58
for the double kernels and 2**-28 for the float ones (csrc/math/fa_real.h): the
header holds both sets, the float one under FA_REAL_FLOAT.

The last section serves the float kernels that compute in double
(csrc/math/fa_wide.h): there a float's square is exact and the result is rounded
once, so every polynomial needs only WIDE_TARGET relative accuracy, and a
root needs its polynomial only where the plain formula's cancellation
ratio exceeds WIDE_MAX_RATIO (its error grows by that ratio, and 2**-34
times it is still far below a float's half ULP, 2**-24).

Needs mpmath; about ten seconds.

    python tools/gen_series.py --write   # rewrite csrc/math/fa_series.h
    python tools/gen_series.py --check   # exit 1 if it is stale (the tests and CI run this)
    python tools/gen_series.py           # print it
"""

from __future__ import annotations

import struct
import sys

import mpmath as mp
from _output import ROOT, deliver

mp.mp.dps = 60
MAX_RATIO = 1.5

# (C type, fit target, rounding to that type) per kernel precision
PRECISIONS = {
    "double": (mp.mpf(2) ** -58, float),
    "float": (mp.mpf(2) ** -28, lambda v: struct.unpack("f", struct.pack("f", float(v)))[0]),
}

WIDE_TARGET = mp.mpf(2) ** -34
WIDE_MAX_RATIO = 12
WIDE_KERNELS = ("gelu_erf", "gelu_tanh")  # their float kernels compute in double
WIDE_ERFC_K = 4  # t = 1/(k + a): of k = 1 to 4, the lowest degree here

SQRT_2_OVER_PI = mp.sqrt(2 / mp.pi)
KAPPA = mp.mpf("0.044715")


def sigmoid(x):
    return 1 / (1 + mp.exp(-x))


# Each *_terms function returns the two terms (A, B) whose sum the C kernel
# forms in the plain formula, in the same arrangement, so that the ratio
# measured here is the one the kernel suffers.


def silu_terms(x):
    # silu'(x) = s * ((1 + x) - x s) for x <= 0, s * (1 + x (1 - s)) above.
    s = sigmoid(x)
    if x <= 0:
        return 1 + x, -x * s
    return mp.mpf(1), x * (1 - s)


def gelu_tanh_terms(x):
    # gelu'(x) = s * (1 + x v'(x) (1 - s)), s = sigmoid(v(x)).
    v = 2 * SQRT_2_OVER_PI * (x + KAPPA * x**3)
    dv = 2 * SQRT_2_OVER_PI * (1 + 3 * KAPPA * x**2)
    s = sigmoid(v)
    return mp.mpf(1), x * dv * (1 - s)


def gelu_erf_terms(x):
    phi = mp.exp(-(x**2) / 2) / mp.sqrt(2 * mp.pi)
    return mp.ncdf(x), x * phi


def mish_terms(x):
    # For x <= 0, with e = exp(x): mish'(x) is e/(n+2)^2 times
    # 4 (1 + x) + e (6 + 4x + 4e + e^2), n = e (e + 2); above 0 all terms are positive.
    e = mp.exp(x)
    if x <= 0:
        return 4 * (1 + x), e * (6 + 4 * x + 4 * e + e**2)
    t = mp.tanh(mp.log1p(e))
    return t, x * sigmoid(x) * (1 - t**2)


def silu_prime(x):
    s = sigmoid(x)
    return s * (1 + x * (1 - s))


def gelu_tanh_prime(x):
    v = 2 * SQRT_2_OVER_PI * (x + KAPPA * x**3)
    dv = 2 * SQRT_2_OVER_PI * (1 + 3 * KAPPA * x**2)
    s = sigmoid(v)
    return s * (1 + x * dv * (1 - s))


def gelu_erf_prime(x):
    return sum(gelu_erf_terms(x))


def mish_prime(x):
    t = mp.tanh(mp.log1p(mp.exp(x)))
    return t + x * sigmoid(x) * (1 - t**2)


# name: (f', the term pair of the kernel's plain formula, a guess of the root)
ROOTS = {
    "silu": (silu_prime, silu_terms, -1.28),
    "gelu_tanh": (gelu_tanh_prime, gelu_tanh_terms, -0.75),
    "gelu_erf": (gelu_erf_prime, gelu_erf_terms, -0.75),
    "mish": (mish_prime, mish_terms, -1.19),
}


def split(v, to_real):
    hi = to_real(v)
    return hi, to_real(v - hi)


def ratio(terms, x):
    a, b = terms(x)
    return (abs(a) + abs(b)) / abs(a + b)


def reach(terms, r, direction, max_ratio=MAX_RATIO):
    """Distance from r, on one side, beyond which the cancellation ratio <= max_ratio."""
    lo, hi = mp.mpf("1e-6"), mp.mpf(3)
    for _ in range(60):
        mid = (lo + hi) / 2
        if ratio(terms, r + direction * mid) > max_ratio:
            lo = mid
        else:
            hi = mid
    # Margin, and scan to be sure the ratio stays low beyond the edge.
    edge = hi * mp.mpf("1.05")
    for k in range(1, 200):
        x = r + direction * (edge + mp.mpf(k) / 20)
        if ratio(terms, x) > max_ratio:
            raise RuntimeError(f"ratio rises again at {x}")
    return edge


def fit(g, a, b, label, target):
    """Chebyshev fit of g on [a, b]; lowest degree meeting target (relative)."""
    for degree in range(4, 40):
        poly, _ = mp.chebyfit(g, [a, b], degree + 1, error=True)
        coeffs = list(reversed(poly))  # lowest order first
        worst = mp.mpf(0)
        for k in range(401):
            s = a + (b - a) * k / 400
            exact = g(s)
            worst = max(worst, abs(mp.polyval(poly, s) - exact) / abs(exact))
        if worst < target:
            return coeffs, worst
    raise RuntimeError(f"{label}: no fit below the target")


def emit_array(name, values, to_real):
    body = ",\n    ".join(f"{to_real(v).hex()} /* {mp.nstr(v, 17)} */" for v in values)
    return f"static const fa_real {name}[{len(values)}] = {{\n    {body}}};\n"


def header() -> str:
    """The text of csrc/math/fa_series.h."""
    out = [
        "/* Generated by tools/gen_series.py -- do not edit by hand. */",
        "#ifndef FA_SERIES_H",
        "#define FA_SERIES_H",
        "",
        '#include "fa_real.h"',
        "",
        "#ifdef FA_REAL_FLOAT",
        "",
    ]
    out += series("float")
    out += ["#else", ""]
    out += series("double")
    out.append("#endif")
    out.append("")
    out += wide_series()
    out.append("#endif /* FA_SERIES_H */")
    return "\n".join(out) + "\n"


def main(argv: list[str]) -> int:
    return deliver(header(), ROOT / "csrc" / "math" / "fa_series.h", argv, "tools/gen_series.py")


def series(precision):
    """The header's lines for one kernel precision."""
    target, to_real = PRECISIONS[precision]
    out = []

    def emit(name, values):
        return emit_array(name, values, to_real)

    for name, (fprime, terms, guess) in ROOTS.items():
        if precision == "float" and name in WIDE_KERNELS:
            continue
        r = mp.findroot(fprime, guess)
        left, right = reach(terms, r, -1), reach(terms, r, 1)
        slope = mp.diff(fprime, r)

        # Two pieces, each expanded about its middle (in monomials about r the
        # coefficients grow and cancel): near the root, f' = (x - r) P(u);
        # further left, where f'/(x - r) gets small but f' does not vanish,
        # f' = L(u) directly.
        cut = left / 2
        center = (right - cut) / 2
        half = (right + cut) / 2
        left_center = -(left + cut) / 2
        left_half = (left - cut) / 2

        def quotient(u, fprime=fprime, r=r, slope=slope, center=center):
            s = center + u
            return fprime(r + s) / s if s else slope

        coeffs, err = fit(quotient, -half, half, name, target)
        left_coeffs, left_err = fit(lambda u, fprime=fprime, r=r, c=left_center: fprime(r + c + u),
                                    -left_half, left_half, name + " left", target)
        err = max(err, left_err)
        r_hi, r_lo = split(r, to_real)
        up = name.upper()
        out.append(f"/* {name}': root {mp.nstr(r, 20)}, used for -{mp.nstr(left, 6)} < x - root < "
                   f"{mp.nstr(right, 6)} (direct below -{mp.nstr(cut, 6)}), degrees "
                   f"{len(coeffs) - 1} and {len(left_coeffs) - 1}, "
                   f"relative fit error {mp.nstr(err, 3)} */")
        out.append(f"#define FA_{up}_ROOT_HI {r_hi.hex()}")
        out.append(f"#define FA_{up}_ROOT_LO {r_lo.hex()}")
        out.append(f"#define FA_{up}_ROOT_LEFT {to_real(left).hex()}")
        out.append(f"#define FA_{up}_ROOT_RIGHT {to_real(right).hex()}")
        out.append(f"#define FA_{up}_ROOT_CUT {to_real(cut).hex()}")
        out.append(f"#define FA_{up}_ROOT_CENTER {to_real(center).hex()}")
        out.append(f"#define FA_{up}_ROOT_DEGREE {len(coeffs)}")
        out.append(emit(f"fa_{name}_root_poly", coeffs))
        out.append(f"#define FA_{up}_LEFT_CENTER {to_real(left_center).hex()}")
        out.append(f"#define FA_{up}_LEFT_DEGREE {len(left_coeffs)}")
        out.append(emit(f"fa_{name}_left_poly", left_coeffs))

    # tanhshrink: x - tanh(x) = x^3 Q(x^2) for |x| < 1.5, where x - tanh(x)
    # would amplify tanh's rounding error by more than 1.5.  Q is expanded
    # about the middle of its interval: in t itself its coefficients alternate
    # and decay slowly, and Horner's rule would lose ~2 ULP to cancellation.
    limit = mp.mpf("1.5")
    center = limit**2 / 2

    def q(u):
        t = center + u
        if not t:
            return mp.mpf(1) / 3
        x = mp.sqrt(t)
        with mp.workdps(120):
            return (x - mp.tanh(x)) / x**3

    coeffs, err = fit(q, -center, center, "tanhshrink", target)
    out.append(f"/* tanhshrink: x - tanh(x) = x^3 Q(x^2 - {mp.nstr(center, 6)}) for |x| < {limit}, "
               f"degree {len(coeffs) - 1}, relative fit error {mp.nstr(err, 3)} */")
    out.append(f"#define FA_TANHSHRINK_SERIES_LIMIT {to_real(limit).hex()}")
    out.append(f"#define FA_TANHSHRINK_CENTER {to_real(center).hex()}")
    out.append(f"#define FA_TANHSHRINK_DEGREE {len(coeffs)}")
    out.append(emit("fa_tanhshrink_poly", coeffs))
    # erfc, for the vectorizable fa_erfc of fa_math.h. For |z| <= 1/2,
    # erfc(z) = 1 - z E(z^2) with E(w) = erf(sqrt w)/sqrt w, expanded about
    # w = 1/8. For 1/2 <= a <= 28.5 (beyond, erfc(a) < 2^-1080),
    # erfc(a) = exp(-a^2) t R(u) with t = 1/(1 + a) and u = t - center, formed
    # in the kernel as ((1 - center) - center a) / (1 + a) so that its error is
    # relative to u. R = erfc(a) exp(a^2) / t varies slowly with u at every a
    # (erfc(a) exp(a^2) alone does not: its u-derivative grows like a). Of the
    # maps 1/(k + a) tried, k = 1 amplifies those errors least (k = 2 and 4
    # need lower degrees).
    def e(u):
        w = mp.mpf(1) / 8 + u
        return mp.erf(mp.sqrt(w)) / mp.sqrt(w) if w else 2 / mp.sqrt(mp.pi)

    small, small_err = fit(e, -mp.mpf(1) / 8, mp.mpf(1) / 8, "erfc small", target)
    t_lo, t_hi = 1 / mp.mpf("29.5"), 1 / mp.mpf("1.5")
    t_center, t_half = (t_lo + t_hi) / 2, (t_hi - t_lo) / 2

    def r(u):
        t = t_center + u
        a = 1 / t - 1
        return mp.erfc(a) * mp.exp(a * a) / t

    large, large_err = fit(r, -t_half, t_half, "erfc large", target)
    out.append(f"/* erfc: 1 - z E(z^2 - 1/8) for |z| <= 1/2, degree {len(small) - 1}, relative "
               f"fit error {mp.nstr(small_err, 3)}; exp(-a^2) t R(t - {mp.nstr(t_center, 6)}), "
               f"t = 1/(1 + a), "
               f"for 1/2 <= a <= 28.5, degree {len(large) - 1}, relative fit "
               f"error {mp.nstr(large_err, 3)} */")
    out.append(f"#define FA_ERFC_SMALL_DEGREE {len(small)}")
    out.append(emit("fa_erfc_small_poly", small))
    out.append(f"#define FA_ERFC_T_CENTER {to_real(t_center).hex()}")
    out.append(f"#define FA_ERFC_ONE_MINUS_T_CENTER {to_real(1 - t_center).hex()}")
    out.append(f"#define FA_ERFC_LARGE_DEGREE {len(large)}")
    out.append(emit("fa_erfc_large_poly", large))
    return out


def emit_wide(name, values):
    body = ",\n    ".join(f"FA_D({float(v).hex()}) /* {mp.nstr(v, 17)} */" for v in values)
    return f"static const double {name}[{len(values)}] = {{\n    {body}}};\n"


def wide_series():
    """Polynomials of the float kernels evaluated in double (both builds see them)."""
    out = ["/* Float kernels evaluated in double (fa_wide.h); relative fit errors below "
           f"2^{int(mp.log(WIDE_TARGET, 2))}. */"]
    # exp(r) for |r| <= ln2/2 (and a little more: r is rounded)
    half = mp.log(2) / 2 * mp.mpf("1.01")
    coeffs, err = fit(mp.exp, -half, half, "wide exp", WIDE_TARGET)
    out.append(f"/* exp(r), |r| <= ln2/2: degree {len(coeffs) - 1}, error {mp.nstr(err, 3)} */")
    out.append(f"#define FA_WIDE_EXP_DEGREE {len(coeffs)}")
    out.append(emit_wide("fa_wide_exp_poly", coeffs))
    # erfc(a) = exp(-a^2) t R(t - center), t = 1/(k + a), 0 <= a <= 27: for float x,
    # a = |x|/sqrt(2) up to the clamp of gelu's x at 38
    k, a_max = mp.mpf(WIDE_ERFC_K), mp.mpf(27)
    t_lo, t_hi = 1 / (k + a_max), 1 / k
    t_center, t_half = (t_lo + t_hi) / 2, (t_hi - t_lo) / 2

    def r(u):
        t = t_center + u
        a = 1 / t - k
        return mp.erfc(a) * mp.exp(a * a) / t

    coeffs, err = fit(r, -t_half, t_half, "wide erfc", WIDE_TARGET)
    out.append(f"/* erfc(a) = exp(-a^2) t R(t - {mp.nstr(t_center, 6)}), t = 1/({k} + a), "
               f"0 <= a <= {a_max}: degree {len(coeffs) - 1}, error {mp.nstr(err, 3)} */")
    out.append(f"#define FA_WIDE_ERFC_K FA_D({float(k).hex()})")
    out.append(f"#define FA_WIDE_ERFC_T_CENTER FA_D({float(t_center).hex()})")
    out.append(f"#define FA_WIDE_ERFC_DEGREE {len(coeffs)}")
    out.append(emit_wide("fa_wide_erfc_poly", coeffs))
    # f' = (x - r) P(x - r) where the plain formula's ratio exceeds WIDE_MAX_RATIO
    for name in WIDE_KERNELS:
        fprime, terms, guess = ROOTS[name]
        root = mp.findroot(fprime, guess)
        width = max(reach(terms, root, -1, WIDE_MAX_RATIO), reach(terms, root, 1, WIDE_MAX_RATIO))
        slope = mp.diff(fprime, root)

        def quotient(u, fprime=fprime, root=root, slope=slope):
            # below 1e-30 the quotient is the slope to 30 digits, and the
            # difference quotient would be lost in the root's own error
            return fprime(root + u) / u if abs(u) > mp.mpf("1e-30") else slope

        coeffs, err = fit(quotient, -width, width, f"wide {name}", WIDE_TARGET)
        hi = float(root)
        up = name.upper()
        out.append(f"/* {name}': root {mp.nstr(root, 20)}, (x - root) P(x - root) for "
                   f"|x - root| < {mp.nstr(width, 6)}: degree {len(coeffs) - 1}, "
                   f"error {mp.nstr(err, 3)} */")
        out.append(f"#define FA_WIDE_{up}_ROOT_HI FA_D({hi.hex()})")
        out.append(f"#define FA_WIDE_{up}_ROOT_LO FA_D({float(root - hi).hex()})")
        out.append(f"#define FA_WIDE_{up}_ROOT_WIDTH FA_D({float(width).hex()})")
        out.append(f"#define FA_WIDE_{up}_ROOT_DEGREE {len(coeffs)}")
        out.append(emit_wide(f"fa_wide_{name}_root_poly", coeffs))
    return out


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
