/*
 * fa_activations.h -- one definition per activation.
 *
 * For every activation NAME listed in fa_activations.def:
 *
 *   fa_real fa_act_NAME(fa_real x, const fa_real *p, fa_real *d, int *rare)
 *       returns f(x) and stores f'(x) in *d.  p holds the parameters in the
 *       order the registry lists them.  Forward, derivative, value-and-grad
 *       and backward loops all call this one function, so they agree bitwise.
 *       Branches taken for a few extreme inputs only, and costly, give
 *       their values through FA_RARE(rare, value) (below).
 *
 *   fa_real fa_act_NAME_from_output(fa_real y, const fa_real *p)
 *       f'(x) computed from y = f(x), where f' is a function of y alone.
 *
 *   fa_real fa_act_NAME_dparam(fa_real x, const fa_real *p)   (prelu only)
 *       the derivative with respect to the parameter.
 *
 * All arithmetic is in fa_real (fa_real.h): double for the float64 loops,
 * float for the float32 and float16 loops, from this same text. Where the
 * comments say double and double-double, the float build has float and
 * float-float, with the limits of fa_real.h.
 * NaN inputs are turned into NaN outputs by the loops, so definitions need
 * not handle them.  They do handle +-inf: each returns the limits.
 * Kinks follow PyTorch's autograd; the registry documents each choice.
 */
#ifndef FA_ACTIVATIONS_H
#define FA_ACTIVATIONS_H

#include "fa_constants.h"
#include "fa_loops.h"
#include "fa_math.h"
#include "fa_series.h"
#include "fa_wide.h"

/* A rare branch's value: `rare` NULL, the value; else a placeholder, and
 * *rare set. The elementwise loops (fa_loops.c) first run each block of a
 * contiguous array with `rare` set, where the vectorized code then skips
 * the rare branches' work, and run the block again with NULL where one was
 * taken: the results are those of the full definition, bitwise. */
#define FA_RARE(rare, value) ((rare) ? (*(rare) = 1, (fa_real)0.0) : (value))

/* Whether this is that first, unchecked pass (a constant once inlined). There
 * the parameters are finite, and a result for an x that is not finite is
 * discarded (the loops compute it again, checked): a definition may take a
 * cheaper form that holds for finite x only. */
#define FA_UNCHECKED(rare) ((rare) != 0)

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
FA_INLINE fa_real fa_root_poly_or(fa_dd t, fa_real r_hi, fa_real r_lo, fa_real left, fa_real right,
                                 fa_real cut, fa_real center, const fa_real *p, int np,
                                 fa_real left_center, const fa_real *l, int nl, fa_real otherwise)
{
    fa_dd s = fa_two_sum(t.hi, -r_hi);
    fa_real far = fa_poly(s.hi - left_center, l, nl);
    fa_real q = fa_poly(s.hi - center, p, np);
    fa_real root = fa_fma(s.hi, q, (s.lo + (t.lo - r_lo)) * q);
    fa_real inside = s.hi < -cut ? far : root;
    return s.hi > -left && s.hi < right ? inside : otherwise;
}

/* v clipped to [0, 1], as min and max (single instructions); +0 at v = -0
 * aside, the same as the nested select (and the kernels do not pass -0). */
FA_INLINE fa_real fa_clip01(fa_real v) { return fa_min(fa_max(v, 0.0), 1.0); }

/* ---- linear and piecewise-linear ------------------------------------ */

FA_INLINE fa_real fa_act_linear(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    *d = p[0];
    return fa_mul_sat(x, p[0]); /* slope 0 times inf: the limit 0 */
}
FA_INLINE fa_real fa_act_linear_from_output(fa_real y, const fa_real *p)
{
    (void)y;
    return p[0];
}

FA_INLINE fa_real fa_act_step(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    *d = 0.0;
    return x > 0.0 ? 1.0 : 0.0;
}
FA_INLINE fa_real fa_act_step_from_output(fa_real y, const fa_real *p)
{
    (void)y, (void)p;
    return 0.0;
}

FA_INLINE fa_real fa_act_relu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    *d = x > 0.0 ? 1.0 : 0.0;
    return x > 0.0 ? x : 0.0;
}
FA_INLINE fa_real fa_act_relu_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y > 0.0 ? 1.0 : 0.0;
}

/* max(0, x)^2 (squared ReLU): x^2 rounded once (inf where it overflows), f' = 2x
 * exactly; from the output, f' = 2 sqrt(y). */
FA_INLINE fa_real fa_act_relu_squared(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    *d = x > 0.0 ? 2.0 * x : 0.0;
    return x > 0.0 ? x * x : 0.0;
}
/* g f' where 2x overflowed (x > DBL_MAX / 2): 2 (g x) is g 2x rounded once, as such an x
 * leaves g x no subnormal to round */
FA_INLINE fa_real fa_act_relu_squared_backward_wide(fa_real g, fa_real x, const fa_real *p)
{
    (void)p;
    return 2.0 * (g * x);
}
FA_INLINE fa_real fa_act_relu_squared_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y > 0.0 ? 2.0 * fa_sqrt(y) : 0.0;
}

/* p = {alpha}; leaky_relu'(0) = alpha. */
FA_INLINE fa_real fa_act_leaky_relu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    *d = x > 0.0 ? 1.0 : p[0];
    return x > 0.0 ? x : fa_mul_sat(x, p[0]);
}
FA_INLINE fa_real fa_act_leaky_relu_from_output(fa_real y, const fa_real *p)
{
    return y > 0.0 ? 1.0 : p[0]; /* valid for alpha >= 0 (checked in Python) */
}

FA_INLINE fa_real fa_act_prelu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    return fa_act_leaky_relu(x, p, d, rare);
}
FA_INLINE fa_real fa_act_prelu_dparam(fa_real x, const fa_real *p)
{
    (void)p;
    return x > 0.0 ? 0.0 : x;
}

