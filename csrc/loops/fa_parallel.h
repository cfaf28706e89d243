/*
 * fa_parallel.h -- the one place that knows about OpenMP.
 *
 * Without OpenMP everything here still compiles and runs on one thread.
 */
#ifndef FA_PARALLEL_H
#define FA_PARALLEL_H

#include <stddef.h>

/* Work (elements times their cost, fa_costs.h: quarter nanoseconds) below
 * which a loop runs on the calling thread only: 25 microseconds, well above
 * what waking and joining a team costs (a few microseconds on 2 cores). */
#define FA_PARALLEL_MIN_WORK 100000

/* The most threads a loop will use, whatever was asked (fa_set_num_threads,
 * OMP_NUM_THREADS): asked for far more, libgomp tries to start them all and
 * the process dies. */
#define FA_MAX_THREADS 1024

int fa_openmp_enabled(void);
/* Call once, at import: registers the fork handler (fa_parallel.c). */
void fa_parallel_init(void);
/* Threads a large loop will use: the value set by fa_set_num_threads if
 * positive, else OpenMP's default (OMP_NUM_THREADS, threadpoolctl), at most
 * FA_MAX_THREADS; 1 in a process forked after its parent ran a team. */
int fa_get_num_threads(void);
void fa_set_num_threads(int n); /* n <= 0 restores the default */
int fa_forked_after_team(void);     /* whether this process is such a child */
int fa_threads_for(ptrdiff_t work); /* 1 below FA_PARALLEL_MIN_WORK */
int fa_team_size(void);              /* threads of the running team, 1 outside one */

#endif /* FA_PARALLEL_H */
