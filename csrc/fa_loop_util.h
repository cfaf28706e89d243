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

#define FA_LOAD_e(ptr) fa_half_to_double(*(const uint16_t *)(ptr))
#define FA_LOAD_f(ptr) ((double)*(const float *)(ptr))
#define FA_LOAD_d(ptr) (*(const double *)(ptr))
/* The row-wise loops' stores: the float16 one raises overflow by hand (the
 * bit conversion raises no flag), as float32 conversion does by itself. */
static inline uint16_t fa_half_store(double v)
{
    uint16_t h = fa_half_from_double(v);
    if ((h & 0x7fffu) == 0x7c00u && isfinite(v)) {
        volatile double big = DBL_MAX;
        big = big * 2.0;
    }
    return h;
}
#define FA_STORE_e(ptr, v) (*(uint16_t *)(ptr) = fa_half_store(v))
#define FA_STORE_f(ptr, v) (*(float *)(ptr) = (float)(v))
#define FA_STORE_d(ptr, v) (*(double *)(ptr) = (v))

/* Stores for the elementwise loops: each returns the stored value as a
 * double (float16: only whether it is infinite), for the overflow check. */
static inline double fa_store_e(char *ptr, double v)
{
    uint16_t h = fa_half_from_double(v);
    *(uint16_t *)ptr = h;
    return (h & 0x7fffu) == 0x7c00u ? INFINITY : 0.0;
}
static inline double fa_store_f(char *ptr, double v)
{
    float f = (float)v;
    *(float *)ptr = f;
    return (double)f;
}
static inline double fa_store_d(char *ptr, double v)
{
    *(double *)ptr = v;
    return v;
}

#define FA_SERIAL_LOOP(n, ...) /* the body may hold commas */                                     \
    for (ptrdiff_t i = 0; i < n; i++) {                                                            \
        __VA_ARGS__                                                                                \
    }

#ifdef _OPENMP
#include <omp.h>
#define FA_PRAGMA(text) _Pragma(#text)
#endif

/* Run BODY for i in [0, n), on OpenMP threads splitting the range statically
 * when the work (cost) is above the threshold: FA_FOR_EACH for the row-wise
 * loops, FA_FOR_EACH_ELEMENT for the vectorized elementwise loops. Both make
 * the floating-point flags NumPy reads (the calling thread's) independent of
 * the thread count, in different ways.
 *
 * FA_FOR_EACH (code compiled with trapping math): the hardware flags are
 * right, so the workers' flags are gathered and raised on the caller. */
#define FA_FP_FLAGS (FE_OVERFLOW | FE_INVALID | FE_DIVBYZERO | FE_UNDERFLOW)
#ifdef _OPENMP
#define FA_FOR_EACH(n, cost, ...)                                                                  \
    {                                                                                              \
        const int nt = fa_threads_for(cost);                                                       \
        if (nt > 1) {                                                                              \
            int flags = 0;                                                                         \
            FA_PRAGMA(omp parallel num_threads(nt) reduction(| : flags))                           \
            {                                                                                      \
                int worker = omp_get_thread_num() != 0;                                            \
                if (worker)                                                                        \
                    feclearexcept(FA_FP_FLAGS);                                                    \
                FA_PRAGMA(omp for schedule(static))                                                \
                FA_SERIAL_LOOP(n, __VA_ARGS__)                                                     \
                if (worker)                                                                        \
                    flags |= fetestexcept(FA_FP_FLAGS);                                            \
            }                                                                                      \
            if (flags)                                                                             \
                feraiseexcept(flags);                                                              \
        } else {                                                                                   \
            FA_SERIAL_LOOP(n, __VA_ARGS__)                                                         \
        }                                                                                          \
    }
#else
#define FA_FOR_EACH(n, cost, ...) FA_SERIAL_LOOP(n, __VA_ARGS__)
#endif

/* FA_FOR_EACH_ELEMENT (code compiled with -fno-trapping-math, so that the
 * vectorizer may evaluate both sides of every select): the hardware flags
 * are not meaningful, since a lane whose result is discarded may overflow or
 * compare a NaN. So the loop restores the flags it found, and BODY computes
 * the one flag the elementwise kernels can earn: it ORs into `overflow` when
 * a finite input gave an infinite result. The kernels make NaN only from NaN
 * (invalid) and have no poles (divide); underflow is not reported. */
/* Saving and restoring the flags: on x86-64 the kernels' arithmetic is all
 * SSE, so the MXCSR register holds every flag they can raise, and reading
 * and writing it costs a few cycles (fegetexceptflag/fesetexceptflag also
 * go through the x87 environment, ~100 ns a call). */
#if defined(__x86_64__) && defined(__SSE2__)
#include <xmmintrin.h>
typedef unsigned int fa_fp_state;
static inline fa_fp_state fa_fp_state_save(void) { return _mm_getcsr(); }
static inline void fa_fp_state_restore(fa_fp_state s) { _mm_setcsr(s); }
#else
typedef fexcept_t fa_fp_state;
static inline fa_fp_state fa_fp_state_save(void)
{
    fexcept_t s;
    fegetexceptflag(&s, FE_ALL_EXCEPT);
    return s;
}
static inline void fa_fp_state_restore(fa_fp_state s) { fesetexceptflag(&s, FE_ALL_EXCEPT); }
#endif

#ifdef _OPENMP
#define FA_ELEMENT_THREADS(n, cost, ...)                                                           \
    const int nt = fa_threads_for(cost);                                                           \
    if (nt > 1) {                                                                                  \
        FA_PRAGMA(omp parallel for num_threads(nt) schedule(static) reduction(| : overflow))       \
        FA_SERIAL_LOOP(n, __VA_ARGS__)                                                             \
    } else {                                                                                       \
        FA_SERIAL_LOOP(n, __VA_ARGS__)                                                             \
    }
#else
#define FA_ELEMENT_THREADS(n, cost, ...) FA_SERIAL_LOOP(n, __VA_ARGS__)
#endif
#define FA_FOR_EACH_ELEMENT(n, cost, ...)                                                          \
    {                                                                                              \
        const fa_fp_state state_before = fa_fp_state_save();                                      \
        int overflow = 0;                                                                          \
        FA_ELEMENT_THREADS(n, cost, __VA_ARGS__)                                                   \
        fa_fp_state_restore(state_before);                                                         \
        if (overflow)                                                                              \
            feraiseexcept(FE_OVERFLOW | FE_INEXACT);                                               \
    }

#endif /* FA_LOOP_UTIL_H */