/* Clip to [lo, hi]; derivative 1 strictly inside, 0 at and beyond the ends. */
FA_INLINE fa_real fa_clip(fa_real x, fa_real lo, fa_real hi, fa_real *d)
{
    /* flat selects: GCC 12 vectorizes them, not the select on (x > lo && x < hi)
     * once lo and hi are constants (relu6) */
    fa_real below_hi = x < hi ? 1.0 : 0.0;
    *d = x > lo ? below_hi : 0.0;
    fa_real upper = x >= hi ? hi : x; /* flat selects (see hard_sigmoid) */
    return x <= lo ? lo : upper;
}

/* p = {min_val, max_val} */
FA_INLINE fa_real fa_act_hard_tanh(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    return fa_clip(x, p[0], p[1], d);
}
FA_INLINE fa_real fa_act_hard_tanh_from_output(fa_real y, const fa_real *p)
{
    return (y > p[0] && y < p[1]) ? 1.0 : 0.0;
}

FA_INLINE fa_real fa_act_relu6(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    return fa_clip(x, 0.0, 6.0, d);
}
FA_INLINE fa_real fa_act_relu6_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return (y > 0.0 && y < 6.0) ? 1.0 : 0.0;
}

/* hard_sigmoid and hard_swish decide their region on x against the clip
 * points x0 = -offset/slope (output 0) and x1 = (1 - offset)/slope (output 1),
 * rounded as computed here, rather than on the sign of slope x + offset:
 * that puts the kinks of slope = 1/6 exactly at -3 and 3, as in PyTorch,
 * although 1/6 is not a double.
 * With flip the sign of slope, the output is 0 where flip x <= zero_at =
 * -offset/|slope| (x <= x0 for slope > 0, x >= x0 for slope < 0), else 1
 * where flip x >= one_at = (1 - offset)/|slope|. A point beyond the finite
 * range is replaced by one that orders every x the same way: zero_at by
 * REAL_MAX above (every finite x below it, +inf not) and -inf below; one_at
 * by +inf above and -REAL_MAX below. With slope 0, each holds for every x or
 * for none: thresholds +-inf or NaN. */
typedef struct {
    fa_real flip, zero_at, one_at;
} fa_clip_points;

FA_INLINE fa_clip_points fa_hard_clip_points(fa_real slope, fa_real offset)
{
    int flat = slope == 0.0;
    fa_real size = fa_pick(flat, 1.0, fabs(slope)); /* no 0/0 */
    fa_clip_points c;
    c.flip = copysign(1.0, slope);
    c.zero_at = fa_pick(flat, fa_pick(offset <= 0.0, INFINITY, NAN),
                        fa_div_beyond(-offset, size, FA_REAL_MAX, -INFINITY));
    c.one_at = fa_pick(flat, fa_pick(offset >= 1.0, -INFINITY, NAN),
                       fa_div_beyond(1.0 - offset, size, INFINITY, -FA_REAL_MAX));
    return c;
}

/* slope x + offset rounded once, on the ramp: there x is finite unless slope
 * is 0, where the clamp makes it offset (not 0 inf); the unchecked pass
 * needs no clamp. */
FA_INLINE fa_real fa_ramp(fa_real slope, fa_real x, fa_real offset, int *rare)
{
    fa_real finite_x = FA_UNCHECKED(rare) ? x : fa_min(fa_max(x, -FA_REAL_MAX), FA_REAL_MAX);
    return fa_fma(slope, finite_x, offset);
}

/* v clipped to [0, 1]; in the unchecked pass, where v is not NaN (finite x
 * and parameters), as integer max and min of its bits (one instruction each,
 * where the float ones honouring NaN are a compare and a blend each). */
FA_INLINE fa_real fa_ramp_clip01(fa_real v, int *rare)
{
    fa_int bits = (fa_int)fa_bits(v), one = (fa_int)fa_bits((fa_real)1.0);
    fa_int nonneg = bits < 0 ? 0 : bits;
    fa_real clipped = fa_from_bits((fa_uint)(nonneg > one ? one : nonneg));
    return FA_UNCHECKED(rare) ? clipped : fa_clip01(v);
}

/* p = {slope, offset}: clip(slope x + offset, 0, 1), the ramp rounded once. */
FA_INLINE fa_real fa_act_hard_sigmoid(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    fa_clip_points c = fa_hard_clip_points(p[0], p[1]);
    fa_real fx = c.flip * x;
    /* flat selects of values all computed: blends, where nested ones are
     * masked work (GCC 12) */
    fa_real inside = fx >= c.one_at ? 0.0 : p[0];
    *d = fx <= c.zero_at ? 0.0 : inside;
    fa_real upper = fx >= c.one_at ? 1.0 : fa_ramp_clip01(fa_ramp(p[0], x, p[1], rare), rare);
    return fx <= c.zero_at ? 0.0 : upper;
}
FA_INLINE fa_real fa_act_hard_sigmoid_from_output(fa_real y, const fa_real *p)
{
    return (y > 0.0 && y < 1.0) ? p[0] : 0.0;
}

/* x * hard_sigmoid(x); on the ramp f' = 2 slope x + offset, rounded once. */
FA_INLINE fa_real fa_act_hard_swish(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    fa_clip_points c = fa_hard_clip_points(p[0], p[1]);
    fa_real fx = c.flip * x;
    /* f' = 2 slope x + offset, the product exact: 2 slope, or where that overflows
     * 2 x (on the ramp |x| <= (|offset| + 1) / |slope| is then tiny) */
    fa_real x_times = fa_pick(fabs(p[0]) > 0.5 * FA_REAL_MAX, 2.0, 1.0);
    fa_real slope_upper =
        fx >= c.one_at ? 1.0 : fa_ramp((3.0 - x_times) * p[0], x_times * x, p[1], rare);
    *d = fx <= c.zero_at ? 0.0 : slope_upper;
    /* on the ramp x is finite, or slope is 0 and the factor offset in (0, 1):
     * no 0 inf there */
    fa_real upper = fx >= c.one_at ? x : x * fa_ramp_clip01(fa_ramp(p[0], x, p[1], rare), rare);
    return fx <= c.zero_at ? copysign(0.0, x) : upper;
}

