/*
 * half_check.c -- csrc/fa_half.h's float conversions against its double ones,
 * exhaustively: every binary16 to float (bitwise, NaNs by payload and sign),
 * and every binary32 value to binary16 (bitwise).
 *
 *     cc -O2 -Icsrc tools/half_check.c -o /tmp/half_check && /tmp/half_check
 */
#include <stdio.h>

#include "fa_half.h"

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
    return bad != 0;
}
