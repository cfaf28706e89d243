/*
 * fa_softmax_rows.h -- the vectorized rows of fa_softmax_rows.c.
 *
 * Each function is compiled per dispatch level, named with its suffix
 * (FA_LEVELED); T is f (float32) or d (float64). Each takes a block of rows
 * (fa_row_block: the first row's arrays, the bytes from one row to the next
 * and from one entry to the next) and does its rows in order until one it
 * cannot do, returning how many it did; that row is for the general path of
 * fa_rowwise.c, which then calls again from the next. Per row:
 *
 * fa_softmax_rows_T(b, log_out, negate), arrays (x, mask, y): softmax of
 *   the n entries of x (log_softmax if log_out; of -x if negate: softmin)
 *   into y, masked entries as 0 (-inf). Not done (nothing written): an
 *   unmasked entry is NaN or infinite, none is unmasked, or a step is not a
 *   whole number of elements.
 * fa_softmax_backward_rows_T(b, log_out, negate), arrays (g, y, mask, gx):
 *   the gradient from the output. Not done: a step is not whole elements,
 *   and float32 log_softmax, which needs exp(y) in double where
 *   g - exp(y) sum cancels:
 * fa_log_softmax_backward_rows_f32(b) is that one, float32 arrays computed
 *   in double (compiled in the double build).
 */
#ifndef FA_SOFTMAX_ROWS_H
#define FA_SOFTMAX_ROWS_H

#include <stddef.h>

#include "fa_loops.h"

typedef struct {
    char *ptr[4];       /* the first row's arrays */
    ptrdiff_t outer[4]; /* bytes from a row to the next, per array */
    ptrdiff_t step[4];  /* bytes from an entry to the next, per array */
    ptrdiff_t n;        /* entries per row */
    ptrdiff_t count;    /* rows */
} fa_row_block;

#define FA_SOFTMAX_ROWS_DECLARATIONS(T)                                                            \
    ptrdiff_t FA_LEVELED(fa_softmax_rows_##T)(const fa_row_block *b, int log_out, int negate);     \
    ptrdiff_t FA_LEVELED(fa_softmax_backward_rows_##T)(const fa_row_block *b, int log_out,         \
                                                       int negate);
FA_SOFTMAX_ROWS_DECLARATIONS(f)
FA_SOFTMAX_ROWS_DECLARATIONS(d)
#undef FA_SOFTMAX_ROWS_DECLARATIONS
ptrdiff_t FA_LEVELED(fa_log_softmax_backward_rows_f32)(const fa_row_block *b);

#endif /* FA_SOFTMAX_ROWS_H */
