/*
 * fa_activations.h -- one definition per activation.
 *
 * For every activation NAME listed in fa_activations.def:
 *
 *   double fa_act_NAME(double x, const double *p, double *d)
 *       returns f(x) and stores f'(x) in *d.  p holds the parameters in the
 *       order the registry lists them.  Forward, derivative, value-and-grad
 *       and backward loops all call this one function, so they agree bitwise.
 *
 *   double fa_act_NAME_from_output(double y, const double *p)
 *       f'(x) computed from y = f(x), where f' is a function of y alone.
 *
 *   double fa_act_NAME_dparam(double x, const double *p)   (prelu only)
 *       the derivative with respect to the parameter.
 *
 * All arithmetic is in double; float32 and float16 loops widen on load.
 * NaN inputs are turned into NaN outputs by the loops, so definitions need
 * not handle them.  They do handle +-inf: each returns the limits.
 * Kinks follow PyTorch's autograd; the registry documents each choice.
 */
#ifndef FA_ACTIVATIONS_H
#define FA_ACTIVATIONS_H

#include "fa_constants.h"
#include "fa_math.h"
#include "fa_series.h"

/* Beyond +-SATURATE the exponentials below are exactly 0 or 1 in double;
 * clamping there keeps x * (1 - s) finite at x = +-inf. */
#define FA_SATURATE 800.0

/* f'(t) near an interior root r of f', from the polynomials of
 * fa_series.h: (t - r) P(t - r - center) near the root, with t and r as
 * double-doubles so that t - r keeps its relative accuracy, and L directly
 * further left. Outside their interval, `otherwise`. */
