/*
 * primitive_ulp.c -- the worst error, in ULP, of fastact's exp, expm1, log1p,
 * tanh and erfc primitives (csrc/math/fa_math.h) against the C library's long double
 * functions (64-bit significand, so the truth is 11 bits finer than double)
 * on 20 million points per function: the full range, [-1, 1], and tiny
 * arguments down to 2^-60.
 *
 *   gcc -O2 -ffp-contract=off -mavx2 -mfma -Icsrc/math -Icsrc/kernels -Icsrc/loops tools/primitive_ulp.c -o /tmp/ulp -lm && /tmp/ulp
 */
#include "fa_math.h"
#include <stdio.h>
#include <stdlib.h>
static double ulp_err(double got, long double want){
  if (isinf(want) || want == 0) return got == (double)want ? 0 : 1e9;
  double w = (double)want; int e; frexp(w, &e); double u = ldexp(1.0, e - 53);
  if (fabs(w) < DBL_MIN) u = ldexp(1.0, -1074);
  return (double)fabsl((long double)got - want) / u;
}
int main(void){
  srand(1); double m[5] = {0};
  double wx[5] = {0};
  for (long i = 0; i < 20000000; i++) {
    double r = (double)rand() / RAND_MAX, r2 = (double)rand()/RAND_MAX;
    double x;
    double e;
    x = -745 + r * (709.7 + 745); if (i % 3 == 0) x = (r - 0.5) * 2; if (i % 5 == 0) x = ldexp(r - 0.5, -(int)(r2 * 60));
    e = ulp_err(fa_exp(x), expl((long double)x)); if (e > m[0]) { m[0] = e; wx[0] = x; }
    x = -40 + r * 749; if (i % 3 == 0) x = (r - 0.5) * 2; if (i % 5 == 0) x = ldexp(r - 0.5, -(int)(r2 * 60));
    e = ulp_err(fa_expm1(x), expm1l((long double)x)); if (e > m[1]) { m[1] = e; wx[1] = x; }
    x = ldexp(r, (int)(r2 * 80) - 60); if (i % 3 == 0) x = r * 3 - 0.999;
    e = ulp_err(fa_log1p(x), log1pl((long double)x)); if (e > m[2]) { m[2] = e; wx[2] = x; }
    x = (r - 0.5) * 50; if (i % 3 == 0) x = (r - 0.5) * 2; if (i % 5 == 0) x = ldexp(r - 0.5, -(int)(r2 * 60));
    e = ulp_err(fa_tanh(x), tanhl((long double)x)); if (e > m[3]) { m[3] = e; wx[3] = x; }
    x = (r - 0.5) * 57; if (i % 3 == 0) x = (r - 0.5) * 3;
    e = ulp_err(fa_erfc(x), erfcl((long double)x)); if (e > m[4]) { m[4] = e; wx[4] = x; }
  }
  printf("exp %.3f at %.17g\nexpm1 %.3f at %.17g\nlog1p %.3f at %.17g\ntanh %.3f at %.17g\n"
         "erfc %.3f at %.17g\n", m[0], wx[0], m[1], wx[1], m[2], wx[2], m[3], wx[3], m[4], wx[4]);
}
