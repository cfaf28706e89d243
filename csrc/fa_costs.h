/*
 * fa_costs.h -- what one element of each function costs, for the OpenMP
 * policy: a loop goes parallel when n * cost reaches FA_PARALLEL_MIN_WORK
 * (fa_parallel.h), so cheap loops need longer arrays to be worth a thread.
 *
 * The unit is a quarter nanosecond per element on one thread. Elementwise:
 * the float32 value_and_grad loop on 64K elements at the best dispatch level
 * of a 2-core AMD EPYC with AVX-512, measured by tools/measure_costs.py.
 * Row-wise (per element of the input; glu per output element): from
 * python -m fastact --threads 1 on the same machine.
 */
#ifndef FA_COSTS_H
#define FA_COSTS_H

enum {
    fa_cost_linear = 3, /* 0.65 ns */
    fa_cost_step = 2, /* 0.58 ns */
    fa_cost_sigmoid = 11, /* 2.80 ns */
    fa_cost_tanh = 15, /* 3.81 ns */
    fa_cost_relu = 2, /* 0.48 ns */
    fa_cost_leaky_relu = 4, /* 0.90 ns */
    fa_cost_prelu = 4, /* 0.91 ns */
    fa_cost_elu = 13, /* 3.33 ns */
    fa_cost_selu = 14, /* 3.38 ns */
    fa_cost_celu = 26, /* 6.39 ns */
    fa_cost_gelu_tanh = 48, /* 12.04 ns */
    fa_cost_gelu_erf = 54, /* 13.56 ns */
    fa_cost_silu = 42, /* 10.49 ns */
    fa_cost_swish = 49, /* 12.27 ns */
    fa_cost_softplus = 32, /* 8.06 ns */
    fa_cost_mish = 43, /* 10.75 ns */
    fa_cost_hard_sigmoid = 7, /* 1.75 ns */
    fa_cost_hard_swish = 8, /* 2.11 ns */
    fa_cost_hard_tanh = 4, /* 0.91 ns */
    fa_cost_relu6 = 3, /* 0.77 ns */
    fa_cost_softsign = 4, /* 1.09 ns */
    fa_cost_log_sigmoid = 18, /* 4.38 ns */
    fa_cost_tanhshrink = 15, /* 3.87 ns */
    fa_cost_softshrink = 5, /* 1.16 ns */
    fa_cost_hardshrink = 3, /* 0.84 ns */
    fa_cost_threshold = 2, /* 0.57 ns */
    fa_cost_squareplus = 38, /* 9.57 ns */
    fa_cost_sparse_plus = 4, /* 1.12 ns */
    fa_cost_sparse_sigmoid = 4, /* 0.90 ns */
    fa_cost_softmax = 90, /* softmax, log_softmax, softmin and their backward */
    fa_cost_maxout = 15,
    fa_cost_glu = 60,
    fa_cost_sparsemax = 52,
};

#endif /* FA_COSTS_H */
