/*
 * fa_softmax_unmasked.h -- the vectorized row of fa_softmax_unmasked.c.
 *
 * fa_softmax_unmasked_{f,d}(x, x_step, y, y_step, n, log_out, negate) writes
 * softmax (log_softmax if log_out; of -x if negate, softmin) of the n entries
 * x + k x_step into y + k y_step (steps in bytes) and returns 1; or returns 0
 * and writes nothing when an entry is NaN or infinite or a step is not a
 * whole number of elements (the general path takes those rows). Compiled
 * per dispatch level, named with its suffix (FA_LEVELED).
 */
#ifndef FA_SOFTMAX_UNMASKED_H
#define FA_SOFTMAX_UNMASKED_H

#include <stddef.h>

#include "fa_loops.h"

int FA_LEVELED(fa_softmax_unmasked_f)(const char *x, ptrdiff_t x_step, char *y,
                                        ptrdiff_t y_step, ptrdiff_t n, int log_out, int negate);
int FA_LEVELED(fa_softmax_unmasked_d)(const char *x, ptrdiff_t x_step, char *y,
                                        ptrdiff_t y_step, ptrdiff_t n, int log_out, int negate);

#endif /* FA_SOFTMAX_UNMASKED_H */
