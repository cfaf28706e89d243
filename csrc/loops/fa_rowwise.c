/*
 * fa_rowwise.c -- softmax, log_softmax and softmin along a row, as
 * generalized ufunc loops (n),(n)->(n) over (x, mask) and their backward
 * (n),(n),(n)->(n) over (grad_out, y, mask).
 *
 * Per row, in double: one pass finds the maximum m of the unmasked entries
 * (and NaN, +-inf); a second sums exp(x - m) over them in double-double,
 * leaving out one arg-max entry (whose term is exactly 1), so that
 * log_softmax = (x - m) - log1p(rest) keeps its digits when rest is tiny;
 * x - m is formed exactly (two_sum) since exp amplifies its rounding.
 * The order of every sum is fixed, and a row is never split between
 * threads: results do not depend on the thread count.
 * float32 and float64 rows take the vectorized form of the same algorithm
 * instead (fa_softmax_rows.c), but for rows with NaN or infinite entries
 * (forward), rows with nothing unmasked, and steps of partial elements.
 * Then maxout and sparsemax, and the table of every gufunc, the gates' among
 * them (their loops are elementwise: fa_loops.c).
 */
#include "fa_costs.h"
#include "fa_loop_util.h"
#include "fa_loops.h"
#include "fa_math.h"
#include "fa_maxout_rows.h"
#include "fa_softmax_rows.h"

enum { FA_SOFTMAX = 0, FA_LOG_SOFTMAX = 1, FA_SOFTMIN = 2 };

/* hi + lo += v, compensated (Neumaier): the running sum stays exact to ~2^-106. */
FA_INLINE void fa_dd_accumulate(fa_dd *acc, double v)
{
    fa_dd s = fa_two_sum(acc->hi, v);
    acc->hi = s.hi;
    acc->lo += s.lo;
}

/* A row: base pointers and strides of the argument arrays at one outer index. */
typedef struct {
    char *ptr[4];
    ptrdiff_t step[4];
    ptrdiff_t n;
} fa_row;

#define FA_ROW_AT(row, a, k) ((row).ptr[a] + (k) * (row).step[a])
#define FA_ROW_MASK(row, a, k) (*(const unsigned char *)FA_ROW_AT(row, a, k) != 0)

/* The vectorized rows (fa_softmax_rows.c) where they apply: float32 and
 * float64 (any strides, so that a row's result does not depend on its
 * layout). The number of leading rows of the block done. */