#define FA_ROOT_POLY_OR(UP, name, t, otherwise)                                                    \
    fa_root_poly_or(t, FA_##UP##_ROOT_HI, FA_##UP##_ROOT_LO, FA_##UP##_ROOT_LEFT,                  \
                    FA_##UP##_ROOT_RIGHT, FA_##UP##_ROOT_CUT, FA_##UP##_ROOT_CENTER,               \
                    fa_##name##_root_poly, FA_##UP##_ROOT_DEGREE, FA_##UP##_LEFT_CENTER,           \
                    fa_##name##_left_poly, FA_##UP##_LEFT_DEGREE, otherwise)

/* Both pieces are evaluated and one selected, on comparisons of doubles
 * only: branch-free, so that the loops vectorize (GCC 12 cannot vectorize a
 * select on an int made of comparisons here). */
FA_INLINE double fa_root_poly_or(fa_dd t, double r_hi, double r_lo, double left, double right,
                                 double cut, double center, const double *p, int np,
                                 double left_center, const double *l, int nl, double otherwise)
{
    fa_dd s = fa_two_sum(t.hi, -r_hi);
    double far = fa_poly(s.hi - left_center, l, nl);
    double q = fa_poly(s.hi - center, p, np);
    double root = fa_fma(s.hi, q, (s.lo + (t.lo - r_lo)) * q);
    double inside = s.hi < -cut ? far : root;
    return s.hi > -left && s.hi < right ? inside : otherwise;
}

FA_INLINE double fa_clip01(double v) { return v <= 0.0 ? 0.0 : (v >= 1.0 ? 1.0 : v); }

/* ---- linear and piecewise-linear ------------------------------------ */

FA_INLINE double fa_act_linear(double x, const double *p, double *d)
{
    *d = p[0];
    return fa_mul_sat(x, p[0]); /* slope 0 times inf: the limit 0 */
}
FA_INLINE double fa_act_linear_from_output(double y, const double *p)
{
    (void)y;
    return p[0];
}

FA_INLINE double fa_act_step(double x, const double *p, double *d)
{
    (void)p;
    *d = 0.0;
    return x > 0.0 ? 1.0 : 0.0;
}
FA_INLINE double fa_act_step_from_output(double y, const double *p)
{
    (void)y, (void)p;
    return 0.0;
}

FA_INLINE double fa_act_relu(double x, const double *p, double *d)
{
    (void)p;
    *d = x > 0.0 ? 1.0 : 0.0;
    return x > 0.0 ? x : 0.0;
}
FA_INLINE double fa_act_relu_from_output(double y, const double *p)
{
    (void)p;
    return y > 0.0 ? 1.0 : 0.0;
}

/* p = {alpha}; leaky_relu'(0) = alpha. */
FA_INLINE double fa_act_leaky_relu(double x, const double *p, double *d)
{
    *d = x > 0.0 ? 1.0 : p[0];
    return x > 0.0 ? x : fa_mul_sat(x, p[0]);
}
FA_INLINE double fa_act_leaky_relu_from_output(double y, const double *p)
{
    return y > 0.0 ? 1.0 : p[0]; /* valid for alpha >= 0 (checked in Python) */
}

FA_INLINE double fa_act_prelu(double x, const double *p, double *d)
{
    return fa_act_leaky_relu(x, p, d);
}
FA_INLINE double fa_act_prelu_dparam(double x, const double *p)
{
    (void)p;
    return x > 0.0 ? 0.0 : x;
}

/* Clip to [lo, hi]; derivative 1 strictly inside, 0 at and beyond the ends. */
FA_INLINE double fa_clip(double x, double lo, double hi, double *d)
{
    *d = (x > lo && x < hi) ? 1.0 : 0.0;
    return x <= lo ? lo : (x >= hi ? hi : x);
}

/* p = {min_val, max_val} */
FA_INLINE double fa_act_hard_tanh(double x, const double *p, double *d)
{
    return fa_clip(x, p[0], p[1], d);
}
FA_INLINE double fa_act_hard_tanh_from_output(double y, const double *p)
{
    return (y > p[0] && y < p[1]) ? 1.0 : 0.0;
}

FA_INLINE double fa_act_relu6(double x, const double *p, double *d)
{
    (void)p;
    return fa_clip(x, 0.0, 6.0, d);
}
FA_INLINE double fa_act_relu6_from_output(double y, const double *p)
{
    (void)p;
    return (y > 0.0 && y < 6.0) ? 1.0 : 0.0;
}

/* hard_sigmoid and hard_swish decide their region on x against the clip
 * points x0 = -offset/slope (output 0) and x1 = (1 - offset)/slope (output 1),
 * rounded as computed here, rather than on the sign of slope x + offset:
 * that puts the kinks of slope = 1/6 exactly at -3 and 3, as in PyTorch,
 * although 1/6 is not a double. Returns -1 (output 0), 1 (output 1), 0 (ramp). */
FA_INLINE int fa_hard_region(double x, double slope, double offset)
{
    if (slope == 0.0)
        return offset <= 0.0 ? -1 : (offset >= 1.0 ? 1 : 0);
    double x0 = fa_div_sat(-offset, slope), x1 = fa_div_sat(1.0 - offset, slope);
    if (slope > 0.0)
        return x <= x0 ? -1 : (x >= x1 ? 1 : 0);
    return x >= x0 ? -1 : (x <= x1 ? 1 : 0);
}

/* slope x + offset rounded once; just offset when slope is 0 (even at x = inf). */
FA_INLINE double fa_ramp(double slope, double x, double offset)
{
    return slope == 0.0 ? offset : fa_fma(slope, x, offset);
}

/* p = {slope, offset}: clip(slope x + offset, 0, 1), the ramp rounded once. */
FA_INLINE double fa_act_hard_sigmoid(double x, const double *p, double *d)
{
    int region = fa_hard_region(x, p[0], p[1]);
    *d = region == 0 ? p[0] : 0.0;
    return region < 0 ? 0.0 : (region > 0 ? 1.0 : fa_clip01(fa_ramp(p[0], x, p[1])));
}
FA_INLINE double fa_act_hard_sigmoid_from_output(double y, const double *p)
{
    return (y > 0.0 && y < 1.0) ? p[0] : 0.0;
}

/* x * hard_sigmoid(x); on the ramp f' = 2 slope x + offset, rounded once. */
FA_INLINE double fa_act_hard_swish(double x, const double *p, double *d)
{
    int region = fa_hard_region(x, p[0], p[1]);
    *d = region < 0 ? 0.0 : (region > 0 ? 1.0 : fa_ramp(2.0 * p[0], x, p[1]));
    if (region != 0)
        return region < 0 ? copysign(0.0, x) : x;
    return fa_mul_sat(x, fa_clip01(fa_ramp(p[0], x, p[1])));
}

/* p = {lambd} */
FA_INLINE double fa_act_softshrink(double x, const double *p, double *d)
{
    double l = p[0];
    *d = (x > l || x < -l) ? 1.0 : 0.0;
    return x > l ? x - l : (x < -l ? x + l : 0.0);
}
FA_INLINE double fa_act_softshrink_from_output(double y, const double *p)
{
    (void)p;
    return y != 0.0 ? 1.0 : 0.0; /* lambd >= 0 */
}

FA_INLINE double fa_act_hardshrink(double x, const double *p, double *d)
{
    double l = p[0];
    int keep = x > l || x < -l;
    *d = keep ? 1.0 : 0.0;
    return keep ? x : 0.0;
}
FA_INLINE double fa_act_hardshrink_from_output(double y, const double *p)
{
    (void)p;
    return y != 0.0 ? 1.0 : 0.0; /* lambd >= 0 */
}

/* p = {threshold, value} */
FA_INLINE double fa_act_threshold(double x, const double *p, double *d)
{
    *d = x > p[0] ? 1.0 : 0.0;
    return x > p[0] ? x : p[1];
}

FA_INLINE double fa_act_sparse_sigmoid(double x, const double *p, double *d)
{
    (void)p;
    *d = (x > -1.0 && x < 1.0) ? 0.5 : 0.0;
    /* clip(x/2 + 1/2, 0, 1) as min/max: that form vectorizes (GCC 12), the nested
     * select does not; 0.5 x + 0.5 is exact, and is +0 at x = -1 */
    return fa_min(fa_max(fa_fma(0.5, x, 0.5), 0.0), 1.0);
}
FA_INLINE double fa_act_sparse_sigmoid_from_output(double y, const double *p)
{
    (void)p;
    return (y > 0.0 && y < 1.0) ? 0.5 : 0.0;
}

FA_INLINE double fa_act_sparse_plus(double x, const double *p, double *d)
{
    (void)p;
    /* u = x + 1 on [-1, 1], clamped so that it is 0 below (a form that vectorizes) */
    double u = fa_max(fa_min(x, 1.0), -1.0) + 1.0;
    *d = x >= 1.0 ? 1.0 : 0.5 * u;
    return x >= 1.0 ? x : 0.25 * (u * u);
}
FA_INLINE double fa_act_sparse_plus_from_output(double y, const double *p)
{
    (void)p;
    return y <= 0.0 ? 0.0 : (y >= 1.0 ? 1.0 : fa_sqrt(y)); /* y = (x+1)^2/4 */
}

/* ---- sigmoid family -------------------------------------------------- */

FA_INLINE double fa_act_sigmoid(double x, const double *p, double *d)
{
    (void)p;
    double e = fa_exp(-fabs(x));
    double den = 1.0 + e;
    *d = e / (den * den);
    return x >= 0.0 ? 1.0 / den : e / den;
}
FA_INLINE double fa_act_sigmoid_from_output(double y, const double *p)
{
    (void)p;
    return y * (1.0 - y);
}

FA_INLINE double fa_act_log_sigmoid(double x, const double *p, double *d)
{
    (void)p;
    double e = fa_exp(-fabs(x));
    double den = 1.0 + e;
    *d = x >= 0.0 ? e / den : 1.0 / den; /* sigmoid(-x) */
    return (x < 0.0 ? x : 0.0) - fa_log1p(e);
}
FA_INLINE double fa_act_log_sigmoid_from_output(double y, const double *p)
{
    (void)p;
    return -fa_expm1(y); /* 1 - exp(y) = sigmoid(-x) */
}

FA_INLINE double fa_act_tanh(double x, const double *p, double *d)
{
    (void)p;
    double e = fa_exp(-2.0 * fa_min(fabs(x), FA_SATURATE)); /* no overflow flag at |x| = max */
    double den = 1.0 + e;
    *d = 4.0 * e / (den * den); /* 1 - tanh^2 without the cancellation */
    return fa_tanh(x);
}
FA_INLINE double fa_act_tanh_from_output(double y, const double *p)
{
    (void)p;
    return (1.0 - y) * (1.0 + y);
}

FA_INLINE fa_dd fa_dd_clamp(fa_dd t, double limit)
{
    if (t.hi > limit)
        return fa_dd_make(limit, 0.0);
    if (t.hi < -limit)
        return fa_dd_make(-limit, 0.0);
    return t;
}

/* x sigmoid(t) and silu'(t) = sigmoid(t) (1 + t (1 - sigmoid(t))), for
 * silu (t = x) and swish (t = beta x as a double-double). */
FA_INLINE double fa_silu_family(double x, fa_dd t_exact, double *d)
{
    fa_dd t = fa_dd_clamp(t_exact, FA_SATURATE);
    double oms, s = fa_sigmoid_dd(t, &oms);
    double th = t.hi;
    /* (1 + t) - t s for t <= 0 keeps the cancellation to the root alone */
    double inner = th <= 0.0 ? (1.0 + th) - th * s : fa_fma(th, oms, 1.0);
    if (th < FA_DEEP_TAIL) { /* sigmoid(t) = exp(t), subnormal */
        *d = fa_mul_exp_deep(inner, t);
        /* x exp(t) with t unclamped: x = -1e300 must not meet exp(-800) */
        return isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, t_exact);
    }
    *d = FA_ROOT_POLY_OR(SILU, silu, t, s * inner);
    return fa_mul_sat(x, s);
}

