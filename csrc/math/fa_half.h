/*
 * fa_half.h - IEEE 754 binary16 <-> binary64 conversions for fastact.
 *
 * Plain C99, no libm.  The work is done on bit patterns (type punning via
 * memcpy); the only FP operations are one exact small-int -> double
 * conversion and an exact power-of-two scale with normal operands/results,
 * so results do not depend on the FP rounding mode or on FTZ/DAZ.
 *
 * fa_half_to_double: exact (every binary16 value is a binary64 value).
 *   Normals are re-biased (exponent +1008, significand << 42); subnormals
 *   (m * 2^-24, m < 1024) are converted via the integer m; Inf/NaN keep sign
 *   and payload bits.
 *
 * fa_half_from_double: correctly rounded, round-to-nearest-even, straight
 *   from the double (no intermediate float, so no double rounding).
 *   With N the number of discarded low bits of the (integer) significand,
 *   rounding is done as
 *       q = (sig + (2^(N-1) - 1) + lsb) >> N,   lsb = (sig >> N) & 1
 *   which rounds up iff the discarded part is > 1/2 ulp, or == 1/2 ulp and
 *   the kept part is odd (ties-to-even).
 *     - |d| in [2^-14, 65520): half normal; N = 42 applied to the whole
 *       exponent|fraction field, so a carry out of the fraction correctly
 *       bumps the exponent (e.g. 2047.9 -> 2048, and 65519.99 -> 65504).
 *     - |d| < 2^-14: half subnormal m * 2^-24; the significand with its
 *       implicit bit is shifted right by N = 1051 - exp (clamped to 63,
 *       which always yields 0 there).  m may round up to 1024 = 0x0400,
 *       which is exactly the smallest normal half.
 *     - |d| >= 65520 (including Inf): +-Inf (65520 is the tie between
 *       65504 and 2^16 and rounds to the even side, i.e. overflows).
 *     - NaN: sign kept, top 10 payload bits kept, quiet bit forced, so the
 *       result is always a quiet NaN and never Inf.
 */
#ifndef FA_HALF_H
#define FA_HALF_H

#include <stdint.h>
#include <string.h>

static inline double fa_half_to_double(uint16_t h)
{
    uint64_t s = (uint64_t)(h & 0x8000u) << 48;
    uint64_t a = (uint64_t)(h & 0x7fffu);
    uint64_t bits;
    double d;

    if (a < 0x0400u) {
        /* zero / subnormal: a * 2^-24 is exact and a normal double */
        double t = (double)(uint32_t)a * 0x1p-24;
        memcpy(&bits, &t, sizeof bits);
    } else if (a < 0x7c00u) {
        /* normal: rebias exponent 15 -> 1023 */
        bits = (a << 42) + ((uint64_t)(1023 - 15) << 52);
    } else {
        /* Inf / NaN: max exponent, payload preserved */
        bits = UINT64_C(0x7ff0000000000000) | ((a & 0x3ffu) << 42);
    }
    bits |= s;
    memcpy(&d, &bits, sizeof d);
    return d;
}

static inline uint16_t fa_half_from_double(double d)
{
    uint64_t b, a;
    uint16_t sign, h;

    memcpy(&b, &d, sizeof b);
    sign = (uint16_t)((b >> 48) & 0x8000u);
    a = b & UINT64_C(0x7fffffffffffffff);

    if (a >= UINT64_C(0x40effe0000000000)) {            /* |d| >= 65520 */
        h = (a > UINT64_C(0x7ff0000000000000))
                ? (uint16_t)(0x7e00u | (uint16_t)((a >> 42) & 0x3ffu)) /* qNaN */
                : (uint16_t)0x7c00u;                                  /* Inf  */
    } else if (a >= UINT64_C(0x3f10000000000000)) {     /* |d| >= 2^-14 */
        uint64_t r = (a + UINT64_C(0x1ffffffffff) + ((a >> 42) & 1u)) >> 42;
        h = (uint16_t)(r - ((uint64_t)(1023 - 15) << 10));
    } else {                                            /* subnormal / 0 */
        unsigned e = (unsigned)(a >> 52);
        uint64_t sig = (a & UINT64_C(0x000fffffffffffff))
                     | ((uint64_t)(e != 0) << 52);
        unsigned n = 1051u - e;                         /* >= 43 here */
        n = n > 63u ? 63u : n;
        h = (uint16_t)((sig + ((UINT64_C(1) << (n - 1)) - 1u)
                        + ((sig >> n) & 1u)) >> n);
    }
    return (uint16_t)(sign | h);
}

/* The same conversions to and from float, for the loops that compute in
 * float: branch-free (selects of values all computed, integer shifts by
 * per-element amounts), so that loops calling them vectorize, and bitwise
 * what the double forms give through an exact float <-> double step
 * (tools/half_check.c compares every binary16 and every binary32 input),
 * but that a signaling NaN stays signaling on the way in (the double form's
 * float cast quiets it; every NaN is quiet on the way out).
 *
 * fa_half_to_float: normals re-biased (exponent +112, significand << 13),
 *   subnormals as the exact a * 2^-24, Inf/NaN with the top exponent.
 * fa_half_from_float: RNE as above, with N = 13 for half normals and, for
 *   half subnormals, N = 126 - e on the significand with its implicit bit
 *   (e the biased float exponent, float subnormals taken as e = 1),
 *   clamped to [1, 31] where the value is not a half subnormal anyway. */
static inline float fa_half_to_float(uint16_t h)
{
    uint32_t a = (uint32_t)(h & 0x7fffu), bits;
    float subnormal = (float)(int32_t)a * 0x1p-24f, f;
    uint32_t subnormal_bits;
    memcpy(&subnormal_bits, &subnormal, sizeof subnormal_bits);
    uint32_t normal_bits = (a << 13) + ((uint32_t)(127 - 15) << 23);
    uint32_t special_bits = (a << 13) | 0x7f800000u;
    bits = a >= 0x7c00u ? special_bits : normal_bits;
    bits = a < 0x0400u ? subnormal_bits : bits;
    bits |= (uint32_t)(h & 0x8000u) << 16;
    memcpy(&f, &bits, sizeof f);
    return f;
}

static inline uint16_t fa_half_from_float(float f)
{
    uint32_t b;
    memcpy(&b, &f, sizeof b);
    uint32_t a = b & 0x7fffffffu;
    uint32_t nan = 0x7e00u | ((a >> 13) & 0x3ffu);
    uint32_t normal = ((a + 0xfffu + ((a >> 13) & 1u)) >> 13) - ((uint32_t)(127 - 15) << 10);
    uint32_t e = a >> 23;
    uint32_t sig = (a & 0x7fffffu) | (e != 0 ? 0x800000u : 0u);
    int32_t shift = 126 - (int32_t)(e != 0 ? e : 1u);
    uint32_t n = (uint32_t)(shift < 1 ? 1 : (shift > 31 ? 31 : shift));
    uint32_t subnormal = (sig + ((1u << (n - 1u)) - 1u) + ((sig >> n) & 1u)) >> n;
    uint32_t h = a >= 0x38800000u ? normal : subnormal; /* |f| >= 2^-14 */
    h = a >= 0x477ff000u ? 0x7c00u : h;                 /* |f| >= 65520 */
    h = a > 0x7f800000u ? nan : h;
    return (uint16_t)(((b >> 16) & 0x8000u) | h);
}

#endif /* FA_HALF_H */
