/*
 * fa_math.h -- the math primitives every kernel calls, and nothing else.
 *
 * Kernels never call libm directly: they call the fa_* primitives here.
 * exp, expm1, log1p, tanh and erfc are written out (range reduction,
 * polynomial, exponent bits), with selects instead of branches and no calls,
 * so that a loop calling them vectorizes at every dispatch level. Their worst
 * errors (tools/primitive_ulp.c, 20 million points each): exp 1.0, expm1 1.8,
 * log1p 0.83, tanh 2.5, erfc 4.4 ULP (glibc's: 0.5, 0.75, 0.75, 1.9, 3.0).
 * The kernels' contract (4 ULP forward, 8 derivative) is held by the tests.
 * hypot is still the C library's, so squareplus loops do not vectorize.
 *
 * Also here: double-double ("dd") arithmetic. A dd value is hi + lo with
 * |lo| <= ulp(hi)/2. Kernels use it where the rounding error of an
 * *argument* would be amplified: exp(t) has relative condition number |t|,
 * so exp(-700) computed from a rounded t is off by ~700 ULP, and the tails
 * of gelu, swish, softplus and celu all end in such an exponential.
 *
 * Build with -ffp-contract=off: fma() is always written out where it is
 * wanted, so every dispatch level and inlining context rounds identically.
 */
#ifndef FA_MATH_H
#define FA_MATH_H

#include <float.h>
#include <math.h>
#include <stdint.h>

#include "fa_series.h"

/* Always inlined: a call left in a loop stops the vectorizer. */
#if defined(__GNUC__) || defined(__clang__)
#define FA_INLINE static inline __attribute__((always_inline))
#else
#define FA_INLINE static inline
#endif

/* ---- primitives ------------------------------------------------------ */

FA_INLINE double fa_log(double x) { return log(x); }
FA_INLINE double fa_sqrt(double x) { return sqrt(x); }
FA_INLINE double fa_fma(double a, double b, double c) { return fma(a, b, c); }
FA_INLINE double fa_hypot(double a, double b) { return hypot(a, b); }

/* Bit casts (unions: the vectorizer sees through them, not through memcpy). */
FA_INLINE uint64_t fa_bits(double x)
{
    union {
        double d;
        uint64_t u;
    } c = {.d = x};
    return c.u;
}
FA_INLINE double fa_from_bits(uint64_t u)
{
    union {
        uint64_t u;
        double d;
    } c = {.u = u};
    return c.d;
}

/* fa_min(a, b) is b if b < a, else a (so a NaN in a stays NaN); fmin and
 * fmax are calls, with no vector form. */
#if defined(__GNUC__) || defined(__clang__) /* quiet comparisons: a NaN raises no flag */
FA_INLINE double fa_min(double a, double b) { return __builtin_isless(b, a) ? b : a; }
FA_INLINE double fa_max(double a, double b) { return __builtin_isgreater(b, a) ? b : a; }
#else
FA_INLINE double fa_min(double a, double b) { return b < a ? b : a; }
FA_INLINE double fa_max(double a, double b) { return b > a ? b : a; }
#endif

/* 2^k for an integer k in [-1022, 1023], as exponent bits. */
FA_INLINE double fa_pow2i(int64_t k) { return fa_from_bits((uint64_t)(k + 1023) << 52); }

/* ln 2 split so that k * FA_LN2_HI is exact for |k| < 2^11, and log2(e). */
#define FA_LN2_HI 0x1.62e42fefa3800p-1
#define FA_LN2_LO 0x1.ef35793c76730p-45
#define FA_LOG2E 0x1.71547652b82fep0
/* Adding 1.5 * 2^52 rounds a double of magnitude < 2^51 to an integer, which
 * then sits in the low mantissa bits. */
#define FA_ROUND_SHIFT 0x1.8p52

