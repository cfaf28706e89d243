/*
 * fa_real.h -- the floating type the kernels compute in, and what depends on it.
 *
 * The kernels (fa_activations.h) and their primitives (fa_math.h) are written
 * once, in fa_real. fa_loops.c is compiled twice (setup.py): as it is, with
 * fa_real = double, for the float64 loops; and as fa_loops_float.c, which
 * defines FA_REAL_FLOAT, with fa_real = float, for the float32 and float16
 * loops. That second build also takes GCC's -fsingle-precision-constant, so
 * that a literal such as 0.5 is a float there and float arithmetic stays
 * float (twice the lanes of double in a vector). Where the two precisions
 * need different numbers -- range limits, split constants, polynomial
 * degrees -- they are here, in fa_constants.h and in fa_series.h.
 */
#ifndef FA_REAL_H
#define FA_REAL_H

#include <float.h>
#include <stdint.h>

#ifdef FA_REAL_FLOAT

typedef float fa_real;
typedef uint32_t fa_uint; /* an fa_real's bits */
typedef int32_t fa_int;
#define FA_REAL_MAX FLT_MAX
#define FA_REAL_MIN FLT_MIN /* the smallest normal */
#define FA_MANT_BITS 23
#define FA_WORD_BITS 32
#define FA_EXP_BIAS 127
/* exp(x) is inf above 88.73 and 0 below -103.98; normal above -87.33 */
#define FA_EXP_HIGH 89.0
#define FA_EXP_LOW (-104.0)
#define FA_EXP_NORMAL (-87.0)
#define FA_EXPM1_HIGH 88.0
/* Below this, exp(t) is near the subnormal range: 1 + exp(t) == 1,
 * sigmoid(t) == exp(t), and the kernels take their deep-tail forms. */
#define FA_DEEP_TAIL (-80.0)
/* Adding 1.5 * 2^23 (+ 254, see fa_scale_pow2) rounds a float of
 * magnitude < 2^22 to an integer. */
#define FA_ROUND_SHIFT (0x1.8p23 + 254)
/* ln 2 split so that k * FA_LN2_HI is exact for |k| < 2^9 */
#define FA_LN2_HI 0x1.62e4p-1
#define FA_LN2_LO 0x1.7f7d1cp-20
#define FA_SQRT_HALF_BITS 0x3f3504f3u
/* Terms of the Taylor series of expm1 (1/2! ...) and of log1p's atanh
 * series (2/3 ...) that keep the omitted part below 2^-27 relative. */
#define FA_EXPM1_TERMS 6
#define FA_LOG1P_TERMS 4
/* |beta| x is clamped below this where beta x would overflow */
#define FA_SCALED_LIMIT 1e30
/* squareplus: beyond this |x|, sqrt(x^2 + b) = |x|; below this b, hypot */
#define FA_SQUAREPLUS_HUGE 1e18
#define FA_SQUAREPLUS_TINY_B 0x1p-100

#else

typedef double fa_real;
typedef uint64_t fa_uint;
typedef int64_t fa_int;
#define FA_REAL_MAX DBL_MAX
#define FA_REAL_MIN DBL_MIN
#define FA_MANT_BITS 52
#define FA_WORD_BITS 64
#define FA_EXP_BIAS 1023
/* exp(x) is inf above 709.78 and 0 below -745.13; normal above -708.39 */
#define FA_EXP_HIGH 710.0
#define FA_EXP_LOW (-746.0)
#define FA_EXP_NORMAL (-708.0)
#define FA_EXPM1_HIGH 709.0
#define FA_DEEP_TAIL (-700.0)
/* Adding 1.5 * 2^52 (+ 2046, see fa_scale_pow2) rounds a double of
 * magnitude < 2^51 to an integer. */
#define FA_ROUND_SHIFT (0x1.8p52 + 2046)
/* ln 2 split so that k * FA_LN2_HI is exact for |k| < 2^11 */
#define FA_LN2_HI 0x1.62e42fefa3800p-1
#define FA_LN2_LO 0x1.ef35793c76730p-45
#define FA_SQRT_HALF_BITS 0x3fe6a09e667f3bcdULL
/* ... below 2^-60 relative */
#define FA_EXPM1_TERMS 13
#define FA_LOG1P_TERMS 10
#define FA_SCALED_LIMIT 1e300
#define FA_SQUAREPLUS_HUGE 1e150
#define FA_SQUAREPLUS_TINY_B 0x1p-900

#endif

#define FA_LOG2E 0x1.71547652b82fep0

/* A double constant in either build: the float build reads an unsuffixed
 * constant as a float (-fsingle-precision-constant), a long double one as it
 * is (hex constants convert exactly). */
#define FA_D(c) ((double)c##L)

#endif /* FA_REAL_H */
