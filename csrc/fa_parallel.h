/*
 * fa_parallel.h -- the one place that knows about OpenMP.
 *
 * Without OpenMP everything here still compiles and runs on one thread.
 */
#ifndef FA_PARALLEL_H
#define FA_PARALLEL_H

#include <stddef.h>

/* Arrays shorter than this run on the calling thread only: below it the
 * cost of waking a team exceeds the work. */
#define FA_PARALLEL_MIN_ELEMENTS 32768

int fa_openmp_enabled(void);
/* Threads a large loop will use: the value set by fa_set_num_threads if
 * positive, else OpenMP's default (OMP_NUM_THREADS, threadpoolctl). */
int fa_get_num_threads(void);
void fa_set_num_threads(int n); /* n <= 0 restores the default */
int fa_threads_for(ptrdiff_t n);

#endif /* FA_PARALLEL_H */