FA_INLINE double fa_act_silu(double x, const double *p, double *d)
{
    (void)p;
    return fa_silu_family(x, fa_dd_make(x, 0.0), d);
}

/* beta x as a double-double, with x first clamped where beta x would
 * overflow: the functions using it saturate long before (no overflow flag). */
FA_INLINE fa_dd fa_scaled_arg(double beta, double x)
{
    double limit = fabs(beta) > 1.0 ? 1e300 / fabs(beta) : INFINITY;
    if (beta == 0.0) /* 0 x = 0, also at x = +-inf */
        return fa_dd_make(0.0, 0.0);
    return fa_two_prod(beta, fa_clamp(x, -limit, limit));
}

/* p = {beta}: x sigmoid(beta x); swish'(x) = silu'(beta x). */
FA_INLINE double fa_act_swish(double x, const double *p, double *d)
{
    return fa_silu_family(x, fa_scaled_arg(p[0], x), d);
}

/* p = {beta}: log(1 + exp(beta x)) / beta, derivative sigmoid(beta x).
 * With t = beta x and e = exp(-|t|): x + log1p(e)/beta for t > 0,
 * log1p(e)/beta else; sigmoid(t) from the same e. */
FA_INLINE double fa_act_softplus(double x, const double *p, double *d)
{
    double beta = p[0];
    fa_dd t = fa_scaled_arg(beta, x);
    int pos = t.hi >= 0.0;
    double e = fa_exp_dd(pos ? fa_dd_neg(t) : t);
    double den = 1.0 + e;
    *d = pos ? 1.0 / den : e / den;
    if (t.hi < FA_DEEP_TAIL) /* log1p(exp(t)) = exp(t), subnormal: divide first */
        return fa_mul_exp_deep(1.0 / beta, t);
    return (t.hi > 0.0 ? x : 0.0) + fa_log1p(e) / beta;
}
FA_INLINE double fa_act_softplus_from_output(double y, const double *p)
{
    return -fa_expm1(-fa_scaled_arg(p[0], y).hi); /* exp(beta y) = 1 + exp(beta x) */
}

