/*
 * fa_loop_util.h -- what every loop file shares: loading and storing each
 * dtype as the computing type fa_real (fa_real.h), and running an index
 * range on the OpenMP team.
 */
#ifndef FA_LOOP_UTIL_H
#define FA_LOOP_UTIL_H

#include <fenv.h>
#include <float.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "fa_half.h"
#include "fa_parallel.h"
#include "fa_real.h"

/* float16 loads are exact. (The elementwise float16 loops convert a block
 * at a time instead: fa_vec.h.) */
#define FA_LOAD_e(ptr) ((fa_real)fa_half_to_double(*(const uint16_t *)(ptr)))
#define FA_LOAD_f(ptr) ((fa_real)*(const float *)(ptr))
#define FA_LOAD_d(ptr) ((fa_real)*(const double *)(ptr))
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

/* Stores for the elementwise loops: each returns the stored value as an
 * fa_real, for the overflow check. */
static inline fa_real fa_store_f(char *ptr, fa_real v)
{
    float f = (float)v;
    *(float *)ptr = f;
    return (fa_real)f;
}
static inline fa_real fa_store_d(char *ptr, fa_real v)
{
    *(double *)ptr = (double)v;
    return v;
}

/* Non-temporal (streaming) stores for large outputs: an ordinary store
 * first reads the line it writes into the cache (and later writes it back),
 * which for an output that cannot stay in the cache only costs bandwidth.
 * The elementwise loops then compute each block into a buffer in L1 and
 * stream it out (fa_stream_store), which costs a load and a store per
 * vector: worth it for loops bound by memory, not for those bound by their
 * arithmetic. So the loops whose cost (fa_costs.h) is at most
 * FA_STREAM_MAX_COST stream, when their call moves more than
 * FA_STREAM_MIN_BYTES (twice the 32 MB L3 of the machine fa_costs.h was
 * measured on). Measured there, 16M float32 elements, streamed against not
 * (same process, alternating): relu 0.76-0.78x, relu value_and_grad 0.76x
 * (1 thread) and 0.84x (2), its backward 0.91-1.08x; sigmoid (cost 3)
 * 1.06-1.22x, so it keeps ordinary stores; at 4M elements (48 MB moved by
 * value_and_grad) streaming lost up to 1.3x. The values are the same. */
#define FA_STREAM_MIN_BYTES ((ptrdiff_t)64 << 20)
#define FA_STREAM_MAX_COST 1
#if defined(__GNUC__)
#define FA_ALIGNED_64 __attribute__((aligned(64)))
#else
#define FA_ALIGNED_64
#endif
#if defined(__SSE2__)
#include <immintrin.h>
/* Whether a thread's share of n elements, `moved` bytes read and written
 * per element, streams: its team's call moves more than FA_STREAM_MIN_BYTES. */
static inline int fa_stream_share(ptrdiff_t n, ptrdiff_t moved)
{
    const ptrdiff_t share = n * moved;
    return share > FA_STREAM_MIN_BYTES / 64 && share * fa_team_size() > FA_STREAM_MIN_BYTES;
}
/* Elements of `size` bytes from p to the next 64-byte line (0 if p is on one). */
static inline ptrdiff_t fa_elements_to_line(const char *p, ptrdiff_t size)
{
    return (ptrdiff_t)(-(uintptr_t)p & 63u) / size;
}
/* dst[0, nbytes) = src[0, nbytes): the whole 64-byte lines of dst with
 * non-temporal stores, the partial lines at either end with ordinary ones. */
static inline void fa_stream_store(char *dst, const char *src, size_t nbytes)
{
    size_t head = (size_t)fa_elements_to_line(dst, 1), at;
    head = head < nbytes ? head : nbytes;
    memcpy(dst, src, head);
    for (at = head; at + 64 <= nbytes; at += 64) {
#if defined(__AVX512F__)
        _mm512_stream_si512((void *)(dst + at), _mm512_loadu_si512((const void *)(src + at)));
#elif defined(__AVX__)
        for (int part = 0; part < 64; part += 32)
            _mm256_stream_si256((__m256i *)(dst + at + part),
                                _mm256_loadu_si256((const __m256i *)(src + at + part)));
#else
        for (int part = 0; part < 64; part += 16)
            _mm_stream_si128((__m128i *)(dst + at + part),
                             _mm_loadu_si128((const __m128i *)(src + at + part)));
#endif
    }
    memcpy(dst + at, src + at, nbytes - at);
}
/* Orders the streamed stores before the thread reports its share done. */
static inline void fa_stream_fence(void) { _mm_sfence(); }
#else
static inline int fa_stream_share(ptrdiff_t n, ptrdiff_t moved)
{
    return (void)n, (void)moved, 0;
}
static inline void fa_stream_store(char *dst, const char *src, size_t nbytes)
{
    memcpy(dst, src, nbytes);
}
static inline void fa_stream_fence(void) {}
static inline ptrdiff_t fa_elements_to_line(const char *p, ptrdiff_t size)
{
    return (void)p, (void)size, 0;
}
#endif

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
 * loops, fa_run_elements for the vectorized elementwise loops. Both make
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

/* fa_run_elements (code compiled with -fno-trapping-math, so that the
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

/* The elementwise loops' bodies are range functions: the elements [begin,
 * end) of one call, returning whether any of them overflowed. Each is its
 * own function, run on the calling thread or on every thread of the team
 * for one contiguous share: so GCC vectorizes it once, as a loop of its own
 * (inlined into the caller's branches it did not always). */
typedef int (*fa_range_fn)(char *const *restrict args, const ptrdiff_t *steps, ptrdiff_t begin,
                           ptrdiff_t end);

/* Thread t of nt takes [n t / nt, n (t + 1) / nt), its ends rounded down to
 * 16 elements so that no two threads write one cache line of a contiguous
 * output; the values do not depend on the split. */
static inline ptrdiff_t fa_share_start(ptrdiff_t n, int t, int nt)
{
    if (t >= nt)
        return n;
    ptrdiff_t start = (ptrdiff_t)((double)n * t / nt);
    return start - start % 16;
}

static int fa_run_range(fa_range_fn range, char **args, const ptrdiff_t *steps, ptrdiff_t n,
                        ptrdiff_t cost)
{
    int overflow = 0;
#ifdef _OPENMP
    const int nt = fa_threads_for(cost);
    if (nt > 1) {
        FA_PRAGMA(omp parallel num_threads(nt) reduction(| : overflow))
        {
            int t = omp_get_thread_num(), team = omp_get_num_threads();
            overflow |= range(args, steps, fa_share_start(n, t, team),
                              fa_share_start(n, t + 1, team));
        }
        return overflow;
    }
#else
    (void)cost;
#endif
    return range(args, steps, 0, n);
}

/* Run a range function over all n elements, computing the overflow flag
 * and leaving the caller's other flags as they were. */
static inline void fa_run_elements(fa_range_fn range, char **args, const ptrdiff_t *steps,
                                   ptrdiff_t n, ptrdiff_t cost)
{
    const fa_fp_state state_before = fa_fp_state_save();
    int overflow = fa_run_range(range, args, steps, n, cost);
    fa_fp_state_restore(state_before);
    if (overflow)
        feraiseexcept(FE_OVERFLOW | FE_INEXACT);
}

#endif /* FA_LOOP_UTIL_H */
