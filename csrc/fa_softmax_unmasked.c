/*
 * fa_softmax_unmasked.c -- softmax, log_softmax and softmin of one row with
 * no masked entry and no NaN or infinity, vectorized: the common case
 * (fa_rowwise.c keeps the general path for masked, float16 and non-finite
 * rows). Any strides; the loops vectorize where the row and the output are
 * contiguous, the rows of a C-ordered array along its last axis.
 *
 * Compiled like fa_loops.c (setup.py): with the elementwise flags, so that
 * the loops vectorize; once computing in double (float64 rows) and once as
 * fa_softmax_unmasked_float.c in float (float32 rows).
 *
 * Per row, in three passes with m the maximum:
 *   1. m, and whether every entry is finite;
 *   2. the terms exp(x - m), with x - m formed exactly (two_sum) and the
 *      term rounded once (fa_mul_exp_dd), summed over the entries below m:
 *      rest. The entries equal to m contribute their exact 1s as a count,
 *      so 1 + rest keeps the digits of a tiny rest (log_softmax of the
 *      maximum is -log1p(rest)). The sum is in double (compensated in the
 *      double build) over FA_PARTS partial sums, lane j taking the entries
 *      j mod FA_PARTS: the order is the same at every dispatch level and
 *      thread count, and for every layout of the row.
 *   3. softmax = term / (1 + rest), as the term times the double reciprocal;
 *      log_softmax = (x - m) - log1p(rest), in double.
 * Floating-point flags: saved and restored, as in fa_run_elements; nothing
 * here can overflow or be invalid on finite input.
 */
#include "fa_loop_util.h"
#include "fa_loops.h"
#include "fa_math.h"
#include "fa_softmax_unmasked.h"

#define FA_PARTS 16

/* The lane loops below stay loops (GCC would unroll them completely first,
 * and then not vectorize the unrolled block): one vector iteration each. */
#if defined(__GNUC__)
#define FA_LANE_LOOP _Pragma("GCC unroll 1")
#else
#define FA_LANE_LOOP
#endif

#ifdef FA_REAL_FLOAT
#define FA_UNMASKED_ROW FA_LEVELED(fa_softmax_unmasked_f)
#else
#define FA_UNMASKED_ROW FA_LEVELED(fa_softmax_unmasked_d)
#endif

/* The sum of the partials in a fixed order: hi + lo, each a double. */
static double fa_parts_total(const double *hi, const double *lo)
{
    double s = 0.0, c = 0.0;
    for (int j = 0; j < FA_PARTS; j++) {
        double v = hi[j], t = s + v;
        c += (fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s) + lo[j]; /* Neumaier */
        s = t;
    }
    return s + c;
}

/* Pass 1 on entries [k0, k0 + count) into lane j = k - k0: count <= FA_PARTS. */
FA_INLINE void fa_max_terms(const fa_real *x, ptrdiff_t xs, ptrdiff_t k0, int count, fa_real sign,
                            fa_real *part_max, int *finite)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        fa_real v = sign * x[(k0 + j) * xs];
        finite[j] &= fa_isfinite(v);
        part_max[j] = fa_max(part_max[j], v);
    }
}

/* Pass 2 on entries [k0, k0 + count) into lane j = k - k0: count <= FA_PARTS. */
FA_INLINE void fa_sum_terms(const fa_real *x, ptrdiff_t xs, fa_real *y, ptrdiff_t ys,
                            ptrdiff_t k0, int count, fa_real sign, fa_real m, int store, double *hi,
                            double *lo, int *ties)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        fa_real v = sign * x[(k0 + j) * xs];
        fa_real term = fa_mul_exp_dd(1.0, fa_two_sum(v, -m)); /* rounded once */
        int tie = v == m;
        if (store)
            y[(k0 + j) * ys] = term;
        double t = tie ? 0.0 : (double)term;
        ties[j] += tie;
