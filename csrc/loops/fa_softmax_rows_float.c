/* fa_softmax_rows.c computing in float, for the float32 rows (fa_real.h). */
#define FA_REAL_FLOAT
#include "fa_softmax_rows.c"
