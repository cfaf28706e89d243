/*
 * fa_softmax_rows.h -- the vectorized rows of fa_softmax_rows.c.
 *
 * Steps are in bytes; T is f (float32) or d (float64), and each function is
 * compiled per dispatch level, named with its suffix (FA_LEVELED).
 *
 * fa_softmax_row_T(x, x_step, mask, mask_step, y, y_step, n, log_out, negate)
 *   writes softmax of the n entries of x (log_softmax if log_out; of -x if
 *   negate: softmin) into y, masked entries as 0 (-inf), and returns 1; or
 *   returns 0 having written nothing, for the general path of fa_rowwise.c:
 *   an unmasked entry is NaN or infinite, none is unmasked, or a step is not
 *   a whole number of elements.
 * fa_softmax_backward_row_T(g, g_step, y, y_step, mask, mask_step, gx,
 *   gx_step, n, log_out, negate) writes the gradient from the output and
 *   returns 1; or returns 0 (nothing written) when a step is not whole
 *   elements, and for float32 log_softmax, which needs exp(y) in double
 *   where g - exp(y) sum cancels:
 * fa_log_softmax_backward_row_f32(g, g_step, y, y_step, mask, mask_step, gx,
 *   gx_step, n) is that one, float32 arrays computed in double (compiled in
 *   the double build); the same returns.
 */
#ifndef FA_SOFTMAX_ROWS_H
#define FA_SOFTMAX_ROWS_H

#include <stddef.h>

#include "fa_loops.h"

#define FA_SOFTMAX_ROW_DECLARATIONS(T)                                                       \
    int FA_LEVELED(fa_softmax_row_##T)(const char *x, ptrdiff_t x_step, const char *mask,          \
                                       ptrdiff_t mask_step, char *y, ptrdiff_t y_step,             \
                                       ptrdiff_t n, int log_out, int negate);                      \
    int FA_LEVELED(fa_softmax_backward_row_##T)(const char *g, ptrdiff_t g_step, const char *y,    \
                                                ptrdiff_t y_step, const char *mask,                \
                                                ptrdiff_t mask_step, char *gx, ptrdiff_t gx_step,  \
                                                ptrdiff_t n, int log_out, int negate);
FA_SOFTMAX_ROW_DECLARATIONS(f)
FA_SOFTMAX_ROW_DECLARATIONS(d)
#undef FA_SOFTMAX_ROW_DECLARATIONS
int FA_LEVELED(fa_log_softmax_backward_row_f32)(const char *g, ptrdiff_t g_step, const char *y,
                                                ptrdiff_t y_step, const char *mask,
                                                ptrdiff_t mask_step, char *gx, ptrdiff_t gx_step,
                                                ptrdiff_t n);

#endif /* FA_SOFTMAX_ROWS_H */
