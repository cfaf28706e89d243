"""float16 input computes in float32, its parameters rounded to float32, not float16.

The float16 loops widen x exactly, compute in float and round once on store, so
every float16 result must be the float32 result (same parameters, rounded to
float32) rounded to float16: bitwise, over every float16 value. Parameters
rounded to float16 instead move kinks (slope=1/6 put hard_swish's at +-3.0007).
"""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import reference, registry

ALL_HALF = np.arange(1 << 16, dtype=np.uint16).view(np.float16)
PARAMETERISED = [r.name for r in registry.RECORDS if r.params and r.alias_of is None]
SIXTH = {"hard_sigmoid": {"slope": 1 / 6}, "hard_swish": {"slope": 1 / 6}}


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    nan = np.isnan(a) & np.isnan(b)
    return np.array_equal(np.where(nan, 0, a).view(np.uint16), np.where(nan, 0, b).view(np.uint16))


@pytest.mark.parametrize("name", PARAMETERISED)
def test_float16_is_float32_rounded_once(name):
    rec = registry.get(name)
    f = getattr(fastact, name)
    for params in (rec.example_params(), SIXTH.get(name, rec.example_params())):
        x32 = ALL_HALF.astype(np.float32)
        g = np.float16(0.75)
        with np.errstate(over="ignore"):
            pairs = [
                (f(ALL_HALF, **params), f(x32, **params)),
                (f.grad(ALL_HALF, **params), f.grad(x32, **params)),
                (f.backward(g, ALL_HALF, **params)[0] if rec.param_grad
                 else f.backward(g, ALL_HALF, **params),
                 f.backward(np.float32(g), x32, **params)[0] if rec.param_grad
                 else f.backward(np.float32(g), x32, **params)),
            ]
            for half, single in pairs:
                assert half.dtype == np.float16, name
                assert _same_bits(half, single.astype(np.float16)), (name, params)


@pytest.mark.parametrize("name", ["hard_sigmoid", "hard_swish"])
def test_float16_kinks_of_slope_one_sixth(name):
    f, ref = getattr(fastact, name), getattr(reference, name)
    kinks = np.float16([-3, 3])
    inside = np.float16([-2.998, 2.998])
    # PyTorch's hardsigmoid and hardswish: f' = 0 / 1 just at the clip points, and
    # the ramp's derivative inside them
    want_grad = {"hard_sigmoid": [0, 0], "hard_swish": [0, 1]}[name]
    assert f.grad(kinks, slope=1 / 6).tolist() == want_grad
    assert ref.grad(kinks, slope=1 / 6).tolist() == want_grad
    assert f(kinks, slope=1 / 6).tolist() == ref(kinks, slope=1 / 6).tolist()
    assert np.all(f.grad(inside, slope=1 / 6) != 0)
    assert f.grad(inside, slope=1 / 6).tolist() == ref.grad(inside, slope=1 / 6).tolist()


def test_parameter_arrays_keep_float16():
    x = np.float16([-1.0, 0.5, 2.0])
    alpha = np.array([0.25, 0.5, 0.75], dtype=np.float32)
    assert fastact.leaky_relu(x, alpha).dtype == np.float16
    assert reference.leaky_relu(x, alpha).dtype == np.float16
    # a float64 parameter array computes and returns float64, as NumPy promotes
    assert fastact.leaky_relu(x, alpha.astype(np.float64)).dtype == np.float64
    assert reference.leaky_relu(x, alpha.astype(np.float64)).dtype == np.float64