/* p = {lambd} */
FA_INLINE fa_real fa_act_softshrink(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    fa_real l = p[0];
    fa_real below = x < -l ? x + l : 0.0; /* flat selects (see hard_sigmoid) */
    fa_real slope_below = x < -l ? 1.0 : 0.0;
    *d = x > l ? 1.0 : slope_below;
    return x > l ? x - l : below;
}
FA_INLINE fa_real fa_act_softshrink_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y != 0.0 ? 1.0 : 0.0; /* lambd >= 0 */
}

FA_INLINE fa_real fa_act_hardshrink(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    fa_real l = p[0];
    fa_real below = x < -l ? x : 0.0; /* flat selects (see hard_sigmoid) */
    fa_real slope_below = x < -l ? 1.0 : 0.0;
    *d = x > l ? 1.0 : slope_below;
    return x > l ? x : below;
}
FA_INLINE fa_real fa_act_hardshrink_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y != 0.0 ? 1.0 : 0.0; /* lambd >= 0 */
}

/* p = {threshold, value} */
FA_INLINE fa_real fa_act_threshold(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    *d = x > p[0] ? 1.0 : 0.0;
    return x > p[0] ? x : p[1];
}

FA_INLINE fa_real fa_act_sparse_sigmoid(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real below_one = x < 1.0 ? 0.5 : 0.0; /* flat selects, as in fa_clip */
    *d = x > -1.0 ? below_one : 0.0;
    /* clip(x/2 + 1/2, 0, 1) as min/max: that form vectorizes (GCC 12), the nested
     * select does not; 0.5 x + 0.5 is exact, and is +0 at x = -1 */
    return fa_min(fa_max(fa_fma(0.5, x, 0.5), 0.0), 1.0);
}
FA_INLINE fa_real fa_act_sparse_sigmoid_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return (y > 0.0 && y < 1.0) ? 0.5 : 0.0;
}

FA_INLINE fa_real fa_act_sparse_plus(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    /* u = x + 1 on [-1, 1], clamped so that it is 0 below (a form that vectorizes) */
    fa_real u = fa_max(fa_min(x, 1.0), -1.0) + 1.0;
    *d = x >= 1.0 ? 1.0 : 0.5 * u;
    return x >= 1.0 ? x : 0.25 * (u * u);
}
FA_INLINE fa_real fa_act_sparse_plus_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y <= 0.0 ? 0.0 : (y >= 1.0 ? 1.0 : fa_sqrt(y)); /* y = (x+1)^2/4 */
}

/* ---- sigmoid family -------------------------------------------------- */

FA_INLINE fa_real fa_act_sigmoid(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real e = fa_exp_nonpos(-fabs(x));
    fa_real den = 1.0 + e;
    *d = e / (den * den);
    return (x >= 0.0 ? 1.0 : e) / den; /* one division, not two and a select */
}
FA_INLINE fa_real fa_act_sigmoid_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return y * (1.0 - y);
}

FA_INLINE fa_real fa_act_log_sigmoid(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real e = fa_exp_nonpos(-fabs(x));
    fa_real den = 1.0 + e;
    *d = (x >= 0.0 ? e : 1.0) / den; /* sigmoid(-x) */
    return (x < 0.0 ? x : 0.0) - fa_log1p(e);
}
FA_INLINE fa_real fa_act_log_sigmoid_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return -fa_expm1(y); /* 1 - exp(y) = sigmoid(-x) */
}

FA_INLINE fa_real fa_act_tanh(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    /* e^(-2|x|) and its expm1 from one reduction (fa_tanh's expm1 clamps at
     * |x| = 20, beyond which both give -1); |x| clamped: no overflow flag at max */
    fa_real em, e = fa_exp_expm1_nonpos(-2.0 * fa_min(fabs(x), FA_SATURATE), &em);
    fa_real den = 1.0 + e;
    *d = 4.0 * e / (den * den); /* 1 - tanh^2 without the cancellation */
    return fa_tanh_from_expm1(em, x);
}
FA_INLINE fa_real fa_act_tanh_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    return (1.0 - y) * (1.0 + y);
}

FA_INLINE fa_dd fa_dd_clamp(fa_dd t, fa_real limit)
{
    if (t.hi > limit)
        return fa_dd_make(limit, 0.0);
    if (t.hi < -limit)
        return fa_dd_make(-limit, 0.0);
    return t;
}

/* x sigmoid(t) and silu'(t) = sigmoid(t) (1 + t (1 - sigmoid(t))), for
 * silu (t = x) and swish (t = beta x as a double-double). sigmoid takes t
 * as it is (exp clamps its argument); the derivative clamps it, so that
 * t (1 - s) is finite at t = inf. */
FA_INLINE fa_real fa_silu_family(fa_real x, fa_dd t_exact, fa_real *d, int *rare)
{
    fa_real oms, s = fa_sigmoid_dd(t_exact, &oms);
    fa_real th = fa_min(t_exact.hi, FA_SATURATE);
    if (th < FA_DEEP_TAIL) { /* sigmoid(t) = exp(t), subnormal */
        fa_dd t = fa_dd_clamp(t_exact, FA_SATURATE);
        fa_real inner = (1.0 + t.hi) - t.hi * s;
        *d = FA_RARE(rare, fa_mul_exp_deep(inner, t));
        /* x exp(t) with t unclamped: x = -1e300 must not meet exp(-800) */
        return FA_RARE(rare, isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, t_exact));
    }
    /* (1 + t) - t s for t <= 0 keeps the cancellation to the root alone */
    fa_real inner = th <= 0.0 ? (1.0 + th) - th * s : fa_fma(th, oms, 1.0);
    *d = FA_ROOT_POLY_OR(SILU, silu, t_exact, s * inner);
    return x * s; /* s > 0 above the deep tail: no 0 inf */
}

