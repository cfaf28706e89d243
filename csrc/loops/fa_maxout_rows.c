/*
 * fa_maxout_rows.c -- maxout and its backward on a run of groups, vectorized
 * across the groups (the pieces at any whole-element step): each piece k is
 * compared, for every group of a run at once, with the maximum so far
 * (v > m: the first maximum wins, as in fa_rowwise.c's general path).
 * Groups of up to FA_MAXOUT_MAX_PIECES pieces (maxout's usual 2 to 5 and
 * well beyond); longer groups, float16, and a run holding a NaN are left
 * to the general path (each function returns 0 there, having written
 * nothing).
 *
 * Compiled like fa_loops.c (setup.py): with the elementwise flags, once in
 * double (float64 groups) and once as fa_maxout_rows_float.c in float
 * (float32 groups). The floating-point flags are saved and restored: the
 * comparisons raise nothing a caller sees.
 */
#include "fa_loop_util.h"
#include "fa_loops.h"
#include "fa_maxout_rows.h"

#ifdef FA_REAL_FLOAT
#define FA_MAXOUT_GROUPS FA_LEVELED(fa_maxout_groups_f)
#define FA_MAXOUT_BACKWARD_GROUPS FA_LEVELED(fa_maxout_backward_groups_f)
#else
#define FA_MAXOUT_GROUPS FA_LEVELED(fa_maxout_groups_d)
#define FA_MAXOUT_BACKWARD_GROUPS FA_LEVELED(fa_maxout_backward_groups_d)
#endif

/* Whether a run of n groups of p pieces, with these byte steps, is one of ours. */
static int fa_maxout_fits(ptrdiff_t n, ptrdiff_t p, const ptrdiff_t *byte_steps, int count)
{
    if (n > FA_MAXOUT_RUN || p < 1 || p > FA_MAXOUT_MAX_PIECES)
        return 0;
    for (int k = 0; k < count; k++)
        if (byte_steps[k] % (ptrdiff_t)sizeof(fa_real) != 0)
            return 0;
    return 1;
}

/* The maximum of each of the n groups at x + i x_group (p pieces, x_piece
 * apart), its first arg-max in arg; returns whether a piece was NaN. The
 * comparisons' flags are dropped. */
static int fa_group_max(const fa_real *restrict x, ptrdiff_t x_group, ptrdiff_t x_piece,
                        ptrdiff_t n, ptrdiff_t p, fa_real *restrict m, fa_int *restrict arg)
{
    const fa_fp_state state_before = fa_fp_state_save();
    fa_uint nan = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        fa_real v = x[i * x_group];
        m[i] = v;
        arg[i] = 0;
        nan |= v != v;
    }
    for (ptrdiff_t k = 1; k < p; k++)
        for (ptrdiff_t i = 0; i < n; i++) {
            fa_real v = x[i * x_group + k * x_piece];
            int above = v > m[i];
            m[i] = above ? v : m[i];
            arg[i] = above ? (fa_int)k : arg[i];
            nan |= v != v;
        }
    fa_fp_state_restore(state_before);
    return nan != 0;
}

int FA_MAXOUT_GROUPS(const char *x, ptrdiff_t x_group_step, ptrdiff_t x_piece_step, char *y,
                     ptrdiff_t y_step, ptrdiff_t n, ptrdiff_t p)
{
    const ptrdiff_t size = sizeof(fa_real), steps[3] = {x_group_step, x_piece_step, y_step};
    fa_real m[FA_MAXOUT_RUN];
    fa_int arg[FA_MAXOUT_RUN];
    if (!fa_maxout_fits(n, p, steps, 3) ||
        fa_group_max((const fa_real *)x, x_group_step / size, x_piece_step / size, n, p, m, arg))
        return 0;
    fa_real *out = (fa_real *)y;
    for (ptrdiff_t i = 0; i < n; i++)
        out[i * (y_step / size)] = m[i];
    return 1;
}

int FA_MAXOUT_BACKWARD_GROUPS(const char *g, ptrdiff_t g_step, const char *x,
                              ptrdiff_t x_group_step, ptrdiff_t x_piece_step, char *gx,
                              ptrdiff_t gx_group_step, ptrdiff_t gx_piece_step, ptrdiff_t n,
                              ptrdiff_t p)
{
    const ptrdiff_t size = sizeof(fa_real);
    const ptrdiff_t steps[5] = {g_step, x_group_step, x_piece_step, gx_group_step, gx_piece_step};
    fa_real m[FA_MAXOUT_RUN];
    fa_int arg[FA_MAXOUT_RUN];
    if (!fa_maxout_fits(n, p, steps, 5) ||
        fa_group_max((const fa_real *)x, x_group_step / size, x_piece_step / size, n, p, m, arg))
        return 0;
    /* zeros, then g at each group's arg-max */
    const fa_real *gr = (const fa_real *)g;
    fa_real *out = (fa_real *)gx;
    const ptrdiff_t out_group = gx_group_step / size, out_piece = gx_piece_step / size;
    if (out_piece == 1 && out_group == p) { /* the run's groups back to back: one fill */
        for (ptrdiff_t j = 0; j < n * p; j++)
            out[j] = 0.0;
    } else {
        for (ptrdiff_t k = 0; k < p; k++)
            for (ptrdiff_t i = 0; i < n; i++)
                out[i * out_group + k * out_piece] = 0.0;
    }
    for (ptrdiff_t i = 0; i < n; i++)
        out[i * out_group + arg[i] * out_piece] = gr[i * (g_step / size)];
    return 1;
}
