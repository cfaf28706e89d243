/*
 * fa_math.h -- the math primitives every kernel calls, and nothing else.
 *
 * Kernels never call libm directly: they call the fa_* primitives here,
 * written in fa_real (fa_real.h): double, or float for the float32 loops.
 * exp, expm1, log1p, tanh and erfc are written out (range reduction,
 * polynomial, exponent bits), with selects instead of branches and no calls,
 * so that a loop calling them vectorizes at every dispatch level. Their worst
 * errors in double (tools/primitive_ulp.c, 20 million points each): exp 1.0,
 * expm1 1.8, log1p 0.83, tanh 2.5, erfc 2.5 ULP (glibc's: 0.5, 0.75, 0.75,
 * 1.9, 3.0); in float (tools/primitive_ulp_float.c): 1.0, 1.6, 0.84, 2.5, 2.3.
 * The kernels' contract (4 ULP forward, 8 derivative) is held by the tests.
 * hypot is still the C library's, so squareplus loops do not vectorize.
 *
 * Also here: double-double ("dd") arithmetic (float-float in the float
 * build). A dd value is hi + lo with
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
#include <stdint.h>
#include <tgmath.h> /* fabs, copysign, fma, ... of the argument's type */

#include "fa_real.h"
#include "fa_series.h"

/* Always inlined: a call left in a loop stops the vectorizer. */
#if defined(__GNUC__) || defined(__clang__)
#define FA_INLINE static inline __attribute__((always_inline))
#else
#define FA_INLINE static inline
#endif

/* Whether v is a constant 0 once inlined (silu's argument as a
 * double-double with lo = 0): work on it can be skipped, which the compiler
 * may not do itself (0 q + 0 is NaN for an infinite q). */
#if defined(__GNUC__)
#define FA_KNOWN_ZERO(v) (__builtin_constant_p(v) && (v) == 0.0)
#else
#define FA_KNOWN_ZERO(v) 0
#endif

/* ---- primitives ------------------------------------------------------ */

FA_INLINE fa_real fa_log(fa_real x) { return log(x); }
FA_INLINE fa_real fa_sqrt(fa_real x) { return sqrt(x); }
FA_INLINE fa_real fa_fma(fa_real a, fa_real b, fa_real c) { return fma(a, b, c); }
FA_INLINE fa_real fa_hypot(fa_real a, fa_real b) { return hypot(a, b); }

/* Bit casts (unions: the vectorizer sees through them, not through memcpy). */
typedef union {
    fa_real x;
    fa_uint u;
} fa_real_bits;
FA_INLINE fa_uint fa_bits(fa_real x) { return ((fa_real_bits){.x = x}).u; }
FA_INLINE fa_real fa_from_bits(fa_uint u) { return ((fa_real_bits){.u = u}).x; }

/* c ? a : b by bit masks. A select on parameters alone stays in a loop as
 * one, where GCC 12 cannot vectorize it (its condition is not a vector);
 * as arithmetic it is loop-invariant and is moved out of the loop. */
FA_INLINE fa_real fa_pick(int c, fa_real a, fa_real b)
{
    fa_uint mask = (fa_uint)0 - (fa_uint)c;
    return fa_from_bits((fa_bits(a) & mask) | (fa_bits(b) & ~mask));
}

/* fa_min(a, b) is b if b < a, else a (so a NaN in a stays NaN); fmin and
 * fmax are calls, with no vector form. */
#if defined(__GNUC__) || defined(__clang__) /* quiet comparisons: a NaN raises no flag */
FA_INLINE fa_real fa_min(fa_real a, fa_real b) { return __builtin_isless(b, a) ? b : a; }
FA_INLINE fa_real fa_max(fa_real a, fa_real b) { return __builtin_isgreater(b, a) ? b : a; }
#else
FA_INLINE fa_real fa_min(fa_real a, fa_real b) { return b < a ? b : a; }
FA_INLINE fa_real fa_max(fa_real a, fa_real b) { return b > a ? b : a; }
#endif

/* 2^k for an integer k in the normal exponent range, as exponent bits. */
FA_INLINE fa_real fa_pow2i(fa_int k) { return fa_from_bits((fa_uint)(k + FA_EXP_BIAS) << FA_MANT_BITS); }