FA_INLINE fa_real fa_act_silu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p;
    return fa_silu_family(x, fa_dd_make(x, 0.0), d, rare);
}

/* beta x as a double-double, with x first clamped where beta x would
 * overflow: the functions using it saturate long before (no overflow flag).
 * 0 x = +0, also at x = +-inf. The tests of beta are bit masks (fa_pick):
 * where an early return for beta = 0 made the loops' rare-branch flag a
 * select on beta, GCC 12 left softplus' grad and backward loops scalar. */
FA_INLINE fa_dd fa_scaled_arg(fa_real beta, fa_real x)
{
    int zero = beta == 0.0;
    fa_real limit = fa_pick(zero, 0.0,
                            fa_pick(fabs(beta) > 1.0, FA_SCALED_LIMIT / fabs(beta), INFINITY));
    fa_dd t = fa_two_prod(beta, fa_clamp(x, -limit, limit));
    return fa_dd_make(fa_pick(zero, 0.0, t.hi), fa_pick(zero, 0.0, t.lo));
}

/* p = {beta}: x sigmoid(beta x); swish'(x) = silu'(beta x). */
FA_INLINE fa_real fa_act_swish(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    return fa_silu_family(x, fa_scaled_arg(p[0], x), d, rare);
}

/* p = {beta}: log(1 + exp(beta x)) / beta, derivative sigmoid(beta x).
 * With t = beta x and e = exp(-|t|): x + log1p(e)/beta for t > 0,
 * log1p(e)/beta else; sigmoid(t) from the same e. */
FA_INLINE fa_real fa_act_softplus(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    fa_real beta = p[0];
    fa_dd t = fa_scaled_arg(beta, x);
    int pos = t.hi >= 0.0;
    fa_real e = fa_exp_dd_nonpos(pos ? fa_dd_neg(t) : t);
    fa_real den = 1.0 + e;
    *d = (pos ? 1.0 : e) / den;
    if (t.hi < FA_DEEP_TAIL) /* log1p(exp(t)) = exp(t), subnormal: divide first */
        /* at t = -inf the limit 0, also where 1/beta overflows (beta = 5e-324) */
        return FA_RARE(rare, t.hi == -INFINITY ? 0.0 : fa_mul_exp_deep(1.0 / beta, t));
    return (t.hi > 0.0 ? x : 0.0) + fa_log1p(e) / beta;
}
FA_INLINE fa_real fa_act_softplus_from_output(fa_real y, const fa_real *p)
{
    return -fa_expm1(-fa_scaled_arg(p[0], y).hi); /* exp(beta y) = 1 + exp(beta x) */
}

/* x tanh(softplus(x)) in terms of e = exp(-|x|), so nothing overflows:
 * with n = e (e + 2), tanh(log1p(e^x)) = n / (n + 2) for x <= 0. */
FA_INLINE fa_real fa_act_mish(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p;
    fa_real xc = fa_clamp(x, -FA_SATURATE, FA_SATURATE);
    fa_real e = fa_exp_nonpos(-fabs(xc));
    fa_real t, plain;
    if (xc <= 0.0) {
        fa_real n = fa_fma(e, e, 2.0 * e); /* one rounding: 4.7 ULP in float as e (e + 2) */
        fa_real den = n + 2.0;
        t = n / den;
        /* f' = e (4 (1 + x) + e (6 + 4x + 4e + e^2)) / (n + 2)^2: only the
         * root at -1.19 cancels here, and the polynomial covers it. */
        fa_real inner = fa_fma(e, (6.0 + 4.0 * xc) + e * (4.0 + e), 4.0 * (1.0 + xc));
        plain = e * inner / (den * den);
    } else {
        fa_real q = 1.0 + 2.0 * e;
        fa_real den = fa_fma(2.0 * e, e, q);
        fa_real sech = 2.0 * e * (1.0 + e) / den; /* sech(softplus(x)) */
        t = q / den;
        plain = t + xc / (1.0 + e) * (sech * sech);
    }
    if (xc < FA_DEEP_TAIL) { /* tanh(softplus(x)) = exp(x), subnormal */
        *d = FA_RARE(rare, fa_mul_exp_deep(1.0 + xc, fa_dd_make(xc, 0.0)));
        return FA_RARE(rare, isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, fa_dd_make(x, 0.0)));
    }
    *d = FA_ROOT_POLY_OR(MISH, mish, fa_dd_make(xc, 0.0), plain);
    return fa_mul_sat(x, t);
}

/* ---- GELU ------------------------------------------------------------ */

#ifdef FA_REAL_FLOAT
/* The float kernels compute in double (fa_wide.h) and round once. */
FA_INLINE fa_real fa_act_gelu_tanh(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    double wide_d, y = fa_wide_gelu_tanh(x, &wide_d);
    *d = (fa_real)wide_d;
    return (fa_real)y;
}
FA_INLINE fa_real fa_act_gelu_erf(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    double wide_d, y = fa_wide_gelu_erf(x, &wide_d);
    *d = (fa_real)wide_d;
    return (fa_real)y;
}
#else
/* Beyond +-40 both GELU forms have sigmoid/Phi exactly 0 or 1 in double;
 * below -37.5 phi(x) and x Phi(x) are subnormal, taken from the asymptotic
 * series. */
#define FA_GELU_SATURATE 40.0
#define FA_GELU_ERF_DEEP (-37.5)
#define FA_GELU_ERF_DEEP_VALUE FA_GELU_ERF_DEEP

