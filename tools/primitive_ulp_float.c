/*
 * primitive_ulp_float.c -- the worst error, in float ULP, of fastact's float
 * exp, expm1, log1p, tanh and erfc (csrc/math/fa_math.h built with FA_REAL_FLOAT,
 * as csrc/loops/fa_loops_float.c is) against the C library's double functions, on
 * 20 million points per function.
 *
 *   gcc -O2 -std=c99 -ffp-contract=off -fsingle-precision-constant -mavx2 -mfma -Icsrc/math -Icsrc/kernels -Icsrc/loops \
 *       tools/primitive_ulp_float.c -o /tmp/ulpf -lm && /tmp/ulpf
 */
#define FA_REAL_FLOAT
#include "fa_math.h"
#include <stdio.h>
#include <stdlib.h>
static double ulpf(float got, double want){
  if (isinf(want) || want == 0) return got == (float)want ? 0 : 1e9;
  int e; frexp(want, &e); double u = ldexp(1.0, e - 24);
  if (fabs(want) < 0x1p-126) u = 0x1p-149;
  return fabs((double)got - want) / u;
}
int main(void){
  double m[5]={0}, wx[5]={0};
  for (long i = 0; i < 20000000; i++) {
    float r = (float)((double)rand() / RAND_MAX), r2 = (float)((double)rand()/RAND_MAX);
    float x; double e;
    x = -104.f + r * 192.7f; if (i % 3 == 0) x = (r - 0.5f) * 2; if (i % 5 == 0) x = ldexpf(r - 0.5f, -(int)(r2 * 30));
    e = ulpf(fa_exp(x), exp((double)x)); if (e > m[0]) { m[0] = e; wx[0] = x; }
    x = -40.f + r * 128.f; if (i % 3 == 0) x = (r - 0.5f) * 2; if (i % 5 == 0) x = ldexpf(r - 0.5f, -(int)(r2 * 30));
    e = ulpf(fa_expm1(x), expm1((double)x)); if (e > m[1]) { m[1] = e; wx[1] = x; }
    x = ldexpf(r, (int)(r2 * 80) - 60); if (i % 3 == 0) x = r * 3 - 0.999f;
    e = ulpf(fa_log1p(x), log1p((double)x)); if (e > m[2]) { m[2] = e; wx[2] = x; }
    x = (r - 0.5f) * 50; if (i % 3 == 0) x = (r - 0.5f) * 2; if (i % 5 == 0) x = ldexpf(r - 0.5f, -(int)(r2 * 30));
    e = ulpf(fa_tanh(x), tanh((double)x)); if (e > m[3]) { m[3] = e; wx[3] = x; }
    x = (r - 0.5f) * 22; if (i % 3 == 0) x = (r - 0.5f) * 3;
    e = ulpf(fa_erfc(x), erfc((double)x)); if (e > m[4]) { m[4] = e; wx[4] = x; }
  }
  printf("exp %.3f at %.9g\nexpm1 %.3f at %.9g\nlog1p %.3f at %.9g\ntanh %.3f at %.9g\nerfc %.3f at %.9g\n", m[0], wx[0], m[1], wx[1], m[2], wx[2], m[3], wx[3], m[4], wx[4]);
}
