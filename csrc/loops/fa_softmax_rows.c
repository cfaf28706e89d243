/*
 * fa_softmax_rows.c -- softmax, log_softmax and softmin of one row, and
 * their backward, vectorized: the float32 and float64 rows (fa_rowwise.c
 * keeps its general path for float16, for rows whose steps are not whole
 * elements, and, forward, for rows with NaN or infinite unmasked entries or
 * none unmasked). Any strides and masks; the loops vectorize best where the
 * arrays are contiguous, the rows of a C-ordered array along its last axis.
 *
 * Compiled like fa_loops.c (setup.py): with the elementwise flags, so that
 * the loops vectorize; once computing in double (float64 rows) and once as
 * fa_softmax_rows_float.c in float (float32 rows).
 *
 * Forward, per row, in three passes with m the maximum unmasked entry:
 *   1. m, and whether every unmasked entry is finite;
 *   2. the terms exp(x - m), with x - m formed exactly (two_sum) and the
 *      term rounded once (fa_mul_exp_dd), summed over the unmasked entries
 *      below m: rest. The entries equal to m contribute their exact 1s as a
 *      count, so 1 + rest keeps the digits of a tiny rest (log_softmax of
 *      the maximum is -log1p(rest)).
 *   3. softmax = term / (1 + rest), as the term times the double reciprocal;
 *      log_softmax = (x - m) - log1p(rest), in double.
 * Backward: the sum over unmasked entries of g y (softmax, softmin) or of g
 * (log_softmax), then softmax gx = y (g - sum), softmin its negative,
 * log_softmax gx = g - exp(y) sum (for float32 rows in double, below: in
 * float, exp(y) would lose the digits where that cancels), with the sum as
 * fa_real hi + lo.
 *
 * Sums are in double (compensated in the double build) over FA_PARTS
 * partial sums, lane j taking the entries j mod FA_PARTS: the order is the
 * same at every dispatch level and thread count and for every layout.
 * Floating-point flags: saved and restored, as in fa_run_elements; on
 * finite input nothing here overflows or is invalid.
 */
#include "fa_loop_util.h"
#include "fa_loops.h"
#include "fa_math.h"
#include "fa_softmax_rows.h"
#include "fa_wide.h"

#define FA_PARTS 16

/* The lane loops below stay loops (GCC would unroll them completely first,
 * and then not vectorize the unrolled block): one vector iteration each. */
#if defined(__GNUC__)
#define FA_LANE_LOOP _Pragma("GCC unroll 1")
#else
#define FA_LANE_LOOP
#endif

#ifdef FA_REAL_FLOAT
#define FA_FORWARD_ROWS FA_LEVELED(fa_softmax_rows_f)
#define FA_BACKWARD_ROWS FA_LEVELED(fa_softmax_backward_rows_f)
#else
#define FA_FORWARD_ROWS FA_LEVELED(fa_softmax_rows_d)
#define FA_BACKWARD_ROWS FA_LEVELED(fa_softmax_backward_rows_d)
#endif

/* One strided array of a row, its step in elements. */
typedef struct {
    const fa_real *at;
    ptrdiff_t step;
} fa_strided;

typedef struct {
    const unsigned char *at;
    ptrdiff_t step;
} fa_mask;

/* Whether entry k is unmasked; `masked` is a constant where inlined. */
#define FA_LIVE(mask, masked, k) (!(masked) || (mask).at[(k) * (mask).step] != 0)

/* The partial sums, hi + lo per lane. */
typedef struct {
    double hi[FA_PARTS], lo[FA_PARTS];
} fa_partials;

/* Add t to lane j: plain in float (2^-53 an add against float's 2^-24),
 * compensated (two_sum into lo) in double. */
FA_INLINE void fa_partials_add(fa_partials *p, int j, double t)
{
#ifdef FA_REAL_FLOAT
    p->hi[j] += t;
#else
    double s = p->hi[j] + t, bb = s - p->hi[j];
    p->lo[j] += (p->hi[j] - (s - bb)) + (t - bb);
    p->hi[j] = s;
#endif
}

