/* fa_constants.h -- mathematical constants split into two doubles (hi + lo)
 * so that products with them can be formed to ~106 bits where an argument's
 * rounding would otherwise be amplified; in the float build (fa_real.h) into
 * two floats, for ~48 bits.  Values computed with mpmath. */
#ifndef FA_CONSTANTS_H
#define FA_CONSTANTS_H

#ifdef FA_REAL_FLOAT

#define FA_GELU_TANH_C2_HI 0x1.988454p+0
#define FA_GELU_TANH_C2_LO -0x1.857936p-25
#define FA_GELU_KAPPA_HI 0x1.6e4e26p-5
#define FA_GELU_KAPPA_LO 0x1.a9003ep-30
#define FA_SQRT2 0x1.6a09e6p+0
#define FA_INV_SQRT2_HI 0x1.6a09e6p-1
#define FA_INV_SQRT2_LO 0x1.9fcef4p-27
#define FA_INV_SQRT_2PI_HI 0x1.988454p-2
#define FA_INV_SQRT_2PI_LO -0x1.857936p-27
#define FA_2_OVER_SQRT_PI_HI 0x1.20dd76p+0
#define FA_2_OVER_SQRT_PI_LO -0x1.f7ac92p-25
/* SELU scale 1.0507009873554805 as two floats */
#define FA_SELU_SCALE_HI 0x1.0cfabep+0
#define FA_SELU_SCALE_LO -0x1.2adddap-25
#define FA_SELU_SCALE_ALPHA_HI 0x1.c212ccp+0
#define FA_SELU_SCALE_ALPHA_LO 0x1.903c0cp-26

#else

/* 2 sqrt(2/pi) = 1.5957691216057307118 */
#define FA_GELU_TANH_C2_HI 0x1.9884533d43651p+0
#define FA_GELU_TANH_C2_LO -0x1.cbc0d30ebfd15p-54
/* 0.044715, the cubic coefficient of the tanh GELU = 0.044715 */
#define FA_GELU_KAPPA_HI 0x1.6e4e26d4801f7p-5
#define FA_GELU_KAPPA_LO 0x1.441355475a31ap-59
/* sqrt(2) = 1.4142135623730950488 */
#define FA_SQRT2 0x1.6a09e667f3bcdp+0
/* 1/sqrt(2) = 0.7071067811865475244 */
#define FA_INV_SQRT2_HI 0x1.6a09e667f3bcdp-1
#define FA_INV_SQRT2_LO -0x1.bdd3413b26456p-55
/* 1/sqrt(2 pi) = 0.39894228040143267794 */
#define FA_INV_SQRT_2PI_HI 0x1.9884533d43651p-2
#define FA_INV_SQRT_2PI_LO -0x1.cbc0d30ebfd15p-56
/* 2/sqrt(pi) = 1.1283791670955125739 */
#define FA_2_OVER_SQRT_PI_HI 0x1.20dd750429b6dp+0
#define FA_2_OVER_SQRT_PI_LO 0x1.1ae3a914fed80p-56
/* SELU scale * alpha (1.0507009873554805 * 1.6732632423543772) = 1.7580993408473767818 */
#define FA_SELU_SCALE_ALPHA_HI 0x1.c212cc640f031p+0
#define FA_SELU_SCALE_ALPHA_LO -0x1.26edf569e8971p-54

#endif

#define FA_SELU_SCALE 1.0507009873554805
#define FA_SELU_ALPHA 1.6732632423543772

#endif /* FA_CONSTANTS_H */
