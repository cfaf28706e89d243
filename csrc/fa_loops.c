/*
 * fa_loops.c -- every ufunc loop, generated from fa_activations.def.
 *
 * Each activation gets, for float16, float32 and float64:
 *   NAME                       (x, params...)      -> y
 *   NAME_grad                  (x, params...)      -> f'(x)
 *   NAME_value_and_grad        (x, params...)      -> y, f'(x)
 *   NAME_backward              (g, x, params...)   -> g f'(x)
 *                              (g, x, params...)   -> g f'(x), g df/dparam   (param_grad)
 *   NAME_backward_from_output  (g, y, params...)   -> g f'(x)                 (from_output)
 * All arithmetic is in double; narrower types are widened on load and
 * rounded once on store. Any strides; OpenMP splits long loops statically.
 */
#include "fa_activations.h"
#include "fa_loop_util.h"
#include "fa_loops.h"

#define FA_IF_0(...)
#define FA_IF_1(...) __VA_ARGS__
#define FA_UNLESS_0(...) __VA_ARGS__
#define FA_UNLESS_1(...)
#define FA_IF(flag, ...) FA_IF_##flag(__VA_ARGS__)
#define FA_UNLESS(flag, ...) FA_UNLESS_##flag(__VA_ARGS__)

/* ---- element bodies: i is the element index ------------------------- */

#define FA_AT(k) (args[k] + i * steps[k])
#define FA_PARAMS(T, NP, FIRST)                                                                    \
    double p[2] = {0.0, 0.0};                                                                      \
    for (int k = 0; k < (NP); k++)                                                                 \
        p[k] = FA_LOAD_##T(FA_AT((FIRST) + k));

/* NaN in gives NaN out, whatever the definition does with it; definitions
 * see 0 instead of NaN, since an ordered comparison with NaN (x > 0) would
 * raise the invalid flag, which NumPy reports as a warning. */
#define FA_NAN_PASS(x, v) (fa_isnan(x) ? (x) : (v))
#define FA_NOT_NAN(x) (fa_isnan(x) ? 0.0 : (x))

#define FA_BODY_forward(NAME, NP, T)                                                               \
    FA_PARAMS(T, NP, 1)                                                                            \
    double x = FA_LOAD_##T(FA_AT(0)), d;                                                           \
    double y = fa_act_##NAME(FA_NOT_NAN(x), p, &d);                                                \
    FA_STORE_##T(FA_AT(1 + (NP)), FA_NAN_PASS(x, y));

#define FA_BODY_grad(NAME, NP, T)                                                                  \
    FA_PARAMS(T, NP, 1)                                                                            \
    double x = FA_LOAD_##T(FA_AT(0)), d;                                                           \
    (void)fa_act_##NAME(FA_NOT_NAN(x), p, &d);                                                     \
    FA_STORE_##T(FA_AT(1 + (NP)), FA_NAN_PASS(x, d));

#define FA_BODY_value_and_grad(NAME, NP, T)                                                        \
    FA_PARAMS(T, NP, 1)                                                                            \
    double x = FA_LOAD_##T(FA_AT(0)), d;                                                           \
    double y = fa_act_##NAME(FA_NOT_NAN(x), p, &d);                                                \
    FA_STORE_##T(FA_AT(1 + (NP)), FA_NAN_PASS(x, y));                                              \
    FA_STORE_##T(FA_AT(2 + (NP)), FA_NAN_PASS(x, d));

#define FA_BODY_backward(NAME, NP, T)                                                              \
    FA_PARAMS(T, NP, 2)                                                                            \
    double g = FA_LOAD_##T(FA_AT(0)), x = FA_LOAD_##T(FA_AT(1)), d;                                \
    (void)fa_act_##NAME(FA_NOT_NAN(x), p, &d);                                                     \
    FA_STORE_##T(FA_AT(2 + (NP)), g * FA_NAN_PASS(x, d));

#define FA_BODY_backward_param(NAME, NP, T)                                                        \
    FA_PARAMS(T, NP, 2)                                                                            \
    double g = FA_LOAD_##T(FA_AT(0)), x = FA_LOAD_##T(FA_AT(1)), d;                                \
    (void)fa_act_##NAME(FA_NOT_NAN(x), p, &d);                                                     \
    FA_STORE_##T(FA_AT(2 + (NP)), g * FA_NAN_PASS(x, d));                                          \
    FA_STORE_##T(FA_AT(3 + (NP)), g * FA_NAN_PASS(x, fa_act_##NAME##_dparam(FA_NOT_NAN(x), p)));

#define FA_BODY_backward_from_output(NAME, NP, T)                                                  \
    FA_PARAMS(T, NP, 2)                                                                            \
    double g = FA_LOAD_##T(FA_AT(0)), y = FA_LOAD_##T(FA_AT(1));                                   \
    FA_STORE_##T(FA_AT(2 + (NP)),                                                                  \
                 g * FA_NAN_PASS(y, fa_act_##NAME##_from_output(FA_NOT_NAN(y), p)));

/* ---- loops ------------------------------------------------------------ */

#define FA_LOOP(NAME, NP, OP, T)                                                                   \
    static void fa_loop_##NAME##_##OP##_##T(char **args, const ptrdiff_t *dimensions,              \
                                             const ptrdiff_t *steps, void *data)                   \
    {                                                                                              \
        (void)data;                                                                                \
        const ptrdiff_t n = dimensions[0];                                                         \
        FA_FOR_EACH(n, n, FA_BODY_##OP(NAME, NP, T))                                                  \
    }

#define FA_LOOPS(NAME, NP, OP) FA_LOOP(NAME, NP, OP, e) FA_LOOP(NAME, NP, OP, f) FA_LOOP(NAME, NP, OP, d)

#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD)                                           \
    FA_LOOPS(NAME, NP, forward)                                                                    \
    FA_LOOPS(NAME, NP, grad)                                                                       \
    FA_LOOPS(NAME, NP, value_and_grad)                                                             \
    FA_IF(PARAM_GRAD, FA_LOOPS(NAME, NP, backward_param))                                          \
    FA_UNLESS(PARAM_GRAD, FA_LOOPS(NAME, NP, backward))                                            \
    FA_IF(FROM_OUTPUT, FA_LOOPS(NAME, NP, backward_from_output))
#include "fa_activations.def"
#undef FA_ACTIVATION

/* ---- the table ----------------------------------------------------------- */

#define FA_SPEC(UNAME, DOC, NIN, NOUT, NAME, OP)                                                   \
    {UNAME, DOC, NIN, NOUT,                                                                        \
     {fa_loop_##NAME##_##OP##_e, fa_loop_##NAME##_##OP##_f, fa_loop_##NAME##_##OP##_d}},

#define FA_SEE(NAME) " See fastact." #NAME " (or fastact.gelu for gelu_*) for the parameters."

#define FA_ACTIVATION(NAME, NP, FROM_OUTPUT, PARAM_GRAD)                                           \
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

const fa_ufunc_spec fa_ufunc_specs[] = {
#include "fa_activations.def"
};
#undef FA_ACTIVATION

const int fa_ufunc_spec_count = (int)(sizeof fa_ufunc_specs / sizeof fa_ufunc_specs[0]);
