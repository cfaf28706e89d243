/*
 * half_check.c -- csrc/math/fa_half.h's float conversions against its double ones,
 * exhaustively: every binary16 to float (bitwise, NaNs by payload and sign),
 * and every binary32 value to binary16 (bitwise). Then the float16 loops'
 * block conversions (fa_vec.h) against fa_half.h's float forms, every input
 * again: built with -mf16c (or -mavx512f), those are the CPU's instructions.
 *
 *     cc -O2 -Icsrc/math -Icsrc/kernels -Icsrc/loops tools/half_check.c -o /tmp/half_check && /tmp/half_check
 *     cc -O2 -mavx2 -mf16c -Icsrc/math -Icsrc/kernels -Icsrc/loops tools/half_check.c -o /tmp/half_check && /tmp/half_check
 */
#include <stdio.h>

#include "fa_half.h"
#include "fa_vec.h"

/* A block of 1000 (not a multiple of the vector) goes through the vector
 * loop and the tail. */
enum { CHUNK = 1000 };

static unsigned long check_vec(void)
{
    static uint16_t h[CHUNK], back[CHUNK];
    static float f[CHUNK];
    unsigned long bad = 0;
    /* widening: the float, but that the hardware quiets a signaling NaN */
    for (uint32_t start = 0; start <= 0xffffu; start += CHUNK) {
        ptrdiff_t n = 0x10000 - start < CHUNK ? 0x10000 - start : CHUNK;
        for (ptrdiff_t i = 0; i < n; i++)
            h[i] = (uint16_t)(start + i);
        fa_vec_half_to_float(f, h, n);
        for (ptrdiff_t i = 0; i < n; i++) {
            float want = fa_half_to_float(h[i]);
            uint32_t gb, wb;
            memcpy(&gb, &f[i], sizeof gb);
            memcpy(&wb, &want, sizeof wb);
            if ((h[i] & 0x7c00u) == 0x7c00u && (h[i] & 0x3ffu) != 0)
                gb |= 0x400000u, wb |= 0x400000u;
            if (gb != wb && bad++ < 10)
                printf("vec to float: %04x -> %08x, want %08x\n", h[i], gb, wb);
        }
    }
    /* rounding, and whether a block has an infinity or a NaN */
    uint64_t start = 0;
    do {
        ptrdiff_t n = (ptrdiff_t)((UINT64_C(1) << 32) - start < CHUNK ? (UINT64_C(1) << 32) - start
                                                                      : CHUNK);
        int not_finite = 0;
        for (ptrdiff_t i = 0; i < n; i++) {
            uint32_t b = (uint32_t)(start + (uint64_t)i);
            memcpy(&f[i], &b, sizeof b);
        }
        int got_not_finite = fa_vec_float_to_half(back, f, n);
        for (ptrdiff_t i = 0; i < n; i++) {
            uint16_t want = fa_half_from_float(f[i]);
            not_finite |= (want & 0x7fffu) >= 0x7c00u;
            if (back[i] != want && bad++ < 20) {
                uint32_t b;
                memcpy(&b, &f[i], sizeof b);
                printf("vec from float: %08x -> %04x, want %04x\n", b, back[i], want);
            }
        }
        if (!got_not_finite != !not_finite && bad++ < 20)
            printf("vec from float: block at %08llx: not_finite %d, want %d\n",
                   (unsigned long long)start, got_not_finite, not_finite);
        start += (uint64_t)n;
    } while (start < (UINT64_C(1) << 32));
    return bad;
}

int main(void)
{
    unsigned long bad = 0;
    for (uint32_t h = 0; h <= 0xffffu; h++) {
        float got = fa_half_to_float((uint16_t)h);
        double want = fa_half_to_double((uint16_t)h);
        uint32_t gb;
        uint64_t wb;
        memcpy(&gb, &got, sizeof gb);
        memcpy(&wb, &want, sizeof wb);
        /* the float's bits are the double's, narrowed (exact, or a NaN's payload) */
        uint32_t narrowed = (uint32_t)(wb >> 32 & 0x80000000u) |
                            (((wb >> 52) & 0x7ffu) == 0x7ffu
                                 ? 0x7f800000u | (uint32_t)((wb >> 29) & 0x7fffffu)
                                 : 0u);
        if (((wb >> 52) & 0x7ffu) != 0x7ffu) {
            float w = (float)want;
            memcpy(&narrowed, &w, sizeof narrowed);
        }
        if (gb != narrowed) {
            if (bad++ < 10)
                printf("to float: %04x -> %08x, want %08x\n", h, gb, narrowed);
        }
    }
    uint32_t b = 0;
    do {
        float f;
        memcpy(&f, &b, sizeof f);
        uint16_t got = fa_half_from_float(f), want = fa_half_from_double((double)f);
        if (got != want && bad++ < 20)
            printf("from float: %08x -> %04x, want %04x\n", b, got, want);
    } while (++b != 0);
    printf("%lu mismatches over 2^16 + 2^32 inputs\n", bad);
    unsigned long vec_bad = check_vec();
#ifdef FA_VEC_HALVES
    const char *how = "the CPU's conversions";
#else
    const char *how = "fa_half.h's forms";
#endif
    printf("%lu mismatches of the block conversions (%s) over 2^16 + 2^32 inputs\n", vec_bad, how);
    return bad + vec_bad != 0;
}