#define FA_VECTOR_ROWS_e(b, kind) ((void)(b), 0)
#define FA_VECTOR_ROWS_f(b, kind) FA_VECTOR_ROWS(f, b, kind)
#define FA_VECTOR_ROWS_d(b, kind) FA_VECTOR_ROWS(d, b, kind)
#define FA_VECTOR_ROWS(T, b, kind)                                                                 \
    FA_LEVELED(fa_softmax_rows_##T)(b, kind == FA_LOG_SOFTMAX, kind == FA_SOFTMIN)
#define FA_VECTOR_BACKWARD_ROWS_e(b, kind) ((void)(b), 0)
#define FA_VECTOR_BACKWARD_ROWS_f(b, kind)                                                         \
    (kind == FA_LOG_SOFTMAX ? FA_LEVELED(fa_log_softmax_backward_rows_f32)(b)                      \
                            : FA_VECTOR_BACKWARD_ROWS(f, b, kind))
#define FA_VECTOR_BACKWARD_ROWS_d(b, kind) FA_VECTOR_BACKWARD_ROWS(d, b, kind)
#define FA_VECTOR_BACKWARD_ROWS(T, b, kind)                                                        \
    FA_LEVELED(fa_softmax_backward_rows_##T)(b, kind == FA_LOG_SOFTMAX, kind == FA_SOFTMIN)

/* Rows go to the threads in chunks of about FA_CHUNK_ENTRIES entries (whole
 * rows): the vectorized rows set up once per chunk, not per row. */
#define FA_CHUNK_ENTRIES 4096
static inline ptrdiff_t fa_rows_per_chunk(ptrdiff_t n)
{
    return n >= FA_CHUNK_ENTRIES ? 1 : FA_CHUNK_ENTRIES / (n > 0 ? n : 1);
}

/* The rows [begin, end) of a gufunc call with nargs arguments as a block. */
static inline fa_row_block fa_make_block(char **args, const ptrdiff_t *steps, ptrdiff_t begin,
                                         ptrdiff_t end, int nargs, ptrdiff_t n)
{
    fa_row_block b;
    for (int a = 0; a < nargs; a++) {
        b.ptr[a] = args[a] + begin * steps[a];
        b.outer[a] = steps[a];
        b.step[a] = steps[nargs + a];
    }
    b.n = n;
    b.count = end - begin;
    return b;
}

/* A row-wise gufunc loop over NARGS arguments: rows go to the threads in
 * chunks (fa_rows_per_chunk), and each chunk to the vectorized rows (VECTOR,
 * the number of leading rows done), with the general path (ROW) for a row
 * they leave. */
#define FA_ROWS_GLOOP(GLOOP, CHUNK, VECTOR, ROW, NARGS)                                            \
    static void CHUNK(char **args, const ptrdiff_t *steps, ptrdiff_t begin, ptrdiff_t end,         \
                      ptrdiff_t n, int kind)                                                       \
    {                                                                                              \
        for (ptrdiff_t i = begin; i < end; i++) {                                                  \
            fa_row_block b = fa_make_block(args, steps, i, end, NARGS, n);                         \
            i += VECTOR(&b, kind);                                                                 \
            if (i < end)                                                                           \
                ROW(fa_make_row(args, steps, i, NARGS, n), kind);                                  \
        }                                                                                          \
    }                                                                                              \
    static void GLOOP(char **args, const ptrdiff_t *dims, const ptrdiff_t *steps, void *data)      \
    {                                                                                              \
        const ptrdiff_t outer = dims[0], n = dims[1], per = fa_rows_per_chunk(n);                  \
        const int kind = (int)(intptr_t)data;                                                      \
        FA_FOR_EACH((outer + per - 1) / per, fa_cost_softmax * outer * n,                          \
                    CHUNK(args, steps, i * per, outer - i * per < per ? outer : (i + 1) * per, n,  \
                          kind);)                                                                  \
    }

#define FA_ROW_LOOPS(T)                                                                            \
    static void fa_softmax_row_##T(fa_row r, int kind)                                             \
    {                                                                                              \
        const int log_out = kind == FA_LOG_SOFTMAX;                                                \
        const double sign = kind == FA_SOFTMIN ? -1.0 : 1.0;                                       \
        const double fill = log_out ? -INFINITY : 0.0; /* masked-out entries */                   \
        double m = -INFINITY;                                                                      \
        ptrdiff_t arg = -1, n_inf = 0;                                                             \
        int nan = 0;                                                                               \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            if (!FA_ROW_MASK(r, 1, k))                                                             \
                continue;                                                                          \
            double v = sign * FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                     \
            if (fa_isnan(v)) {                                                                     \
                nan = 1;                                                                           \
                continue;                                                                          \
            }                                                                                      \
            n_inf += v == INFINITY;                                                                \
            if (arg < 0 || v > m) {                                                                \
                m = v;                                                                             \
                arg = k;                                                                           \
            }                                                                                      \
        }                                                                                          \
        /* special rows: NaN, all -inf, +inf present; fully masked rows keep fill */              \
        double special = nan || m == -INFINITY ? NAN : 0.0;                                        \
        int is_special = nan || (arg >= 0 && (m == -INFINITY || m == INFINITY));                   \
        fa_dd rest = {0.0, 0.0};                                                                   \
        if (!is_special) {                                                                         \
            for (ptrdiff_t k = 0; k < r.n; k++) {                                                  \
                if (k == arg || !FA_ROW_MASK(r, 1, k))                                             \
                    continue;                                                                      \
                double v = sign * FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                 \
                fa_dd_accumulate(&rest, fa_exp_dd(fa_two_sum(v, -m)));                             \
            }                                                                                      \
        }                                                                                          \
        double rest_sum = rest.hi + rest.lo;                                                       \
        double total = 1.0 + rest_sum, log_total = fa_log1p(rest_sum);                             \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double y = fill;                                                                       \
            if (FA_ROW_MASK(r, 1, k)) {                                                            \
                double v = sign * FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                 \
                if (is_special && m == INFINITY && !nan) { /* the +inf entries share the mass */   \
                    y = v == INFINITY ? (log_out ? -fa_log((double)n_inf) : 1.0 / (double)n_inf)       \
                                      : fill;                                                      \
                } else if (is_special) {                                                           \
                    y = special;                                                                   \
                } else {                                                                           \
                    fa_dd d = fa_two_sum(v, -m);                                                   \
                    y = log_out ? (d.hi - log_total) + d.lo : fa_exp_dd(d) / total;                \
                }                                                                                  \
            }                                                                                      \
            FA_STORE_##T(FA_ROW_AT(r, 2, k), y);                                                   \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    /* grad_out g, output y, mask: softmax gx = y (g - sum g y), softmin its negative,            \
     * log_softmax gx = g - exp(y) sum g; sums over the unmasked entries. */                      \
    static void fa_softmax_backward_row_##T(fa_row r, int kind)                                    \
    {                                                                                              \
        const int log_out = kind == FA_LOG_SOFTMAX;                                                \
        const double sign = kind == FA_SOFTMIN ? -1.0 : 1.0;                                       \
        fa_dd acc = {0.0, 0.0};                                                                    \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            if (!FA_ROW_MASK(r, 2, k))                                                             \
                continue;                                                                          \
            double g = FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                            \
            if (log_out) {                                                                         \
                fa_dd_accumulate(&acc, g);                                                         \
            } else {                                                                               \
                fa_dd p = fa_two_prod(g, FA_LOAD_##T(FA_ROW_AT(r, 1, k)));                         \
                fa_dd_accumulate(&acc, p.hi);                                                      \
                acc.lo += p.lo;                                                                    \
            }                                                                                      \
        }                                                                                          \
        double sum = acc.hi + acc.lo;                                                              \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double gx = 0.0;                                                                       \
            if (FA_ROW_MASK(r, 2, k)) {                                                            \
                double g = FA_LOAD_##T(FA_ROW_AT(r, 0, k)), y = FA_LOAD_##T(FA_ROW_AT(r, 1, k));   \
                gx = log_out ? fa_fma(-fa_exp(y), sum, g) : sign * (y * (g - sum));                \
            }                                                                                      \
            FA_STORE_##T(FA_ROW_AT(r, 3, k), gx);                                                  \
        }                                                                                          \
    }                                                                                              \
                                                                                                   \
    FA_ROWS_GLOOP(fa_gloop_softmax_##T, fa_softmax_chunk_##T, FA_VECTOR_ROWS_##T,                  \
                  fa_softmax_row_##T, 3)                                                           \
    FA_ROWS_GLOOP(fa_gloop_softmax_backward_##T, fa_softmax_backward_chunk_##T,                    \
                  FA_VECTOR_BACKWARD_ROWS_##T, fa_softmax_backward_row_##T, 4)

/* The row at outer index i of a gufunc call with nargs arguments: outer
 * steps come first in steps[], then the core (inner) steps. */
static inline fa_row fa_make_row(char **args, const ptrdiff_t *steps, ptrdiff_t i, int nargs,
                                 ptrdiff_t n)
{
    fa_row r;
    for (int a = 0; a < nargs; a++) {
        r.ptr[a] = args[a] + i * steps[a];
        r.step[a] = steps[nargs + a];
    }
    r.n = n;
    return r;
}

FA_ROW_LOOPS(e)
FA_ROW_LOOPS(f)
FA_ROW_LOOPS(d)

/* ---- maxout, sparsemax ------------------------------------------------ */

/* The maximum of a row, NaN if it holds one; *arg = the first arg-max (or NaN). */
#define FA_ROW_MAX(T)                                                                              \
    static double fa_row_max_##T(fa_row r, int a, ptrdiff_t *arg)                                  \
    {                                                                                              \
        double m = -INFINITY;                                                                      \
        *arg = 0;                                                                                  \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double v = FA_LOAD_##T(FA_ROW_AT(r, a, k));                                            \
            if (fa_isnan(v)) {                                                                     \
                *arg = k;                                                                          \
                return v;                                                                          \
            }                                                                                      \
            if (k == 0 || v > m) {                                                                 \
                m = v;                                                                             \
                *arg = k;                                                                          \
            }                                                                                      \
        }                                                                                          \
        return m;                                                                                  \
    }

/* sparsemax threshold tau of a row z shifted by its finite maximum m:
 * sum max(z - m - tau, 0) = 1. Michelot's fixed point: tau <- (sum of the
 * z - m above tau, minus 1) / their count, from tau = -1 (tau >= max - 1);
 * the support only shrinks, so it stops within n steps, usually 2 or 3.
 * No sorting and no buffer; the sums are double-double. */
#define FA_SPARSEMAX_TAU(T)                                                                        \
    static fa_dd fa_sparsemax_tau_##T(fa_row r, double m)                                          \
    {                                                                                              \
        fa_dd tau = {-1.0, 0.0};                                                                   \
        ptrdiff_t count = -1;                                                                      \
        for (ptrdiff_t step = 0; step <= r.n; step++) {                                            \
            fa_dd sum = {0.0, 0.0};                                                                \
            ptrdiff_t c = 0;                                                                       \
            for (ptrdiff_t k = 0; k < r.n; k++) {                                                  \
                double v = FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                        \
                if (!(v >= m - 2.0)) /* never in the support (tau >= -1): skip, no overflow */     \
                    continue;                                                                      \
                fa_dd z = fa_two_sum(v, -m);                                                       \
                if (z.hi > tau.hi || (z.hi == tau.hi && z.lo > tau.lo)) {                          \
                    fa_dd_accumulate(&sum, z.hi);                                                  \
                    sum.lo += z.lo;                                                                \
                    c++;                                                                           \
                }                                                                                  \
            }                                                                                      \
            /* tau = (sum - 1) / c as a double-double: y = z - tau cancels near tau */             \
            fa_dd t = fa_two_sum(sum.hi, -1.0);                                                    \
            t.lo += sum.lo;                                                                        \
            double q = t.hi / (double)c;                                                           \
            tau = fa_dd_make(q, (fa_fma(-q, (double)c, t.hi) + t.lo) / (double)c);                 \
            if (c == count)                                                                        \
                break;                                                                             \
            count = c;                                                                             \
        }                                                                                          \
        return tau;                                                                                \
    }

/* maxout's groups in runs of FA_MAXOUT_RUN, each one vectorized call
 * (fa_maxout_rows.c) for float32 and float64 */
#define FA_MAXOUT_FAST_e(...) 0
#define FA_MAXOUT_FAST_f FA_LEVELED(fa_maxout_groups_f)
#define FA_MAXOUT_FAST_d FA_LEVELED(fa_maxout_groups_d)
#define FA_MAXOUT_BACKWARD_FAST_e(...) 0
#define FA_MAXOUT_BACKWARD_FAST_f FA_LEVELED(fa_maxout_backward_groups_f)
#define FA_MAXOUT_BACKWARD_FAST_d FA_LEVELED(fa_maxout_backward_groups_d)
/* per element: the vectorized groups' cost, or the general path's */
#define FA_MAXOUT_VECTOR_e 0
#define FA_MAXOUT_VECTOR_f 1
#define FA_MAXOUT_VECTOR_d 1
#define FA_MAXOUT_COST(T, p)                                                                       \
    (FA_MAXOUT_VECTOR_##T && (p) <= FA_MAXOUT_MAX_PIECES ? fa_cost_maxout : fa_cost_maxout_general)
static inline ptrdiff_t fa_runs(ptrdiff_t groups)
{
    return (groups + FA_MAXOUT_RUN - 1) / FA_MAXOUT_RUN;
}
static inline ptrdiff_t fa_run_length(ptrdiff_t groups, ptrdiff_t first)
{
    return groups - first < FA_MAXOUT_RUN ? groups - first : FA_MAXOUT_RUN;
}

#define FA_GROUP_ROWS(T)                                                                           \
    FA_ROW_MAX(T)                                                                                  \
    FA_SPARSEMAX_TAU(T)                                                                            \
    static void fa_maxout_row_##T(fa_row r)                                                        \
    {                                                                                              \
        ptrdiff_t arg;                                                                             \
        FA_STORE_##T(r.ptr[1], fa_row_max_##T(r, 0, &arg));                                        \
    }                                                                                              \
    /* (g, group) -> g at the first arg-max, 0 elsewhere */                                       \
    static void fa_maxout_backward_row_##T(fa_row r)                                               \
    {                                                                                              \
        ptrdiff_t arg;                                                                             \
        double g = FA_LOAD_##T(r.ptr[0]);                                                          \
        (void)fa_row_max_##T(r, 1, &arg);                                                          \
        for (ptrdiff_t k = 0; k < r.n; k++)                                                        \
            FA_STORE_##T(FA_ROW_AT(r, 2, k), k == arg ? g : 0.0);                                  \
    }                                                                                              \
    static void fa_sparsemax_row_##T(fa_row r)                                                     \
    {                                                                                              \
        ptrdiff_t arg, n_inf = 0;                                                                  \
        double m = fa_row_max_##T(r, 0, &arg);                                                     \
        for (ptrdiff_t k = 0; k < r.n; k++)                                                        \
            n_inf += FA_LOAD_##T(FA_ROW_AT(r, 0, k)) == INFINITY;                                  \
        int finite = r.n > 0 && isfinite(m);                                                       \
        fa_dd tau = {0.0, 0.0};                                                                    \
        if (finite)                                                                                \
            tau = fa_sparsemax_tau_##T(r, m);                                                      \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double v = FA_LOAD_##T(FA_ROW_AT(r, 0, k)), y;                                         \
            if (finite) {                                                                          \
                fa_dd z = v >= m - 2.0 ? fa_two_sum(v, -m) : fa_dd_make(-2.0, 0.0);                \
                y = fmax((z.hi - tau.hi) + (z.lo - tau.lo), 0.0);                                  \
            } else if (m == INFINITY) { /* the +inf entries share the mass */                     \
                y = v == INFINITY ? 1.0 / (double)n_inf : 0.0;                                     \
            } else {                                                                               \
                y = NAN; /* a NaN in the row, or nothing but -inf */                               \
            }                                                                                      \
            FA_STORE_##T(FA_ROW_AT(r, 1, k), y);                                                   \
        }                                                                                          \
    }                                                                                              \
    /* (g, y) -> g minus its mean over the support {y > 0}, 0 off it; NaN if y has one */         \
    static void fa_sparsemax_backward_row_##T(fa_row r)                                            \
    {                                                                                              \
        fa_dd sum = {0.0, 0.0};                                                                    \
        ptrdiff_t c = 0, nan = 0;                                                                  \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double y = FA_LOAD_##T(FA_ROW_AT(r, 1, k));                                            \
            nan += fa_isnan(y);                                                                    \
            if (!fa_isnan(y) && y > 0.0) { /* no ordered comparison with NaN: no flag */          \
                fa_dd_accumulate(&sum, FA_LOAD_##T(FA_ROW_AT(r, 0, k)));                           \
                c++;                                                                               \
            }                                                                                      \
        }                                                                                          \
        double mean = c ? (sum.hi + sum.lo) / (double)c : 0.0;                                     \
        for (ptrdiff_t k = 0; k < r.n; k++) {                                                      \
            double y = FA_LOAD_##T(FA_ROW_AT(r, 1, k));                                            \
            double g = FA_LOAD_##T(FA_ROW_AT(r, 0, k));                                            \
            FA_STORE_##T(FA_ROW_AT(r, 2, k), nan ? NAN : (y > 0.0 ? g - mean : 0.0));              \
        }                                                                                          \
    }

#define FA_GROUP_LOOPS(T)                                                                          \
    FA_GROUP_ROWS(T)                                                                               \
    /* run r of FA_MAXOUT_RUN groups: vectorized where it can be (fa_maxout_rows.c) */             \
    static void fa_maxout_run_##T(char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,      \
                                  ptrdiff_t r)                                                     \
    {                                                                                              \
        const ptrdiff_t i0 = r * FA_MAXOUT_RUN, n = fa_run_length(dims[0], i0);                    \
        if (FA_MAXOUT_FAST_##T(args[0] + i0 * steps[0], steps[0], steps[2],                       \
                               args[1] + i0 * steps[1], steps[1], n, dims[1]))                     \
            return;                                                                                \
        for (ptrdiff_t i = i0; i < i0 + n; i++)                                                    \
            fa_maxout_row_##T(fa_make_core_row(args, steps, i, 2, dims[1], 0x1));                  \
    }                                                                                              \
    static void fa_maxout_backward_run_##T(char **args, const ptrdiff_t *dims,                     \
                                           const ptrdiff_t *steps, ptrdiff_t r)                    \
    {                                                                                              \
        const ptrdiff_t i0 = r * FA_MAXOUT_RUN, n = fa_run_length(dims[0], i0);                    \
        if (FA_MAXOUT_BACKWARD_FAST_##T(args[0] + i0 * steps[0], steps[0],                        \
                                        args[1] + i0 * steps[1], steps[1], steps[3],               \
                                        args[2] + i0 * steps[2], steps[2], steps[4], n, dims[1]))  \
            return;                                                                                \
        for (ptrdiff_t i = i0; i < i0 + n; i++)                                                    \
            fa_maxout_backward_row_##T(fa_make_core_row(args, steps, i, 3, dims[1], 0x6));         \
    }                                                                                              \
    static void fa_gloop_maxout_##T(char **args, const ptrdiff_t *dims, const ptrdiff_t *steps,    \
                                    void *data)                                                    \
    {                                                                                              \
        (void)data;                                                                                \
        FA_FOR_EACH(fa_runs(dims[0]), FA_MAXOUT_COST(T, dims[1]) * dims[0] * dims[1],              \
                    fa_maxout_run_##T(args, dims, steps, i);)                                      \
    }                                                                                              \
    static void fa_gloop_maxout_backward_##T(char **args, const ptrdiff_t *dims,                   \
                                             const ptrdiff_t *steps, void *data)                   \
    {                                                                                              \
        (void)data;                                                                                \
        FA_FOR_EACH(fa_runs(dims[0]), FA_MAXOUT_COST(T, dims[1]) * dims[0] * dims[1],              \
                    fa_maxout_backward_run_##T(args, dims, steps, i);)                             \
    }                                                                                              \
    static void fa_gloop_sparsemax_##T(char **args, const ptrdiff_t *dims,                         \
                                       const ptrdiff_t *steps, void *data)                         \
    {                                                                                              \
        (void)data;                                                                                \
        FA_FOR_EACH(dims[0], fa_cost_sparsemax * dims[0] * dims[1],                                \
                    fa_sparsemax_row_##T(fa_make_row(args, steps, i, 2, dims[1]));)                \
    }                                                                                              \
    static void fa_gloop_sparsemax_backward_##T(char **args, const ptrdiff_t *dims,                \
                                                const ptrdiff_t *steps, void *data)                \
    {                                                                                              \
        (void)data;                                                                                \
        FA_FOR_EACH(dims[0], fa_cost_sparsemax * dims[0] * dims[1],                                \
                    fa_sparsemax_backward_row_##T(fa_make_row(args, steps, i, 3, dims[1]));)       \
    }

/* A row for a gufunc whose arguments do not all have the core dimension:
 * bit a of core_args says whether argument a has one (and an inner step). */
static inline fa_row fa_make_core_row(char **args, const ptrdiff_t *steps, ptrdiff_t i, int nargs,
                                      ptrdiff_t n, unsigned core_args)
{
    fa_row r;
    int inner = nargs;
    for (int a = 0; a < nargs; a++) {
        r.ptr[a] = args[a] + i * steps[a];
        r.step[a] = (core_args >> a) & 1u ? steps[inner++] : 0;
    }
    r.n = n;
    return r;
}

FA_GROUP_LOOPS(e)
FA_GROUP_LOOPS(f)
FA_GROUP_LOOPS(d)

#define FA_GUFUNC(NAME, DOC, KIND)                                                                 \
    {#NAME, DOC, "(n),(n)->(n)", 2, 1, "f?f",                                                       \
     {fa_gloop_softmax_e, fa_gloop_softmax_f, fa_gloop_softmax_d}, KIND},                          \
    {#NAME "_backward", #NAME "_backward(grad_out, y, mask): the gradient from the output.",     \
     "(n),(n),(n)->(n)", 3, 1, "ff?f",                                                              \
     {fa_gloop_softmax_backward_e, fa_gloop_softmax_backward_f, fa_gloop_softmax_backward_d},     \
     KIND},

#define FA_SPEC2(NAME, DOC, SIG, NIN, NOUT, TYPES)                                                 \
    {#NAME, DOC, SIG, NIN, NOUT, TYPES, {fa_gloop_##NAME##_e, fa_gloop_##NAME##_f, fa_gloop_##NAME##_d}, 0},

/* The gates' loops are elementwise, generated with the others in fa_loops.c */
#define FA_DECLARE_LOOPS(LOOP)                                                                     \
    void FA_LEVELED(LOOP##_e)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);              \
    void FA_LEVELED(LOOP##_f)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);              \
    void FA_LEVELED(LOOP##_d)(char **, const ptrdiff_t *, const ptrdiff_t *, void *);
#define FA_GATE(NAME, KERNEL, GENERIC)                                                             \
    FA_DECLARE_LOOPS(fa_loop_##NAME##_gate)                                                        \
    FA_DECLARE_LOOPS(fa_loop_##NAME##_gate_backward)                                               \
    FA_DECLARE_LOOPS(fa_loop_##NAME##_gate_rows)                                                   \
    FA_DECLARE_LOOPS(fa_loop_##NAME##_gate_backward_rows)
#include "fa_gates.def"
#undef FA_GATE
#define FA_SPEC_LOOPS(NAME, DOC, SIG, NIN, NOUT, TYPES, LOOP)                                      \
    {#NAME, DOC, SIG, NIN, NOUT, TYPES,                                                            \
     {FA_LEVELED(LOOP##_e), FA_LEVELED(LOOP##_f), FA_LEVELED(LOOP##_d)}, 0},

const fa_gufunc_spec FA_LEVELED(fa_gufunc_specs)[] = {
    FA_GUFUNC(softmax, "softmax(x, mask): exp(x - max) / sum, along the core axis.", FA_SOFTMAX)
    FA_GUFUNC(log_softmax, "log_softmax(x, mask): x - max - log(sum exp(x - max)).",
              FA_LOG_SOFTMAX)
    FA_GUFUNC(softmin, "softmin(x, mask): softmax(-x).", FA_SOFTMIN)
#define FA_GATE(NAME, KERNEL, GENERIC)                                                             \
    FA_SPEC_LOOPS(NAME, #NAME "(a, b): a " #KERNEL "(b), on the two halves of x.", "(),()->()", 2, \
                  1, "fff", fa_loop_##NAME##_gate)                                                 \
    FA_SPEC_LOOPS(NAME##_backward,                                                                 \
                  #NAME "_backward(g, a, b): (g " #KERNEL "(b), g a " #KERNEL "'(b)).",            \
                  "(),(),()->(),()", 3, 2, "fffff", fa_loop_##NAME##_gate_backward)                \
    FA_SPEC_LOOPS(NAME##_rows, #NAME "_rows(a, b): " #NAME " along the core axis (one loop).",    \
                  "(n),(n)->(n)", 2, 1, "fff", fa_loop_##NAME##_gate_rows)                         \
    FA_SPEC_LOOPS(NAME##_rows_backward,                                                            \
                  #NAME "_rows_backward(g, a, b): " #NAME "_backward along the core axis.",        \
                  "(n),(n),(n)->(n),(n)", 3, 2, "fffff", fa_loop_##NAME##_gate_backward_rows)
#include "fa_gates.def"
#undef FA_GATE
    FA_SPEC2(maxout, "maxout(group): the maximum of a group of pieces.", "(p)->()", 1, 1, "ff")
    FA_SPEC2(maxout_backward, "maxout_backward(g, group): g to the first arg-max.",
             "(),(p)->(p)", 2, 1, "fff")
    FA_SPEC2(sparsemax, "sparsemax(x): the Euclidean projection onto the simplex.",
             "(n)->(n)", 1, 1, "ff")
    FA_SPEC2(sparsemax_backward, "sparsemax_backward(g, y): g minus its mean over the support.",
             "(n),(n)->(n)", 2, 1, "fff")
};

const int FA_LEVELED(fa_gufunc_spec_count) =
    (int)(sizeof FA_LEVELED(fa_gufunc_specs) / sizeof FA_LEVELED(fa_gufunc_specs)[0]);