/* x tanh(softplus(x)) in terms of e = exp(-|x|), so nothing overflows:
 * with n = e (e + 2), tanh(log1p(e^x)) = n / (n + 2) for x <= 0. */
FA_INLINE double fa_act_mish(double x, const double *p, double *d)
{
    (void)p;
    double xc = fa_clamp(x, -FA_SATURATE, FA_SATURATE);
    double e = fa_exp(-fabs(xc));
    double t, plain;
    if (xc <= 0.0) {
        double n = e * (e + 2.0);
        double den = n + 2.0;
        t = n / den;
        /* f' = e (4 (1 + x) + e (6 + 4x + 4e + e^2)) / (n + 2)^2: only the
         * root at -1.19 cancels here, and the polynomial covers it. */
        double inner = fa_fma(e, (6.0 + 4.0 * xc) + e * (4.0 + e), 4.0 * (1.0 + xc));
        plain = e * inner / (den * den);
    } else {
        double q = 1.0 + 2.0 * e;
        double den = fa_fma(2.0 * e, e, q);
        double sech = 2.0 * e * (1.0 + e) / den; /* sech(softplus(x)) */
        t = q / den;
        plain = t + xc / (1.0 + e) * (sech * sech);
    }
    if (xc < FA_DEEP_TAIL) { /* tanh(softplus(x)) = exp(x), subnormal */
        *d = fa_mul_exp_deep(1.0 + xc, fa_dd_make(xc, 0.0));
        return isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, fa_dd_make(x, 0.0));
    }
    *d = FA_ROOT_POLY_OR(MISH, mish, fa_dd_make(xc, 0.0), plain);
    return fa_mul_sat(x, t);
}

