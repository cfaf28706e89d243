/*
 * fa_vec.h -- the vector primitives of the float16 loops, per dispatch level:
 * a block of float16 widened to float, and a block of float rounded to
 * float16, by the hardware's conversions where the level has them (the
 * AVX-512F forms at avx512, F16C at avx2) and by fa_half.h's branch-free
 * forms at the baseline.
 *
 * Both give fa_half.h's values bitwise: widening is exact; rounding is to
 * nearest, ties to even (the instruction's immediate, not MXCSR's mode),
 * and a NaN keeps its sign and top 10 payload bits and comes out quiet. The
 * one difference, a signaling float16 NaN widened quiet by the hardware,
 * does not reach a result: the kernels turn a NaN input into that NaN, and
 * rounding quiets it either way (tools/half_check.c compares every input).
 */
#ifndef FA_VEC_H
#define FA_VEC_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "fa_half.h"

#if defined(__AVX512F__) || defined(__F16C__)
#include <immintrin.h>
#endif

#if defined(__AVX512F__)
#define FA_VEC_HALVES 16
#elif defined(__F16C__)
#define FA_VEC_HALVES 8
#endif

#ifdef FA_VEC_HALVES
/* One vector: dst[0, FA_VEC_HALVES) from src's. */
static inline void fa_vec_widen(float *dst, const uint16_t *src)
{
#if defined(__AVX512F__)
    _mm512_storeu_ps(dst, _mm512_cvtph_ps(_mm256_loadu_si256((const __m256i *)src)));
#else
    _mm256_storeu_ps(dst, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)));
#endif
}
/* One vector rounded into dst; returns the lanewise largest of `top` and the
 * results' magnitudes (as bits), which is a block's test for inf or NaN. */
#if defined(__AVX512F__)
typedef __m256i fa_vec_top;
static inline fa_vec_top fa_vec_narrow(uint16_t *dst, const float *src, fa_vec_top top)
{
    __m256i h = _mm512_cvtps_ph(_mm512_loadu_ps(src), _MM_FROUND_TO_NEAREST_INT);
    _mm256_storeu_si256((__m256i *)dst, h);
    return _mm256_max_epu16(top, _mm256_and_si256(h, _mm256_set1_epi16(0x7fff)));
}
static inline int fa_vec_top_not_finite(fa_vec_top top)
{
    __m256i big = _mm256_cmpgt_epi16(top, _mm256_set1_epi16(0x7bff));
    return !_mm256_testz_si256(big, big);
}
#else
typedef __m128i fa_vec_top;
static inline fa_vec_top fa_vec_narrow(uint16_t *dst, const float *src, fa_vec_top top)
{
    __m128i h = _mm256_cvtps_ph(_mm256_loadu_ps(src), _MM_FROUND_TO_NEAREST_INT);
    _mm_storeu_si128((__m128i *)dst, h);
    return _mm_max_epu16(top, _mm_and_si128(h, _mm_set1_epi16(0x7fff)));
}
static inline int fa_vec_top_not_finite(fa_vec_top top)
{
    __m128i big = _mm_cmpgt_epi16(top, _mm_set1_epi16(0x7bff));
    return !_mm_testz_si128(big, big);
}
#endif
#endif

/* dst[i] = src[i] widened, i < n. */
static inline void fa_vec_half_to_float(float *restrict dst, const uint16_t *restrict src,
                                        ptrdiff_t n)
{
#ifdef FA_VEC_HALVES
    ptrdiff_t i = 0;
    for (; i + FA_VEC_HALVES <= n; i += FA_VEC_HALVES)
        fa_vec_widen(dst + i, src + i);
    if (i < n) { /* the tail through a padded vector: one path for every element */
        uint16_t h[FA_VEC_HALVES] = {0};
        float f[FA_VEC_HALVES];
        memcpy(h, src + i, (size_t)(n - i) * sizeof *h);
        fa_vec_widen(f, h);
        memcpy(dst + i, f, (size_t)(n - i) * sizeof *f);
    }
#else
    for (ptrdiff_t i = 0; i < n; i++)
        dst[i] = fa_half_to_float(src[i]);
#endif
}

/* dst[i] = src[i] rounded to float16, i < n; returns whether any is +-inf
 * or NaN. */
static inline int fa_vec_float_to_half(uint16_t *restrict dst, const float *restrict src,
                                       ptrdiff_t n)
{
#ifdef FA_VEC_HALVES
    fa_vec_top top = {0};
    ptrdiff_t i = 0;
    for (; i + FA_VEC_HALVES <= n; i += FA_VEC_HALVES)
        top = fa_vec_narrow(dst + i, src + i, top);
    if (i < n) {
        float f[FA_VEC_HALVES] = {0};
        uint16_t h[FA_VEC_HALVES];
        memcpy(f, src + i, (size_t)(n - i) * sizeof *f);
        top = fa_vec_narrow(h, f, top);
        memcpy(dst + i, h, (size_t)(n - i) * sizeof *h);
    }
    return fa_vec_top_not_finite(top);
#else
    int not_finite = 0;
    for (ptrdiff_t i = 0; i < n; i++) {
        uint16_t h = fa_half_from_float(src[i]);
        dst[i] = h;
        not_finite |= (h & 0x7fffu) >= 0x7c00u;
    }
    return not_finite;
#endif
}

/* n float16 from src, `step` bytes apart, widened into dst; `half` holds
 * FA_HALF_ROW values for the gather of a strided one. */
static inline void fa_vec_load_half(float *restrict dst, uint16_t *restrict half, const char *src,
                                    ptrdiff_t step, ptrdiff_t n)
{
    if (step == (ptrdiff_t)sizeof *half) {
        fa_vec_half_to_float(dst, (const uint16_t *)src, n);
        return;
    }
    for (ptrdiff_t i = 0; i < n; i++)
        half[i] = *(const uint16_t *)(src + i * step);
    fa_vec_half_to_float(dst, half, n);
}

/* n floats rounded to float16 and stored `step` bytes apart from dst (through
 * `half` where strided); returns whether any is +-inf or NaN. */
static inline int fa_vec_store_half(char *dst, ptrdiff_t step, const float *restrict src,
                                    uint16_t *restrict half, ptrdiff_t n)
{
    if (step == (ptrdiff_t)sizeof *half)
        return fa_vec_float_to_half((uint16_t *)dst, src, n);
    int not_finite = fa_vec_float_to_half(half, src, n);
    for (ptrdiff_t i = 0; i < n; i++)
        *(uint16_t *)(dst + i * step) = half[i];
    return not_finite;
}

#endif /* FA_VEC_H */