/* x = k ln2 + r, |r| <= ln2/2 (+ a rounding), for |x| < 1100. */
FA_INLINE double fa_exp_reduce(double x, int64_t *k)
{
    double shifted = fa_fma(x, FA_LOG2E, FA_ROUND_SHIFT);
    double kd = shifted - FA_ROUND_SHIFT;
    *k = (int64_t)(fa_bits(shifted) - fa_bits(FA_ROUND_SHIFT));
    double r = fa_fma(-kd, FA_LN2_HI, x); /* exact */
    return fa_fma(-kd, FA_LN2_LO, r);
}

/* e^r - 1 for |r| <= 0.35: r + r^2/2 + ... + r^14/14!, the Taylor series,
 * whose omitted terms are below 2^-60 relative there. */
FA_INLINE double fa_expm1_reduced(double r)
{
    double t = 1.0 / 87178291200.0;
    t = fa_fma(t, r, 1.0 / 6227020800.0);
    t = fa_fma(t, r, 1.0 / 479001600.0);
    t = fa_fma(t, r, 1.0 / 39916800.0);
    t = fa_fma(t, r, 1.0 / 3628800.0);
    t = fa_fma(t, r, 1.0 / 362880.0);
    t = fa_fma(t, r, 1.0 / 40320.0);
    t = fa_fma(t, r, 1.0 / 5040.0);
    t = fa_fma(t, r, 1.0 / 720.0);
    t = fa_fma(t, r, 1.0 / 120.0);
    t = fa_fma(t, r, 1.0 / 24.0);
    t = fa_fma(t, r, 1.0 / 6.0);
    t = fa_fma(t, r, 0.5);
    return fa_fma(t, r * r, r);
}

/* e^x for every x; below -745.2 the result is 0 (underflow flag), above
 * 709.78 it is inf (overflow flag). 2^k is applied as two factors, so that
 * a subnormal result is rounded once. */
FA_INLINE double fa_exp(double x)
{
    double xc = fa_max(fa_min(x, 710.0), -746.0);
    int64_t k;
    double p = 1.0 + fa_expm1_reduced(fa_exp_reduce(xc, &k));
    int64_t k1 = (int64_t)((uint64_t)(k + 2048) >> 1) - 1024; /* floor(k/2) */
    return p * fa_pow2i(k1) * fa_pow2i(k - k1);
}

/* e^x - 1 for x <= 709 (the kernels pass x <= 0): 2^k (1 + q) - 1 as
 * 2^k q + (2^k - 1), one rounding; k = 0 near 0, where it is q itself. */
FA_INLINE double fa_expm1(double x)
{
    double xc = fa_max(fa_min(x, 709.0), -40.0); /* below -38, e^x - 1 = -1 */
    int64_t k;
    double q = fa_expm1_reduced(fa_exp_reduce(xc, &k));
    double s = fa_pow2i(k);
    return fa_fma(s, q, s - 1.0);
}

/* log(1 + x) for x > -1 (the kernels pass x >= 0), finite. u = 1 + x is
 * written 2^k m with m in [sqrt(1/2), sqrt(2)), and log m = 2 atanh(s),
 * s = f / (2 + f), f = m - 1, as f - (f^2/2 - s (f^2/2 + R(s^2))). The
 * rounding of u is put back as (x - (u - 1)) / u. */
FA_INLINE double fa_log1p(double x)
{
    double u = 1.0 + x;
    double err = x - (u - 1.0); /* exact: u - 1 is */
    uint64_t shifted = fa_bits(u) - 0x3fe6a09e667f3bcdULL; /* bits of sqrt(1/2) */
    int64_t k = (int64_t)(shifted >> 52) - (int64_t)((shifted >> 63) << 12); /* signed */
    double m = fa_from_bits(fa_bits(u) - ((uint64_t)k << 52));
    double f = m - 1.0, s = f / (2.0 + f), z = s * s;
    double r = 2.0 / 21.0; /* R(z) = 2 (z/3 + z^2/5 + ... + z^10/21) */
    r = fa_fma(r, z, 2.0 / 19.0);
    r = fa_fma(r, z, 2.0 / 17.0);
    r = fa_fma(r, z, 2.0 / 15.0);
    r = fa_fma(r, z, 2.0 / 13.0);
    r = fa_fma(r, z, 2.0 / 11.0);
    r = fa_fma(r, z, 2.0 / 9.0);
    r = fa_fma(r, z, 2.0 / 7.0);
    r = fa_fma(r, z, 2.0 / 5.0);
    r = fa_fma(r, z, 2.0 / 3.0);
    r *= z;
    double hfsq = 0.5 * f * f;
    /* (double)k without an int64 conversion, which AVX2 lacks */
    double kd = fa_from_bits(fa_bits(FA_ROUND_SHIFT) + (uint64_t)k) - FA_ROUND_SHIFT;
    double logm_lo = s * (hfsq + r) + kd * FA_LN2_LO + err / u;
    return kd * FA_LN2_HI - ((hfsq - logm_lo) - f);
}

/* tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)), signed: no cancellation
 * near 0, and e^(-2|x|) cannot overflow. */
FA_INLINE double fa_tanh(double x)
{
    double em = fa_expm1(-2.0 * fa_min(fabs(x), 20.0)); /* tanh = 1 beyond 19.1 */
    return copysign(-em / (2.0 + em), x);
}

FA_INLINE int fa_isnan(double x) { return x != x; }
FA_INLINE int fa_isfinite(double x) { return fabs(x) <= DBL_MAX; }
/* The same test, spelled differently: GCC 12 fails to vectorize a loop that
 * stores two selects on one and the same condition (value_and_grad's NaN
 * pass), and a second spelling avoids that. */
#if defined(__GNUC__) || defined(__clang__)
FA_INLINE int fa_isnan_alt(double x) { return __builtin_isunordered(x, 0.0); }
#else
FA_INLINE int fa_isnan_alt(double x) { return x != x; }
#endif
FA_INLINE double fa_clamp(double x, double lo, double hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* x * s where s is a saturating factor that may be exactly 0 while x is
 * +-inf (silu(-inf), gelu(-inf), ...): the limit is a signed zero, not NaN. */
FA_INLINE double fa_mul_sat(double x, double s)
{
    return s == 0.0 ? copysign(0.0, x) : x * s;
}

/* a / b, or a signed infinity where that quotient would overflow (no flag). */
FA_INLINE double fa_div_sat(double a, double b)
{
    int over = fabs(b) < 1.0 && fabs(a) > fabs(b) * 0x1p1000; /* a/b > 2^1000 */
    return over ? copysign(INFINITY, a) * copysign(1.0, b) : a / (over ? 1.0 : b);
}

/* ---- double-double --------------------------------------------------- */

typedef struct {
    double hi, lo;
} fa_dd;

/* An infinite hi makes the error term NaN (inf - inf); the limit needs
 * lo = 0 there, so every constructor goes through this. */
FA_INLINE fa_dd fa_dd_make(double hi, double lo)
{
    fa_dd r = {hi, isfinite(hi) ? lo : 0.0}; /* a classification: no FP flag, even for NaN */
    return r;
}

/* a*b exactly, as hi + lo. */
FA_INLINE fa_dd fa_two_prod(double a, double b)
{
    double p = a * b;
    return fa_dd_make(p, fa_fma(a, b, -p));
}

/* a+b exactly, as hi + lo (Knuth, no ordering needed). */
FA_INLINE fa_dd fa_two_sum(double a, double b)
{
    double s = a + b;
    double bb = s - a;
    double err = (a - (s - bb)) + (b - bb);
    return fa_dd_make(s, err);
}

FA_INLINE fa_dd fa_dd_renorm(double hi, double lo)
{
    double s = hi + lo;
    return fa_dd_make(s, lo - (s - hi));
}

FA_INLINE fa_dd fa_dd_mul_d(fa_dd a, double b)
{
    fa_dd p = fa_two_prod(a.hi, b);
    return fa_dd_renorm(p.hi, p.lo + a.lo * b);
}

FA_INLINE fa_dd fa_dd_mul(fa_dd a, fa_dd b)
{
    fa_dd p = fa_two_prod(a.hi, b.hi);
    return fa_dd_renorm(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

FA_INLINE fa_dd fa_dd_add_d(fa_dd a, double b)
{
    fa_dd s = fa_two_sum(a.hi, b);
    return fa_dd_renorm(s.hi, s.lo + a.lo);
}

FA_INLINE fa_dd fa_dd_neg(fa_dd a) { return fa_dd_make(-a.hi, -a.lo); }

/* exp(hi + lo) = exp(hi) * (1 + lo) to first order, |lo| < ulp(hi). */
FA_INLINE double fa_exp_dd(fa_dd a)
{
    double e = fa_exp(a.hi);
    double r = e + e * a.lo;
    return r == r ? r : e; /* e = inf, lo < 0 */
}

/* a * exp(t) where exp(t) may be subnormal: there as (a * h) * h with
 * h = exp(t/2), so that the only rounding in the subnormal range is the last
 * one (a subnormal exp(t) times a large a would multiply its absolute error). */
FA_INLINE double fa_mul_exp_deep(double a, fa_dd t)
{
    if (t.hi > -708.0)
        return a * fa_exp_dd(t);
    double h = fa_exp_dd(fa_dd_make(0.5 * t.hi, 0.5 * t.lo));
    return (a * h) * h;
}

/* Below this, exp(t) is subnormal: 1 + exp(t) == 1, sigmoid(t) == exp(t). */
#define FA_DEEP_TAIL (-700.0)

/* ---- building blocks shared by several activations ------------------- */

/* The logistic function of t = hi + lo and its complement, both to full
 * relative accuracy on either side: exp(-|t|) cannot overflow, and
 * 1 - sigmoid(t) is never formed by subtraction. */
FA_INLINE double fa_sigmoid_dd(fa_dd t, double *one_minus)
{
    int pos = t.hi >= 0.0;
    double e = fa_exp_dd(pos ? fa_dd_neg(t) : t); /* exp(-|t|) */
    double den = 1.0 + e;
    double big = 1.0 / den, small = e / den;
    *one_minus = pos ? small : big;
    return pos ? big : small;
}

FA_INLINE double fa_sigmoid_sd(double t, double *one_minus)
{
    return fa_sigmoid_dd(fa_dd_make(t, 0.0), one_minus);
}

/* Evaluate c[0] + c[1] s + ... + c[n-1] s^(n-1) by Horner's rule. */
FA_INLINE double fa_poly(double s, const double *c, int n)
{
    double r = c[n - 1];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 32 /* unrolled, the loop around it can vectorize */
#endif
    for (int i = n - 2; i >= 0; i--)
        r = fa_fma(r, s, c[i]);
    return r;
}

/* erfc(z), for |z| <= 28.5 (0 beyond +28.5, 2 below -28.5), from the
 * polynomials of fa_series.h: 1 - z E(z^2) for |z| <= 1/2, else
 * exp(-a^2) t R(u) with a = |z|, t = 1/(1 + a), u = t - center (formed
 * without t's rounding), and 2 minus that for z < 0.
 * Both pieces are computed and one selected, on arguments clamped to their
 * intervals (no flag from the unused one). */
FA_INLINE double fa_erfc(double z)
{
    double a = fabs(z);
    double e = fa_poly(z * z - 0.125, fa_erfc_small_poly, FA_ERFC_SMALL_DEGREE);
    double small = fa_fma(-z, e, 1.0);
    double ac = fa_min(fa_max(a, 0.5), 28.5);
    double u = fa_fma(-FA_ERFC_T_CENTER, ac, FA_ERFC_ONE_MINUS_T_CENTER) / (1.0 + ac);
    double r = fa_poly(u, fa_erfc_large_poly, FA_ERFC_LARGE_DEGREE);
    fa_dd square = fa_two_prod(ac, ac);
    double t_r = r / (1.0 + ac);
    double large = a > 28.5 ? 0.0 : fa_exp_dd(fa_dd_make(-square.hi, -square.lo)) * t_r;
    double signed_large = z < 0.0 ? 2.0 - large : large;
    return a <= 0.5 ? small : signed_large;
}

#endif /* FA_MATH_H */
