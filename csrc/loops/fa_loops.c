/*
 * fa_loops.c -- every ufunc loop, generated from fa_activations.def.
 *
 * Compiled twice per dispatch level (setup.py): as it is, for the float64
 * loops and the table of all loops; and as fa_loops_float.c, which defines
 * FA_REAL_FLOAT, for the float32 and float16 loops, which then compute in
 * float (fa_real.h): the same kernels in the precision of the data.
 *
 * Each activation gets, for float16, float32 and float64:
 *   NAME                       (x, params...)      -> y
 *   NAME_grad                  (x, params...)      -> f'(x)
 *   NAME_value_and_grad        (x, params...)      -> y, f'(x)
 *   NAME_backward              (g, x, params...)   -> g f'(x)
 *                              (g, x, params...)   -> g f'(x), g df/dparam   (param_grad)
 *   NAME_backward_from_output  (g, y, params...)   -> g f'(x)                 (from_output)
 * float16 computes in float: a block at a time, widened into buffers for the
 * float32 loop and rounded once on store (FA_HALF_RANGE). Any strides;
 * OpenMP splits long loops statically.
 *
 * The gated family (fa_gates.def: glu, swiglu, ...), elementwise over the
 * halves (a, b) of x (registered as gufuncs by fa_rowwise.c, which reshapes
 * nothing: the halves are views), f the gate's activation:
 *   NAME_gate                  (a, b)              -> a f(b)
 *   NAME_gate_backward         (g, a, b)           -> g f(b), g a f'(b)
 * and the same along a core axis (NAME_gate_rows, NAME_gate_backward_rows).
 */
#include "fa_activations.h"
#include "fa_costs.h"
#include "fa_loop_util.h"
#include "fa_loops.h"
#include "fa_vec.h"

/* ---- element bodies: i is the element index --------------------------- */

/* Where argument k of element i is. A contiguous loop has unit steps for the
 * arrays and step 0 for the parameters, all as constants, so the compiler
 * can vectorize it; a strided loop takes NumPy's steps. FIRST is the index of
 * the first parameter, NP their number. */
