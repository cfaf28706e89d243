"""Every parameter of every function at its edge values: fastact and the reference agree.

For each (function, parameter, edge value, dtype, operation) either both return the
same values (within the accuracy contract, NaN where the other has NaN) or both raise
the same ValueError naming the function, the parameter and its valid range. Edge
values include those that round to 0 or to inf in the type the call computes in
(float32 for float16 and float32 input): a parameter is checked after that rounding.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from ulp import DERIVATIVE_ULP, FORWARD_ULP

import fastact
from fastact import reference, registry
from fastact._ulp import ulp_error

EDGES = [0.0, -0.0, -1.0, -0.5, 0.5, 2.0, 70000.0, np.inf, -np.inf, np.nan,
         1e-50, -1e-50, 1e-300, 5e-324, 1e39, -1e39, 1e300, -1e300]
"""0, negatives, infinities, NaN; 1e-50 and 1e-300 round to 0 in float32, 1e39 and 1e300
to inf; 70000 is inf in float16 (but parameters of float16 input are float32)."""

X = np.array([-np.inf, -1e30, -1e6, -1000, -745, -200, -100, -88, -50, -20, -3, -1, -0.5,
              -1e-30, -0.0, 0.0, 1e-30, 0.5, 1, 3, 20, 100, 1e30, np.inf, np.nan])

PARAMS = [(r.name, p.name) for r in registry.RECORDS if r.alias_of is None for p in r.params]


def _outcome(call, module):
    """("ok", result array) or (exception type, its message) of ``call(module)``."""
    try:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            out = call(module)
    except (TypeError, ValueError) as exc:
        return type(exc).__name__, str(exc)
    return "ok", np.asarray(out[0] if isinstance(out, tuple) else out)


def _ops(rec, params, x, g):
    ops = {
        "forward": lambda m: getattr(m, rec.name)(x, **params),
        "grad": lambda m: getattr(m, rec.name).grad(x, **params),
        "value_and_grad": lambda m: getattr(m, rec.name).value_and_grad(x, **params)[1],
        "backward": lambda m: getattr(m, rec.name).backward(g, x, **params),
    }
    if rec.has_from_output:
        with warnings.catch_warnings(), np.errstate(all="ignore"):
            warnings.simplefilter("ignore")
            try:
                y = np.asarray(getattr(reference, rec.name)(x, **params))
            except ValueError:
                y = x
        ops["backward_from_output"] = (
            lambda m: getattr(m, rec.name).backward_from_output(g, y, **params))
    return ops


@pytest.mark.parametrize(("name", "param"), PARAMS, ids=[f"{n}-{p}" for n, p in PARAMS])
def test_parameter_edges_agree_with_the_reference(name, param):
    rec = registry.get(name)
    problems = []
    for value in EDGES:
        params = {**rec.example_params(), param: value}
        for dtype in (np.float16, np.float32, np.float64):
            with np.errstate(over="ignore"):
                x = X.astype(dtype)
            g = np.full_like(x, 0.75)
            for op, call in _ops(rec, params, x, g).items():
                (kind_f, got), (kind_r, want) = _outcome(call, fastact), _outcome(call, reference)
                where = f"{name}({param}={value!r}) {op} {np.dtype(dtype).name}"
                if kind_f != kind_r:
                    problems.append(f"{where}: fastact {kind_f} {str(got)[:90]!r}, "
                                    f"reference {kind_r} {str(want)[:90]!r}")
                elif kind_f != "ok":
                    if got != want:
                        problems.append(f"{where}: messages differ: {got!r} / {want!r}")
                    elif not (f"fastact.{name}" in got and repr(param) in got
                              and "must be" in got):
                        problems.append(f"{where}: unclear message {got!r}")
                else:
                    nan_f, nan_r = np.isnan(got), np.isnan(want)
                    err = np.where(nan_f & nan_r, 0, ulp_error(got, want, dtype))
                    bound = FORWARD_ULP if op == "forward" else DERIVATIVE_ULP
                    if np.any(nan_f != nan_r) or err.max() > bound:
                        i = int(np.argmax(np.where(nan_f != nan_r, np.inf, err)))
                        problems.append(f"{where}: at x={x[i]!r} fastact {got[i]!r}, "
                                        f"reference {want[i]!r}")
    assert not problems, f"{len(problems)} disagreements:\n" + "\n".join(problems[:20])


@pytest.mark.parametrize("module", [fastact, reference], ids=["fastact", "reference"])
@pytest.mark.parametrize(("name", "params", "message"), [
    ("softplus", {"beta": 1e-50}, "'beta' must be a finite nonzero number, got 1e-50, "
                                  "which is 0.0 in float32"),
    ("celu", {"alpha": 0.0}, "'alpha' must be a finite number > 0, got 0.0"),
    ("elu", {"alpha": 1e39}, "'alpha' must be a finite number, got 1e+39, which is inf in "
                             "float32"),
    ("hard_tanh", {"min_val": np.nan}, "'min_val' must be a number, +-inf included (not NaN)"),
    ("softshrink", {"lambd": -1.0}, "'lambd' must be a number >= 0, inf included, got -1.0"),
])
def test_edge_errors_name_the_parameter_and_range(module, name, params, message):
    with pytest.raises(ValueError, match=f"fastact.{name}: parameter " + message.replace(
            "(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        getattr(module, name)(np.float32([1.0, -2.0]), **params)


def test_float64_keeps_values_float32_cannot_hold():
    # 1e-50 and 1e39 are fine parameters in float64
    x = np.array([-1.0, 2.0])
    assert np.all(np.isfinite(fastact.softplus(x, beta=1e-50)))
    assert np.all(np.isfinite(fastact.elu(x, alpha=1e39)))
