/* fa_maxout_rows.c computing in float, for the float32 groups (fa_real.h). */
#define FA_REAL_FLOAT
#include "fa_maxout_rows.c"