/* 0.5 x (1 + tanh(u)) = x sigmoid(2u), 2u = 2 sqrt(2/pi) x (1 + kappa x^2)
 * formed in double-double: sigmoid(2u) in the left tail is exp(2u), whose
 * condition number |2u| reaches 700. */
FA_INLINE fa_real fa_act_gelu_tanh(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p;
    fa_real xc = fa_clamp(x, -FA_GELU_SATURATE, FA_GELU_SATURATE);
    fa_dd x2 = fa_two_prod(xc, xc);
    fa_dd w = fa_dd_add_d(fa_dd_mul(fa_dd_make(FA_GELU_KAPPA_HI, FA_GELU_KAPPA_LO), x2), 1.0);
    fa_dd v = fa_dd_mul(fa_dd_make(FA_GELU_TANH_C2_HI, FA_GELU_TANH_C2_LO), fa_dd_mul_d(w, xc));
    fa_real oms, s = fa_sigmoid_dd(v, &oms);
    fa_real dv = FA_GELU_TANH_C2_HI * fa_fma(3.0 * FA_GELU_KAPPA_HI, xc * xc, 1.0);
    fa_real inner = fa_fma(xc * dv, oms, 1.0);
    /* sigmoid(v) = exp(v), subnormal. Only there: above, |x| > 9 and
     * |inner| > 100, so x s and s inner stay normal (in float, v = -80 is
     * already at x = -9.7) */
    if (v.hi < FA_EXP_NORMAL) {
        *d = FA_RARE(rare, fa_mul_exp_deep(inner, v));
        return FA_RARE(rare, isinf(x) ? copysign(0.0, x) : fa_mul_exp_deep(x, v));
    }
    *d = FA_ROOT_POLY_OR(GELU_TANH, gelu_tanh, fa_dd_make(xc, 0.0), s * inner);
    return fa_mul_sat(x, s);
}

/* Where phi(x) is subnormal (x < FA_GELU_ERF_DEEP): Phi(x) = phi(x)/|x| S,
 * S = sum (-1)^k (2k-1)!!/x^2k, so f'(x) = phi(x) (x + S/|x|) and
 * x Phi(x) = -phi(x) S, each with phi applied last as two factors
 * exp(-x^2/4); minus_half_x2 is -x^2/2 as a double-double. x Phi(x) is
 * taken from the series only where the product of fa_act_gelu_erf, rounded
 * once, would underflow (FA_GELU_ERF_DEEP_VALUE). */
FA_INLINE fa_real fa_gelu_erf_series(fa_real x)
{
    fa_real r = 1.0 / (x * x), term = 1.0, series = 1.0;
    for (int k = 1; k <= 10; k++) {
        term *= -(2.0 * k - 1.0) * r;
        series += term;
    }
    return series;
}
FA_INLINE fa_real fa_gelu_erf_deep_grad(fa_real x, fa_dd minus_half_x2)
{
    fa_real slope_factor = x - fa_gelu_erf_series(x) / x;
    return fa_mul_exp_deep(fa_fma(slope_factor, FA_INV_SQRT_2PI_HI,
                                  slope_factor * FA_INV_SQRT_2PI_LO), minus_half_x2);
}
FA_INLINE fa_real fa_gelu_erf_deep_value(fa_real x, fa_dd minus_half_x2)
{
    fa_real series = fa_gelu_erf_series(x);
    return fa_mul_exp_deep(fa_fma(-series, FA_INV_SQRT_2PI_HI, -series * FA_INV_SQRT_2PI_LO),
                           minus_half_x2);
}

/* x Phi(x), Phi(x) = erfc(z)/2 with z = -x/sqrt(2) in double-double.
 * For |z| > 1/2, erfc(|z|) = exp(-a^2) erfcx(a) with a = |z|'s high part,
 * a^2 exact and erfcx(a) a double-double, corrected to first order for z's
 * low part dz: erfc(a + dz) = exp(-a^2) (erfcx(a) - dz 2/sqrt(pi)); below
 * -1/sqrt(2) x Phi(x) is x/2 times that, formed and rounded nearly once.
 * For |z| <= 1/2 the same correction applies to erfc(z) directly:
 * erfc(z + dz) = erfc(z) - dz (2/sqrt(pi)) exp(-z^2), where
 * (2/sqrt(pi)) exp(-z^2)/2 = sqrt(2) phi(x). One exponential serves phi,
 * erfc and the product. */
