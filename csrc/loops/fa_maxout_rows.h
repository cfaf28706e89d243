/*
 * fa_maxout_rows.h -- the vectorized maxout of fa_maxout_rows.c.
 *
 * Steps are in bytes; T is f (float32) or d (float64); each function is
 * compiled per dispatch level (FA_LEVELED). A run is at most FA_MAXOUT_RUN
 * groups of p pieces.
 *
 * fa_maxout_groups_T(x, x_group_step, x_piece_step, y, y_step, n, p) writes
 *   the maximum of each group into y and returns 1; or returns 0, having
 *   written nothing, for the general path (fa_rowwise.c): p above
 *   FA_MAXOUT_MAX_PIECES, a step not whole elements, or a NaN in the run.
 * fa_maxout_backward_groups_T(g, g_step, x, x_group_step, x_piece_step, gx,
 *   gx_group_step, gx_piece_step, n, p) writes g to the first arg-max of
 *   each group, 0 to the other pieces, and returns 1; or returns 0 as above.
 */
#ifndef FA_MAXOUT_ROWS_H
#define FA_MAXOUT_ROWS_H

#include <stddef.h>

#include "fa_loops.h"

#define FA_MAXOUT_RUN 256
#define FA_MAXOUT_MAX_PIECES 64

#define FA_MAXOUT_DECLARATIONS(T)                                                                  \
    int FA_LEVELED(fa_maxout_groups_##T)(const char *x, ptrdiff_t x_group_step,                    \
                                         ptrdiff_t x_piece_step, char *y, ptrdiff_t y_step,        \
                                         ptrdiff_t n, ptrdiff_t p);                                \
    int FA_LEVELED(fa_maxout_backward_groups_##T)(                                                 \
        const char *g, ptrdiff_t g_step, const char *x, ptrdiff_t x_group_step,                    \
        ptrdiff_t x_piece_step, char *gx, ptrdiff_t gx_group_step, ptrdiff_t gx_piece_step,        \
        ptrdiff_t n, ptrdiff_t p);
FA_MAXOUT_DECLARATIONS(f)
FA_MAXOUT_DECLARATIONS(d)
#undef FA_MAXOUT_DECLARATIONS

#endif /* FA_MAXOUT_ROWS_H */