#define FA_SIZE_e 2
#define FA_SIZE_f 4
#define FA_SIZE_d 8
#define FA_AT_strided(k, T, FIRST, NP) (args[k] + i * steps[k])
#define FA_AT_contiguous(k, T, FIRST, NP)                                                          \
    (args[k] + i * (((k) >= (FIRST) && (k) < (FIRST) + (NP)) ? 0 : FA_SIZE_##T))
#define FA_IN(MODE, T, FIRST, NP, k) FA_LOAD_##T(FA_AT_##MODE(k, T, FIRST, NP))
/* Parameters have the type the loop computes in: a float16 loop computes in
 * float and takes float32 parameters, so that a parameter such as slope=1/6
 * is rounded to float, not to float16 (the extra level of macros expands
 * FA_PTYPE_##T before FA_IN pastes it). */
#define FA_PTYPE_e f
#define FA_PTYPE_f f
#define FA_PTYPE_d d
#define FA_IN_TYPED(MODE, PT, FIRST, NP, k) FA_IN(MODE, PT, FIRST, NP, k)
#define FA_IN_PARAM(MODE, T, FIRST, NP, k) FA_IN_TYPED(MODE, FA_PTYPE_##T, FIRST, NP, k)
/* Store v as argument k; the value is the stored one, widened. */
#define FA_OUT(MODE, T, FIRST, NP, k, v) fa_store_##T(FA_AT_##MODE(k, T, FIRST, NP), v)
/* Each body comes in two forms, CHECKED a constant 1 or 0.
 * Checked: NaN in gives NaN out, whatever the definition does with it
 * (definitions see 0 instead of NaN, so that their branches are those of a
 * number), and an overflow (fa_run_elements) is a stored value that is
 * infinite while the element's inputs were all finite.
 * Unchecked, for the first pass over a contiguous block (FA_RANGE): the
 * definition sees x as it is, and `anomaly` notes a NaN x or a stored value
 * that is not finite, for which the block is then computed again checked. */
#define FA_ARG(CHECKED, x) ((CHECKED) ? (fa_isnan(x) ? 0.0 : (x)) : (x))
#define FA_RESULT(CHECKED, x, v) ((CHECKED) && fa_isnan(x) ? (x) : (v))
#define FA_RESULT_ALT(CHECKED, x, v) ((CHECKED) && fa_isnan_alt(x) ? (x) : (v))
/* v - v is +0 for a finite v and NaN otherwise (the flags that raises are
 * dropped: fa_run_elements). The unchecked note takes v = (out1 - x) + out2:
 * not finite if x is NaN or an output is not finite (or, harmlessly, if
 * out1 - x overflows), and `anomaly` ORs together the bits of v - v: three
 * or four operations per element and no comparison (an integer OR
 * vectorizes as a reduction; a sum of floats, whose order is fixed, does
 * not). */
#define FA_NOTE_1(CHECKED, x, stored)                                                              \
    if (CHECKED)                                                                                   \
        overflow |= (fabs(stored) > FA_REAL_MAX) & finite;                                         \
    else                                                                                           \
        anomaly |= fa_bits(((stored) - (x)) - ((stored) - (x)));
#define FA_NOTE_2(CHECKED, x, stored1, stored2)                                                    \
    if (CHECKED)                                                                                   \
        overflow |= (fa_max(fabs(stored1), fabs(stored2)) > FA_REAL_MAX) & finite;                 \
    else                                                                                           \
        anomaly |= fa_bits((((stored1) - (x)) + (stored2)) - (((stored1) - (x)) + (stored2)));

/* The parameters of element i, and whether they are finite. A strided loop
 * reads them per element; a contiguous one has read them once, before its
 * loops (FA_HOIST_PARAMS), as their steps are 0 and no output overlaps them
 * there (fa_partial_overlap): loaded per element, they would be reloaded
 * after every store, which might have changed them. */
#define FA_READ_PARAMS(p, finite, MODE, T, FIRST, NP)                                              \
    fa_real p[2] = {0.0, 0.0};                                                                      \
    if ((NP) > 0)                                                                                  \
        p[0] = FA_IN_PARAM(MODE, T, FIRST, NP, FIRST);                                             \
    if ((NP) > 1)                                                                                  \
        p[1] = FA_IN_PARAM(MODE, T, FIRST, NP, (FIRST) + 1);                                       \
    int finite = fa_isfinite(p[0]) & fa_isfinite(p[1]);
#define FA_PARAMS_strided(T, FIRST, NP) FA_READ_PARAMS(p, finite, strided, T, FIRST, NP)
#define FA_PARAMS_contiguous(T, FIRST, NP)                                                         \
    const fa_real *p = hoisted_p;                                                                  \
    int finite = hoisted_finite;
#define FA_HOIST_PARAMS(T, FIRST, NP)                                                              \
    const ptrdiff_t i = 0; /* FA_IN's address has i, times a step of 0 here */                    \
    FA_READ_PARAMS(hoisted_p, hoisted_finite, contiguous, T, FIRST, NP)                            \
    (void)hoisted_p, (void)hoisted_finite;
#define FA_PARAMS(MODE, T, FIRST, NP) FA_PARAMS_##MODE(T, FIRST, NP)

/* g f': in the float build, where f' has tails (fa_activations.def) and is
 * below float's normal range, or where f' overflowed float (relu_squared's 2x),
 * g f' is formed in double by the double build's definition
 * (fa_backward_in_double_*) and rounded once: a subnormal f' (tanh'(-50)) or
 * one that underflowed to 0 (sigmoid'(-110)) times a large g would otherwise
 * multiply its rounding error, or return 0 for a product that is a normal
 * number, and an infinite f' times a small g inf for a finite one (an infinite
 * product makes the first pass compute its block again, checked). The
 * unchecked first pass flags a below-normal f' in
 * `below` (fa_below_normal, an integer OR: a compare turned into a mask, or
 * an integer minimum of |f'|, stopped GCC 12 vectorizing the pass), and the
 * block's passes take it as a rare branch: it alone is computed again
 * checked. In the float64 loops f'
 * has no such tail that matters at double's precision, and g f' is the
 * product as computed. */
#ifdef FA_REAL_FLOAT
/* The sign bit of fa_uint if |d| is below the normal range (or d is not
 * finite), else 0: |d|'s bits, shifted out of their sign, less FLT_MIN's,
 * borrow exactly then. Integer operations: cheaper in the vectorized pass
 * than a compare turned into a mask. */
static inline fa_uint fa_below_normal(fa_real d)
{
    return ((fa_bits(d) << 1) - (fa_bits(FA_REAL_MIN) << 1)) & ~(~(fa_uint)0 >> 1);
}
#define FA_TIMES_GRAD(NAME, OP, g, x, d, p, CHECKED)                                               \
    ((CHECKED) ? ((fa_tails_##NAME && fabs(d) < FA_REAL_MIN) || fabs(d) > FA_REAL_MAX            \
                      ? (fa_real)FA_LEVELED(fa_##OP##_in_double_##NAME)(g, x, p)                   \
                      : (g) * (d))                                                                 \
               : (below |= fa_tails_##NAME ? fa_below_normal(d) : 0, (g) * (d)))
#define FA_WIDE_BACKWARD(NAME, WIDE)
#else
/* In the float64 loops g f' is the product as computed, but where f' overflows for a finite
 * x and g f' need not (the record's derivative_overflows: relu_squared's 2x beyond
 * DBL_MAX / 2), the checked pass forms g f' by fa_act_<name>_backward_wide: g times an
 * infinite f' is inf, or NaN for g = 0, where g f' is finite. */
#define FA_TIMES_GRAD(NAME, OP, g, x, d, p, CHECKED) FA_TIMES_GRAD_##OP(NAME, g, x, d, p, CHECKED)
#define FA_TIMES_GRAD_backward(NAME, g, x, d, p, CHECKED)                                          \
    ((CHECKED) ? fa_backward_wide_##NAME(g, x, d, p) : (g) * (d))
#define FA_TIMES_GRAD_backward_from_output(NAME, g, y, d, p, CHECKED) ((g) * (d))
#define FA_WIDE_BACKWARD(NAME, WIDE)                                                               \
    static inline fa_real fa_backward_wide_##NAME(fa_real g, fa_real x, fa_real d,                 \
                                                  const fa_real *p)                                \
    {                                                                                              \
        FA_IF(WIDE, if (fabs(d) > FA_REAL_MAX && fabs(x) <= FA_REAL_MAX) return                    \
                        fa_act_##NAME##_backward_wide(g, x, p);)                                   \
        (void)x, (void)p;                                                                          \
        return g * d;                                                                              \
    }
#endif
#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD, TAILS, WIDE)                              \
    enum { fa_tails_##NAME = TAILS };                                                              \
    FA_WIDE_BACKWARD(NAME, WIDE)                                                                   \
    double FA_LEVELED(fa_backward_in_double_##NAME)(double g, double x, const float *p);           \
    double FA_LEVELED(fa_backward_from_output_in_double_##NAME)(double g, double y,                \
                                                                const float *p);
#include "fa_activations.def"
#undef FA_ACTIVATION

#define FA_BODY_forward(NAME, NP, T, MODE, RARE, CHECKED)                                          \
    FA_PARAMS(MODE, T, 1, NP)                                                                      \
    fa_real x = FA_IN(MODE, T, 1, NP, 0), d;                                                        \
    finite &= fa_isfinite(x);                                                                      \
    fa_real y = fa_act_##NAME(FA_ARG(CHECKED, x), p, &d, RARE);                                    \
    FA_NOTE_1(CHECKED, x, FA_OUT(MODE, T, 1, NP, 1 + (NP), FA_RESULT(CHECKED, x, y)))

#define FA_BODY_grad(NAME, NP, T, MODE, RARE, CHECKED)                                             \
    FA_PARAMS(MODE, T, 1, NP)                                                                      \
    fa_real x = FA_IN(MODE, T, 1, NP, 0), d;                                                        \
    finite &= fa_isfinite(x);                                                                      \
    (void)fa_act_##NAME(FA_ARG(CHECKED, x), p, &d, RARE);                                          \
    FA_NOTE_1(CHECKED, x, FA_OUT(MODE, T, 1, NP, 1 + (NP), FA_RESULT(CHECKED, x, d)))

#define FA_BODY_value_and_grad(NAME, NP, T, MODE, RARE, CHECKED)                                   \
    FA_PARAMS(MODE, T, 1, NP)                                                                      \
    fa_real x = FA_IN(MODE, T, 1, NP, 0), d;                                                        \
    finite &= fa_isfinite(x);                                                                      \
    fa_real y = fa_act_##NAME(FA_ARG(CHECKED, x), p, &d, RARE);                                    \
    fa_real stored_y = FA_OUT(MODE, T, 1, NP, 1 + (NP), FA_RESULT(CHECKED, x, y));                  \
    fa_real stored_d = FA_OUT(MODE, T, 1, NP, 2 + (NP), FA_RESULT_ALT(CHECKED, x, d));              \
    FA_NOTE_2(CHECKED, x, stored_y, stored_d)

#define FA_BODY_backward(NAME, NP, T, MODE, RARE, CHECKED)                                         \
    FA_PARAMS(MODE, T, 2, NP)                                                                      \
    fa_real g = FA_IN(MODE, T, 2, NP, 0), x = FA_IN(MODE, T, 2, NP, 1), d;                          \
    finite &= fa_isfinite(g) & fa_isfinite(x);                                                     \
    (void)fa_act_##NAME(FA_ARG(CHECKED, x), p, &d, RARE);                                          \
    fa_real gd = FA_TIMES_GRAD(NAME, backward, g, FA_ARG(CHECKED, x), d, p, CHECKED);              \
    FA_NOTE_1(CHECKED, x, FA_OUT(MODE, T, 2, NP, 2 + (NP), FA_RESULT(CHECKED, x, gd)))

#define FA_BODY_backward_param(NAME, NP, T, MODE, RARE, CHECKED)                                   \
    FA_PARAMS(MODE, T, 2, NP)                                                                      \
    fa_real g = FA_IN(MODE, T, 2, NP, 0), x = FA_IN(MODE, T, 2, NP, 1), d;                          \
    finite &= fa_isfinite(g) & fa_isfinite(x);                                                     \
    (void)fa_act_##NAME(FA_ARG(CHECKED, x), p, &d, RARE);                                          \
    fa_real stored_gx = FA_OUT(MODE, T, 2, NP, 2 + (NP), g * FA_RESULT(CHECKED, x, d));             \
    fa_real stored_gp = FA_OUT(                                                                    \
        MODE, T, 2, NP, 3 + (NP),                                                                  \
        g * FA_RESULT_ALT(CHECKED, x, fa_act_##NAME##_dparam(FA_ARG(CHECKED, x), p)));             \
    FA_NOTE_2(CHECKED, x, stored_gx, stored_gp)

#define FA_BODY_backward_from_output(NAME, NP, T, MODE, RARE, CHECKED)                             \
    FA_PARAMS(MODE, T, 2, NP)                                                                      \
    fa_real g = FA_IN(MODE, T, 2, NP, 0), y = FA_IN(MODE, T, 2, NP, 1);                             \
    finite &= fa_isfinite(g) & fa_isfinite(y);                                                     \
    (void)RARE;                                                                                    \
    fa_real d = fa_act_##NAME##_from_output(FA_ARG(CHECKED, y), p);                                \
    fa_real gd = FA_TIMES_GRAD(NAME, backward_from_output, g, FA_ARG(CHECKED, y), d, p, CHECKED);  \
    FA_NOTE_1(CHECKED, y, FA_OUT(MODE, T, 2, NP, 2 + (NP), FA_RESULT(CHECKED, y, gd)))

/* A gate (fa_activations.h): b plays x, a (and g) are arrays like it. */
#define FA_BODY_gate(NAME, NP, T, MODE, RARE, CHECKED)                                             \
    FA_PARAMS(MODE, T, 2, NP)                                                                      \
    (void)p; /* none */                                                                            \
    fa_real a = FA_IN(MODE, T, 2, NP, 0), x = FA_IN(MODE, T, 2, NP, 1);                             \
    finite &= fa_isfinite(a) & fa_isfinite(x);                                                     \
    fa_real y = fa_gate_##NAME(a, FA_ARG(CHECKED, x), RARE);                                       \
    FA_NOTE_1(CHECKED, x, FA_OUT(MODE, T, 2, NP, 2, FA_RESULT(CHECKED, x, y)))

#define FA_BODY_gate_backward(NAME, NP, T, MODE, RARE, CHECKED)                                    \
    FA_PARAMS(MODE, T, 3, NP)                                                                      \
    (void)p; /* none */                                                                            \
    fa_real g = FA_IN(MODE, T, 3, NP, 0), a = FA_IN(MODE, T, 3, NP, 1);                             \
    fa_real x = FA_IN(MODE, T, 3, NP, 2), gb;                                                       \
    finite &= fa_isfinite(g) & fa_isfinite(a) & fa_isfinite(x);                                    \
    fa_real ga = fa_gate_##NAME##_backward(g, a, FA_ARG(CHECKED, x), &gb, RARE);                  \
    fa_real stored_ga = FA_OUT(MODE, T, 3, NP, 3, FA_RESULT(CHECKED, x, ga));                       \
    fa_real stored_gb = FA_OUT(MODE, T, 3, NP, 4, FA_RESULT_ALT(CHECKED, x, gb));                   \
    FA_NOTE_2(CHECKED, x, stored_ga, stored_gb)

/* ---- loops ------------------------------------------------------------ */

/* Index of the first parameter, and the number of arguments, per operation. */
#define FA_FIRST_forward 1
#define FA_FIRST_grad 1
#define FA_FIRST_value_and_grad 1
#define FA_FIRST_backward 2
#define FA_FIRST_backward_param 2
#define FA_FIRST_backward_from_output 2
#define FA_FIRST_gate 2
#define FA_FIRST_gate_backward 3
#define FA_NOUT_forward 1
#define FA_NOUT_grad 1
#define FA_NOUT_value_and_grad 2
#define FA_NOUT_backward 1
#define FA_NOUT_backward_param 2
#define FA_NOUT_backward_from_output 1
#define FA_NOUT_gate 1
#define FA_NOUT_gate_backward 2

/* Unit steps for the arrays, step 0 for the parameters (scalars broadcast). */
static inline int fa_is_contiguous(const ptrdiff_t *steps, int nargs, int first, int np,
                                   ptrdiff_t size)
{
    for (int k = 0; k < nargs; k++)
        if (steps[k] != ((k >= first && k < first + np) ? 0 : size))
            return 0;
    return 1;
}

#define FA_LOOP_SIGNATURE(NAME, OP, T)                                                             \
    void FA_LEVELED(fa_loop_##NAME##_##OP##_##T)(char **args, const ptrdiff_t *dimensions,         \
                                                 const ptrdiff_t *steps, void *data)

/* The elements [begin, end) of one call, strided or contiguous; returns
 * whether any overflowed (fa_run_elements).
 * Contiguous, in blocks of FA_BLOCK elements: a first pass runs the
 * unchecked body (FA_NOTE_1, FA_NOTE_2) without the definitions' rare
 * branches (FA_RARE, fa_activations.h), noting the elements that take one
 * (and a backward's elements whose f' fell below the normal range: FA_TIMES_GRAD).
 * A block with an anomaly (a NaN in, a non-finite value out) is then computed again
 * checked and in full; otherwise only the noted elements are, one by one.
 * The first pass sees finite parameters (FA_UNCHECKED, fa_activations.h):
 * with a parameter that is not (a raw ufunc's), every element is computed
 * checked and in full; likewise in place (an output is an input), where the
 * first pass would overwrite what the second reads
 * (and an output overlapping an input otherwise runs on the strided path,
 * serially: fa_partial_overlap).
 * Where a definition has no rare branch the compiler drops that part.
 * Large outputs of cheap loops (fa_stream_share, fa_loop_util.h) are
 * computed a block at a time into buffers and streamed out from there. */
#define FA_BLOCK 512
/* The float ranges stay functions of their own where float16's calls them too. */
#if defined(__GNUC__)
#define FA_NOINLINE __attribute__((noinline))
#else
#define FA_NOINLINE
#endif
#define FA_CHECKED_ELEMENTS(NAME, NP, OP, T, MODE, from, to)                                       \
    {                                                                                              \
        fa_uint anomaly = 0; /* the unchecked notes' variable */                                   \
        for (ptrdiff_t i = (from); i < (to); i++) {                                                \
            fa_uint below = 0; /* the unchecked pass's flag (FA_TIMES_GRAD) */                     \
            FA_BODY_##OP(NAME, NP, T, MODE, (int *)0, 1)                                           \
            (void)below;                                                                           \
        }                                                                                          \
        (void)anomaly;                                                                             \
    }
/* The passes over the elements [from, to) of one block, with `args` and
 * `taken` (flags of the block's elements, from index 0) in scope: the first
 * pass, then the checked re-runs it calls for. */
#define FA_BLOCK_PASSES(NAME, NP, OP, T, from, to)                                                 \
    {                                                                                              \
        fa_int any_taken = 0;                                                                      \
        fa_uint anomaly = 0;                                                                       \
        for (ptrdiff_t i = (from); i < (to); i++) {                                                \
            int rare = 0;                                                                          \
            fa_uint below = 0;                                                                     \
            FA_BODY_##OP(NAME, NP, T, contiguous, &rare, 0)                                        \
            /* a plain local, not *rare: a flag set through the pointer beside a                 \
             * definition's rare branch left some loops scalar (GCC 12: elu) */                   \
            rare |= (int)(below >> (FA_WORD_BITS - 1));                                            \
            taken[i - (from)] = rare;                                                              \
            any_taken |= rare;                                                                     \
        }                                                                                          \
        if (anomaly) {                                                                             \
            FA_CHECKED_ELEMENTS(NAME, NP, OP, T, contiguous, from, to)                             \
        } else if (any_taken) {                                                                    \
            for (ptrdiff_t at = (from); at < (to); at++)                                           \
                if (taken[at - (from)])                                                            \
                    FA_CHECKED_ELEMENTS(NAME, NP, OP, T, contiguous, at, at + 1)                   \
        }                                                                                          \
    }
#define FA_STRIDED_RANGE(NAME, NP, OP, T)                                                          \
    static FA_NOINLINE int fa_range_##NAME##_##OP##_##T##_strided(                                 \
        char *const *restrict args, const ptrdiff_t *steps, ptrdiff_t begin, ptrdiff_t end)        \
    {                                                                                              \
        int overflow = 0;                                                                          \
        FA_CHECKED_ELEMENTS(NAME, NP, OP, T, strided, begin, end)                                  \
        return overflow;                                                                           \
    }
#define FA_RANGE(NAME, NP, OP, T)                                                                  \
    FA_STRIDED_RANGE(NAME, NP, OP, T)                                                              \
    /* Contiguous, the outputs streamed (fa_stream_share): each block is computed                 \
     * into buffers, its arrays taken from the block's first element, and streamed                \
     * out; the first block ends at a 64-byte line of the first output, so that the             \
     * others cover whole lines (of the other outputs too, where aligned alike). */               \
    static inline int fa_range_##NAME##_##OP##_##T##_streamed(char *const *restrict args,       \
                                                              ptrdiff_t begin, ptrdiff_t end)      \
    {                                                                                              \
        enum { nin = FA_FIRST_##OP + (NP), nout = FA_NOUT_##OP };                                  \
        int overflow = 0;                                                                          \
        FA_HOIST_PARAMS(T, FA_FIRST_##OP, NP)                                                      \
        char *const *restrict call_args = args;                                                    \
        FA_ALIGNED_64 char buffer[nout][FA_BLOCK * FA_SIZE_##T];                                   \
        fa_int taken[FA_BLOCK];                                                                    \
        char *block_args[nin + nout];                                                              \
        const ptrdiff_t lead = fa_elements_to_line(call_args[nin] + begin * FA_SIZE_##T,           \
                                                   FA_SIZE_##T);                                   \
        for (ptrdiff_t block = begin, n; block < end; block += n) {                                \
            n = block == begin && lead > 0 ? lead : FA_BLOCK;                                      \
            n = end - block < n ? end - block : n;                                                 \
            for (int k = 0; k < nin; k++) /* parameters (step 0) as they are */                  \
                block_args[k] = call_args[k] + (k < FA_FIRST_##OP ? block * FA_SIZE_##T : 0);      \
            for (int o = 0; o < nout; o++)                                                         \
                block_args[nin + o] = buffer[o];                                                   \
            char *const *restrict args = block_args;                                               \
            FA_BLOCK_PASSES(NAME, NP, OP, T, 0, n)                                                 \
            for (int o = 0; o < nout; o++)                                                         \
                fa_stream_store(call_args[nin + o] + block * FA_SIZE_##T, buffer[o],               \
                                (size_t)n * FA_SIZE_##T);                                          \
        }                                                                                          \
        fa_stream_fence();                                                                         \
        return overflow;                                                                           \
    }                                                                                              \
    static FA_NOINLINE int fa_range_##NAME##_##OP##_##T##_contiguous(                              \
        char *const *restrict args, const ptrdiff_t *steps, ptrdiff_t begin, ptrdiff_t end)        \
    {                                                                                              \
        (void)steps;                                                                               \
        enum { nin = FA_FIRST_##OP + (NP), nout = FA_NOUT_##OP };                                  \
        int overflow = 0;                                                                          \
        FA_HOIST_PARAMS(T, FA_FIRST_##OP, NP)                                                      \
        if (!hoisted_finite || fa_in_place(args, nin, nout)) {                                   \
            FA_CHECKED_ELEMENTS(NAME, NP, OP, T, contiguous, begin, end)                           \
            return overflow;                                                                       \
        }                                                                                          \
        if (fa_cost_##NAME <= FA_STREAM_MAX_COST &&                                                \
            fa_stream_share(end - begin, (FA_FIRST_##OP + nout) * FA_SIZE_##T))                    \
            return fa_range_##NAME##_##OP##_##T##_streamed(args, begin, end);                      \
        fa_int taken[FA_BLOCK]; /* the fa_real's width: one vector of flags per vector */          \
        for (ptrdiff_t block = begin; block < end; block += FA_BLOCK) {                            \
            const ptrdiff_t stop = end - block > FA_BLOCK ? block + FA_BLOCK : end;                \
            FA_BLOCK_PASSES(NAME, NP, OP, T, block, stop)                                          \
        }                                                                                          \
        return overflow;                                                                           \
    }

/* float16: a block's array inputs are widened into float buffers (fa_vec.h;
 * gathered first where strided), the float32 loop's range computes the block
 * there, and the outputs are rounded to float16 and stored: each float16
 * result is the float32 loop's rounded once, bitwise. float16's overflow (a
 * finite element whose output rounds to +-inf) is not float32's: it is
 * looked for in a block where a rounded output is inf or NaN. A block is read
 * whole before it is written, so in place is safe; an output overlapping an
 * input otherwise (fa_partial_overlap) runs on one thread (the _serial range),
 * in blocks where the input runs ahead (fa_reads_ahead), else one element at
 * a time, in order. Parameters with a step (an array of them) are copied
 * into buffers too and the block goes through float32's strided range. */
/* As FA_BLOCK: 128 and 256 measured slower, 1024 and 2048 no faster. */
#define FA_HALF_BLOCK 512
/* Rows a line longer than a block: no two buffers 4 KB apart, whose loads and
 * stores the CPU would take for dependent. */
#define FA_HALF_ROW (FA_HALF_BLOCK + 16)
#define FA_HALF_RANGE(NAME, NP, OP, T)                                                             \
    static inline int fa_half_##NAME##_##OP(char *const *restrict args, const ptrdiff_t *steps,   \
                                            ptrdiff_t begin, ptrdiff_t end, ptrdiff_t len)         \
    {                                                                                              \
        enum { narr = FA_FIRST_##OP, nin = narr + (NP), nout = FA_NOUT_##OP };                     \
        int overflow = 0, stepped = 0;                                                             \
        FA_ALIGNED_64 float buf[nin + nout][FA_HALF_ROW];                                          \
        FA_ALIGNED_64 uint16_t half[FA_HALF_ROW];                                                  \
        char *block_args[nin + nout];                                                              \
        ptrdiff_t block_steps[nin + nout];                                                         \
        for (int k = 0; k < nin + nout; k++) {                                                     \
            const int scalar = k >= narr && k < nin && steps[k] == 0;                              \
            stepped |= k >= narr && k < nin && !scalar;                                            \
            block_args[k] = scalar ? args[k] : (char *)buf[k];                                     \
            block_steps[k] = scalar ? 0 : (ptrdiff_t)sizeof(float);                                \
        }                                                                                          \
        for (ptrdiff_t block = begin; block < end; block += len) {                                 \
            const ptrdiff_t n = end - block < len ? end - block : len;                             \
            for (int k = 0; k < narr; k++)                                                         \
                fa_vec_load_half(buf[k], half, args[k] + block * steps[k], steps[k], n);           \
            for (int k = narr; k < nin; k++)                                                       \
                if (steps[k] != 0)                                                                 \
                    fa_gather_float(buf[k], args[k] + block * steps[k], steps[k], n);              \
            if (stepped)                                                                           \
                (void)fa_range_##NAME##_##OP##_f_strided(block_args, block_steps, 0, n);           \
            else                                                                                   \
                (void)fa_range_##NAME##_##OP##_f_contiguous(block_args, block_steps, 0, n);        \
            int not_finite = 0;                                                                    \
            for (int o = nin; o < nin + nout; o++)                                                 \
                not_finite |= fa_vec_store_half(args[o] + block * steps[o], steps[o], buf[o],      \
                                                half, n);                                          \
            if (not_finite)                                                                        \
                overflow |= fa_half_overflow(block_args, block_steps, nin, nout, n);               \
        }                                                                                          \
        return overflow;                                                                           \
    }                                                                                              \
    static int fa_range_##NAME##_##OP##_e_contiguous(char *const *restrict args,                 \
                                                     const ptrdiff_t *steps, ptrdiff_t begin,      \
                                                     ptrdiff_t end)                                \
    {                                                                                              \
        return fa_half_##NAME##_##OP(args, steps, begin, end, FA_HALF_BLOCK);                      \
    }                                                                                              \
    static int fa_range_##NAME##_##OP##_e_serial(char *const *restrict args,                     \
                                                 const ptrdiff_t *steps, ptrdiff_t begin,          \
                                                 ptrdiff_t end)                                    \
    {                                                                                              \
        const int ahead = fa_reads_ahead(args, steps, FA_FIRST_##OP + (NP), FA_NOUT_##OP,         \
                                         end - begin, FA_SIZE_e, FA_FIRST_##OP, FA_PARAM_SIZE(e)); \
        return fa_half_##NAME##_##OP(args, steps, begin, end, ahead ? FA_HALF_BLOCK : 1);          \
    }

#ifdef FA_REAL_FLOAT
/* n float32 parameters, `step` bytes apart, into dst. */
static inline void fa_gather_float(float *dst, const char *src, ptrdiff_t step, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++)
        dst[i] = *(const float *)(src + i * step);
}

/* Whether an element of a float16 block has all its inputs finite and an
 * output that rounds to +-inf (from 65520, the tie above float16's largest
 * finite value, which rounds to even: up). */
static int fa_half_overflow(char *const *block_args, const ptrdiff_t *block_steps, int nin,
                            int nout, ptrdiff_t n)
{
    for (ptrdiff_t i = 0; i < n; i++) {
        int finite = 1, infinite = 0;
        for (int k = 0; k < nin; k++)
            finite &= fa_isfinite(*(const float *)(block_args[k] + i * block_steps[k]));
        for (int o = nin; o < nin + nout; o++)
            infinite |= fabs(((const float *)block_args[o])[i]) >= 65520.0;
        if (finite & infinite)
            return 1;
    }
    return 0;
}
#endif

/* Whether an output array is one of the input arrays (the parameters are
 * inputs too; no output is one of them). */
static inline int fa_in_place(char *const *args, int nin, int nout)
{
    for (int o = nin; o < nin + nout; o++)
        for (int k = 0; k < nin; k++)
            if (args[o] == args[k])
                return 1;
    return 0;
}

/* Whether an output overlaps an input without being that same array: NumPy
 * does not copy an input that runs ahead of its output (f(a[1:],
 * out=a[:-1])), which is right only for one pass in element order. The
 * loop then runs serially and checked. */
static int fa_partial_overlap(char *const *args, const ptrdiff_t *steps, int nin, int nout,
                              ptrdiff_t n, ptrdiff_t size, int first, ptrdiff_t param_size)
{
    if (n <= 0)
        return 0;
    for (int o = nin; o < nin + nout; o++) {
        const ptrdiff_t out_span = (n - 1) * steps[o];
        const char *out_lo = args[o] + (out_span < 0 ? out_span : 0);
        const char *out_hi = args[o] + (out_span > 0 ? out_span : 0) + size;
        for (int k = 0; k < nin; k++) {
            const ptrdiff_t span = (n - 1) * steps[k];
            const char *lo = args[k] + (span < 0 ? span : 0);
            const char *hi = args[k] + (span > 0 ? span : 0) + (k >= first ? param_size : size);
            int same = args[o] == args[k] && steps[o] == steps[k];
            if (!same && lo < out_hi && out_lo < hi)
                return 1;
        }
    }
    return 0;
}

/* Whether each output element that overlaps an input element comes at or
 * after it in element order, with the input's step (as NumPy passes f(a[1:],
 * out=a[:-1]) uncopied): then every element is read before it is written in
 * blocks too, each block read whole first. Not where a parameter overlaps. */
static inline int fa_reads_ahead(char *const *args, const ptrdiff_t *steps, int nin, int nout,
                                 ptrdiff_t n, ptrdiff_t size, int first, ptrdiff_t param_size)
{
    for (int o = nin; o < nin + nout; o++) {
        const ptrdiff_t out_span = (n - 1) * steps[o], step = steps[o];
        const char *out_lo = args[o] + (out_span < 0 ? out_span : 0);
        const char *out_hi = args[o] + (out_span > 0 ? out_span : 0) + size;
        for (int k = 0; k < nin; k++) {
            const ptrdiff_t span = (n - 1) * steps[k], ahead = args[k] - args[o];
            const char *lo = args[k] + (span < 0 ? span : 0);
            const char *hi = args[k] + (span > 0 ? span : 0) + (k >= first ? param_size : size);
            if (!(lo < out_hi && out_lo < hi))
                continue;
            if (k >= first || steps[k] != step || (step < 0 ? -step : step) < size ||
                (step > 0 ? ahead < 0 : ahead > 0))
                return 0;
        }
    }
    return 1;
}

#define FA_SIZE_OF(T) FA_SIZE_##T
#define FA_PARAM_SIZE_(PT) FA_SIZE_OF(PT)
#define FA_PARAM_SIZE(T) FA_PARAM_SIZE_(FA_PTYPE_##T)
#define FA_RANGE_e FA_HALF_RANGE
#define FA_RANGE_f FA_RANGE
#define FA_RANGE_d FA_RANGE
/* The ranges for an output overlapping an input (in element order) and for
 * other strides: float16's block range takes any steps. */
#define FA_SERIAL_e(NAME, OP) fa_range_##NAME##_##OP##_e_serial
#define FA_SERIAL_f(NAME, OP) fa_range_##NAME##_##OP##_f_strided
#define FA_SERIAL_d(NAME, OP) fa_range_##NAME##_##OP##_d_strided
#define FA_STRIDED_e(NAME, OP) fa_range_##NAME##_##OP##_e_contiguous
#define FA_STRIDED_f(NAME, OP) fa_range_##NAME##_##OP##_f_strided
#define FA_STRIDED_d(NAME, OP) fa_range_##NAME##_##OP##_d_strided
#define FA_LOOP(NAME, NP, OP, T)                                                                   \
    FA_RANGE_##T(NAME, NP, OP, T)                                                                  \
    FA_LOOP_SIGNATURE(NAME, OP, T)                                                                 \
    {                                                                                              \
        (void)data;                                                                                \
        const ptrdiff_t n = dimensions[0];                                                         \
        const int nin = FA_FIRST_##OP + (NP), nargs = nin + FA_NOUT_##OP;                          \
        if (fa_partial_overlap(args, steps, nin, FA_NOUT_##OP, n, FA_SIZE_##T, FA_FIRST_##OP,      \
                               FA_PARAM_SIZE(T)))                                                  \
            fa_run_elements(FA_SERIAL_##T(NAME, OP), args, steps, n, 0);                           \
        else                                                                                       \
            fa_run_elements(fa_is_contiguous(steps, nargs, FA_FIRST_##OP, NP, FA_SIZE_##T)         \
                                ? fa_range_##NAME##_##OP##_##T##_contiguous                        \
                                : FA_STRIDED_##T(NAME, OP),                                        \
                            args, steps, n, fa_cost_##NAME * n);                                   \
    }

/* This build's loops (float32's range before float16's, which calls it); the
 * float64 build also declares the float build's. */
#ifdef FA_REAL_FLOAT
#define FA_LOOPS(NAME, NP, OP) FA_LOOP(NAME, NP, OP, f) FA_LOOP(NAME, NP, OP, e)
#else
#define FA_LOOPS(NAME, NP, OP)                                                                     \
    FA_LOOP_SIGNATURE(NAME, OP, e);                                                                \
    FA_LOOP_SIGNATURE(NAME, OP, f);                                                                \
    FA_LOOP(NAME, NP, OP, d)
#endif

#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD, TAILS, WIDE)                              \
    FA_LOOPS(NAME, NP, forward)                                                                    \
    FA_LOOPS(NAME, NP, grad)                                                                       \
    FA_LOOPS(NAME, NP, value_and_grad)                                                             \
    FA_IF(PARAM_GRAD, FA_LOOPS(NAME, NP, backward_param))                                          \
    FA_UNLESS(PARAM_GRAD, FA_LOOPS(NAME, NP, backward))                                            \
    FA_IF(FROM_OUTPUT, FA_LOOPS(NAME, NP, backward_from_output))
#include "fa_activations.def"
#undef FA_ACTIVATION
#define FA_GATE(NAME, KERNEL, GENERIC) FA_LOOPS(NAME, 0, gate) FA_LOOPS(NAME, 0, gate_backward)
#include "fa_gates.def"
#undef FA_GATE

/* The arrays of a row piece: row `row` of each argument (outer steps first in
 * `geometry`, then the inner ones), from entry `column` on. */
static inline void fa_row_piece(char **piece, char *const *args, const ptrdiff_t *geometry,
                                int nargs, ptrdiff_t row, ptrdiff_t column)
{
    for (int k = 0; k < nargs; k++)
        piece[k] = args[k] + row * geometry[k] + column * geometry[nargs + k];
}

/* Contiguous rows (not streamed, not in place) in one function: the
 * parameters hoisted and the layout checked once, the rows' first passes
 * inline, where a call per row piece cost about as much as a short row's
 * elements. Whole rows shorter than half a block go FA_BLOCK entries at a
 * time: the first pass stores each element's flag (a rare branch, or an
 * anomaly: FA_NOTE_1) instead of reducing flags per row, one scan of the
 * block's flags follows, and the flagged elements are computed again
 * checked, one by one. Other pieces take FA_BLOCK_PASSES. float16 rows keep
 * their block range. */
#define FA_ROWS_FLAGGED_PASSES(NAME, OP, T, first_row, rows, n)                                    \
    {                                                                                              \
        fa_int any = 0;                                                                            \
        for (ptrdiff_t r = 0; r < (rows); r++) {                                                   \
            char *piece[nargs];                                                                    \
            fa_row_piece(piece, call_args, geometry, nargs, (first_row) + r, 0);                   \
            char *const *restrict args = piece;                                                    \
            fa_int *restrict flags = taken + r * (n);                                              \
            for (ptrdiff_t i = 0; i < (n); i++) {                                                  \
                int rare = 0;                                                                      \
                fa_uint below = 0, anomaly = 0;                                                    \
                FA_BODY_##OP(NAME, 0, T, contiguous, &rare, 0)                                     \
                rare |= (int)(below >> (FA_WORD_BITS - 1));                                        \
                flags[i] = rare | (anomaly != 0);                                                  \
            }                                                                                      \
        }                                                                                          \
        for (ptrdiff_t i = 0; i < (rows) * (n); i++)                                               \
            any |= taken[i];                                                                       \
        for (ptrdiff_t r = 0; any && r < (rows); r++) {                                            \
            char *piece[nargs];                                                                    \
            fa_row_piece(piece, call_args, geometry, nargs, (first_row) + r, 0);                   \
            char *const *restrict args = piece;                                                    \
            for (ptrdiff_t at = 0; at < (n); at++)                                                 \
                if (taken[r * (n) + at])                                                           \
                    FA_CHECKED_ELEMENTS(NAME, 0, OP, T, contiguous, at, at + 1)                    \
        }                                                                                          \
    }
#define FA_ROWS_CONTIGUOUS(NAME, OP, T)                                                            \
    static FA_NOINLINE int fa_rows_contiguous_##NAME##_##OP##_##T(                                 \
        char *const *restrict call_args, const ptrdiff_t *geometry, ptrdiff_t begin,              \
        ptrdiff_t end)                                                                             \
    {                                                                                              \
        enum { nargs = FA_FIRST_##OP + FA_NOUT_##OP };                                             \
        const ptrdiff_t n = geometry[2 * nargs];                                                   \
        int overflow = 0;                                                                          \
        char *const *restrict args = call_args; /* read by FA_HOIST_PARAMS */                      \
        FA_HOIST_PARAMS(T, FA_FIRST_##OP, 0)                                                       \
        fa_int taken[FA_BLOCK];                                                                    \
        for (ptrdiff_t at = begin, stop; at < end; at = stop) {                                    \
            const ptrdiff_t row = at / n, column = at - row * n;                                   \
            const ptrdiff_t whole = column == 0 && 2 * n <= FA_BLOCK ? (end - at) / n : 0;         \
            if (whole >= 2) {                                                                      \
                const ptrdiff_t rows = whole < FA_BLOCK / n ? whole : FA_BLOCK / n;                \
                FA_ROWS_FLAGGED_PASSES(NAME, OP, T, row, rows, n)                                  \
                stop = at + rows * n;                                                              \
                continue;                                                                          \
            }                                                                                      \
            stop = end - at < n - column ? end : at + (n - column);                                \
            char *piece[nargs];                                                                    \
            fa_row_piece(piece, call_args, geometry, nargs, row, column);                          \
            char *const *restrict args = piece; /* FA_BLOCK_PASSES's arrays: this row */        \
            for (ptrdiff_t block = 0, len = stop - at; block < len; block += FA_BLOCK) {           \
                const ptrdiff_t block_end = len - block > FA_BLOCK ? block + FA_BLOCK : len;       \
                FA_BLOCK_PASSES(NAME, 0, OP, T, block, block_end)                                  \
            }                                                                                      \
        }                                                                                          \
        return overflow;                                                                           \
    }
#define FA_ROWS_CONTIGUOUS_f(NAME, OP) FA_ROWS_CONTIGUOUS(NAME, OP, f)
#define FA_ROWS_CONTIGUOUS_d(NAME, OP) FA_ROWS_CONTIGUOUS(NAME, OP, d)
#define FA_ROWS_CONTIGUOUS_e(NAME, OP)
#define FA_ROWS_CONTIGUOUS_CALL(NAME, OP, T, when)                                                 \
    if ((when) && !fa_in_place(args, FA_FIRST_##OP, FA_NOUT_##OP))                                 \
        return fa_rows_contiguous_##NAME##_##OP##_##T(args, geometry, begin, end);
#define FA_ROWS_CONTIGUOUS_CALL_f(NAME, OP, when) FA_ROWS_CONTIGUOUS_CALL(NAME, OP, f, when)
#define FA_ROWS_CONTIGUOUS_CALL_d(NAME, OP, when) FA_ROWS_CONTIGUOUS_CALL(NAME, OP, d, when)
#define FA_ROWS_CONTIGUOUS_CALL_e(NAME, OP, when)

/* The gates along a core axis (gufuncs "(n),(n)->(n)" and "(n),(n),(n)->(n),(n)"):
 * the rows of a 2-D call run as one elementwise call over outer * n
 * elements, split among threads as a whole, each share taken a row piece at
 * a time through the range functions above; NumPy would otherwise copy
 * strided halves into buffers, or call the loop once per row. The geometry
 * travels in `steps`: the outer steps, the inner steps, then n. Where an
 * output overlaps an input other than as the same array, rows run one by
 * one through the elementwise loop (fa_partial_overlap). */
#define FA_ROWS_RANGE(NAME, OP, T)                                                                 \
    FA_ROWS_CONTIGUOUS_##T(NAME, OP)                                                               \
    static int fa_rows_##NAME##_##OP##_##T(char *const *restrict args, const ptrdiff_t *geometry,  \
                                           ptrdiff_t begin, ptrdiff_t end)                         \
    {                                                                                              \
        enum { nargs = FA_FIRST_##OP + FA_NOUT_##OP };                                             \
        const ptrdiff_t *inner = geometry + nargs, n = geometry[2 * nargs];                         \
        const int contiguous = fa_is_contiguous(inner, nargs, FA_FIRST_##OP, 0, FA_SIZE_##T);      \
        /* streamed as a whole call of end - begin elements would be (FA_RANGE) */                 \
        const int stream = contiguous && fa_cost_##NAME <= FA_STREAM_MAX_COST &&                    \
                           fa_stream_share(end - begin, nargs * FA_SIZE_##T);                      \
        (void)stream;                                                                              \
        FA_ROWS_CONTIGUOUS_CALL_##T(NAME, OP, contiguous && !stream)                               \
        int overflow = 0;                                                                          \
        for (ptrdiff_t at = begin, stop; at < end; at = stop) {                                    \
            const ptrdiff_t row = at / n, column = at - row * n;                                   \
            stop = end - at < n - column ? end : at + (n - column);                                \
            char *piece[nargs];                                                                    \
            fa_row_piece(piece, args, geometry, nargs, row, column);                               \
            overflow |= FA_ROWS_PIECE_##T(NAME, OP, piece, inner, stop - at, stream, contiguous);   \
        }                                                                                          \
        return overflow;                                                                           \
    }                                                                                              \
    FA_LOOP_SIGNATURE(NAME, OP##_rows, T)                                                          \
    {                                                                                              \
        enum { nargs = FA_FIRST_##OP + FA_NOUT_##OP };                                             \
        const ptrdiff_t outer = dimensions[0], n = dimensions[1];                                  \
        /* the rows of a C-ordered array along a leading axis: the core steps                    \
         * are long and the outer ones one element; taken the other way round                     \
         * (the order does not matter elementwise), the rows are contiguous */                     \
        const int across = !fa_is_contiguous(steps + nargs, nargs, 0, 0, FA_SIZE_##T) &&           \
                           fa_is_contiguous(steps, nargs, 0, 0, FA_SIZE_##T);                      \
        ptrdiff_t geometry[2 * nargs + 1];                                                         \
        for (int k = 0; k < nargs; k++) {                                                          \
            geometry[k] = steps[across ? nargs + k : k];                                           \
            geometry[nargs + k] = steps[across ? k : nargs + k];                                   \
        }                                                                                          \
        geometry[2 * nargs] = across ? outer : n;                                                  \
        if (outer <= 0 || n <= 0)                                                                  \
            return;                                                                                \
        if (fa_rows_overlap(args, steps, nargs, FA_FIRST_##OP, outer, n, FA_SIZE_##T)) {           \
            for (ptrdiff_t row = 0; row < outer; row++) {                                          \
                char *at[nargs];                                                                   \
                for (int k = 0; k < nargs; k++)                                                    \
                    at[k] = args[k] + row * steps[k];                                              \
                FA_LEVELED(fa_loop_##NAME##_##OP##_##T)(at, &dimensions[1], steps + nargs, data);  \
            }                                                                                      \
            return;                                                                                \
        }                                                                                          \
        (void)data;                                                                                \
        fa_run_elements(fa_rows_##NAME##_##OP##_##T, args, geometry, outer * n,                    \
                        fa_cost_##NAME * outer * n);                                               \
    }

/* One row piece of len elements: float16's block range takes any steps. */
#define FA_ROWS_PIECE_e(NAME, OP, piece, inner, len, stream, contiguous)                           \
    fa_range_##NAME##_##OP##_e_contiguous(piece, inner, 0, len)
#define FA_ROWS_PIECE_f(NAME, OP, piece, inner, len, stream, contiguous)                           \
    FA_ROWS_PIECE(NAME, OP, f, piece, inner, len, stream, contiguous)
#define FA_ROWS_PIECE_d(NAME, OP, piece, inner, len, stream, contiguous)                           \
    FA_ROWS_PIECE(NAME, OP, d, piece, inner, len, stream, contiguous)
#define FA_ROWS_PIECE(NAME, OP, T, piece, inner, len, stream, contiguous)                          \
    ((stream) && !fa_in_place(piece, FA_FIRST_##OP, FA_NOUT_##OP)                                  \
         ? fa_range_##NAME##_##OP##_##T##_streamed(piece, 0, len)                                  \
     : (contiguous) ? fa_range_##NAME##_##OP##_##T##_contiguous(piece, inner, 0, len)              \
                    : fa_range_##NAME##_##OP##_##T##_strided(piece, inner, 0, len))

/* Whether an output's span (all rows) meets an input's without being the
 * same array with the same steps. */
static int fa_rows_overlap(char *const *args, const ptrdiff_t *steps, int nargs, int nin,
                           ptrdiff_t outer, ptrdiff_t n, ptrdiff_t size)
{
    for (int o = nin; o < nargs; o++)
        for (int k = 0; k < nin; k++) {
            int same = args[o] == args[k] && steps[o] == steps[k] &&
                       steps[nargs + o] == steps[nargs + k];
            ptrdiff_t lo_o = 0, hi_o = size, lo_k = 0, hi_k = size;
            ptrdiff_t so[2] = {(outer - 1) * steps[o], (n - 1) * steps[nargs + o]};
            ptrdiff_t sk[2] = {(outer - 1) * steps[k], (n - 1) * steps[nargs + k]};
            for (int d = 0; d < 2; d++) {
                lo_o += so[d] < 0 ? so[d] : 0, hi_o += so[d] > 0 ? so[d] : 0;
                lo_k += sk[d] < 0 ? sk[d] : 0, hi_k += sk[d] > 0 ? sk[d] : 0;
            }
            if (!same && args[o] + lo_o < args[k] + hi_k && args[k] + lo_k < args[o] + hi_o)
                return 1;
        }
    return 0;
}

#ifdef FA_REAL_FLOAT
#define FA_GATE(NAME, KERNEL, GENERIC)                                                             \
    FA_ROWS_RANGE(NAME, gate, e)                                                                   \
    FA_ROWS_RANGE(NAME, gate, f)                                                                   \
    FA_ROWS_RANGE(NAME, gate_backward, e)                                                          \
    FA_ROWS_RANGE(NAME, gate_backward, f)
#else
#define FA_GATE(NAME, KERNEL, GENERIC)                                                             \
    FA_LOOP_SIGNATURE(NAME, gate_rows, e);                                                         \
    FA_LOOP_SIGNATURE(NAME, gate_rows, f);                                                         \
    FA_LOOP_SIGNATURE(NAME, gate_backward_rows, e);                                                \
    FA_LOOP_SIGNATURE(NAME, gate_backward_rows, f);                                                \
    FA_ROWS_RANGE(NAME, gate, d)                                                                   \
    FA_ROWS_RANGE(NAME, gate_backward, d)
#endif
#include "fa_gates.def"
#undef FA_GATE

#ifndef FA_REAL_FLOAT
/* g f'(x) and g f'(y) from the output, in double, for the float build's
 * elements where f' is below float's normal range (FA_TIMES_GRAD): the float
 * parameters widen exactly, so this is the same function in double. Defined
 * for every activation, so that the dead branch of one without tails still
 * links in an unoptimized build. */
#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD, TAILS, WIDE)                              \
    FA_BACKWARD_IN_DOUBLE(NAME) FA_IF(FROM_OUTPUT, FA_FROM_OUTPUT_IN_DOUBLE(NAME))
#define FA_BACKWARD_IN_DOUBLE(NAME)                                                                \
    double FA_LEVELED(fa_backward_in_double_##NAME)(double g, double x, const float *pf)           \
    {                                                                                              \
        double p[2] = {pf[0], pf[1]}, d;                                                           \
        (void)fa_act_##NAME(x, p, &d, (int *)0);                                                   \
        return g * d;                                                                              \
    }
#define FA_FROM_OUTPUT_IN_DOUBLE(NAME)                                                             \
    double FA_LEVELED(fa_backward_from_output_in_double_##NAME)(double g, double y,                \
                                                                const float *pf)                   \
    {                                                                                              \
        double p[2] = {pf[0], pf[1]};                                                              \
        return g * fa_act_##NAME##_from_output(y, p);                                              \
    }
#include "fa_activations.def"
#undef FA_ACTIVATION

/* glu in double, for every dtype, where fa_gate_glu sends an element: its
 * deep tails (from |b| = 80 in float, where sigmoid(b) nears the subnormal
 * range, and from 700 in double), and a sigmoid'(b) below the normal range.
 * There c e^t applies e^t (t <= 0) with one rounding in the subnormal range
 * (fa_mul_exp_deep), never NaN from inf * 0: an infinite c times a positive
 * e^t stays infinite, and e^-inf = 0 gives a signed zero (NaN only for a NaN
 * c). */
static double fa_scale_by_exp(double c, double t)
{
    if (t == -INFINITY)
        return fa_isnan(c) ? c : copysign(0.0, c);
    if (isinf(c))
        return c;
    return fa_mul_exp_deep(c, fa_dd_make(t, 0.0));
}

double FA_LEVELED(fa_glu_tail)(double a, double b)
{
    double one_minus;
    return b < FA_DEEP_TAIL ? fa_scale_by_exp(a, b) : a * fa_sigmoid_sd(b, &one_minus);
}

/* (g sigmoid(b), g a sigmoid'(b)): g a sigmoid'(b) as (g a) sigmoid'(b), or
 * where g a is not a normal number (nor 0) as g (a sigmoid'(b)): one of the
 * two keeps every digit wherever the result is normal. */
double FA_LEVELED(fa_glu_backward_tail)(double g, double a, double b, double *gb)
{
    double one_minus, s = fa_sigmoid_sd(b, &one_minus), slope = s * one_minus;
    double ga = g * a;
    if (fabs(b) > -FA_DEEP_TAIL)
        *gb = fa_scale_by_exp(ga, -fabs(b));
    else
        *gb = (fabs(ga) >= DBL_MIN && fabs(ga) <= DBL_MAX) || ga == 0.0 ? ga * slope
                                                                         : g * (a * slope);
    return b < FA_DEEP_TAIL ? fa_scale_by_exp(g, b) : g * s;
}

#if LDBL_MANT_DIG < 64 || LDBL_MAX_EXP < 16384
#error "the gated family's tails need a long double with 64 bits and double's square range"
#endif

/* The gated family's elements that fa_gate_NAME sends here (fa_activations.h),
 * for every dtype: the products in long double (64 bits, and an exponent range
 * that holds g a f'(b) for any doubles), f(b) and f'(b) from the double
 * kernel, or where that kernel's f(b) is subnormal in double
 * (fa_gate_factors_KERNEL) in long double: in the deep tail as a factor times
 * an exponential, and for a tiny |b| (below 2^-60, subnormal b among them) from
 * the first terms of the series at 0, which are then exact to long double. */

/* silu below -700: sigmoid(b) = e^b (1 + e^b below 2^-1000 is 1), so
 * silu(b) = b e^b and silu'(b) = e^b (1 + b (1 - e^b)) = (1 + b) e^b. At 0:
 * silu(b) = b (1/2 + b/4 - ...), silu'(b) = 1/2 + b/2 - .... */
static int fa_gate_factors_silu(double b, long double *v, long double *d)
{
    if (fabs(b) < 0x1p-60) {
        *v = b * (0.5L + 0.25L * b);
        *d = 0.5L + 0.5L * b;
        return 1;
    }
    if (!(b < FA_DEEP_TAIL) || isinf(b))
        return 0;
    /* e^b clamped above long double's underflow, so that f(b) and f'(b) stay
     * nonzero with their signs (an infinite a or g times them is infinite)
     * while any finite product with them still rounds to 0 in double */
    long double e = expl(fmax(b, -11000.0));
    *v = b * e;
    *d = (1.0L + b) * e;
    return 1;
}

/* gelu below FA_GELU_ERF_DEEP: b Phi(b) = -phi(b) S and gelu'(b) =
 * phi(b) (b - S/b) with the series S of fa_gelu_erf_series, phi(b) =
 * e^(-b^2/2) / sqrt(2 pi) with b^2 as a double-double (its low part to first
 * order); b clamped at -150, where phi(b) is still a (tiny) long double, for
 * the reason silu's e^b is. At 0: gelu(b) = b (1/2 + b/sqrt(2 pi) - ...),
 * gelu'(b) = 1/2 + 2b/sqrt(2 pi) - .... */
static int fa_gate_factors_gelu_erf(double b, long double *v, long double *d)
{
    const long double inv_sqrt_2pi = 0.398942280401432677939946059934381868L;
    if (fabs(b) < 0x1p-60) {
        *v = b * (0.5L + inv_sqrt_2pi * b);
        *d = 0.5L + 2.0L * inv_sqrt_2pi * b;
        return 1;
    }
    if (!(b < FA_GELU_ERF_DEEP) || isinf(b))
        return 0;
    double bc = fmax(b, -150.0), series = fa_gelu_erf_series(bc);
    fa_dd square = fa_two_prod(bc, bc);
    long double phi = expl(-0.5L * square.hi) * (1.0L - 0.5L * square.lo) * inv_sqrt_2pi;
    *v = -phi * series;
    *d = phi * (bc - series / bc);
    return 1;
}

/* relu's values are exact: the kernel's serve. */
static int fa_gate_factors_relu(double b, long double *v, long double *d)
{
    (void)b, (void)v, (void)d;
    return 0;
}

/* f(b) and f'(b) in long double: fa_gate_factors_KERNEL's, or the double kernel's. */
#define FA_GATE_FACTORS(KERNEL, b, v, d)                                                           \
    if (!fa_gate_factors_##KERNEL(b, &v, &d)) {                                                    \
        double kernel_d, kernel_v = fa_act_##KERNEL(b, (const double *)0, &kernel_d, (int *)0);    \
        v = kernel_v, d = kernel_d;                                                                \
    }

/* The x87 unit computes the long double arithmetic, and its exception flags
 * are not the SSE ones the loops save and restore (fa_loop_util.h): they are
 * cleared once a tail's results are stored (volatile: not before), so that
 * they reach NumPy as little as the SSE flags of the loops do. */
static inline void fa_x87_flags_clear(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __asm__ __volatile__("fnclex" ::: "memory");
#endif
}

/* An infinite factor as its sign, where its product with a zero is a limit. */
static inline double fa_unit(double x) { return isinf(x) ? copysign(1.0, x) : x; }

/* At b = -inf the gate is closed: f(-inf) and f'(-inf) are signed zeros, and
 * the products are zeros for infinite g and a too. */
#define FA_GATE_TAILS(NAME, KERNEL)                                                                \
    double FA_LEVELED(fa_gate_tail_##NAME)(double a, double b)                                     \
    {                                                                                              \
        long double v, d;                                                                          \
        FA_GATE_FACTORS(KERNEL, b, v, d)                                                           \
        volatile double y = b == -INFINITY ? fa_unit(a) * (double)v : (double)(a * v);             \
        fa_x87_flags_clear();                                                                      \
        return y;                                                                                  \
    }                                                                                              \
    double FA_LEVELED(fa_gate_backward_tail_##NAME)(double g, double a, double b, double *gb)      \
    {                                                                                              \
        long double v, d;                                                                          \
        FA_GATE_FACTORS(KERNEL, b, v, d)                                                           \
        int closed = b == -INFINITY;                                                               \
        volatile double gx = closed ? fa_unit(g) * (double)v : (double)(g * v);                    \
        volatile double ga = closed ? fa_unit(g) * fa_unit(a) * (double)d                          \
                                    : (double)((long double)g * a * d);                            \
        fa_x87_flags_clear();                                                                      \
        *gb = ga;                                                                                  \
        return gx;                                                                                 \
    }
#define FA_GATE(NAME, KERNEL, GENERIC) FA_IF(GENERIC, FA_GATE_TAILS(NAME, KERNEL))
#include "fa_gates.def"
#undef FA_GATE
#endif

/* ---- the table ----------------------------------------------------------- */
#ifndef FA_REAL_FLOAT

#define FA_SPEC(UNAME, DOC, NIN, NOUT, NAME, OP)                                                   \
    {UNAME, DOC, NIN, NOUT, (NIN) - FA_FIRST_##OP,                                                \
     {FA_LEVELED(fa_loop_##NAME##_##OP##_e), FA_LEVELED(fa_loop_##NAME##_##OP##_f),               \
      FA_LEVELED(fa_loop_##NAME##_##OP##_d)}},

#define FA_SEE(NAME) " See fastact." #NAME " (or fastact.gelu for gelu_*) for the parameters."

#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD, TAILS, WIDE)                              \
    FA_SPEC(#NAME, #NAME "(x, *params): the activation." FA_SEE(NAME), 1 + (NP), 1, NAME, forward) \
    FA_SPEC(#NAME "_grad", #NAME "_grad(x, *params): its derivative." FA_SEE(NAME), 1 + (NP), 1,  \
            NAME, grad)                                                                            \
    FA_SPEC(#NAME "_value_and_grad",                                                               \
            #NAME "_value_and_grad(x, *params): (f(x), f'(x)) in one pass." FA_SEE(NAME),          \
            1 + (NP), 2, NAME, value_and_grad)                                                     \
    FA_IF(PARAM_GRAD, FA_SPEC(#NAME "_backward",                                                   \
                              #NAME "_backward(g, x, *params): (g f'(x), g df/dparam)." FA_SEE(NAME), \
                              2 + (NP), 2, NAME, backward_param))                                  \
    FA_UNLESS(PARAM_GRAD, FA_SPEC(#NAME "_backward",                                               \
                                  #NAME "_backward(g, x, *params): g f'(x)." FA_SEE(NAME),         \
                                  2 + (NP), 1, NAME, backward))                                    \
    FA_IF(FROM_OUTPUT,                                                                             \
          FA_SPEC(#NAME "_backward_from_output",                                                   \
                  #NAME "_backward_from_output(g, y, *params): g f'(x) from y = f(x)." FA_SEE(NAME), \
                  2 + (NP), 1, NAME, backward_from_output))

const fa_ufunc_spec FA_LEVELED(fa_ufunc_specs)[] = {
#include "fa_activations.def"
};
#undef FA_ACTIVATION

const int FA_LEVELED(fa_ufunc_spec_count) =
    (int)(sizeof FA_LEVELED(fa_ufunc_specs) / sizeof FA_LEVELED(fa_ufunc_specs)[0]);
#endif /* FA_REAL_FLOAT */
