/*
 * fa_costs.h -- what one element of each function costs, for the OpenMP
 * policy: a loop goes parallel when n * cost reaches FA_PARALLEL_MIN_WORK
 * (fa_parallel.h), so cheap loops need longer arrays to be worth a thread.
 *
 * The unit is a quarter nanosecond per element on one thread. Elementwise:
 * the float32 value_and_grad loop (computing in float; float64 costs about
 * twice as much, so its loops go parallel later than they could) on 64K
 * elements at the best dispatch level
 * of a 2-core AMD EPYC with AVX-512, measured by tools/measure_costs.py.
 * Row-wise (per element of the input; glu per output element): from
 * python -m fastact --threads 1 on the same machine.
 */
#ifndef FA_COSTS_H
#define FA_COSTS_H

enum {
    fa_cost_linear = 1, /* 0.26 ns */
    fa_cost_step = 1, /* 0.23 ns */
    fa_cost_sigmoid = 3, /* 0.85 ns */
    fa_cost_tanh = 4, /* 1.10 ns */
    fa_cost_relu = 1, /* 0.25 ns */
    fa_cost_leaky_relu = 1, /* 0.33 ns */
    fa_cost_prelu = 1, /* 0.35 ns */
    fa_cost_elu = 4, /* 0.97 ns */
    fa_cost_selu = 4, /* 0.98 ns */
    fa_cost_celu = 5, /* 1.35 ns */
    fa_cost_gelu_tanh = 23, /* 5.70 ns */
    fa_cost_gelu_erf = 19, /* 4.86 ns */
    fa_cost_silu = 14, /* 3.49 ns */
    fa_cost_swish = 16, /* 3.94 ns */
    fa_cost_softplus = 11, /* 2.84 ns */
    fa_cost_mish = 15, /* 3.64 ns */
    fa_cost_hard_sigmoid = 3, /* 0.74 ns */
    fa_cost_hard_swish = 3, /* 0.83 ns */
    fa_cost_hard_tanh = 2, /* 0.39 ns */
    fa_cost_relu6 = 2, /* 0.41 ns */
    fa_cost_softsign = 1, /* 0.34 ns */
    fa_cost_log_sigmoid = 6, /* 1.56 ns */
    fa_cost_tanhshrink = 4, /* 1.08 ns */
    fa_cost_softshrink = 1, /* 0.33 ns */
    fa_cost_hardshrink = 1, /* 0.31 ns */
    fa_cost_threshold = 1, /* 0.30 ns */
    fa_cost_squareplus = 35, /* 8.83 ns */
    fa_cost_sparse_plus = 1, /* 0.34 ns */
    fa_cost_sparse_sigmoid = 2, /* 0.38 ns */
    fa_cost_softmax = 5, /* softmax, log_softmax, softmin and their backward; 1.2 ns unmasked */
    fa_cost_maxout = 15,
    fa_cost_glu = 60,
    fa_cost_sparsemax = 52,
};

#endif /* FA_COSTS_H */