/* The lanes' sum, pairwise: a tree of independent adds, in a fixed order
 * (for short rows a running sum's chain of dependent adds was most of a
 * row's time). Its 2^-53 roundings are far below a float's. Each level its
 * own fixed-width loop, so that each is one vector add (a loop over the
 * widths stayed a loop, its levels through memory). */
#if FA_PARTS != 16
#error "fa_partials_pairwise folds 16 partial sums"
#endif
FA_INLINE double fa_partials_pairwise(const fa_partials *p)
{
    double hi8[8], lo8[8], hi4[4], lo4[4], hi2[2], lo2[2];
    for (int j = 0; j < 8; j++)
        hi8[j] = p->hi[j] + p->hi[j + 8], lo8[j] = p->lo[j] + p->lo[j + 8];
    for (int j = 0; j < 4; j++)
        hi4[j] = hi8[j] + hi8[j + 4], lo4[j] = lo8[j] + lo8[j + 4];
    for (int j = 0; j < 2; j++)
        hi2[j] = hi4[j] + hi4[j + 2], lo2[j] = lo4[j] + lo4[j + 2];
    return (hi2[0] + hi2[1]) + (lo2[0] + lo2[1]);
}

/* The lanes' total in a fixed order: pairwise for float rows, compensated
 * (Neumaier) for double ones. */
FA_INLINE double fa_partials_total(const fa_partials *p)
{
#ifdef FA_REAL_FLOAT
    return fa_partials_pairwise(p);
#else
    double s = 0.0, c = 0.0;
    for (int j = 0; j < FA_PARTS; j++) {
        double v = p->hi[j], t = s + v;
        c += (fabs(s) >= fabs(v) ? (s - t) + v : (v - t) + s) + p->lo[j]; /* Neumaier */
        s = t;
    }
    return s + c;
#endif
}

/* Runs LANES on each group of FA_PARTS entries of a row of n, and on the
 * rest at the end, with k0 its first entry, count its entries and live
 * their flags (when masked) as ints. Masked, the flags of a chunk of
 * FA_CHUNK entries are read from the byte mask first, in a loop of their
 * own: read in a lane loop, bytes would set its vectorization factor (a
 * vector holds 32 or 64), which FA_PARTS lanes cannot fill, and it would
 * stay scalar. */
#define FA_CHUNK (16 * FA_PARTS)
#define FA_FOR_LANE_GROUPS(n, mask, masked, LANES)                                                 \
    if (!(masked)) {                                                                               \
        const int *live = NULL;                                                                    \
        ptrdiff_t k0 = 0;                                                                          \
        for (; k0 + FA_PARTS <= (n); k0 += FA_PARTS) {                                             \
            const int count = FA_PARTS;                                                            \
            LANES;                                                                                 \
        }                                                                                          \
        const int count = (int)((n) - k0);                                                         \
        LANES;                                                                                     \
    } else {                                                                                       \
        for (ptrdiff_t chunk0 = 0; chunk0 < (n); chunk0 += FA_CHUNK) {                             \
            const ptrdiff_t chunk_end = (n) - chunk0 > FA_CHUNK ? chunk0 + FA_CHUNK : (n);         \
            int live_chunk[FA_CHUNK];                                                              \
            for (ptrdiff_t k = chunk0; k < chunk_end; k++)                                         \
                live_chunk[k - chunk0] = (mask).at[k * (mask).step] != 0;                          \
            ptrdiff_t k0 = chunk0;                                                                 \
            for (; k0 + FA_PARTS <= chunk_end; k0 += FA_PARTS) {                                   \
                const int count = FA_PARTS, *live = live_chunk + (k0 - chunk0);                    \
                LANES;                                                                             \
            }                                                                                      \
            const int count = (int)(chunk_end - k0), *live = live_chunk + (k0 - chunk0);           \
            LANES;                                                                                 \
        }                                                                                          \
    }

