/*
 * fa_loops_float.c -- the float32 and float16 loops: fa_loops.c with the
 * kernels computing in float (fa_real.h). setup.py compiles it with
 * -fsingle-precision-constant, so that the kernels' literals are floats too.
 */
#define FA_REAL_FLOAT
#include "fa_loops.c"