/* ---- GELU ------------------------------------------------------------ */

/* Beyond +-40 both GELU forms have sigmoid/Phi exactly 0 or 1 in double;
 * below -36 x Phi(x) is subnormal and taken from the asymptotic series. */
#define FA_GELU_SATURATE 40.0
#define FA_GELU_ERF_DEEP (-37.5)

/* 0.5 x (1 + tanh(u)) = x sigmoid(2u), 2u = 2 sqrt(2/pi) x (1 + kappa x^2)
 * formed in double-double: sigmoid(2u) in the left tail is exp(2u), whose
 * condition number |2u| reaches 700. */
FA_INLINE double fa_act_gelu_tanh(double x, const double *p, double *d)
{
    (void)p;
    double xc = fa_clamp(x, -FA_GELU_SATURATE, FA_GELU_SATURATE);
    fa_dd x2 = fa_two_prod(xc, xc);
    fa_dd w = fa_dd_add_d(fa_dd_mul(fa_dd_make(FA_GELU_KAPPA_HI, FA_GELU_KAPPA_LO), x2), 1.0);
    fa_dd v = fa_dd_mul(fa_dd_make(FA_GELU_TANH_C2_HI, FA_GELU_TANH_C2_LO), fa_dd_mul_d(w, xc));
    double oms, s = fa_sigmoid_dd(v, &oms);
    double dv = FA_GELU_TANH_C2_HI * fa_fma(3.0 * FA_GELU_KAPPA_HI, xc * xc, 1.0);
    double inner = fa_fma(xc * dv, oms, 1.0);
    if (v.hi < FA_DEEP_TAIL) { /* sigmoid(v) = exp(v), subnormal */
        *d = fa_mul_exp_deep(inner, v);
        return isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, v);
    }
    *d = FA_ROOT_POLY_OR(GELU_TANH, gelu_tanh, fa_dd_make(xc, 0.0), s * inner);
    return fa_mul_sat(x, s);
}

/* x Phi(x), Phi(x) = erfc(z)/2 with z = -x/sqrt(2) in double-double and
 * erfc corrected to first order for z's low part:
 * erfc(z + dz) = erfc(z) - dz (2/sqrt(pi)) exp(-z^2). */