/* ---- forward ------------------------------------------------------------ */

/* Pass 1 on entries [k0, k0 + count), into lane j = k - k0. */
FA_INLINE void fa_max_lanes(fa_strided x, const int *live_at, int masked, ptrdiff_t k0, int count,
                            fa_real sign, fa_real *part_max, int *finite)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        ptrdiff_t k = k0 + j;
        fa_real v = sign * x.at[k * x.step];
        int live = !masked || live_at[j];
        finite[j] &= fa_isfinite(v) | !live;
        part_max[j] = live ? fa_max(part_max[j], v) : part_max[j];
    }
}

/* Pass 2 on entries [k0, k0 + count): the terms (stored for softmax) and
 * their sum below the maximum. */
FA_INLINE void fa_term_lanes(fa_strided x, const int *live_at, int masked, fa_real *y,
                             ptrdiff_t ys, ptrdiff_t k0, int count, fa_real sign, fa_real m,
                             int store, fa_partials *sum, int *ties)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        ptrdiff_t k = k0 + j;
        fa_real v = sign * x.at[k * x.step];
        /* v - m <= 0, or -inf where it overflows (finite v and m): a 0 term */
        fa_real term = fa_mul_exp_dd_nonpos(1.0, fa_two_sum_unchecked(v, -m)); /* rounded once */
        int live = !masked || live_at[j], tie = (v == m) & live;
        if (store)
            y[k * ys] = term;
        ties[j] += tie;
        /* select in fa_real, then widen: GCC vectorizes no select of doubles
         * on a condition from float or byte lanes */
        fa_partials_add(sum, j, (double)(live & !tie ? term : 0.0));
    }
}

/* fa_term_lanes for a y that shares no memory with x or the mask: with
 * restrict, the compiler vectorizes pass 2 as one loop, its sums in
 * registers, instead of checking for overlap every FA_PARTS entries. */
FA_INLINE void fa_term_lanes_disjoint(fa_strided x, const int *live_at, int masked,
                                      fa_real *restrict y, ptrdiff_t ys, ptrdiff_t k0, int count,
                                      fa_real sign, fa_real m, int store, fa_partials *sum,
                                      int *ties)
{
    fa_term_lanes(x, live_at, masked, y, ys, k0, count, sign, m, store, sum, ties);
}

FA_INLINE int fa_softmax_row(fa_strided x, fa_mask mask, int masked, fa_real *y, ptrdiff_t ys,
                             ptrdiff_t n, int log_out, int negate, int disjoint)
{
    const fa_real sign = negate ? -1.0 : 1.0;
    const fa_real fill = log_out ? -INFINITY : 0.0; /* masked entries */

    fa_real part_max[FA_PARTS];
    int finite[FA_PARTS];
    for (int j = 0; j < FA_PARTS; j++)
        part_max[j] = -INFINITY, finite[j] = 1;
    FA_FOR_LANE_GROUPS(n, mask, masked,
                       fa_max_lanes(x, live, masked, k0, count, sign, part_max, finite))
    /* trees, as fa_partials_pairwise (a chain through 16 lanes was a
     * short row's largest cost) */
    for (int width = FA_PARTS / 2; width >= 1; width /= 2)
        for (int j = 0; j < width; j++)
            part_max[j] = fa_max(part_max[j], part_max[j + width]), finite[j] &= finite[j + width];
    const fa_real m = part_max[0];
    if (!finite[0] || m == -INFINITY) /* a NaN or inf, or nothing unmasked */
        return 0;

    fa_partials sum = {{0.0}, {0.0}};
    int ties[FA_PARTS] = {0};
    FA_FOR_LANE_GROUPS(n, mask, masked,
                       if (disjoint) fa_term_lanes_disjoint(x, live, masked, y, ys, k0, count, sign,
                                                            m, !log_out, &sum, ties);
                       else fa_term_lanes(x, live, masked, y, ys, k0, count, sign, m, !log_out,
                                          &sum, ties))
    for (int width = FA_PARTS / 2; width >= 1; width /= 2)
        for (int j = 0; j < width; j++)
            ties[j] += ties[j + width];
    double rest = fa_partials_total(&sum) + (double)(ties[0] - 1);

    if (log_out) {
        double log_total = log1p(rest);
        for (ptrdiff_t k = 0; k < n; k++) {
            fa_real v = sign * x.at[k * x.step];
#ifdef FA_REAL_FLOAT
            fa_real out = (fa_real)(((double)v - (double)m) - log_total); /* v - m exact */
#else
            fa_dd d = fa_two_sum(v, -m);
            fa_real out = (d.hi - log_total) + d.lo;
#endif
            y[k * ys] = FA_LIVE(mask, masked, k) ? out : fill;
        }
    } else {
        double inverse = 1.0 / (1.0 + rest);
        for (ptrdiff_t k = 0; k < n; k++) {
            fa_real out = (fa_real)((double)y[k * ys] * inverse);
            y[k * ys] = FA_LIVE(mask, masked, k) ? out : fill;
        }
    }
    return 1;
}

