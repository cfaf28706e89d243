"""The implementations fastact is measured against, as callables on one case.

Used by ``python -m fastact bench`` and by the pytest-benchmark suite in
``bench/``. Every peer builds, for an activation, its parameters and an
operation (``forward``, ``value_and_grad``, ``backward``), a zero-argument
callable that computes it on a given input, or returns None when it has no
such function. Optional peers (SciPy, numexpr, PyTorch, JAX) are used only
when installed; none of them is a dependency of fastact.

The peers' value_and_grad and backward are the forward and the derivative
the way a user of that library would write them: SciPy and numexpr evaluate
a derivative formula, PyTorch runs autograd, JAX compiles ``jax.jvp`` (value
and derivative, which XLA fuses into one loop) and ``jax.vjp`` with ``jax.jit``.
"""

from __future__ import annotations

import functools
import importlib
import os
import re
import sys
from collections.abc import Callable
from typing import Any

import numpy as np

import fastact
from fastact import reference, registry
from fastact.registry import Case

OPS = ("forward", "value_and_grad", "backward")

Runner = Callable[[], Any]


TORCH_SAME_AS_DEFAULTS = {"hard_sigmoid": {"slope": 1 / 6}, "hard_swish": {"slope": 1 / 6}}
"""Parameters every peer is given besides the registry's examples: PyTorch's hardsigmoid and
hardswish have slope 1/6 built in."""


def cases(only: list[str] | None = None) -> list[Case]:
    """One case per activation in registry order, and one per selector choice (gelu)."""
    names = [n for n in registry.names() if not only or n in only]
    return registry.cases(names, fixed=TORCH_SAME_AS_DEFAULTS)


def optional(module: str) -> Any:
    """The module, or None when it is not installed."""
    try:
        return importlib.import_module(module)
    except ImportError:
        return None


# ---- fastact and its NumPy reference --------------------------------------------------


