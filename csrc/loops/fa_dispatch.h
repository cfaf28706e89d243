/*
 * fa_dispatch.h -- the kernel tables of every compiled dispatch level, and
 * what the running CPU supports. fastact/_ufuncs.pyx picks one at import.
 */
#ifndef FA_DISPATCH_H
#define FA_DISPATCH_H

#include "fa_loops.h"

typedef struct {
    const char *name;   /* "baseline", "avx2", "avx512" */
    const char *needs;  /* the instruction sets it was compiled for */
    const fa_ufunc_spec *ufuncs;
    int n_ufuncs;
    const fa_gufunc_spec *gufuncs;
    int n_gufuncs;
} fa_level;

/* The levels this build compiled, lowest first; *count receives how many. */
const fa_level *fa_compiled_levels(int *count);
/* 1 if the running CPU (and OS) can execute the level's code. */
int fa_cpu_supports(const char *level);

#endif /* FA_DISPATCH_H */
