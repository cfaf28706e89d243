# cython: language_level=3, boundscheck=False, wraparound=False
"""The compiled ufuncs, registered from the C tables in csrc/loops/fa_loops.c and fa_rowwise.c.

Registration, dispatch-level choice and thread-count plumbing only: the math
lives in C, the keyword parameters in fastact._api. The kernels are compiled
once per dispatch level (setup.py); at import the best level the CPU supports
is registered, or the one FASTACT_DISPATCH names.
"""

import os

from libc.stdlib cimport malloc

cimport numpy as cnp
from numpy cimport PyUFuncGenericFunction, npy_intp

cnp.import_array()
cnp.import_ufunc()

cdef extern from "fa_loops.h":
    ctypedef void (*fa_loop_fn)(char **, const Py_ssize_t *, const Py_ssize_t *, void *)
    ctypedef struct fa_ufunc_spec:
        const char *name
        const char *doc
        int nin, nout, nparams
        fa_loop_fn loops[3]
    const fa_ufunc_spec fa_ufunc_specs[]
    const int fa_ufunc_spec_count
    ctypedef struct fa_gufunc_spec:
        const char *name
        const char *doc
        const char *signature
        int nin, nout
        const char *arg_types
        fa_loop_fn loops[3]
        int kind

cdef extern from "fa_dispatch.h":
    ctypedef struct fa_level:
        const char *name
        const char *needs
        const fa_ufunc_spec *ufuncs
        int n_ufuncs
        const fa_gufunc_spec *gufuncs
        int n_gufuncs
    const fa_level *fa_compiled_levels(int *count)
    int fa_cpu_supports(const char *level)

cdef extern from "fa_parallel.h":
    int FA_MAX_THREADS
    void fa_parallel_init()
    int fa_forked_after_team() nogil
    int fa_openmp_enabled() nogil
    int fa_get_num_threads() nogil
    void fa_set_num_threads(int n) nogil

cdef extern from *:
    """
    #ifndef FASTACT_BUILD_CONFIG
    #define FASTACT_BUILD_CONFIG "{}"
    #endif
    static const char *fa_build_config = FASTACT_BUILD_CONFIG;
    """
    const char *fa_build_config

assert sizeof(npy_intp) == sizeof(Py_ssize_t), "npy_intp and ptrdiff_t differ in size"

cdef char _TYPES[3]
_TYPES[0] = cnp.NPY_FLOAT16
_TYPES[1] = cnp.NPY_FLOAT
_TYPES[2] = cnp.NPY_DOUBLE
cdef void *_NO_DATA[3]
_NO_DATA[0] = NULL
_NO_DATA[1] = NULL
_NO_DATA[2] = NULL


cdef object _make_ufunc(const fa_ufunc_spec *spec):
    cdef int nargs = spec.nin + spec.nout
    # NumPy keeps these pointers for the life of the ufunc: never freed.
    cdef char *types = <char *>malloc(3 * nargs)
    cdef PyUFuncGenericFunction *funcs = <PyUFuncGenericFunction *>malloc(
        3 * sizeof(PyUFuncGenericFunction))
    if types == NULL or funcs == NULL:
        raise MemoryError()
    cdef int t, k
    cdef int first_param = spec.nin - spec.nparams
    for t in range(3):
        funcs[t] = <PyUFuncGenericFunction>spec.loops[t]
        for k in range(nargs):
            types[t * nargs + k] = _TYPES[t]
            if t == 0 and first_param <= k < spec.nin:  # float16 computes in float
                types[t * nargs + k] = cnp.NPY_FLOAT
    return cnp.PyUFunc_FromFuncAndData(
        funcs, _NO_DATA, types, 3, spec.nin, spec.nout, cnp.PyUFunc_None,
        spec.name, spec.doc, 0)


