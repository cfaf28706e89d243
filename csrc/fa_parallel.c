#include "fa_parallel.h"

#ifdef _OPENMP
#include <omp.h>
#endif

static int fa_requested_threads = 0;

int fa_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int fa_get_num_threads(void)
{
#ifdef _OPENMP
    return fa_requested_threads > 0 ? fa_requested_threads : omp_get_max_threads();
#else
    return 1;
#endif
}

void fa_set_num_threads(int n) { fa_requested_threads = n > 0 ? n : 0; }

int fa_threads_for(ptrdiff_t work)
{
    return work < FA_PARALLEL_MIN_WORK ? 1 : fa_get_num_threads();
}

int fa_team_size(void)
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}