/* x = k ln2 + r, |r| <= ln2/2 (+ a rounding), for x within exp's clamps.
 * FA_ROUND_SHIFT rounds x log2(e) to an integer, which then sits in the low
 * mantissa bits. */
FA_INLINE fa_real fa_exp_reduce(fa_real x, fa_int *k)
{
    fa_real shifted = fa_fma(x, FA_LOG2E, FA_ROUND_SHIFT);
    fa_real kd = shifted - FA_ROUND_SHIFT;
    *k = (fa_int)(fa_bits(shifted) - fa_bits(FA_ROUND_SHIFT));
    fa_real r = fa_fma(-kd, FA_LN2_HI, x); /* exact */
    return fa_fma(-kd, FA_LN2_LO, r);
}

/* Evaluate c[0] + c[1] s + ... + c[n-1] s^(n-1) by Horner's rule. */
FA_INLINE fa_real fa_poly(fa_real s, const fa_real *c, int n)
{
    fa_real r = c[n - 1];
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC unroll 32 /* unrolled, the loop around it can vectorize */
#endif
    for (int i = n - 2; i >= 0; i--)
        r = fa_fma(r, s, c[i]);
    return r;
}

/* 1/2!, 1/3!, ...: the Taylor coefficients of (e^r - 1 - r)/r^2. */
static const fa_real fa_inv_factorials[13] = {
    1.0 / 2,         1.0 / 6,          1.0 / 24,          1.0 / 120,          1.0 / 720,
    1.0 / 5040,      1.0 / 40320,      1.0 / 362880,      1.0 / 3628800,      1.0 / 39916800,
    1.0 / 479001600, 1.0 / 6227020800, 1.0 / 87178291200};

/* e^r - 1 for |r| <= 0.35: r + r^2/2 + ..., the Taylor series to the
 * term (FA_EXPM1_TERMS + 1), whose omitted terms are below 2^-60 relative
 * in double, 2^-27 in float. */
FA_INLINE fa_real fa_expm1_reduced(fa_real r)
{
    return fa_fma(fa_poly(r, fa_inv_factorials, FA_EXPM1_TERMS), r * r, r);
}

/* e^x = 2^k (1 + q) with x clamped to exp's range; returns q, sets k. */
FA_INLINE fa_real fa_exp_parts(fa_real x, fa_int *k)
{
    fa_real xc = fa_max(fa_min(x, FA_EXP_HIGH), FA_EXP_LOW);
    return fa_expm1_reduced(fa_exp_reduce(xc, k));
}

/* m 2^k for k from fa_exp_reduce, applied as two factors, 2^floor(k/2) and
 * 2^ceil(k/2), so that a subnormal result is rounded once. With b the bits
 * of fa_exp_reduce's shifted value, b = bits(FA_ROUND_SHIFT) + k, whose
 * offset (254 in float, 2046 in double) makes that even and half of it
 * FA_EXP_BIAS modulo 2^(FA_WORD_BITS - FA_MANT_BITS): then b >> 1 and
 * b - (b >> 1), moved into the exponent field, are the two factors' bits
 * (what is shifted out is the rest of FA_ROUND_SHIFT's bits). */
FA_INLINE fa_real fa_scale_pow2(fa_real m, fa_int k)
{
    fa_uint b = (fa_uint)k + fa_bits(FA_ROUND_SHIFT);
    fa_uint half = b >> 1;
    return m * fa_from_bits(half << FA_MANT_BITS) * fa_from_bits((b - half) << FA_MANT_BITS);
}

/* e^x for every x; below FA_EXP_LOW the result is 0, above FA_EXP_HIGH it is
 * inf. */
FA_INLINE fa_real fa_exp(fa_real x)
{
    fa_int k;
    fa_real q = fa_exp_parts(x, &k);
    return fa_scale_pow2(1.0 + q, k);
}

/* 2^k (1 + q) - 1 as 2^k q + (2^k - 1), one rounding; k = 0 near 0, where
 * it is q itself. 2^k must be a normal number. */
FA_INLINE fa_real fa_expm1_scale(fa_real q, fa_int k)
{
    fa_real s = fa_pow2i(k);
    return fa_fma(s, q, s - 1.0);
}

