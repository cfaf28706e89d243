#include "fa_parallel.h"

#ifdef _OPENMP
#include <omp.h>
#endif
#if defined(__unix__) || defined(__APPLE__)
#include <pthread.h>
#define FA_HAVE_FORK 1
#endif

static int fa_requested_threads = 0;
/* Whether this process has started a team of threads, and whether it is a
 * child forked after its parent had. libgomp's threads do not survive
 * fork(), but its pool's bookkeeping does: a child that starts a team waits
 * forever for threads that are not there. Such a child runs every loop on
 * its one thread (as PyTorch's fork handler makes its own kernels do). */
static volatile int fa_team_started = 0;
static volatile int fa_after_fork = 0;

#ifdef FA_HAVE_FORK
static void fa_fork_child(void)
{
    if (fa_team_started)
        fa_after_fork = 1;
}
#endif

void fa_parallel_init(void)
{
#ifdef FA_HAVE_FORK
    static int registered = 0;
    if (!registered) {
        registered = 1;
        pthread_atfork(0, 0, fa_fork_child);
    }
#endif
}

int fa_openmp_enabled(void)
{
#ifdef _OPENMP
    return 1;
#else
    return 0;
#endif
}

int fa_forked_after_team(void) { return fa_after_fork; }

int fa_get_num_threads(void)
{
#ifdef _OPENMP
    if (fa_after_fork)
        return 1;
    int n = fa_requested_threads > 0 ? fa_requested_threads : omp_get_max_threads();
    return n < 1 ? 1 : n > FA_MAX_THREADS ? FA_MAX_THREADS : n;
#else
    return 1;
#endif
}

void fa_set_num_threads(int n) { fa_requested_threads = n > 0 ? n : 0; }

int fa_threads_for(ptrdiff_t work)
{
    if (work < FA_PARALLEL_MIN_WORK)
        return 1;
    int n = fa_get_num_threads();
    if (n > 1)
        fa_team_started = 1;
    return n;
}

int fa_team_size(void)
{
#ifdef _OPENMP
    return omp_get_num_threads();
#else
    return 1;
#endif
}