FA_INLINE fa_real fa_act_gelu_erf(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p;
    fa_real xc = fa_clamp(x, -FA_GELU_SATURATE, FA_GELU_SATURATE);
    fa_dd z = fa_dd_mul_d(fa_dd_make(-FA_INV_SQRT2_HI, -FA_INV_SQRT2_LO), xc);
    fa_real a = fabs(z.hi), da = z.hi < 0.0 ? -z.lo : z.lo;
    fa_dd square = fa_two_prod(a, a);
    fa_dd minus_a2 = fa_dd_make(-square.hi, -square.lo);
    /* -z^2 = -a^2 - 2 a da, for phi */
    fa_dd minus_z2 = fa_dd_make(-square.hi, fa_fma(-2.0 * a, da, -square.lo));
    fa_int k;
    fa_real qe = fa_exp_parts_nonpos(-square.hi, &k);
    fa_real pdf = fa_mul_exp_parts(FA_INV_SQRT_2PI_HI, minus_z2, qe, k);
    fa_dd erfcx = fa_erfcx_large(a);
    /* erfcx(a) - da 2/sqrt(pi), halved */
    fa_dd half_factor = fa_dd_make(0.5 * erfcx.hi,
                                   0.5 * fa_fma(-FA_2_OVER_SQRT_PI_HI, da, erfcx.lo));
    fa_real half_tail = fa_mul_dd_exp_parts(half_factor, minus_a2, qe, k); /* erfc(|z|)/2 */
    fa_real half_small = 0.5 * fa_erfc_small(z.hi);
    /* sqrt(2) phi(x) dz, where phi's rounding does not matter */
    fa_real correction = -FA_SQRT2 * FA_INV_SQRT_2PI_HI * z.lo * fa_scale_pow2(1.0 + qe, k);
    fa_real cdf = z.hi > 0.5 ? half_tail : z.hi < -0.5 ? 1.0 - half_tail : half_small + correction;
    /* x erfc(|z|)/2: x Phi(x) below -1/sqrt(2), x - x Phi(x) above 1/sqrt(2) */
    fa_dd tail_factor = fa_dd_make(xc * half_factor.hi,
                                   fa_fma(xc, half_factor.hi, -xc * half_factor.hi)
                                       + xc * half_factor.lo);
    fa_real x_tail = fa_mul_dd_exp_parts(tail_factor, minus_a2, qe, k);
    fa_real value = z.hi > 0.5    ? x_tail
                    : z.hi < -0.5 ? x - x_tail
                                  : fa_fma(x, half_small, xc * correction);
    value = x == 0.0 ? x : value; /* gelu(-0) = -0 */
    *d = xc < FA_GELU_ERF_DEEP ? FA_RARE(rare, fa_gelu_erf_deep_grad(xc, minus_z2))
                               : FA_ROOT_POLY_OR(GELU_ERF, gelu_erf, fa_dd_make(xc, 0.0),
                                                 fa_fma(xc, pdf, cdf));
    return xc < FA_GELU_ERF_DEEP_VALUE
               ? FA_RARE(rare, isinf(x) ? copysign(0.0, x) : fa_gelu_erf_deep_value(xc, minus_z2))
               : value;
}
#endif /* FA_REAL_FLOAT */

/* ---- exponential linear units ---------------------------------------- */

/* p = {alpha}; elu'(0) = alpha (PyTorch). */
/* elu'(x) = alpha e^x: where e^x is subnormal (or 0) a large alpha would
 * multiply its absolute error, so there alpha e^x is rounded once
 * (fa_mul_exp_deep; alpha = 1e300 at x = -1000 is 5e-135, not 0). */
FA_INLINE fa_real fa_act_elu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    fa_real xn = x > 0.0 ? 0.0 : x, em1, e = fa_exp_expm1_nonpos(xn, &em1);
    /* flat selects: nested, with the rare branch inside, GCC 12 left the
     * backward loop scalar */
    fa_real slope = x > 0.0 ? 1.0 : p[0] * e;
    *d = x < FA_DEEP_TAIL
             ? FA_RARE(rare, fa_mul_exp_deep(p[0], fa_dd_make(fa_max(xn, -2.0 * FA_SATURATE), 0.0)))
             : slope;
    return x > 0.0 ? x : p[0] * em1;
}
FA_INLINE fa_real fa_act_elu_from_output(fa_real y, const fa_real *p)
{
    return y > 0.0 ? 1.0 : y + p[0]; /* exact near y = -alpha (Sterbenz); alpha > 0 */
}

/* scale x rounded once: in float, scale is split in two (its float rounding
 * alone would overflow scale x just below FLT_MAX, 3.2386221e38); the low
 * part's x is clamped, so that x = inf gives inf, not inf - inf. */
#ifdef FA_REAL_FLOAT
#define FA_SELU_SCALED(x) fa_fma(x, FA_SELU_SCALE_HI, fa_min(x, FA_REAL_MAX) * FA_SELU_SCALE_LO)
#else
#define FA_SELU_SCALED(x) (FA_SELU_SCALE * (x))
#endif
FA_INLINE fa_real fa_act_selu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real xn = x > 0.0 ? 0.0 : x, em1, e = fa_exp_expm1_nonpos(xn, &em1);
    *d = x > 0.0 ? FA_SELU_SCALE : FA_SELU_SCALE_ALPHA_HI * e;
    return x > 0.0 ? FA_SELU_SCALED(x) : FA_SELU_SCALE_ALPHA_HI * em1;
}
FA_INLINE fa_real fa_act_selu_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    /* y + scale*alpha cancels as x -> -inf: add the constant's low part after. */
    return y > 0.0 ? FA_SELU_SCALE : (y + FA_SELU_SCALE_ALPHA_HI) + FA_SELU_SCALE_ALPHA_LO;
}

/* p = {alpha}: alpha expm1(x/alpha) below 0; celu'(x) = exp(x/alpha) with
 * x/alpha as a double-double (exp amplifies its rounding by |x/alpha|). */
FA_INLINE fa_real fa_act_celu(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)rare;
    fa_real a = p[0];
    /* below -SATURATE |alpha| the result has saturated: clamp, so x/alpha cannot overflow */
    fa_real xn = x > 0.0 ? 0.0 : fa_max(x, -FA_SATURATE * fabs(a));
    fa_real q = xn / a;
    fa_dd qd = fa_dd_make(q, fa_fma(-q, a, xn) / a);
    fa_real em1, e = fa_exp_dd_expm1_nonpos(qd, &em1); /* q <= 0: alpha > 0 */
    *d = x > 0.0 ? 1.0 : e;
    /* alpha expm1(x/alpha) = x to fa_real precision once |x/alpha| < 2^-60, and
     * x/alpha itself may underflow there (alpha = 1e300) */
    return fabs(q) < 0x1p-60 ? x : a * em1; /* x > 0 too: there q = 0 */
}
FA_INLINE fa_real fa_act_celu_from_output(fa_real y, const fa_real *p)
{
    return y > 0.0 ? 1.0 : (y + p[0]) / p[0]; /* alpha > 0 */
}

/* ---- others ------------------------------------------------------------ */