FA_INLINE double fa_act_gelu_erf(double x, const double *p, double *d)
{
    (void)p;
    double xc = fa_clamp(x, -FA_GELU_SATURATE, FA_GELU_SATURATE);
    fa_dd z = fa_dd_mul_d(fa_dd_make(-FA_INV_SQRT2_HI, -FA_INV_SQRT2_LO), xc);
    double slope = FA_2_OVER_SQRT_PI_HI * fa_exp(-z.hi * z.hi);
    double cdf = 0.5 * fa_fma(-z.lo, slope, fa_erfc(z.hi));
    fa_dd x2 = fa_two_prod(xc, xc);
    double pdf = fa_exp_dd(fa_dd_make(-0.5 * x2.hi, -0.5 * x2.lo)) * FA_INV_SQRT_2PI_HI;
    if (xc < FA_GELU_ERF_DEEP) {
        /* Phi(x) subnormal: Phi(x) = phi(x)/|x| S, S = sum (-1)^k (2k-1)!!/x^2k,
         * so x Phi(x) = -phi(x) S and f'(x) = phi(x) (x + S/|x|), each with phi
         * applied last as two factors exp(-x^2/4). */
        double r = 1.0 / (xc * xc), term = 1.0, series = 1.0;
        for (int k = 1; k <= 10; k++) {
            term *= -(2.0 * k - 1.0) * r;
            series += term;
        }
        fa_dd q = fa_dd_make(-0.5 * x2.hi, -0.5 * x2.lo);
        double slope_factor = xc - series / xc;
        *d = fa_mul_exp_deep(fa_fma(slope_factor, FA_INV_SQRT_2PI_HI,
                                    slope_factor * FA_INV_SQRT_2PI_LO), q);
        double value_factor = fa_fma(-series, FA_INV_SQRT_2PI_HI, -series * FA_INV_SQRT_2PI_LO);
        return isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(value_factor, q);
    }
    *d = FA_ROOT_POLY_OR(GELU_ERF, gelu_erf, fa_dd_make(xc, 0.0), fa_fma(xc, pdf, cdf));
    return fa_mul_sat(x, cdf);
}

/* ---- exponential linear units ---------------------------------------- */

/* p = {alpha}; elu'(0) = alpha (PyTorch). */
FA_INLINE double fa_act_elu(double x, const double *p, double *d)
{
    double xn = x > 0.0 ? 0.0 : x;
    *d = x > 0.0 ? 1.0 : p[0] * fa_exp(xn);
    return x > 0.0 ? x : p[0] * fa_expm1(xn);
}
FA_INLINE double fa_act_elu_from_output(double y, const double *p)
{
    return y > 0.0 ? 1.0 : y + p[0]; /* exact near y = -alpha (Sterbenz); alpha > 0 */
}

FA_INLINE double fa_act_selu(double x, const double *p, double *d)
{
    (void)p;
    double xn = x > 0.0 ? 0.0 : x;
    *d = x > 0.0 ? FA_SELU_SCALE : FA_SELU_SCALE_ALPHA_HI * fa_exp(xn);
    return x > 0.0 ? FA_SELU_SCALE * x : FA_SELU_SCALE_ALPHA_HI * fa_expm1(xn);
}
FA_INLINE double fa_act_selu_from_output(double y, const double *p)
{
    (void)p;
    /* y + scale*alpha cancels as x -> -inf: add the constant's low part after. */
    return y > 0.0 ? FA_SELU_SCALE : (y + FA_SELU_SCALE_ALPHA_HI) + FA_SELU_SCALE_ALPHA_LO;
}

/* p = {alpha}: alpha expm1(x/alpha) below 0; celu'(x) = exp(x/alpha) with
 * x/alpha as a double-double (exp amplifies its rounding by |x/alpha|). */