/* fa_softmax_row with log_out, negate and disjoint constants in each
 * branch: both outputs' formulas would otherwise be computed and one
 * selected, and softmax would multiply by a sign of 1. `disjoint` (y shares
 * no memory with x or the mask) matters only where pass 2 stores. */
#define FA_ROW_OF(LOG_OUT, NEGATE, DISJOINT)                                                       \
    fa_softmax_row(x, mask, masked, y, ys, n, LOG_OUT, NEGATE, DISJOINT)
FA_INLINE int fa_softmax_row_of_kind(fa_strided x, fa_mask mask, int masked, fa_real *y,
                                     ptrdiff_t ys, ptrdiff_t n, int log_out, int negate,
                                     int disjoint)
{
    if (log_out)
        return negate ? FA_ROW_OF(1, 1, 0) : FA_ROW_OF(1, 0, 0);
    if (disjoint)
        return negate ? FA_ROW_OF(0, 1, 1) : FA_ROW_OF(0, 0, 1);
    return negate ? FA_ROW_OF(0, 1, 0) : FA_ROW_OF(0, 0, 0);
}
#undef FA_ROW_OF

/* ---- backward ----------------------------------------------------------- */

FA_INLINE void fa_backward_sum_lanes(fa_strided g, fa_strided y, const int *live_at, int masked,
                                     ptrdiff_t k0, int count, int log_out, fa_partials *sum)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        ptrdiff_t k = k0 + j;
        fa_real gk = g.at[k * g.step], yk = y.at[k * y.step];
        int live = !masked || live_at[j];
        gk = live ? gk : 0.0; /* selects in fa_real, as in fa_term_lanes */
        yk = live ? yk : 0.0;
        if (log_out) {
            fa_partials_add(sum, j, (double)gk);
        } else {
#ifdef FA_REAL_FLOAT
            fa_partials_add(sum, j, (double)gk * (double)yk); /* exact */
#else
            fa_dd p = fa_two_prod(gk, yk);
            fa_partials_add(sum, j, p.hi);
            sum->lo[j] += p.lo;
#endif
        }
    }
}

