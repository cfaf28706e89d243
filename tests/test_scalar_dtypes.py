"""Python numbers and NumPy scalars as inputs and parameters: the dtype NumPy's promotion
gives (Python numbers weak, NumPy scalars not), the same in fastact and the reference.

A float16 loop takes float32 parameters, so NumPy alone would run float16's loop for a
Python number x beside a float32 parameter; and np.float64 is a subclass of float, but
as a parameter it is a NumPy scalar, not a Python number.
"""

from __future__ import annotations

import numpy as np
import pytest
from ulp import DERIVATIVE_ULP, FORWARD_ULP, ulp_error

import fastact
from fastact import reference

F16, F32, F64 = np.float16, np.float32, np.float64


def _ops(module, name, x, param):
    f = getattr(module, name)
    kw = {"b": param} if name == "squareplus" else {}
    args = () if kw else (param,)
    ops = {
        "forward": f(x, *args, **kw),
        "grad": f.grad(x, *args, **kw),
        "value_and_grad": f.value_and_grad(x, *args, **kw)[0],
        "backward": f.backward(1.5, x, *args, **kw),
    }
    if name == "prelu":
        ops["backward"] = ops["backward"][0]  # grad_x; grad_alpha is a sum
    return ops


@pytest.mark.parametrize(("x", "param", "want"), [
    (0.5, F32(0.25), F32),      # a Python float beside a float32 parameter: float32
    (3, F32(0.25), F32),        # a Python int likewise
    (0.5, F16(0.25), F16),      # beside a float16 parameter: float16, as np.add does
    (0.5, 0.25, F64),           # Python numbers alone: float64
    (0.5, np.array([0.25, 2.0], F32), F32),
    (np.array(0.5, F16), F64(0.25), F64),   # np.float64 is strong: float64
    (np.array(0.5, F16), F32(0.25), F16),   # fastact's rule: float16 keeps its dtype
    (np.array([0.5, -1.0], F32), F64(0.25), F64),
], ids=repr)
@pytest.mark.parametrize("name", ["prelu", "squareplus"])
def test_result_dtype_follows_numpy(name, x, param, want):
    got = _ops(fastact, name, x, param)
    ref = _ops(reference, name, x, param)
    like = np.dtype(want)
    for op, value in got.items():
        what = f"fastact.{name}.{op}({x!r}, {param!r})"
        assert np.asarray(value).dtype == like, f"{what}: {np.asarray(value).dtype}"
        assert np.asarray(ref[op]).dtype == like, f"reference: {np.asarray(ref[op]).dtype}"
        bound = FORWARD_ULP if op == "forward" else DERIVATIVE_ULP
        assert np.all(ulp_error(value, ref[op], like) <= bound), f"{what}: {value} {ref[op]}"


def test_float64_scalar_parameter_is_checked_in_float64():
    """A float16 input with an np.float64 parameter computes in float64, so a parameter
    finite in float64 but not in float32 is valid (it was refused as infinite)."""
    x = np.array([-1.0, 2.0], F16)
    for module in (fastact, reference):
        got = module.elu(x, alpha=F64(1e300))
        assert got.dtype == F64
        assert np.isfinite(got).all()