FA_INLINE fa_real fa_act_softsign(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real a = fabs(x);
    fa_real r = 1.0 / (1.0 + a);
    *d = r * r; /* not 1/(1+a)^2, which overflows to 0 too early */
    return a > FA_REAL_MAX ? copysign(1.0, x) : x / (1.0 + a);
}
FA_INLINE fa_real fa_act_softsign_from_output(fa_real y, const fa_real *p)
{
    (void)p;
    fa_real r = 1.0 - fabs(y); /* = 1/(1+|x|) */
    return r * r;
}

/* x - tanh(x); near 0 that subtraction loses everything, so there x^3 Q(x^2),
 * with x^3 as a double-double. */
FA_INLINE fa_real fa_act_tanhshrink(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    (void)p, (void)rare;
    fa_real th = fa_tanh(x);
    *d = th * th;
    if (!(fabs(x) < FA_TANHSHRINK_SERIES_LIMIT))
        return x - th;
    fa_dd cube = fa_dd_mul_d(fa_two_prod(x, x), x);
    fa_real q = fa_poly(x * x - FA_TANHSHRINK_CENTER, fa_tanhshrink_poly, FA_TANHSHRINK_DEGREE);
    return fa_fma(cube.hi, q, cube.lo * q);
}

/* p = {b}: (x + sqrt(x^2 + b)) / 2, rearranged for x < 0 to avoid the
 * cancellation, and scaled so that nothing overflows or underflows early. */
FA_INLINE fa_real fa_act_squareplus(fa_real x, const fa_real *p, fa_real *d, int *rare)
{
    fa_real b = p[0];
    fa_real ax = fabs(x);
    int huge = ax > FA_SQUAREPLUS_HUGE; /* there sqrt(x^2 + b) = |x| in fa_real */
    /* x^2 + b rounded once by fma; hypot where x^2 + b may be subnormal */
    fa_real s = huge ? ax
                     : b < FA_SQUAREPLUS_TINY_B ? FA_RARE(rare, fa_hypot(x, fa_sqrt(b)))
                                                : fa_sqrt(fa_fma(x, x, b));
    fa_real ratio = huge ? copysign(1.0, x) : (s > 0.0 ? x / s : 0.0);
    /* (s - x)/2 > 0, formed only for x < 0 (inf - inf otherwise) */
    fa_real gap = x >= 0.0 ? 1.0 : (ax > 1.0 ? 0.5 * s - 0.5 * x : 0.5 * (s - x));
    if (x >= 0.0) {
        *d = 0.5 + 0.5 * ratio;
        return 0.5 * x + 0.5 * s;
    }
    /* b/s <= sqrt(b), gap >= s/2; the quarter before the last division, so that
     * a subnormal f' is rounded once (not to 0 where it is not: -inf g times it) */
    *d = b == 0.0 ? 0.0 : ((b / s) * 0.25) / gap;
    return b == 0.0 ? 0.0 : (b / gap) * 0.25;
}
FA_INLINE fa_real fa_act_squareplus_from_output(fa_real y, const fa_real *p)
{
    fa_real b = p[0], qb = 0.25 * b; /* f' = y^2 / (y^2 + b/4) */
    /* below 1 as 4y^2 / (4y^2 + b): b/4 may underflow where b does not */
    /* |y| >= 1 (y <= -1 is no output of squareplus, but the formula holds): 4y^2 would
     * overflow from |y| = 1e154 */
    fa_real plain = fabs(y) >= 1.0 ? 1.0 / (1.0 + (qb / y) / y)
                                   : y * ((4.0 * y) / fa_fma(4.0 * y, y, b));
    /* b = 0: squareplus is relu. A mask on b, not an early return, which left
     * the loop scalar (GCC 12) */
    return fa_pick(b == 0.0, y > 0.0 ? 1.0 : 0.0, plain);
}

/* ---- glu's gate ---------------------------------------------------------
 *
 * glu(x) = a sigmoid(b) on the halves (a, b) of x along an axis, and its
 * backward (g, a, b) -> (g sigmoid(b), g a sigmoid'(b)): elementwise over the
 * halves, in the loops of fa_loops.c (FA_BODY_gate, FA_BODY_gate_backward),
 * b in the role of x. In the deep tails (b < FA_DEEP_TAIL for sigmoid(b),
 * |b| > -FA_DEEP_TAIL for sigmoid'(b), where they near or reach the
 * subnormal range) a rare branch computes the element in double
 * (fa_glu_tail, fa_glu_backward_tail: the double build's, for float too),
 * applying those factors as exponentials: a = 1e300 still gets its 1e-135,
 * a = inf stays inf, and g a is formed where float would overflow. */
double FA_LEVELED(fa_glu_tail)(double a, double b);
double FA_LEVELED(fa_glu_backward_tail)(double g, double a, double b, double *gb);

FA_INLINE fa_real fa_gate_glu(fa_real a, fa_real b, int *rare)
{
    fa_real d, s = fa_act_sigmoid(b, NULL, &d, NULL);
    if (b < FA_DEEP_TAIL)
        return FA_RARE(rare, (fa_real)FA_LEVELED(fa_glu_tail)(a, b));
    return a * s; /* s > 0: a = +-inf stays infinite */
}

FA_INLINE fa_real fa_glu_backward_in_double(fa_real g, fa_real a, fa_real b, fa_real *gb)
{
    double tail_gb, ga = FA_LEVELED(fa_glu_backward_tail)(g, a, b, &tail_gb);
    *gb = (fa_real)tail_gb;
    return (fa_real)ga;
}

/* Returns g sigmoid(b), stores g a sigmoid'(b) in *gb: a sigmoid'(b) <= a/4
 * first, so the product overflows only where the result does; where that
 * factor falls below the normal range (a tiny, its digits lost before g
 * scales them back up) the element is computed in double too. */