def numpy_style(module: Any) -> Callable[[Case, str, np.ndarray, np.ndarray], Runner | None]:
    """A peer for a module with fastact's API (fastact itself, fastact.reference)."""

    def make(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Runner | None:
        f = getattr(module, case.name)
        if op == "forward":
            return lambda: f(x, **case.kwargs)
        if op == "value_and_grad":
            return lambda: f.value_and_grad(x, **case.kwargs)
        return lambda: f.backward(g, x, **case.kwargs)

    return make


# ---- SciPy: the functions scipy.special has -------------------------------------------

GELU_TANH_C = float(np.sqrt(2.0 / np.pi))


def _scipy_pair(sp: Any, case: Case) -> tuple[Callable, Callable] | None:
    """(f, f') written with scipy.special, or None."""
    p = case.params()
    if case.name == "sigmoid":
        return sp.expit, lambda x: (lambda s: s * (1 - s))(sp.expit(x))
    if case.name == "log_sigmoid":
        return sp.log_expit, lambda x: sp.expit(-x)
    if case.name in ("silu", "swish"):
        b = p.get("beta", 1.0)

        def silu_grad(x):
            s = sp.expit(b * x)
            return s * (1 + b * x * (1 - s))

        return (lambda x: x * sp.expit(b * x)), silu_grad
    if case.key == "gelu-none":
        c = float(1 / np.sqrt(2 * np.pi))
        return (lambda x: x * sp.ndtr(x)), (lambda x: sp.ndtr(x) + x * c * np.exp(-0.5 * x * x))
    return None


def scipy_peer(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Runner | None:
    sp = optional("scipy.special")
    pair = _scipy_pair(sp, case) if sp is not None else None
    if pair is None:
        return None
    f, df = pair
    if op == "forward":
        return lambda: f(x)
    if op == "value_and_grad":
        return lambda: (f(x), df(x))
    return lambda: g * df(x)


# ---- numexpr: one expression for f, one for f' ------------------------------------------

NUMEXPR: dict[str, tuple[str, str]] = {
    "linear": ("slope * x", "slope + 0 * x"),
    "step": ("where(x > 0, 1, 0) + 0 * x", "0 * x"),
    "sigmoid": ("1 / (1 + exp(-x))", "exp(-x) / (1 + exp(-x))**2"),
    "tanh": ("tanh(x)", "1 - tanh(x)**2"),
    "relu": ("where(x > 0, x, 0)", "where(x > 0, 1, 0) + 0 * x"),
    "leaky_relu": ("where(x > 0, x, alpha * x)", "where(x > 0, 1, alpha) + 0 * x"),
    "prelu": ("where(x > 0, x, alpha * x)", "where(x > 0, 1, alpha) + 0 * x"),
    "elu": ("where(x > 0, x, alpha * expm1(x))", "where(x > 0, 1, alpha * exp(x))"),
    "selu": ("1.0507009873554805 * where(x > 0, x, 1.6732632423543772 * expm1(x))",
             "1.0507009873554805 * where(x > 0, 1, 1.6732632423543772 * exp(x))"),
    "celu": ("where(x > 0, x, alpha * expm1(x / alpha))", "where(x > 0, 1, exp(x / alpha))"),
    "gelu-tanh": (
        f"0.5 * x * (1 + tanh({GELU_TANH_C!r} * (x + 0.044715 * x**3)))",
        f"0.5 * (1 + tanh({GELU_TANH_C!r} * (x + 0.044715 * x**3))) + 0.5 * x * "
        f"(1 - tanh({GELU_TANH_C!r} * (x + 0.044715 * x**3))**2) * "
        f"{GELU_TANH_C!r} * (1 + 0.134145 * x**2)",
    ),
    "silu": ("x / (1 + exp(-x))", "(1 + x * exp(-x) / (1 + exp(-x))) / (1 + exp(-x))"),
    "swish": ("x / (1 + exp(-beta * x))",
              "(1 + beta * x * exp(-beta * x) / (1 + exp(-beta * x))) / (1 + exp(-beta * x))"),
    "softplus": ("where(beta * x > 20, x, log1p(exp(beta * x)) / beta)",
                 "1 / (1 + exp(-beta * x))"),
    "mish": ("x * tanh(log1p(exp(x)))",
             "tanh(log1p(exp(x))) + x * (1 - tanh(log1p(exp(x)))**2) / (1 + exp(-x))"),
    "hard_sigmoid": ("where(slope * x + offset <= 0, 0, where(slope * x + offset >= 1, 1, "
                     "slope * x + offset))",
                     "where((slope * x + offset > 0) & (slope * x + offset < 1), slope, 0)"),
    "hard_swish": ("x * where(slope * x + offset <= 0, 0, where(slope * x + offset >= 1, 1, "
                   "slope * x + offset))",
                   "where(slope * x + offset <= 0, 0, where(slope * x + offset >= 1, 1, "
                   "2 * slope * x + offset))"),
    "hard_tanh": ("where(x < min_val, min_val, where(x > max_val, max_val, x))",
                  "where((x > min_val) & (x < max_val), 1, 0) + 0 * x"),
    "relu6": ("where(x < 0, 0, where(x > 6, 6, x))", "where((x > 0) & (x < 6), 1, 0) + 0 * x"),
    "softsign": ("x / (1 + abs(x))", "1 / (1 + abs(x))**2"),
    "log_sigmoid": ("-log1p(exp(-x))", "1 / (1 + exp(x))"),
    "tanhshrink": ("x - tanh(x)", "tanh(x)**2"),
    "softshrink": ("where(x > lambd, x - lambd, where(x < -lambd, x + lambd, 0))",
                   "where(abs(x) > lambd, 1, 0) + 0 * x"),
    "hardshrink": ("where(abs(x) > lambd, x, 0)", "where(abs(x) > lambd, 1, 0) + 0 * x"),
    "threshold": ("where(x > threshold, x, value)", "where(x > threshold, 1, 0) + 0 * x"),
    "squareplus": ("0.5 * (x + sqrt(x * x + b))", "0.5 * (1 + x / sqrt(x * x + b))"),
    "sparse_plus": ("where(x <= -1, 0, where(x >= 1, x, 0.25 * (x + 1)**2))",
                    "where(x <= -1, 0, where(x >= 1, 1, 0.5 * (x + 1)))"),
    "sparse_sigmoid": ("where(x <= -1, 0, where(x >= 1, 1, 0.5 * x + 0.5))",
                       "where((x > -1) & (x < 1), 0.5, 0) + 0 * x"),
}
"""numexpr has no erf: gelu-none has no entry."""


def _typed_constants(expression: str, env: dict[str, Any], dtype: np.dtype) -> str:
    """The expression with its float literals made variables of dtype in env: numexpr
    reads a literal as float64, which would turn a float32 computation into float64."""

    def name(match: re.Match) -> str:
        key = f"c{len(env)}"
        env[key] = np.asarray(float(match.group(0)), dtype)
        return key

    return re.sub(r"(?<![\w.])\d+\.\d*(?:e[-+]?\d+)?", name, expression)


def numexpr_peer(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Runner | None:
    ne = optional("numexpr")
    if ne is None or case.key not in NUMEXPR:
        return None
    env = {k: np.asarray(v, x.dtype) for k, v in case.params().items()}
    env["x"] = x
    forward, derivative = (_typed_constants(e, env, x.dtype) for e in NUMEXPR[case.key])
    if op == "forward":
        return lambda: ne.evaluate(forward, local_dict=env)
    if op == "value_and_grad":
        return lambda: (ne.evaluate(forward, local_dict=env),
                        ne.evaluate(derivative, local_dict=env))
    return lambda: g * ne.evaluate(derivative, local_dict=env)


# ---- PyTorch: its functional ops, autograd for the derivative ------------------------

TORCH: dict[str, Callable[[Any, Any, dict[str, Any]], Any]] = {
    "sigmoid": lambda t, x, p: t.sigmoid(x),
    "tanh": lambda t, x, p: t.tanh(x),
    "relu": lambda t, x, p: t.nn.functional.relu(x),
    "relu_squared": lambda t, x, p: t.square(t.nn.functional.relu(x)),
    "leaky_relu": lambda t, x, p: t.nn.functional.leaky_relu(x, p["alpha"]),
    "elu": lambda t, x, p: t.nn.functional.elu(x, p["alpha"]),
    "selu": lambda t, x, p: t.nn.functional.selu(x),
    "celu": lambda t, x, p: t.nn.functional.celu(x, p["alpha"]),
    "gelu-tanh": lambda t, x, p: t.nn.functional.gelu(x, approximate="tanh"),
    "gelu-none": lambda t, x, p: t.nn.functional.gelu(x, approximate="none"),
    "silu": lambda t, x, p: t.nn.functional.silu(x),
    "softplus": lambda t, x, p: t.nn.functional.softplus(x, beta=p["beta"]),
    "mish": lambda t, x, p: t.nn.functional.mish(x),
    "hard_sigmoid": lambda t, x, p: t.nn.functional.hardsigmoid(x),
    "hard_swish": lambda t, x, p: t.nn.functional.hardswish(x),
    "hard_tanh": lambda t, x, p: t.nn.functional.hardtanh(x, p["min_val"], p["max_val"]),
    "relu6": lambda t, x, p: t.nn.functional.relu6(x),
    "softsign": lambda t, x, p: t.nn.functional.softsign(x),
    "log_sigmoid": lambda t, x, p: t.nn.functional.logsigmoid(x),
    "tanhshrink": lambda t, x, p: t.nn.functional.tanhshrink(x),
    "softshrink": lambda t, x, p: t.nn.functional.softshrink(x, p["lambd"]),
    "hardshrink": lambda t, x, p: t.nn.functional.hardshrink(x, p["lambd"]),
    "threshold": lambda t, x, p: t.nn.functional.threshold(x, p["threshold"], p["value"]),
}
TORCH_ROWWISE: dict[str, Callable[[Any, Any], Any]] = {
    "softmax": lambda t, x: t.softmax(x, dim=-1),
    "log_softmax": lambda t, x: t.log_softmax(x, dim=-1),
    "softmin": lambda t, x: t.nn.functional.softmin(x, dim=-1),
    "glu": lambda t, x: t.nn.functional.glu(x, dim=-1),
}
"""Row-wise functions along the last axis."""
TORCH_GATES = {"swiglu": "silu", "geglu": "gelu", "reglu": "relu"}
"""glu's siblings, which PyTorch computes as two operations: a * f(b) on the halves."""


def _torch_gated(t: Any, x: Any, gate: str) -> Any:
    a, b = x.chunk(2, dim=-1)
    return a * getattr(t.nn.functional, gate)(b)


def _torch_gated_backward(t: Any, g: Any, x: Any, gate: str) -> Any:
    xg = x.detach().requires_grad_()
    (gx,) = t.autograd.grad(_torch_gated(t, xg, gate), xg, g)
    return gx


for _name, _gate in TORCH_GATES.items():
    TORCH_ROWWISE[_name] = functools.partial(_torch_gated, gate=_gate)
TORCH_ROWWISE_BACKWARD: dict[str, Callable[[Any, Any, Any], Any]] = {
    "softmax": lambda t, g, y: t.ops.aten._softmax_backward_data(g, y, -1, y.dtype),
    "log_softmax": lambda t, g, y: t.ops.aten._log_softmax_backward_data(g, y, -1, y.dtype),
    "glu": lambda t, g, x: t.ops.aten.glu_backward(g, x, -1),
    **{name: functools.partial(_torch_gated_backward, gate=gate)
       for name, gate in TORCH_GATES.items()},
}
"""Row-wise backward as PyTorch's autograd calls it: from the output (its softmin has no
backward of its own), or from the input where the registry says so (glu)."""


def rowwise_peers(name: str, op: str, rows: np.ndarray) -> dict[str, Runner]:
    """Zero-argument callables for a row-wise function on ``rows`` (along the last axis),
    by implementation: fastact, the NumPy reference, and SciPy and PyTorch where they have
    it. ``op`` is ``forward``, or ``backward`` (from the output, or from the input where the
    registry says so)."""
    params = [p.example for p in registry.get(name).params]
    fast, ref = getattr(fastact, name), getattr(reference, name)
    sp, torch, jax = optional("scipy.special"), optional("torch"), jax_module()
    if op == "forward":
        runs = {"fastact": lambda: fast(rows, *params), "reference": lambda: ref(rows, *params)}
        if sp is not None and name in ("softmax", "log_softmax"):
            runs["scipy"] = lambda: getattr(sp, name)(rows, axis=-1)
        if torch is not None and name in TORCH_ROWWISE:
            rt = torch.from_numpy(rows.copy())
            runs["torch"] = lambda: TORCH_ROWWISE[name](torch, rt)
        if jax is not None and name in JAX_ROWWISE_NAMES:
            runs["jax"] = _jax_runner(jax, _jax_compiled(jax, _jax_rowwise(jax, name), op), rows)
        return runs
    y = fast(rows, *params)
    g = np.resize(np.linspace(-1.0, 1.0, 7, dtype=rows.dtype), y.shape)
    # from the output where the VJP is a function of it (PyTorch's softmax backward is)
    op_name = "backward_from_output" if registry.get(name).from_output else "backward"
    arg = y if registry.get(name).from_output else rows
    fast_op, ref_op = getattr(fast, op_name), getattr(ref, op_name)
    runs = {"fastact": lambda: fast_op(g, arg, *params),
            "reference": lambda: ref_op(g, arg, *params)}
    if torch is not None and name in TORCH_ROWWISE_BACKWARD:
        gt, at = torch.from_numpy(g), torch.from_numpy(arg)
        runs["torch"] = lambda: TORCH_ROWWISE_BACKWARD[name](torch, gt, at)
    if jax is not None and name in JAX_ROWWISE_NAMES:  # from the input, as jax.vjp computes it
        runs["jax"] = _jax_runner(jax, _jax_compiled(jax, _jax_rowwise(jax, name), op), g, rows)
    return runs


def _jax_rowwise(jax: Any, name: str) -> Callable[[Any], Any]:
    """A row-wise function along the last axis, with jax.nn."""
    if name == "softmin":
        return lambda x: jax.nn.softmax(-x, axis=-1)
    if name in JAX_GATES:
        gate, kwargs = JAX_GATES[name]

        def gated(x: Any) -> Any:
            a, b = jax.numpy.split(x, 2, axis=-1)
            return a * getattr(jax.nn, gate)(b, **kwargs)
        return gated
    return lambda x: getattr(jax.nn, JAX_ROWWISE[name])(x, axis=-1)


TORCH_BUILT_IN = {"hard_sigmoid": {"slope": 1 / 6, "offset": 0.5},
                  "hard_swish": {"slope": 1 / 6, "offset": 0.5}}
"""Parameter values PyTorch's function has built in; a case must use the same."""


def torch_peer(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Runner | None:
    torch = optional("torch")
    if torch is None or case.key not in TORCH:
        return None
    params = case.params()
    fixed = TORCH_BUILT_IN.get(case.name, {})
    if any(params[k] != v for k, v in fixed.items()):
        return None
    fn, xt, gt = TORCH[case.key], torch.from_numpy(x.copy()), torch.from_numpy(g.copy())
    if op == "forward":
        return lambda: fn(torch, xt, params)

    def value_and_grad():
        xg = xt.detach().requires_grad_()
        y = fn(torch, xg, params)
        (d,) = torch.autograd.grad(y, xg, torch.ones_like(y))
        return y.detach(), d

    def backward():
        xg = xt.detach().requires_grad_()
        (gx,) = torch.autograd.grad(fn(torch, xg, params), xg, gt)
        return gx

    return value_and_grad if op == "value_and_grad" else backward


# ---- JAX: jax.nn under jax.jit; jvp for value_and_grad, vjp for backward --------------

JAX_NN: dict[str, tuple[str, dict[str, Any], tuple[str, ...]]] = {
    "sigmoid": ("sigmoid", {}, ()), "tanh": ("tanh", {}, ()), "relu": ("relu", {}, ()),
    "relu6": ("relu6", {}, ()), "silu": ("silu", {}, ()), "selu": ("selu", {}, ()),
    "softsign": ("soft_sign", {}, ()), "log_sigmoid": ("log_sigmoid", {}, ()),
    "mish": ("mish", {}, ()), "sparse_plus": ("sparse_plus", {}, ()),
    "sparse_sigmoid": ("sparse_sigmoid", {}, ()), "softplus": ("softplus", {"beta": 1.0}, ()),
    "elu": ("elu", {}, ("alpha",)), "celu": ("celu", {}, ("alpha",)),
    "leaky_relu": ("leaky_relu", {}, ("alpha",)), "squareplus": ("squareplus", {}, ("b",)),
    "gelu-tanh": ("gelu", {}, ()), "gelu-none": ("gelu", {}, ()),
    "hard_sigmoid": ("hard_sigmoid", {"slope": 1 / 6, "offset": 0.5}, ()),
    "hard_swish": ("hard_swish", {"slope": 1 / 6, "offset": 0.5}, ()),
    "hard_tanh": ("hard_tanh", {"min_val": -1.0, "max_val": 1.0}, ()),
}
"""Case key -> (jax.nn function, parameter values it has built in, parameters it takes by
position after x); gelu's ``approximate`` is passed as a bool."""
JAX_ROWWISE = {"softmax": "softmax", "log_softmax": "log_softmax", "glu": "glu"}
JAX_GATES = {"swiglu": ("silu", {}), "geglu": ("gelu", {"approximate": False}),
             "reglu": ("relu", {})}
JAX_ROWWISE_NAMES = (*JAX_ROWWISE, "softmin", *JAX_GATES)
"""Row-wise functions along the last axis (softmin is softmax of -x; glu's siblings
a * f(b) on the halves, as two operations)."""


def jax_module() -> Any:
    """jax, with float64 enabled, or None when it is not installed."""
    jax = optional("jax")
    if jax is not None:
        jax.config.update("jax_enable_x64", True)
    return jax


def jax_function(case: Case) -> Callable[[Any], Any] | None:
    """x -> f(x) with jax.nn for the functions it has with the case's parameters."""
    entry = JAX_NN.get(case.key)
    jax = jax_module() if entry is not None else None
    if jax is None:
        return None
    name, fixed, positional = entry
    fn = getattr(jax.numpy if name == "tanh" else jax.nn, name, None)
    params = case.params()
    if fn is None or any(params[k] != v for k, v in fixed.items()):
        return None
    args = tuple(params[k] for k in positional)
    kwargs = {"approximate": case.key == "gelu-tanh"} if case.name == "gelu" else {}
    return lambda x: fn(x, *args, **kwargs)


def _jax_compiled(jax: Any, f: Callable, op: str) -> Callable:
    """The jitted forward, value-and-derivative (jvp with unit tangents) or backward (vjp)
    of an elementwise or row-wise f."""
    if op == "forward":
        return jax.jit(f)
    if op == "value_and_grad":
        return jax.jit(lambda x: jax.jvp(f, (x,), (jax.numpy.ones_like(x),)))
    return jax.jit(lambda g, x: jax.vjp(f, x)[1](g)[0])


def _jax_runner(jax: Any, compiled: Callable, *arrays: np.ndarray) -> Runner:
    """A callable that runs ``compiled`` on the arrays (on the device before timing) and
    waits for the result."""
    on_device = [jax.device_put(a) for a in arrays]
    return lambda: jax.block_until_ready(compiled(*on_device))


def jax_peer(case: Case, op: str, x: np.ndarray, g: np.ndarray) -> Runner | None:
    f = jax_function(case)
    if f is None:
        return None
    jax = jax_module()
    compiled = _jax_compiled(jax, f, op)
    return _jax_runner(jax, compiled, *((x,) if op != "backward" else (g, x)))


PEERS: dict[str, Callable[[Case, str, np.ndarray, np.ndarray], Runner | None]] = {
    "fastact": numpy_style(fastact),
    "reference": numpy_style(reference),
    "scipy": scipy_peer,
    "numexpr": numexpr_peer,
    "torch": torch_peer,
    "jax": jax_peer,
}
"""Implementation name -> maker; fastact first, then its peers."""


def set_threads(n: int | None) -> None:
    """Give fastact and every installed multithreaded peer the same thread count."""
    fastact.set_num_threads(n)
    count = fastact.get_num_threads()
    ne = optional("numexpr")
    if ne is not None:
        ne.set_num_threads(count)
    torch = optional("torch")
    if torch is not None:
        torch.set_num_threads(count)
    if count == 1 and "jax" not in sys.modules:  # XLA reads its flags once, at import
        os.environ["XLA_FLAGS"] = " ".join(
            [os.environ.get("XLA_FLAGS", ""), "--xla_cpu_multi_thread_eigen=false",
             "intra_op_parallelism_threads=1"]).strip()


def to_numpy(value: Any) -> np.ndarray:
    """A peer's result (array or tensor) as a NumPy array."""
    return value.detach().numpy() if hasattr(value, "detach") else np.asarray(value)
