"""The oracle is checked first: fastact.reference against mpmath, tails included.

So that an inaccurate formula cannot hide by being wrong in the same way in
the kernels and in the reference. float32 results (computed in float64) and
float64 results (computed in long double) must be within 1 ULP of the true
value -- except the float64 derivative within 0.1 of an interior root of f',
where the reference's relative error grows like 2**-64 / |x - root| and the
accuracy tests use mpmath instead (documented in fastact.reference).
"""

from __future__ import annotations

import numpy as np
import pytest
from cases import call_kwargs, case_id, kernel_cases, truth_params
from test_accuracy import DERIVATIVE_ROOTS, NEAR_ROOT
from truth_arrays import points_for, truth_arrays
from ulp import worst

from fastact import reference

REFERENCE_ULP = 1.0


def near_root(case, x) -> np.ndarray:
    kernel = case[2]
    if kernel not in DERIVATIVE_ROOTS:
        return np.zeros(x.shape, bool)
    with np.errstate(over="ignore"):
        t = x * truth_params(case).get("beta", 1.0)
    return np.abs(t - DERIVATIVE_ROOTS[kernel]) < NEAR_ROOT


@pytest.mark.parametrize("dtype", [np.float32, np.float64], ids=["float32", "float64"])
@pytest.mark.parametrize("case", kernel_cases(), ids=case_id)
def test_reference_within_one_ulp(case, dtype):
    x = points_for(case[2], dtype)
    f_true, d_true = truth_arrays(case[2], tuple(sorted(truth_params(case, dtype).items())),
                                  tuple(float(v) for v in x))
    y, d = getattr(reference, case[0]).value_and_grad(x, **call_kwargs(case))
    err, where = worst(y, f_true, dtype, x)
    assert err <= REFERENCE_ULP, f"reference {case_id(case)} f: {err:.2f} ULP at {where!r}"
    keep = ~near_root(case, x) if dtype == np.float64 else np.ones(x.shape, bool)
    err, where = worst(d[keep], d_true[keep], dtype, x[keep])
    assert err <= REFERENCE_ULP, f"reference {case_id(case)} f': {err:.2f} ULP at {where!r}"
