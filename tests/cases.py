"""What the tests iterate over: every activation, its kernels and parameter sets."""

from __future__ import annotations

import numpy as np

from fastact import registry

FLOAT_DTYPES = (np.float16, np.float32, np.float64)

# Parameter sets beyond the defaults, to exercise the parameter paths.
EXTRA_PARAMS: dict[str, list[dict]] = {
    "linear": [{"slope": -2.5}],
    "leaky_relu": [{"alpha": 0.2}],
    "prelu": [{"alpha": -0.1}],
    "elu": [{"alpha": 0.5}],
    "celu": [{"alpha": 0.3}, {"alpha": 2.0}],
    "swish": [{"beta": 1.702}, {"beta": 0.3}],
    "softplus": [{"beta": 2.0}, {"beta": 0.1}],
    "hard_sigmoid": [{"slope": 1 / 6, "offset": 0.5}],
    "hard_swish": [{"slope": 1 / 6, "offset": 0.5}],
    "hard_tanh": [{"min_val": -2.0, "max_val": 0.5}],
    "softshrink": [{"lambd": 1.5}],
    "hardshrink": [{"lambd": 0.1}],
    "threshold": [{"threshold": 0.5, "value": -3.0}],
    "squareplus": [{"b": 0.25}],
}



def kernel_cases() -> list[tuple[str, str | None, str, dict]]:
    """(activation name, selector choice, kernel name, params) for every kernel and param set."""
    out = []
    for case in registry.cases(extra=EXTRA_PARAMS):
        selector = registry.get(case.name).selector
        params = {k: v for k, v in case.kwargs.items() if not selector or k != selector[0]}
        out.append((case.name, case.choice, case.kernel, params))
    return out


def case_id(case) -> str:
    name, choice, kernel, params = case
    extra = ",".join(f"{k}={v:g}" for k, v in params.items())
    return kernel + (f"[{extra}]" if extra else "")


def call_kwargs(case) -> dict:
    """Keyword arguments for fastact/reference calls of this case."""
    name, choice, kernel, params = case
    kwargs = dict(params)
    rec = registry.get(name)
    if rec.selector:
        kwargs[rec.selector[0]] = choice
    return kwargs


def truth_params(case, dtype=np.float64) -> dict:
    """Every parameter value, defaults filled in, rounded to ``dtype`` as the ufunc
    rounds them (for mp_truth)."""
    name, choice, kernel, params = case
    rec = registry.get(name)
    return {p.name: float(dtype(params.get(p.name, p.default))) for p in rec.params}
