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
 * Row-wise (per element of the input): from python -m fastact --threads 1
 * on the same machine; glu per output element, its gate's backward on 64K
 * float32 elements; maxout on 64K float32 elements.
 */
#ifndef FA_COSTS_H
#define FA_COSTS_H

enum {
    fa_cost_linear = 1, /* 0.21 ns */
    fa_cost_step = 1, /* 0.20 ns */
    fa_cost_sigmoid = 3, /* 0.63 ns */
    fa_cost_tanh = 4, /* 0.99 ns */
    fa_cost_relu = 1, /* 0.24 ns */
    fa_cost_leaky_relu = 1, /* 0.21 ns */
    fa_cost_prelu = 1, /* 0.23 ns */
    fa_cost_elu = 3, /* 0.78 ns */
    fa_cost_selu = 3, /* 0.80 ns */
    fa_cost_celu = 5, /* 1.19 ns */
    fa_cost_gelu_tanh = 12, /* 2.99 ns */
    fa_cost_gelu_erf = 14, /* 3.43 ns */
    fa_cost_silu = 5, /* 1.23 ns */
    fa_cost_swish = 6, /* 1.59 ns */
    fa_cost_softplus = 8, /* 1.89 ns */
    fa_cost_mish = 6, /* 1.59 ns */
    fa_cost_hard_sigmoid = 1, /* 0.35 ns */
    fa_cost_hard_swish = 2, /* 0.38 ns */
    fa_cost_hard_tanh = 1, /* 0.22 ns */
    fa_cost_relu6 = 1, /* 0.21 ns */
    fa_cost_softsign = 1, /* 0.28 ns */
    fa_cost_log_sigmoid = 5, /* 1.29 ns */
    fa_cost_tanhshrink = 4, /* 0.93 ns */
    fa_cost_softshrink = 1, /* 0.21 ns */
    fa_cost_hardshrink = 1, /* 0.21 ns */
    fa_cost_threshold = 1, /* 0.23 ns */
    fa_cost_squareplus = 3, /* 0.75 ns */
    fa_cost_sparse_plus = 1, /* 0.21 ns */
    fa_cost_sparse_sigmoid = 1, /* 0.22 ns */
    fa_cost_softmax = 3, /* softmax & co. and their backward: 0.3-1.4 ns (masked: 0.4-1.4 ns) */
    fa_cost_maxout = 2, /* 0.36 ns, backward 0.54 (64K float32, 2 pieces) */
    fa_cost_maxout_general = 15, /* float16, over 64 pieces, runs with a NaN */
    fa_cost_glu = 3, /* 0.83 ns */
    fa_cost_sparsemax = 52,
};

#endif /* FA_COSTS_H */
