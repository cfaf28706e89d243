/*
 * fa_loops.h -- the table of generated ufunc loops, read by fastact/_ufuncs.pyx.
 *
 * Loops have NumPy's ufunc loop signature (args, dimensions, steps, data)
 * but this file needs no NumPy header: ptrdiff_t has npy_intp's size on
 * every supported platform (the Cython side checks it at import).
 */
#ifndef FA_LOOPS_H
#define FA_LOOPS_H

#include <stddef.h>

typedef void (*fa_loop_fn)(char **args, const ptrdiff_t *dimensions, const ptrdiff_t *steps,
                           void *data);

enum { FA_HALF = 0, FA_FLOAT = 1, FA_DOUBLE = 2, FA_NTYPES = 3 };

/* The last nparams inputs are parameters: float32 in the float16 loop, which
 * computes in float; every other argument has the loop's type. */
typedef struct {
    const char *name;
    const char *doc;
    int nin, nout, nparams;
    fa_loop_fn loops[FA_NTYPES]; /* float16, float32, float64 */
} fa_ufunc_spec;


/* Generalized ufuncs (fa_rowwise.c): arg_types has one letter per argument,
 * 'f' for the loop's float type and '?' for bool; kind is passed to the
 * loop as its data pointer. */
typedef struct {
    const char *name;
    const char *doc;
    const char *signature;
    int nin, nout;
    const char *arg_types;
    fa_loop_fn loops[FA_NTYPES];
    int kind;
} fa_gufunc_spec;


/* fa_loops.c and fa_rowwise.c are compiled once per dispatch level
 * (setup.py), with FA_LEVEL naming the level; their tables carry it as a
 * suffix (fa_ufunc_specs_avx2, ...) and fa_dispatch.c picks one at import. */
#ifndef FA_LEVEL
#define FA_LEVEL baseline
#endif
#define FA_PASTE_(a, b) a##_##b
#define FA_PASTE(a, b) FA_PASTE_(a, b)
#define FA_LEVELED(name) FA_PASTE(name, FA_LEVEL)

/* For the generated lists' 0/1 flags: FA_IF(flag, text) keeps text where flag is 1. */
#define FA_IF_0(...)
#define FA_IF_1(...) __VA_ARGS__
#define FA_UNLESS_0(...) __VA_ARGS__
#define FA_UNLESS_1(...)
#define FA_IF(flag, ...) FA_IF_##flag(__VA_ARGS__)
#define FA_UNLESS(flag, ...) FA_UNLESS_##flag(__VA_ARGS__)

#endif /* FA_LOOPS_H */