cdef object _make_gufunc(const fa_gufunc_spec *spec):
    cdef int nargs = spec.nin + spec.nout
    # NumPy keeps these pointers for the life of the ufunc: never freed.
    cdef char *types = <char *>malloc(3 * nargs)
    cdef PyUFuncGenericFunction *funcs = <PyUFuncGenericFunction *>malloc(
        3 * sizeof(PyUFuncGenericFunction))
    cdef void **data = <void **>malloc(3 * sizeof(void *))
    if types == NULL or funcs == NULL or data == NULL:
        raise MemoryError()
    cdef int t, k
    for t in range(3):
        funcs[t] = <PyUFuncGenericFunction>spec.loops[t]
        data[t] = <void *><Py_ssize_t>spec.kind  # the loop's variant
        for k in range(nargs):
            types[t * nargs + k] = cnp.NPY_BOOL if spec.arg_types[k] == b'?' else _TYPES[t]
    return cnp.PyUFunc_FromFuncAndDataAndSignature(
        funcs, data, types, 3, spec.nin, spec.nout, cnp.PyUFunc_None,
        spec.name, spec.doc, 0, spec.signature)


def compiled_levels():
    """{level: instruction sets} for every dispatch level this build compiled."""
    cdef int count, i
    cdef const fa_level *levels = fa_compiled_levels(&count)
    return {levels[i].name.decode(): levels[i].needs.decode() for i in range(count)}


def supported_levels():
    """The compiled levels the running CPU can execute, lowest first."""
    return [name for name in compiled_levels() if fa_cpu_supports(name.encode())]


def _choose_level(requested):
    """The level to register: the best supported, or the one requested."""
    compiled, supported = compiled_levels(), supported_levels()
    if not requested:
        if not supported:  # a build of chosen levels only (FASTACT_LEVELS)
            raise RuntimeError(
                f"fastact: this build has only the level(s) {', '.join(compiled)}, which this "
                f"CPU lacks; rebuild without FASTACT_LEVELS")
        return supported[len(supported) - 1]  # (wraparound is off in this file)
    if requested not in compiled:
        raise RuntimeError(
            f"fastact: FASTACT_DISPATCH={requested!r} is not a dispatch level of this build; "
            f"choose one of {', '.join(compiled)} (or unset it for the best the CPU supports)")
    if requested not in supported:
        raise RuntimeError(
            f"fastact: FASTACT_DISPATCH={requested!r} needs {compiled[requested]}, which this CPU "
            f"lacks; it supports {', '.join(supported)}")
    return requested


def _register(level):
    cdef int count, i, k
    cdef const fa_level *levels = fa_compiled_levels(&count)
    for k in range(count):
        if levels[k].name.decode() == level:
            break
    else:  # _choose_level chose a compiled level: not reached
        raise RuntimeError(f"fastact: no compiled level named {level!r}")
    table = {}
    for i in range(levels[k].n_ufuncs):
        table[levels[k].ufuncs[i].name.decode()] = _make_ufunc(&levels[k].ufuncs[i])
    for i in range(levels[k].n_gufuncs):
        table[levels[k].gufuncs[i].name.decode()] = _make_gufunc(&levels[k].gufuncs[i])
    return table


DISPATCH_LEVEL = _choose_level(os.environ.get("FASTACT_DISPATCH", "").strip().lower())
UFUNCS = _register(DISPATCH_LEVEL)
globals().update(UFUNCS)
__all__ = sorted(UFUNCS)


fa_parallel_init()
MAX_THREADS = FA_MAX_THREADS


def forked_after_team():
    """Whether this process was forked after its parent had run a team of threads
    (its loops then run on one thread: see fastact.set_num_threads)."""
    return bool(fa_forked_after_team())


def openmp_enabled():
    """Whether the kernels were compiled with OpenMP."""
    return bool(fa_openmp_enabled())


def get_num_threads():
    """Threads a large loop will use (1 without OpenMP)."""
    return fa_get_num_threads()


def set_num_threads(int n):
    """Use n threads for large loops; n <= 0 restores OpenMP's default."""
    fa_set_num_threads(n)


def build_config():
    """The compiler and flags the kernels were built with, as a string."""
    return fa_build_config.decode()
