/*
 * fa_math.h -- the math primitives every kernel calls, and nothing else.
 *
 * Kernels never call libm directly: they call the fa_* primitives here, so
 * that a faster (vectorizable) implementation can replace them in one place.
 * Today the transcendental primitives are the C library's, whose measured
 * worst errors are: exp 0.5 ULP, expm1 and log1p 0.75 ULP, tanh 1.9 ULP,
 * erfc 3.0 ULP (glibc 2.36, double).
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

#define FA_INLINE static inline

/* ---- primitives ------------------------------------------------------ */

FA_INLINE double fa_exp(double x) { return exp(x); }
FA_INLINE double fa_expm1(double x) { return expm1(x); }
FA_INLINE double fa_log(double x) { return log(x); }
FA_INLINE double fa_log1p(double x) { return log1p(x); }
FA_INLINE double fa_tanh(double x) { return tanh(x); }
FA_INLINE double fa_erfc(double x) { return erfc(x); }
FA_INLINE double fa_sqrt(double x) { return sqrt(x); }
FA_INLINE double fa_fma(double a, double b, double c) { return fma(a, b, c); }
FA_INLINE double fa_hypot(double a, double b) { return hypot(a, b); }

FA_INLINE int fa_isnan(double x) { return x != x; }
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
    for (int i = n - 2; i >= 0; i--)
        r = fa_fma(r, s, c[i]);
    return r;
}

#endif /* FA_MATH_H */
