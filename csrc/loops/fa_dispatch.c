/*
 * fa_dispatch.c -- the table of compiled levels and the CPU check.
 *
 * Compiled with the baseline flags only: it must run on any x86-64 CPU to
 * tell whether the others can. setup.py defines FA_HAVE_BASELINE,
 * FA_HAVE_AVX2 and FA_HAVE_AVX512 for the levels it compiled (all that the
 * compiler can build, unless FASTACT_LEVELS chose some).
 */
#include <string.h>

#include "fa_dispatch.h"

#define FA_DECLARE_LEVEL(level)                                                                    \
    extern const fa_ufunc_spec fa_ufunc_specs_##level[];                                           \
    extern const int fa_ufunc_spec_count_##level;                                                  \
    extern const fa_gufunc_spec fa_gufunc_specs_##level[];                                         \
    extern const int fa_gufunc_spec_count_##level;
#define FA_LEVEL_ENTRY(level, needs)                                                               \
    {#level, needs, fa_ufunc_specs_##level, 0, fa_gufunc_specs_##level, 0},

#ifdef FA_HAVE_BASELINE
FA_DECLARE_LEVEL(baseline)
#endif
#ifdef FA_HAVE_AVX2
FA_DECLARE_LEVEL(avx2)
#endif
#ifdef FA_HAVE_AVX512
FA_DECLARE_LEVEL(avx512)
#endif

static fa_level fa_levels[] = {
#ifdef FA_HAVE_BASELINE
    FA_LEVEL_ENTRY(baseline, "the compiler's default target")
#endif
#ifdef FA_HAVE_AVX2
    FA_LEVEL_ENTRY(avx2, "AVX2, FMA, F16C")
#endif
#ifdef FA_HAVE_AVX512
    FA_LEVEL_ENTRY(avx512, "AVX-512 F/DQ/BW/VL, AVX2, FMA")
#endif
};

const fa_level *fa_compiled_levels(int *count)
{
    /* the counts are not constant expressions in this file: fill them here */
    int k = 0;
#ifdef FA_HAVE_BASELINE
    fa_levels[k].n_ufuncs = fa_ufunc_spec_count_baseline;
    fa_levels[k++].n_gufuncs = fa_gufunc_spec_count_baseline;
#endif
#ifdef FA_HAVE_AVX2
    fa_levels[k].n_ufuncs = fa_ufunc_spec_count_avx2;
    fa_levels[k++].n_gufuncs = fa_gufunc_spec_count_avx2;
#endif
#ifdef FA_HAVE_AVX512
    fa_levels[k].n_ufuncs = fa_ufunc_spec_count_avx512;
    fa_levels[k++].n_gufuncs = fa_gufunc_spec_count_avx512;
#endif
    *count = k;
    return fa_levels;
}

int fa_cpu_supports(const char *level)
{
    if (strcmp(level, "baseline") == 0)
        return 1;
#if (defined(__x86_64__) || defined(__i386__)) && defined(__GNUC__)
    /* libgcc's checks include the OS's XSAVE support for the wider registers */
    __builtin_cpu_init();
    if (strcmp(level, "avx2") == 0)
        return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma") &&
               __builtin_cpu_supports("f16c");
    if (strcmp(level, "avx512") == 0)
        return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
               __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vl") &&
               __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
    return 0;
}
