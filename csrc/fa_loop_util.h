/*
 * fa_loop_util.h -- what every loop file shares: loading and storing each
 * dtype as double, and running an index range on the OpenMP team.
 */
#ifndef FA_LOOP_UTIL_H
#define FA_LOOP_UTIL_H

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>

#include "fa_half.h"
#include "fa_parallel.h"

/* The conversion itself raises no flag; a finite value that rounds to an
 * infinite half overflows, as float32 and NumPy's float16 arithmetic report. */
static inline uint16_t fa_half_store(double v)
{
    uint16_t h = fa_half_from_double(v);
    if ((h & 0x7fffu) == 0x7c00u && isfinite(v)) {
        volatile double big = DBL_MAX;
        big = big * 2.0;
    }
    return h;
}

#define FA_LOAD_e(ptr) fa_half_to_double(*(const uint16_t *)(ptr))
#define FA_LOAD_f(ptr) ((double)*(const float *)(ptr))
#define FA_LOAD_d(ptr) (*(const double *)(ptr))
#define FA_STORE_e(ptr, v) (*(uint16_t *)(ptr) = fa_half_store(v))
#define FA_STORE_f(ptr, v) (*(float *)(ptr) = (float)(v))
#define FA_STORE_d(ptr, v) (*(double *)(ptr) = (v))

/* Run BODY for i in [0, n). When the work (cost, in elements) is above the
 * size threshold, OpenMP threads split the range statically. Floating-point flags are per thread and NumPy reads
 * only the calling thread's, so the workers' flags (overflow, invalid, ...)
 * are gathered and raised on the caller: warnings do not depend on the
 * thread count any more than results do. */
#define FA_FP_FLAGS (FE_OVERFLOW | FE_INVALID | FE_DIVBYZERO | FE_UNDERFLOW)
#ifdef _OPENMP
#include <omp.h>
#define FA_PRAGMA(text) _Pragma(#text)
#define FA_FOR_EACH(n, cost, BODY)                                                                       \
    const int nt = fa_threads_for(cost);                                                              \
    if (nt > 1) {                                                                                  \
        int flags = 0;                                                                             \
        FA_PRAGMA(omp parallel num_threads(nt) reduction(| : flags))                               \
        {                                                                                          \
            int worker = omp_get_thread_num() != 0;                                                \
            if (worker)                                                                            \
                feclearexcept(FA_FP_FLAGS);                                                        \
            FA_PRAGMA(omp for schedule(static))                                                    \
            for (ptrdiff_t i = 0; i < n; i++) {                                                    \
                BODY                                                                               \
            }                                                                                      \
            if (worker)                                                                            \
                flags |= fetestexcept(FA_FP_FLAGS);                                                \
        }                                                                                          \
        if (flags)                                                                                 \
            feraiseexcept(flags);                                                                  \
    } else {                                                                                       \
        for (ptrdiff_t i = 0; i < n; i++) {                                                        \
            BODY                                                                                   \
        }                                                                                          \
    }
#else
#define FA_FOR_EACH(n, cost, BODY)                                                                       \
    for (ptrdiff_t i = 0; i < n; i++) {                                                            \
        BODY                                                                                       \
    }
#endif

#endif /* FA_LOOP_UTIL_H */
