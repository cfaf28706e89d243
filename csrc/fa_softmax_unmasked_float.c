/* fa_softmax_unmasked.c computing in float, for the float32 rows (fa_real.h). */
#define FA_REAL_FLOAT
#include "fa_softmax_unmasked.c"