FA_INLINE void fa_softmax_backward_row(fa_strided g, fa_strided y, fa_mask mask, int masked,
                                       fa_real *gx, ptrdiff_t gxs, ptrdiff_t n, int log_out,
                                       int negate)
{
    fa_partials partials = {{0.0}, {0.0}};
    FA_FOR_LANE_GROUPS(n, mask, masked,
                       fa_backward_sum_lanes(g, y, live, masked, k0, count, log_out, &partials))
    const double sum = fa_partials_total(&partials);
    /* the sum as hi + lo in fa_real (lo = 0 in double): g - sum keeps its
     * digits where g and the sum cancel */
    const fa_real sum_hi = (fa_real)sum, sum_lo = (fa_real)(sum - (double)sum_hi);
    const fa_real sign = negate ? -1.0 : 1.0;
    for (ptrdiff_t k = 0; k < n; k++) {
        fa_real gk = g.at[k * g.step], yk = y.at[k * y.step], out;
        if (log_out) {
            fa_real e = fa_exp(yk);
            out = fa_fma(-e, sum_hi, gk) - e * sum_lo;
        } else {
            out = sign * (yk * ((gk - sum_hi) - sum_lo));
        }
        gx[k * gxs] = FA_LIVE(mask, masked, k) ? out : 0.0;
    }
}

FA_INLINE void fa_softmax_backward_row_of_kind(fa_strided g, fa_strided y, fa_mask mask,
                                               int masked, fa_real *gx, ptrdiff_t gxs,
                                               ptrdiff_t n, int log_out, int negate)
{
    if (log_out)
        fa_softmax_backward_row(g, y, mask, masked, gx, gxs, n, 1, negate);
    else
        fa_softmax_backward_row(g, y, mask, masked, gx, gxs, n, 0, negate);
}

/* ---- entry points: steps in bytes --------------------------------------- */

static int fa_whole_elements(const char *p, ptrdiff_t step)
{
    return step % (ptrdiff_t)sizeof(fa_real) == 0 && (uintptr_t)p % sizeof(fa_real) == 0;
}

/* Whether the byte ranges [a, a + a_len) and [b, b + b_len) are apart. */
static int fa_disjoint(const char *a, ptrdiff_t a_len, const char *b, ptrdiff_t b_len)
{
    return (uintptr_t)a + (uintptr_t)a_len <= (uintptr_t)b ||
           (uintptr_t)b + (uintptr_t)b_len <= (uintptr_t)a;
}

static fa_strided fa_make_strided(const char *p, ptrdiff_t step)
{
    fa_strided s = {(const fa_real *)p, step / (ptrdiff_t)sizeof(fa_real)};
    return s;
}

/* Each entry point runs one of three instances of its row: contiguous
 * arrays without a mask, contiguous arrays and mask, or any steps. The
 * first two have constant steps, and vectorize. A mask with step 0 is one
 * flag for the row: set, the row is unmasked; clear, fully masked (which
 * the forward leaves to the general path). */
FA_INLINE int fa_forward_row_any(const char *x, ptrdiff_t x_step, const char *mask,
                                 ptrdiff_t mask_step, char *y, ptrdiff_t y_step, ptrdiff_t n,
                                 int log_out, int negate)
{
    const ptrdiff_t size = sizeof(fa_real);
    if (!fa_whole_elements(x, x_step) || !fa_whole_elements(y, y_step))
        return 0;
    if (n <= 0)
        return 1;
    if (mask_step == 0 && *mask == 0) /* fully masked */
        return 0;
    const fa_strided contiguous = {(const fa_real *)x, 1};
    const fa_mask no_mask = {NULL, 0}, unit_mask = {(const unsigned char *)mask, 1};
    fa_real *yr = (fa_real *)y;
    int done;
    /* in place (y is x) is common: softmax(x, out=x) */
    const int disjoint = fa_disjoint(y, n * size, x, n * size) &&
                         (mask_step != 1 || fa_disjoint(y, n * size, mask, n));
    if (x_step == size && y_step == size && mask_step == 0)
        done = fa_softmax_row_of_kind(contiguous, no_mask, 0, yr, 1, n, log_out, negate, disjoint);
    else if (x_step == size && y_step == size && mask_step == 1)
        done = fa_softmax_row_of_kind(contiguous, unit_mask, 1, yr, 1, n, log_out, negate,
                                      disjoint);
    else
        done = fa_softmax_row_of_kind(fa_make_strided(x, x_step),
                                      (fa_mask){(const unsigned char *)mask, mask_step},
                                      mask_step != 0, yr, y_step / size, n, log_out, negate, 0);
    return done;
}

