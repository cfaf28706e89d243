/*
 * fa_costs.h -- what one element of each activation costs, for the OpenMP
 * policy: a loop goes parallel when n * cost exceeds FA_PARALLEL_MIN_WORK.
 *
 * The unit is one element of the cheapest loops (relu). The weights are
 * first estimates, by the transcendental functions each kernel evaluates.
 */
#ifndef FA_COSTS_H
#define FA_COSTS_H

enum {
    fa_cost_linear = 1,
    fa_cost_step = 1,
    fa_cost_sigmoid = 4,
    fa_cost_tanh = 4,
    fa_cost_relu = 1,
    fa_cost_leaky_relu = 1,
    fa_cost_prelu = 1,
    fa_cost_elu = 4,
    fa_cost_selu = 4,
    fa_cost_celu = 4,
    fa_cost_gelu_tanh = 8,
    fa_cost_gelu_erf = 8,
    fa_cost_silu = 6,
    fa_cost_swish = 6,
    fa_cost_softplus = 6,
    fa_cost_mish = 6,
    fa_cost_hard_sigmoid = 1,
    fa_cost_hard_swish = 1,
    fa_cost_hard_tanh = 1,
    fa_cost_relu6 = 1,
    fa_cost_softsign = 1,
    fa_cost_log_sigmoid = 6,
    fa_cost_tanhshrink = 4,
    fa_cost_softshrink = 1,
    fa_cost_hardshrink = 1,
    fa_cost_threshold = 1,
    fa_cost_squareplus = 2,
    fa_cost_sparse_plus = 1,
    fa_cost_sparse_sigmoid = 1,
};

#endif /* FA_COSTS_H */