FA_INLINE double fa_act_celu(double x, const double *p, double *d)
{
    double a = p[0];
    /* below -SATURATE |alpha| the result has saturated: clamp, so x/alpha cannot overflow */
    double xn = x > 0.0 ? 0.0 : fa_max(x, -FA_SATURATE * fabs(a));
    double q = xn / a;
    fa_dd qd = fa_dd_make(q, fa_fma(-q, a, xn) / a);
    *d = x > 0.0 ? 1.0 : fa_exp_dd(qd);
    /* alpha expm1(x/alpha) = x to double precision once |x/alpha| < 2^-60, and
     * x/alpha itself may underflow there (alpha = 1e300) */
    return fabs(q) < 0x1p-60 ? x : a * fa_expm1(q); /* x > 0 too: there q = 0 */
}
FA_INLINE double fa_act_celu_from_output(double y, const double *p)
{
    return y > 0.0 ? 1.0 : (y + p[0]) / p[0]; /* alpha > 0 */
}

/* ---- others ------------------------------------------------------------ */

FA_INLINE double fa_act_softsign(double x, const double *p, double *d)
{
    (void)p;
    double a = fabs(x);
    double r = 1.0 / (1.0 + a);
    *d = r * r; /* not 1/(1+a)^2, which overflows to 0 too early */
    return a > DBL_MAX ? copysign(1.0, x) : x / (1.0 + a);
}
FA_INLINE double fa_act_softsign_from_output(double y, const double *p)
{
    (void)p;
    double r = 1.0 - fabs(y); /* = 1/(1+|x|) */
    return r * r;
}

/* x - tanh(x); near 0 that subtraction loses everything, so there x^3 Q(x^2),
 * with x^3 as a double-double. */
FA_INLINE double fa_act_tanhshrink(double x, const double *p, double *d)
{
    (void)p;
    double th = fa_tanh(x);
    *d = th * th;
    if (!(fabs(x) < FA_TANHSHRINK_SERIES_LIMIT))
        return x - th;
    fa_dd cube = fa_dd_mul_d(fa_two_prod(x, x), x);
    double q = fa_poly(x * x - FA_TANHSHRINK_CENTER, fa_tanhshrink_poly, FA_TANHSHRINK_DEGREE);
    return fa_fma(cube.hi, q, cube.lo * q);
}

/* p = {b}: (x + sqrt(x^2 + b)) / 2, rearranged for x < 0 to avoid the
 * cancellation, and scaled so that nothing overflows or underflows early. */
FA_INLINE double fa_act_squareplus(double x, const double *p, double *d)
{
    double b = p[0];
    double ax = fabs(x);
    int huge = ax > 1e150; /* there sqrt(x^2 + b) = |x| in double */
    /* x^2 + b rounded once by fma; hypot where x^2 + b may be subnormal */
    double s = huge ? ax : b < 0x1p-900 ? fa_hypot(x, fa_sqrt(b)) : fa_sqrt(fa_fma(x, x, b));
    double ratio = huge ? copysign(1.0, x) : (s > 0.0 ? x / s : 0.0);
    /* (s - x)/2 > 0, formed only for x < 0 (inf - inf otherwise) */
    double gap = x >= 0.0 ? 1.0 : (ax > 1.0 ? 0.5 * s - 0.5 * x : 0.5 * (s - x));
    if (x >= 0.0) {
        *d = 0.5 + 0.5 * ratio;
        return 0.5 * x + 0.5 * s;
    }
    *d = b == 0.0 ? 0.0 : ((b / s) / gap) * 0.25; /* b/s <= sqrt(b), gap >= s/2 */
    return b == 0.0 ? 0.0 : (b / gap) * 0.25;
}
FA_INLINE double fa_act_squareplus_from_output(double y, const double *p)
{
    double qb = 0.25 * p[0]; /* f' = y^2 / (y^2 + b/4) */
    if (qb == 0.0) /* b = 0: squareplus is relu */
        return y > 0.0 ? 1.0 : 0.0;
    return y >= 1.0 ? 1.0 / (1.0 + (qb / y) / y) : y * (y / fa_fma(y, y, qb));
}

#endif /* FA_ACTIVATIONS_H */