/* The body of a block entry point (fa_softmax_rows.h): DONE, an expression of
 * row r that is nonzero if that row was done, for r = 0, 1, ... until one is
 * not; the flags saved once for the block. FA_BLOCK_ROW(a) is array a of row r. */
#define FA_BLOCK_ROW(a) (b->ptr[a] + r * b->outer[a])
#define FA_BLOCK_ROWS(DONE)                                                                        \
    const fa_fp_state state_before = fa_fp_state_save();                                           \
    ptrdiff_t r = 0;                                                                               \
    while (r < b->count && (DONE))                                                                 \
        r++;                                                                                       \
    fa_fp_state_restore(state_before);                                                             \
    return r;

ptrdiff_t FA_FORWARD_ROWS(const fa_row_block *b, int log_out, int negate)
{
    FA_BLOCK_ROWS(fa_forward_row_any(FA_BLOCK_ROW(0), b->step[0], FA_BLOCK_ROW(1), b->step[1],
                                     FA_BLOCK_ROW(2), b->step[2], b->n, log_out, negate))
}

#ifndef FA_REAL_FLOAT
/* ---- float32 log_softmax's backward, in double ------------------------- */

/* gx = g - exp(y) sum g cancels where g ~ exp(y) sum, and exp(y) rounded
 * to float would leave up to hundreds of ULP there: the float32 rows are
 * computed here, in double, and rounded once. */
typedef struct {
    const float *at;
    ptrdiff_t step;
} fa_strided_f32;

FA_INLINE void fa_sum_lanes_f32(fa_strided_f32 g, const int *live_at, int masked, ptrdiff_t k0,
                                int count, fa_partials *sum)
{
    FA_LANE_LOOP
    for (int j = 0; j < count; j++) {
        float gk = g.at[(k0 + j) * g.step];
        /* plain adds: 2^-53 each is far below the float result's ULP */
        sum->hi[j] += (double)(!masked || live_at[j] ? gk : 0.0f);
    }
}

FA_INLINE void fa_log_softmax_backward_row_f32(fa_strided_f32 g, fa_strided_f32 y, fa_mask mask,
                                               int masked, float *gx, ptrdiff_t gxs, ptrdiff_t n)
{
    fa_partials partials = {{0.0}, {0.0}};
    FA_FOR_LANE_GROUPS(n, mask, masked,
                       fa_sum_lanes_f32(g, live, masked, k0, count, &partials))
    const double sum = fa_partials_pairwise(&partials); /* for a float result */
    for (ptrdiff_t k = 0; k < n; k++) {
        double gk = g.at[k * g.step], yk = y.at[k * y.step];
        /* exp within 2^-34 (fa_wide.h): a cancellation by 2^10 still costs
         * less than a float's ULP; y below -708 has exp(y) sum far below g's
         * float ULP */
        double e = fa_wide_exp(yk < -708.0 ? -708.0 : yk);
        float out = (float)fa_fma(-e, sum, gk);
        gx[k * gxs] = FA_LIVE(mask, masked, k) ? out : 0.0f;
    }
}

static int fa_whole_f32(const char *p, ptrdiff_t step)
{
    return step % (ptrdiff_t)sizeof(float) == 0 && (uintptr_t)p % sizeof(float) == 0;
}