/* e^x - 1 for x <= FA_EXPM1_HIGH (the kernels pass x <= 0). */
FA_INLINE fa_real fa_expm1(fa_real x)
{
    fa_real xc = fa_max(fa_min(x, FA_EXPM1_HIGH), -40.0); /* below -38, e^x - 1 = -1 */
    fa_int k;
    fa_real q = fa_expm1_reduced(fa_exp_reduce(xc, &k));
    return fa_expm1_scale(q, k);
}

/* log(1 + x) for x > -1 (the kernels pass x >= 0), finite. u = 1 + x is
 * written 2^k m with m in [sqrt(1/2), sqrt(2)), and log m = 2 atanh(s),
 * s = f / (2 + f), f = m - 1, as f - (f^2/2 - s (f^2/2 + R(s^2))). The
 * rounding of u is put back as (x - (u - 1)) / u. */
/* 2/3, 2/5, ...: R(z) / z of log1p below. */
static const fa_real fa_atanh_series[10] = {2.0 / 3,  2.0 / 5,  2.0 / 7,  2.0 / 9,  2.0 / 11,
                                            2.0 / 13, 2.0 / 15, 2.0 / 17, 2.0 / 19, 2.0 / 21};

FA_INLINE fa_real fa_log1p(fa_real x)
{
    fa_real u = 1.0 + x;
    fa_real err = x - (u - 1.0); /* exact: u - 1 is */
    fa_uint shifted = fa_bits(u) - FA_SQRT_HALF_BITS;
    fa_int k = (fa_int)(shifted >> FA_MANT_BITS) /* signed */
               - (fa_int)((shifted >> (FA_WORD_BITS - 1)) << (FA_WORD_BITS - FA_MANT_BITS));
    fa_real m = fa_from_bits(fa_bits(u) - ((fa_uint)k << FA_MANT_BITS));
    fa_real f = m - 1.0, s = f / (2.0 + f), z = s * s;
    fa_real r = fa_poly(z, fa_atanh_series, FA_LOG1P_TERMS) * z; /* R(z) = 2 (z/3 + z^2/5 + ...) */
    fa_real hfsq = 0.5 * f * f;
    /* k as fa_real without an int64 conversion, which AVX2 lacks */
    fa_real kd = fa_from_bits(fa_bits(FA_ROUND_SHIFT) + (fa_uint)k) - FA_ROUND_SHIFT;
    fa_real logm_lo = s * (hfsq + r) + kd * FA_LN2_LO + err / u;
    return kd * FA_LN2_HI - ((hfsq - logm_lo) - f);
}

/* tanh(x) = -expm1(-2|x|) / (2 + expm1(-2|x|)), signed: no cancellation
 * near 0, and e^(-2|x|) cannot overflow. */
FA_INLINE fa_real fa_tanh_from_expm1(fa_real em, fa_real x) /* em = expm1(-2|x|) */
{
    return copysign(-em / (2.0 + em), x);
}
FA_INLINE fa_real fa_tanh(fa_real x)
{
    /* tanh = 1 beyond 19.1 */
    return fa_tanh_from_expm1(fa_expm1(-2.0 * fa_min(fabs(x), 20.0)), x);
}

FA_INLINE int fa_isnan(fa_real x) { return x != x; }
FA_INLINE int fa_isfinite(fa_real x) { return fabs(x) <= FA_REAL_MAX; }
/* The same test, spelled differently: GCC 12 fails to vectorize a loop that
 * stores two selects on one and the same condition (value_and_grad's NaN
 * pass), and a second spelling avoids that. */