#ifdef FA_REAL_FLOAT
        hi[j] += t; /* 2^-53 per add against float's 2^-24: no compensation needed */
        (void)lo;
#else
        double s = hi[j] + t, bb = s - hi[j];
        lo[j] += (hi[j] - (s - bb)) + (t - bb);
        hi[j] = s;
#endif
    }
}

/* The row x[k xs] -> y[k ys]: steps in elements, constants where inlined. */
FA_INLINE int fa_softmax_row(const fa_real *x, ptrdiff_t xs, fa_real *y, ptrdiff_t ys, ptrdiff_t n,
                             int log_out, int negate)
{
    const fa_real sign = negate ? -1.0 : 1.0;
    if (n <= 0)
        return 1;
    const fa_fp_state state_before = fa_fp_state_save();

    /* 1: the maximum, and whether all entries are finite */
    fa_real part_max[FA_PARTS];
    int finite[FA_PARTS];
    for (int j = 0; j < FA_PARTS; j++)
        part_max[j] = -INFINITY, finite[j] = 1;
    ptrdiff_t k0 = 0;
    for (; k0 + FA_PARTS <= n; k0 += FA_PARTS)
        fa_max_terms(x, xs, k0, FA_PARTS, sign, part_max, finite);
    fa_max_terms(x, xs, k0, (int)(n - k0), sign, part_max, finite);
    fa_real m = -INFINITY;
    int all_finite = 1;
    for (int j = 0; j < FA_PARTS; j++)
        m = fa_max(m, part_max[j]), all_finite &= finite[j];
    if (!all_finite) {
        fa_fp_state_restore(state_before);
        return 0;
    }

    /* 2: the terms below the maximum, summed, and the entries equal to it */
    double hi[FA_PARTS] = {0.0}, lo[FA_PARTS] = {0.0};
    int ties[FA_PARTS] = {0};
    for (k0 = 0; k0 + FA_PARTS <= n; k0 += FA_PARTS)
        fa_sum_terms(x, xs, y, ys, k0, FA_PARTS, sign, m, !log_out, hi, lo, ties);
    fa_sum_terms(x, xs, y, ys, k0, (int)(n - k0), sign, m, !log_out, hi, lo, ties);
    ptrdiff_t tie_count = 0;
    for (int j = 0; j < FA_PARTS; j++)
        tie_count += ties[j];
    double rest = fa_parts_total(hi, lo) + (double)(tie_count - 1);

    /* 3: the outputs */
    if (log_out) {
        double log_total = log1p(rest);
        for (ptrdiff_t k = 0; k < n; k++) {
            fa_real v = sign * x[k * xs];
#ifdef FA_REAL_FLOAT
            y[k * ys] = (fa_real)(((double)v - (double)m) - log_total); /* v - m exact in double */
#else
            fa_dd d = fa_two_sum(v, -m);
            y[k * ys] = (d.hi - log_total) + d.lo;
#endif
        }
    } else {
        double inverse = 1.0 / (1.0 + rest);
        for (ptrdiff_t k = 0; k < n; k++)
            y[k * ys] = (fa_real)((double)y[k * ys] * inverse);
    }
    fa_fp_state_restore(state_before);
    return 1;
}

/* Steps in bytes; rows whose steps are not whole elements take the general path. */
int FA_UNMASKED_ROW(const char *x, ptrdiff_t x_step, char *y, ptrdiff_t y_step, ptrdiff_t n,
                      int log_out, int negate)
{
    const ptrdiff_t size = sizeof(fa_real);
    if (x_step % size || y_step % size || (uintptr_t)x % size || (uintptr_t)y % size)
        return 0;
    const fa_real *xr = (const fa_real *)x;
    fa_real *yr = (fa_real *)y;
    if (x_step == size && y_step == size) /* the vectorized case */
        return fa_softmax_row(xr, 1, yr, 1, n, log_out, negate);
    return fa_softmax_row(xr, x_step / size, yr, y_step / size, n, log_out, negate);
}
