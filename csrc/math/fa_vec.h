/*
 * fa_vec.h -- the vector primitives of the float16 loops, per dispatch level:
 * a block of float16 widened to float, and a block of float rounded to
 * float16, by the hardware's conversions where the level has them (the
 * AVX-512F forms at avx512, F16C at avx2) and by fa_half.h's branch-free
 * forms at the baseline. Each step converts the float16 of a whole load or
 * store (64 bytes at avx512, 32 at avx2): two conversions per store of
 * float16 measured faster than one store per conversion (relu6 in float16,
 * 1M elements: 1.22 to 0.98 times float32's time at avx512).
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

#if defined(__AVX512F__) && defined(__AVX512BW__)
#define FA_VEC_AVX512 1
#define FA_VEC_HALVES 32
#elif defined(__F16C__) && defined(__AVX2__)
#define FA_VEC_HALVES 16
#endif

#ifdef FA_VEC_HALVES
/* One vector: dst[0, FA_VEC_HALVES) from src's. */
static inline void fa_vec_widen(float *dst, const uint16_t *src)
{
#ifdef FA_VEC_AVX512
    __m512i h = _mm512_loadu_si512((const void *)src);
    _mm512_storeu_ps(dst, _mm512_cvtph_ps(_mm512_castsi512_si256(h)));
    _mm512_storeu_ps(dst + 16, _mm512_cvtph_ps(_mm512_extracti64x4_epi64(h, 1)));
#else
    _mm256_storeu_ps(dst, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)src)));
    _mm256_storeu_ps(dst + 8, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + 8))));
#endif
}
/* One vector rounded into dst; returns the lanewise largest of `top` and the
 * results' magnitudes (as bits), which is a block's test for inf or NaN. */
#ifdef FA_VEC_AVX512 /* two 16-lane conversions, one 64-byte store */
typedef __m512i fa_vec_top;
static inline fa_vec_top fa_vec_narrow(uint16_t *dst, const float *src, fa_vec_top top)
{
    __m256i lo = _mm512_cvtps_ph(_mm512_loadu_ps(src), _MM_FROUND_TO_NEAREST_INT);
    __m256i hi = _mm512_cvtps_ph(_mm512_loadu_ps(src + 16), _MM_FROUND_TO_NEAREST_INT);
    __m512i h = _mm512_inserti64x4(_mm512_castsi256_si512(lo), hi, 1);
    _mm512_storeu_si512((void *)dst, h);
    return _mm512_max_epu16(top, _mm512_and_si512(h, _mm512_set1_epi16(0x7fff)));
}
static inline int fa_vec_top_not_finite(fa_vec_top top)
{
    return _mm512_cmpgt_epi16_mask(top, _mm512_set1_epi16(0x7bff)) != 0;
}
#else /* two 8-lane conversions, one 32-byte store */
typedef __m256i fa_vec_top;
static inline fa_vec_top fa_vec_narrow(uint16_t *dst, const float *src, fa_vec_top top)
{
    __m128i lo = _mm256_cvtps_ph(_mm256_loadu_ps(src), _MM_FROUND_TO_NEAREST_INT);
    __m128i hi = _mm256_cvtps_ph(_mm256_loadu_ps(src + 8), _MM_FROUND_TO_NEAREST_INT);
    __m256i h = _mm256_inserti128_si256(_mm256_castsi128_si256(lo), hi, 1);
    _mm256_storeu_si256((__m256i *)dst, h);
    return _mm256_max_epu16(top, _mm256_and_si256(h, _mm256_set1_epi16(0x7fff)));
}
static inline int fa_vec_top_not_finite(fa_vec_top top)
{
    __m256i big = _mm256_cmpgt_epi16(top, _mm256_set1_epi16(0x7bff));
    return !_mm256_testz_si256(big, big);
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