FA_INLINE fa_real fa_gate_glu_backward(fa_real g, fa_real a, fa_real b, fa_real *gb, int *rare)
{
    fa_real d, s = fa_act_sigmoid(b, NULL, &d, NULL);
    fa_real ad = a * d;
    if ((fabs(b) > -FA_DEEP_TAIL) | ((fabs(ad) < FA_REAL_MIN) & (a != 0.0))) {
        *gb = 0.0; /* the first pass's placeholder */
        return FA_RARE(rare, fa_glu_backward_in_double(g, a, b, gb));
    }
    *gb = g * ad;
    return g * s;
}

/* ---- the gated family: a f(b) ------------------------------------------
 *
 * swiglu, geglu and reglu (fa_gates.def): a f(b) and its backward
 * (g, a, b) -> (g f(b), g a f'(b)), f the activation fa_act_KERNEL, in the
 * loops of glu. Where f(b) or f'(b) is not a normal number (b below
 * FA_GATE_LOW_KERNEL or |b| below FA_GATE_TINY_KERNEL), the product would
 * lose digits the result has (a = 1e30 times a subnormal silu(b)); such an
 * element is computed by fa_gate_tail_NAME and fa_gate_backward_tail_NAME
 * (fa_loops.c: the double build's, for float too). The tests are on b alone:
 * GCC 12 vectorizes no loop whose rare branch tests the kernel's value. At
 * b = -inf the gate is closed: a f(b) = 0 for an infinite a too, as for glu. */
#ifdef FA_REAL_FLOAT
#define FA_GATE_LOW_silu FA_DEEP_TAIL /* silu(b) is subnormal from about -91 */
#define FA_GATE_LOW_gelu_erf (-12.5)  /* gelu(b) from about -13.2 */
#else
#define FA_GATE_LOW_silu FA_DEEP_TAIL /* from about -702 */
#define FA_GATE_LOW_gelu_erf (-37.0)  /* from about -37.6 */
#endif
#define FA_GATE_LOW_relu (-FA_REAL_MAX) /* relu is exact: -inf only, the closed gate */
#define FA_GATE_TINY_silu (4.0 * FA_REAL_MIN) /* f(b) ~ b/2 */
#define FA_GATE_TINY_gelu_erf (4.0 * FA_REAL_MIN)
#define FA_GATE_TINY_relu 0.0
/* Whether f'(b) can be small enough for a f'(b) to leave the normal range
 * (relu's is 0 or 1: never). */
#define FA_GATE_INEXACT_silu 1
#define FA_GATE_INEXACT_gelu_erf 1
#define FA_GATE_INEXACT_relu 0
#define FA_GATE_RARE(KERNEL, b) ((b < FA_GATE_LOW_##KERNEL) | (fabs(b) < FA_GATE_TINY_##KERNEL))

#ifdef FA_REAL_FLOAT
/* g a f'(b) in double: g a is exact there, and nothing underflows or overflows */
#define FA_GATE_SLOPE(KERNEL, g, a, d, lost) ((fa_real)(((double)(g) * (double)(a)) * (double)(d)))
#else
/* g (a f'(b)), a f'(b) first so that it overflows only where the result does;
 * where it is not a normal number (a tiny, or f'(b) near a root) the element
 * goes to the tail, which forms the product in long double */
#define FA_GATE_SLOPE(KERNEL, g, a, d, lost)                                                       \
    ((lost) = FA_GATE_INEXACT_##KERNEL &                                                           \
              ((fabs((a) * (d)) < FA_REAL_MIN) | (fabs((a) * (d)) > FA_REAL_MAX)) &                \
              ((a) != 0.0) & fa_isfinite(a),                                                       \
     (g) * ((a) * (d)))
#endif

#define FA_GENERIC_GATE(NAME, KERNEL)                                                              \
    double FA_LEVELED(fa_gate_tail_##NAME)(double a, double b);                                    \
    double FA_LEVELED(fa_gate_backward_tail_##NAME)(double g, double a, double b, double *gb);     \
    FA_INLINE fa_real fa_gate_##NAME(fa_real a, fa_real b, int *rare)                              \
    {                                                                                              \
        fa_real d, v = fa_act_##KERNEL(b, (const fa_real *)0, &d, rare);                           \
        (void)d;                                                                                   \
        if (FA_GATE_RARE(KERNEL, b))                                                               \
            return FA_RARE(rare, (fa_real)FA_LEVELED(fa_gate_tail_##NAME)(a, b));                  \
        return a * v;                                                                              \
    }                                                                                              \
    FA_INLINE fa_real fa_gate_##NAME##_in_double(fa_real g, fa_real a, fa_real b, fa_real *gb)     \
    {                                                                                              \
        double tail_gb, ga = FA_LEVELED(fa_gate_backward_tail_##NAME)(g, a, b, &tail_gb);          \
        *gb = (fa_real)tail_gb;                                                                    \
        return (fa_real)ga;                                                                        \
    }                                                                                              \
    FA_INLINE fa_real fa_gate_##NAME##_backward(fa_real g, fa_real a, fa_real b, fa_real *gb,      \
                                                int *rare)                                         \
    {                                                                                              \
        int lost = 0;                                                                              \
        fa_real d, v = fa_act_##KERNEL(b, (const fa_real *)0, &d, rare);                           \
        fa_real slope = FA_GATE_SLOPE(KERNEL, g, a, d, lost);                                      \
        if (FA_GATE_RARE(KERNEL, b) | lost) {                                                      \
            *gb = 0.0; /* the first pass's placeholder */                                          \
            return FA_RARE(rare, fa_gate_##NAME##_in_double(g, a, b, gb));                         \
        }                                                                                          \
        *gb = slope;                                                                               \
        return g * v;                                                                              \
    }
#define FA_GATE(NAME, KERNEL, GENERIC) FA_IF(GENERIC, FA_GENERIC_GATE(NAME, KERNEL))
#include "fa_gates.def"
#undef FA_GATE

#endif /* FA_ACTIVATIONS_H */