#if defined(__GNUC__) || defined(__clang__)
FA_INLINE int fa_isnan_alt(fa_real x) { return __builtin_isunordered(x, 0.0); }
#else
FA_INLINE int fa_isnan_alt(fa_real x) { return x != x; }
#endif
FA_INLINE fa_real fa_clamp(fa_real x, fa_real lo, fa_real hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* x * s where s is a saturating factor that may be exactly 0 while x is
 * +-inf (silu(-inf), gelu(-inf), ...): the limit is a signed zero, not NaN. */
FA_INLINE fa_real fa_mul_sat(fa_real x, fa_real s)
{
    return s == 0.0 ? copysign(0.0, x) : x * s;
}

/* a / b for b > 0; where the quotient is beyond the finite range, above_max
 * (a > 0) or below_min (a < 0) instead, with no overflow flag. The test is
 * exact: |a| - b FA_REAL_MAX, rounded once, has the sign of the difference.
 * Branch-free (fa_pick), so that with invariant a and b it leaves a loop. */
FA_INLINE fa_real fa_div_beyond(fa_real a, fa_real b, fa_real above_max, fa_real below_min)
{
    int over = (b < 1.0) & (fa_fma(-b, FA_REAL_MAX, fabs(a)) > 0.0);
    return fa_pick(over, a > 0.0 ? above_max : below_min, a / fa_pick(over, 1.0, b));
}

/* ---- double-double --------------------------------------------------- */

typedef struct {
    fa_real hi, lo;
} fa_dd;

/* An infinite hi makes the error term NaN (inf - inf); the limit needs
 * lo = 0 there, so every constructor goes through this. */
FA_INLINE fa_dd fa_dd_make(fa_real hi, fa_real lo)
{
    fa_dd r = {hi, isfinite(hi) ? lo : 0.0}; /* a classification: no FP flag, even for NaN */
    return r;
}

/* a*b exactly, as hi + lo. */
FA_INLINE fa_dd fa_two_prod(fa_real a, fa_real b)
{
    fa_real p = a * b;
    return fa_dd_make(p, fa_fma(a, b, -p));
}

/* a+b exactly, as hi + lo (Knuth, no ordering needed). */
FA_INLINE fa_dd fa_two_sum(fa_real a, fa_real b)
{
    fa_real s = a + b;
    fa_real bb = s - a;
    fa_real err = (a - (s - bb)) + (b - bb);
    return fa_dd_make(s, err);
}

/* fa_two_sum without fa_dd_make's check: where a + b overflows, lo is NaN
 * (inf - inf), for callers whose result there does not depend on lo
 * (fa_mul_exp_dd_nonpos at -inf). */
FA_INLINE fa_dd fa_two_sum_unchecked(fa_real a, fa_real b)
{
    fa_real s = a + b;
    fa_real bb = s - a;
    fa_dd r = {s, (a - (s - bb)) + (b - bb)};
    return r;
}

FA_INLINE fa_dd fa_dd_renorm(fa_real hi, fa_real lo)
{
    fa_real s = hi + lo;
    return fa_dd_make(s, lo - (s - hi));
}

FA_INLINE fa_dd fa_dd_mul_d(fa_dd a, fa_real b)
{
    fa_dd p = fa_two_prod(a.hi, b);
    return fa_dd_renorm(p.hi, p.lo + a.lo * b);
}

FA_INLINE fa_dd fa_dd_mul(fa_dd a, fa_dd b)
{
    fa_dd p = fa_two_prod(a.hi, b.hi);
    return fa_dd_renorm(p.hi, p.lo + (a.hi * b.lo + a.lo * b.hi));
}

FA_INLINE fa_dd fa_dd_add_d(fa_dd a, fa_real b)
{
    fa_dd s = fa_two_sum(a.hi, b);
    return fa_dd_renorm(s.hi, s.lo + a.lo);
}

/* 0 - lo, not -lo: the sign of a zero lo does not matter, and a constant 0
 * lo (silu's argument) stays a constant +0 through the negation and any
 * select with the unnegated value (FA_KNOWN_ZERO). */
FA_INLINE fa_dd fa_dd_neg(fa_dd a) { return fa_dd_make(-a.hi, 0.0 - a.lo); }

/* a exp(hi + lo) for |a| <= 2, rounded once (fa_exp_dd(t) * a rounds twice):
 * exp(hi + lo) = 2^k (1 + q), 1 + q = e^(r + lo), formed as 2^k (a + a q).
 * fa_mul_exp_parts takes q and k from fa_exp_parts(hi), computed already. */
FA_INLINE fa_real fa_mul_exp_parts(fa_real a, fa_dd t, fa_real q, fa_int k)
{
    if (!FA_KNOWN_ZERO(t.lo))
        q = fa_fma(t.lo, q, t.lo) + q; /* e^lo - 1 = lo to first order */
    fa_real r = fa_scale_pow2(fa_fma(a, q, a), k);
    /* below exp's range the result is 0; there hi was clamped, and lo (up to
     * half an ulp of a huge hi) is no longer small enough for first order */
    return t.hi < FA_EXP_LOW ? 0.0 * a : r;
}
/* fa_mul_exp_parts with a double-double factor a, |a.hi| <= 2 and |a.lo| up
 * to a few thousand ulps of a.hi (a first-order correction folded in):
 * a exp(t) = 2^k (a.hi + (a.hi q + a.lo (1 + q))), rounded nearly once. */
FA_INLINE fa_real fa_mul_dd_exp_parts(fa_dd a, fa_dd t, fa_real q, fa_int k)
{
    if (!FA_KNOWN_ZERO(t.lo))
        q = fa_fma(t.lo, q, t.lo) + q;
    fa_real r = fa_scale_pow2(a.hi + fa_fma(a.hi, q, fa_fma(a.lo, q, a.lo)), k);
    return t.hi < FA_EXP_LOW ? 0.0 * a.hi : r;
}
FA_INLINE fa_real fa_mul_exp_dd(fa_real a, fa_dd t)
{
    fa_int k;
    fa_real q = fa_exp_parts(t.hi, &k);
    return fa_mul_exp_parts(a, t, q, k);
}

/* exp(hi + lo), |lo| < ulp(hi), rounded once. Not exp(hi) (1 + lo): where
 * exp(hi) is near the bottom of the normal range, exp(hi) lo is subnormal,
 * and a subnormal operand or result costs a microcode assist per vector
 * (gelu's left tail was 40 % slower for it). */
FA_INLINE fa_real fa_exp_dd(fa_dd a) { return fa_mul_exp_dd(1.0, a); }

/* fa_exp_parts for x <= 0, without the upper clamp (a no-op there, and 10 %
 * of elu's time). */
FA_INLINE fa_real fa_exp_parts_nonpos(fa_real x, fa_int *k)
{
    return fa_expm1_reduced(fa_exp_reduce(fa_max(x, FA_EXP_LOW), k));
}

/* fa_mul_exp_dd, fa_exp_dd and fa_exp for arguments <= 0 (or NaN; t.hi
 * -inf with any lo), bitwise the same there, with one clamp fewer: every
 * exponential of the kernels but softmax's backward takes such arguments. */
FA_INLINE fa_real fa_mul_exp_dd_nonpos(fa_real a, fa_dd t)
{
    fa_int k;
    fa_real q = fa_exp_parts_nonpos(t.hi, &k);
    return fa_mul_exp_parts(a, t, q, k);
}
FA_INLINE fa_real fa_exp_dd_nonpos(fa_dd t) { return fa_mul_exp_dd_nonpos(1.0, t); }
FA_INLINE fa_real fa_exp_nonpos(fa_real x)
{
    fa_int k;
    fa_real q = fa_exp_parts_nonpos(x, &k);
    return fa_scale_pow2(1.0 + q, k);
}

/* e^(hi + lo), returned (bitwise fa_exp_dd), and e^hi - 1, in *em1
 * (bitwise fa_expm1), for hi <= 0, from one reduction: the value and
 * derivative of elu, selu, celu and tanh for about the price of one.
 * fa_expm1's clamp at -40 is the select here (-1 below); there 2^k may not be
 * a normal number, but that lane's fa_expm1_scale is not selected. */
FA_INLINE fa_real fa_exp_dd_expm1_nonpos(fa_dd x, fa_real *em1)
{
    fa_int k;
    fa_real q = fa_exp_parts_nonpos(x.hi, &k);
    *em1 = x.hi < -40.0 ? -1.0 : fa_expm1_scale(q, k);
    return fa_mul_exp_parts(1.0, x, q, k);
}
FA_INLINE fa_real fa_exp_expm1_nonpos(fa_real x, fa_real *em1)
{
    return fa_exp_dd_expm1_nonpos(fa_dd_make(x, 0.0), em1);
}

/* a * exp(t) where exp(t) may be subnormal: there as (a * h) * h with
 * h = exp(t/2), so that the only rounding in the subnormal range is the last
 * one (a subnormal exp(t) times a large a would multiply its absolute error). */
FA_INLINE fa_real fa_mul_exp_deep(fa_real a, fa_dd t)
{
    if (t.hi > FA_EXP_NORMAL)
        return a * fa_exp_dd(t);
    fa_real h = fa_exp_dd_nonpos(fa_dd_make(0.5 * t.hi, 0.5 * t.lo));
    return (a * h) * h;
}

/* ---- building blocks shared by several activations ------------------- */

/* The logistic function of t = hi + lo and its complement, both to full
 * relative accuracy on either side: exp(-|t|) cannot overflow, and
 * 1 - sigmoid(t) is never formed by subtraction. */
FA_INLINE fa_real fa_sigmoid_dd(fa_dd t, fa_real *one_minus)
{
    int pos = t.hi >= 0.0;
    fa_real e = fa_exp_dd_nonpos(pos ? fa_dd_neg(t) : t); /* exp(-|t|) */
    fa_real den = 1.0 + e;
    /* the numerator selected, not the quotient: one division each */
    *one_minus = (pos ? e : 1.0) / den;
    return (pos ? 1.0 : e) / den;
}

FA_INLINE fa_real fa_sigmoid_sd(fa_real t, fa_real *one_minus)
{
    return fa_sigmoid_dd(fa_dd_make(t, 0.0), one_minus);
}

/* erfc(z) = 1 - z E(z^2) for |z| <= 1/2, from the polynomial of fa_series.h. */
FA_INLINE fa_real fa_erfc_small(fa_real z)
{
    fa_real e = fa_poly(z * z - 0.125, fa_erfc_small_poly, FA_ERFC_SMALL_DEGREE);
    return fa_fma(-z, e, 1.0);
}

/* exp(a^2) erfc(a) = t R(u) for 1/2 <= a <= 28.5 (a clamped to that range),
 * from the polynomial of fa_series.h: t = 1/(1 + a), u = t - center (with
 * 1 + a exact and a first-order correction for its low part), as a
 * double-double: R's last Horner step and the division by 1 + a keep their
 * rounding errors, so that only u's and the rest of the polynomial's are
 * left (a fraction of an ulp: u R'(u) and the rest are under a third of R).
 * A caller multiplies it by exp(-a^2) itself, so that it can form a^2
 * exactly from its own argument. */
FA_INLINE fa_dd fa_erfcx_large(fa_real a)
{
    fa_real ac = fa_min(fa_max(a, 0.5), 28.5);
    fa_dd one_plus = fa_two_sum(1.0, ac); /* 1 + a, exactly */
    fa_real t = 1.0 / one_plus.hi;        /* the one division */
    fa_real u = fa_fma(-FA_ERFC_T_CENTER, ac, FA_ERFC_ONE_MINUS_T_CENTER) * t;
    u = fa_fma(-u, one_plus.lo * t, u);
    fa_real rest = fa_poly(u, fa_erfc_large_poly + 1, FA_ERFC_LARGE_DEGREE - 1);
    fa_dd product = fa_two_prod(u, rest);
    fa_dd r = fa_two_sum(fa_erfc_large_poly[0], product.hi);
    fa_real r_lo = r.lo + product.lo;
    /* r / (1 + a): the quotient, within about two ulps, and its correction from the
     * remainder (exact but for a part of about 2^-2p relative) */
    fa_real quotient = r.hi * t;
    fa_real remainder = fa_fma(-quotient, one_plus.hi, r.hi);
    return fa_dd_make(quotient, (remainder + fa_fma(-quotient, one_plus.lo, r_lo)) * t);
}

/* erfc(z), for |z| <= 28.5 (0 beyond +28.5, 2 below -28.5): fa_erfc_small
 * for |z| <= 1/2, else exp(-a^2) fa_erfcx_large(a) with a = |z|, and 2 minus
 * that for z < 0. Both pieces are computed and one selected (no flag from the
 * unused one: fa_erfcx_large clamps its argument). */
FA_INLINE fa_real fa_erfc(fa_real z)
{
    fa_real a = fabs(z), ac = fa_min(fa_max(a, 0.5), 28.5);
    fa_dd square = fa_two_prod(ac, ac);
    fa_int k;
    fa_real q = fa_exp_parts_nonpos(-square.hi, &k);
    fa_real large = a > 28.5 ? 0.0
                             : fa_mul_dd_exp_parts(fa_erfcx_large(ac),
                                                   fa_dd_make(-square.hi, -square.lo), q, k);
    fa_real signed_large = z < 0.0 ? 2.0 - large : large;
    return a <= 0.5 ? fa_erfc_small(z) : signed_large;
}

#endif /* FA_MATH_H */