FA_INLINE int fa_log_softmax_backward_row_f32_any(const char *g, ptrdiff_t g_step, const char *y,
                                                  ptrdiff_t y_step, const char *mask,
                                                  ptrdiff_t mask_step, char *gx, ptrdiff_t gx_step,
                                                  ptrdiff_t n)
{
    const ptrdiff_t size = sizeof(float);
    if (!fa_whole_f32(g, g_step) || !fa_whole_f32(y, y_step) || !fa_whole_f32(gx, gx_step))
        return 0;
    if (n <= 0)
        return 1;
    const fa_strided_f32 g_contiguous = {(const float *)g, 1}, y_contiguous = {(const float *)y, 1};
    const fa_mask no_mask = {NULL, 0}, unit_mask = {(const unsigned char *)mask, 1};
    const int contiguous = g_step == size && y_step == size && gx_step == size;
    float *out = (float *)gx;
    if (contiguous && mask_step == 0 && *mask != 0)
        fa_log_softmax_backward_row_f32(g_contiguous, y_contiguous, no_mask, 0, out, 1, n);
    else if (contiguous && mask_step == 1)
        fa_log_softmax_backward_row_f32(g_contiguous, y_contiguous, unit_mask, 1, out, 1, n);
    else /* a mask of step 0 here is one clear flag, or applies to strided arrays */
        fa_log_softmax_backward_row_f32(
            (fa_strided_f32){(const float *)g, g_step / size},
            (fa_strided_f32){(const float *)y, y_step / size},
            (fa_mask){(const unsigned char *)mask, mask_step}, 1, out, gx_step / size, n);
    return 1;
}

ptrdiff_t FA_LEVELED(fa_log_softmax_backward_rows_f32)(const fa_row_block *b)
{
    FA_BLOCK_ROWS(fa_log_softmax_backward_row_f32_any(FA_BLOCK_ROW(0), b->step[0], FA_BLOCK_ROW(1),
                                                      b->step[1], FA_BLOCK_ROW(2), b->step[2],
                                                      FA_BLOCK_ROW(3), b->step[3], b->n))
}
#endif

FA_INLINE int fa_backward_row_any(const char *g, ptrdiff_t g_step, const char *y, ptrdiff_t y_step,
                                  const char *mask, ptrdiff_t mask_step, char *gx,
                                  ptrdiff_t gx_step, ptrdiff_t n, int log_out, int negate)
{
    const ptrdiff_t size = sizeof(fa_real);
    if (!fa_whole_elements(g, g_step) || !fa_whole_elements(y, y_step) ||
        !fa_whole_elements(gx, gx_step))
        return 0;
#ifdef FA_REAL_FLOAT
    if (log_out) /* fa_log_softmax_backward_row_f32 */
        return 0;
#endif
    if (n <= 0)
        return 1;
    const fa_strided g_contiguous = {(const fa_real *)g, 1}, y_contiguous = {(const fa_real *)y, 1};
    const fa_mask no_mask = {NULL, 0}, unit_mask = {(const unsigned char *)mask, 1};
    const int contiguous = g_step == size && y_step == size && gx_step == size;
    fa_real *out = (fa_real *)gx;
    if (contiguous && mask_step == 0 && *mask != 0)
        fa_softmax_backward_row_of_kind(g_contiguous, y_contiguous, no_mask, 0, out, 1, n, log_out,
                                        negate);
    else if (contiguous && mask_step == 1)
        fa_softmax_backward_row_of_kind(g_contiguous, y_contiguous, unit_mask, 1, out, 1, n,
                                        log_out, negate);
    else /* a mask of step 0 here is one clear flag, or applies to strided arrays */
        fa_softmax_backward_row_of_kind(fa_make_strided(g, g_step), fa_make_strided(y, y_step),
                                        (fa_mask){(const unsigned char *)mask, mask_step}, 1, out,
                                        gx_step / size, n, log_out, negate);
    return 1;
}

ptrdiff_t FA_BACKWARD_ROWS(const fa_row_block *b, int log_out, int negate)
{
    FA_BLOCK_ROWS(fa_backward_row_any(FA_BLOCK_ROW(0), b->step[0], FA_BLOCK_ROW(1), b->step[1],
                                      FA_BLOCK_ROW(2), b->step[2], FA_BLOCK_ROW(3), b->step[3],
                                      b->n, log_out, negate))
}
