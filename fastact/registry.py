"""One record per activation: the single source the API, reference, tests, CLI and docs read.

Each :class:`Record` gives the parameters and defaults, the formula and its
derivative in LaTeX, the output range, the kinks and the derivative chosen
at each (PyTorch's autograd convention), whether ``backward_from_output``
exists, and notes on advantages, drawbacks and typical uses.

>>> from fastact import registry
>>> registry.get("elu").params[0]
Param(name='alpha', default=1.0, domain='finite', example=None)
>>> [r.name for r in registry.RECORDS][:3]
['linear', 'step', 'sigmoid']
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass, field

REQUIRED = None
"""Marker for a parameter without a default."""

DOMAINS = ("finite", "extended", "nonzero", "nonnegative", "nonnegative_extended", "positive")
"""A parameter's valid values, checked after rounding to the type the call computes in:
finite numbers (``finite``), any but NaN (``extended``), finite and nonzero, finite and
>= 0, >= 0 with inf (``nonnegative_extended``), finite and > 0."""


@dataclass(frozen=True)
class Param:
    """A numeric parameter: name, default (``REQUIRED`` if none), allowed values, and for a
    required one an example value (used by the docs, the main job and the benchmarks)."""

    name: str
    default: float | None = REQUIRED
    domain: str = "finite"
    example: float | None = None


@dataclass(frozen=True)
class Record:
    """Everything fastact knows about one activation.

    ``kernels`` maps the value of the selector parameter (``approximate`` for
    gelu) to the compiled kernel's name; most activations have one kernel,
    under the key ``None``.  ``from_output_domain`` lists parameter domains
    that ``backward_from_output`` additionally requires (where f' is a
    function of y only for some parameter values).
    """

    name: str
    params: tuple[Param, ...]
    formula: str
    derivative: str
    output_range: str
    kinks: tuple[tuple[str, str], ...]
    from_output: str | None
    advantages: str
    drawbacks: str
    uses: str
    kernels: dict[str | None, str] = field(default_factory=dict)
    selector: tuple[str, str] | None = None  # (parameter name, default value)
    selector_bools: tuple[str, str] | None = None
    """The choices the selector's True and False name (gelu's approximate=True is 'tanh',
    as in JAX), or None where it takes only its strings."""
    from_output_domain: dict[str, str] = field(default_factory=dict)
    ordered_params: tuple[str, str] | None = None  # (low, high): low <= high required
    param_grad: bool = False
    alias_of: str | None = None
    derivative_roots: dict[str | None, float] = field(default_factory=dict)
    """Selector choice (None for the only kernel) -> the double nearest the interior root
    of f' (in t = beta x where there is a beta), where f' cancels."""
    cost_ns: dict[str | None, float] = field(default_factory=dict)
    """Selector choice (None for the only kernel) -> one element's float32 value_and_grad
    on one thread, in ns (tools/measure_costs.py): the threading policy's cost."""
    tails: bool = False
    """Whether f' tends to 0 without reaching it (exponential or algebraic tails): where it
    falls below float's normal range the float32 and float16 backward form g f' in double."""
    derivative_overflows: bool = False
    """Whether f' overflows double for a finite x where g f' need not (relu_squared's 2x): the
    float64 backward then forms g f' by ``fa_act_<kernel>_backward_wide(g, x, p)``."""

    @property
    def has_from_output(self) -> bool:
        """Whether f' is a function of the output, so backward_from_output exists."""
        return self.from_output is not None

    @property
    def param_names(self) -> tuple[str, ...]:
        """The parameter names, in positional order."""
        return tuple(p.name for p in self.params)

    def example_params(self) -> dict[str, float]:
        """Example values for the required parameters (the others have defaults)."""
        return {p.name: p.example for p in self.params if p.default is REQUIRED}

    @property
    def choices(self) -> tuple[str | None, ...]:
        """The selector's values, one per compiled kernel; (None,) for the only kernel."""
        return tuple(self.kernels) or (None,)

    def kernel(self, choice: str | None = None) -> str:
        """Name of the compiled kernel for the selector's value (or the only one)."""
        base = self.alias_of or self.name
        return self.kernels[choice] if self.kernels else base

    @property
    def operations(self) -> tuple[str, ...]:
        """The operations the activation offers (``forward`` is calling it)."""
        ops = ("forward", "grad", "value_and_grad", "backward")
        return ops + (("backward_from_output",) if self.has_from_output else ())

    def signature(self, op: str = "forward") -> inspect.Signature:
        """The Python signature of ``fastact.<name>`` (op ``forward``) or of its method
        ``op``: the inputs, the parameters (by position or keyword, with their defaults),
        the selector, and the ufunc's ``out``, ``where`` and other keywords. Annotations
        are strings, as in the stubs.

        >>> list(get("elu").signature("backward").parameters)
        ['grad_out', 'x', 'alpha', 'out', 'where', 'kwargs']
        """
        kind = inspect.Parameter
        inputs = {"backward": ("grad_out", "x"), "backward_from_output": ("grad_out", "y")}
        pairs = op == "value_and_grad" or (op == "backward" and self.param_grad)
        result = "tuple[np.ndarray, np.ndarray]" if pairs else "np.ndarray"
        params = [kind(n, kind.POSITIONAL_OR_KEYWORD, annotation="ArrayLike")
                  for n in inputs.get(op, ("x",))]
        params += [kind(p.name, kind.POSITIONAL_OR_KEYWORD, annotation="ArrayLike",
                        default=kind.empty if p.default is REQUIRED else p.default)
                   for p in self.params]
        if self.selector:
            params.append(kind(self.selector[0], kind.KEYWORD_ONLY, default=self.selector[1],
                               annotation="str | bool" if self.selector_bools else "str"))
        out = "np.ndarray | tuple[np.ndarray, np.ndarray] | None" if pairs else "np.ndarray | None"
        params += [kind("out", kind.KEYWORD_ONLY, default=None, annotation=out),
                   kind("where", kind.KEYWORD_ONLY, default=True, annotation="ArrayLike"),
                   kind("kwargs", kind.VAR_KEYWORD, annotation="Any")]
        return inspect.Signature(params, return_annotation=result)


def _r(name, params, formula, derivative, output_range, kinks, from_output, advantages,
       drawbacks, uses, **extra) -> Record:
    return Record(name, tuple(params), formula, derivative, output_range, tuple(kinks),
                  from_output, advantages, drawbacks, uses, **extra)


RECORDS: tuple[Record, ...] = (
    _r("linear", [Param("slope", 1.0)], r"a x", r"a", r"(-\infty, \infty)", [], "a",
       "Keeps the signal unchanged up to scale; exact gradients.",
       "Stacked linear layers collapse into one linear map: no expressive power is added.",
       "Regression outputs; a baseline to compare non-linearities against.",
       cost_ns={None: 0.21}),
    _r("step", [], r"[x > 0]", r"0", r"\{0, 1\}", [("x = 0", "f(0) = 0, f'(0) = 0")], "0",
       "The original threshold neuron: intuitive binary output.",
       "Zero derivative everywhere, so gradient descent cannot train through it.",
       "Perceptrons, teaching, hard decisions at inference time.",
       cost_ns={None: 0.2}),
    _r("sigmoid", [], r"\frac{1}{1 + e^{-x}}", r"\sigma(x)(1 - \sigma(x))", r"(0, 1)", [],
       r"y (1 - y)",
       "Output reads as a probability; smooth; derivative is cheap from the output.",
       "Saturates: f' <= 1/4, so gradients vanish through deep stacks; output not zero-centred.",
       "Binary classification outputs, gates (LSTM/GRU), GAN discriminators.",
       cost_ns={None: 0.63}, tails=True),
    _r("tanh", [], r"\tanh x", r"1 - \tanh^2 x", r"(-1, 1)", [], r"1 - y^2",
       "Zero-centred, steeper than sigmoid (f'(0) = 1).",
       "Still saturates at both ends; vanishing gradients in deep networks.",
       "Recurrent networks, hidden layers of small networks, bounded regression.",
       cost_ns={None: 0.99}, tails=True),
    _r("relu", [], r"\max(0, x)", r"[x > 0]", r"[0, \infty)", [("x = 0", "f'(0) = 0")],
       r"[y > 0]",
       "Cheap, does not saturate for x > 0, induces sparse activations.",
       "Dying ReLU: units stuck at x <= 0 get no gradient; unbounded output.",
       "Default hidden activation of CNNs and MLPs (classification, detection, segmentation).",
       cost_ns={None: 0.24}),
    _r("relu_squared", [], r"\max(0, x)^2", r"2 \max(0, x)", r"[0, \infty)", [],
       r"2 \sqrt{y}",
       "Sparse like ReLU, but f' is continuous (zero at 0) and grows with x.",
       "Grows quadratically: large pre-activations blow up; dead units as in ReLU.",
       "Feed-forward layers of GPT-style transformers (Primer).",
       cost_ns={None: 0.19}, derivative_overflows=True),
    _r("leaky_relu", [Param("alpha", 0.01)], r"x \text{ if } x > 0 \text{ else } \alpha x",
       r"1 \text{ if } x > 0 \text{ else } \alpha", r"(-\infty, \infty)",
       [("x = 0", "f'(0) = alpha")], r"1 \text{ if } y > 0 \text{ else } \alpha",
       "A small slope for x < 0 keeps every unit trainable (no dying ReLU).",
       "alpha is one more hyper-parameter; results vary with it.",
       "Drop-in ReLU replacement; GAN generators and discriminators.",
       from_output_domain={"alpha": "nonnegative"},
       cost_ns={None: 0.21}),
    _r("prelu", [Param("alpha", example=0.25)], r"x \text{ if } x > 0 \text{ else } \alpha x",
       r"1 \text{ if } x > 0 \text{ else } \alpha;\ \partial f/\partial\alpha = \min(x, 0)",
       r"(-\infty, \infty)", [("x = 0", "f'(0) = alpha, df/dalpha(0) = 0")], None,
       "The negative slope is learned (one per channel, broadcast against x).",
       "Extra parameters can overfit small data sets.",
       "Image classification networks with learned per-channel slopes.",
       param_grad=True,
       cost_ns={None: 0.23}),
    _r("elu", [Param("alpha", 1.0)], r"x \text{ if } x > 0 \text{ else } \alpha (e^x - 1)",
       r"1 \text{ if } x > 0 \text{ else } \alpha e^x",
       r"(-\alpha, \infty) \text{ for } \alpha > 0",
       [("x = 0", "f'(0) = alpha (PyTorch), 1 for the default alpha")],
       r"1 \text{ if } y > 0 \text{ else } y + \alpha",
       "Smooth negative part, mean activations near zero, no dying units.",
       "An exponential per negative element; slower than ReLU.",
       "Deeper MLPs and CNNs where faster convergence than ReLU matters.",
       from_output_domain={"alpha": "positive"},
       cost_ns={None: 0.78}, tails=True),
    _r("selu", [], r"\lambda (x \text{ if } x > 0 \text{ else } \alpha (e^x - 1))",
       r"\lambda \text{ if } x > 0 \text{ else } \lambda \alpha e^x",
       r"(-\lambda\alpha, \infty)",
       [("x = 0", "f'(0) = scale*alpha (PyTorch)")],
       r"\lambda \text{ if } y > 0 \text{ else } y + \lambda\alpha",
       "Self-normalizing: with lecun-normal weights activations keep mean 0, variance 1.",
       "The guarantee needs specific initialization and no batch norm.",
       "Deep fully-connected networks without normalization layers.",
       cost_ns={None: 0.8}, tails=True),
    _r("celu", [Param("alpha", 1.0, "positive")],
       r"\max(0, x) + \min(0, \alpha (e^{x/\alpha} - 1))",
       r"1 \text{ if } x > 0 \text{ else } e^{x/\alpha}", r"(-\alpha, \infty)",
       [("x = 0", "f'(0) = 1")], r"1 \text{ if } y > 0 \text{ else } y/\alpha + 1",
       "Continuously differentiable in x for every alpha (ELU is only for alpha = 1).",
       "An exponential per negative element; alpha must be > 0 (with alpha < 0 it is not "
       "bounded below and overflows).",
       "Where ELU is used but a C1 activation is wanted.",
       cost_ns={None: 1.19}, tails=True),
    _r("gelu", [],
       r"x \Phi(x);\ \text{tanh form } \tfrac{x}{2}(1 + \tanh(\sqrt{2/\pi}(x + 0.044715 x^3)))",
       r"\Phi(x) + x \varphi(x)", r"[-0.17, \infty)", [], None,
       "Smooth, non-monotone; weights inputs by their probability under a normal.",
       "More expensive than ReLU; two variants (tanh, erf) that differ slightly.",
       "Transformers (BERT, GPT, ViT).",
       kernels={"tanh": "gelu_tanh", "none": "gelu_erf"}, selector=("approximate", "tanh"),
       selector_bools=("tanh", "none"),
       derivative_roots={"tanh": -0.7524614220710163, "none": -0.7517915246935645},
       cost_ns={"tanh": 2.99, "none": 3.43}, tails=True),
    _r("silu", [], r"x \sigma(x)", r"\sigma(x)(1 + x(1 - \sigma(x)))", r"[-0.28, \infty)", [],
       None,
       "Smooth, non-monotone, unbounded above: often beats ReLU in deep networks.",
       "Costs an exponential per element; slower than ReLU.",
       "Image classification, detection, segmentation, embeddings (EfficientNet, YOLO).",
       derivative_roots={None: -1.2784645427610737},
       cost_ns={None: 1.23}, tails=True),
    _r("swish", [Param("beta", 1.0)], r"x \sigma(\beta x)",
       r"\sigma(\beta x)(1 + \beta x (1 - \sigma(\beta x)))", r"\mathbb{R}", [], None,
       "Interpolates between linear (beta = 0) and ReLU (beta -> inf); smooth.",
       "Costs an exponential per element.",
       "Vision models; image captioning and generative models.",
       derivative_roots={None: -1.2784645427610737},
       cost_ns={None: 1.59}, tails=True),
    _r("softplus", [Param("beta", 1.0, "nonzero")], r"\frac{1}{\beta} \log(1 + e^{\beta x})",
       r"\sigma(\beta x)", r"(0, \infty) \text{ for } \beta > 0", [], r"1 - e^{-\beta y}",
       "A smooth ReLU with strictly positive output and derivative.",
       "Exponential and logarithm per element; never exactly sparse.",
       "Positive outputs (variances, rates), smooth ReLU replacement.",
       cost_ns={None: 1.89}, tails=True),
    _r("mish", [], r"x \tanh(\operatorname{softplus}(x))",
       r"\tanh(s) + x \sigma(x) \operatorname{sech}^2(s),\ s = \operatorname{softplus}(x)",
       r"[-0.31, \infty)", [], None,
       "Smooth, non-monotone, self-regularizing; strong results in detection.",
       "The most expensive of the common activations.",
       "Object detection backbones (YOLOv4).",
       derivative_roots={None: -1.1924312145154952},
       cost_ns={None: 1.59}, tails=True),
    _r("hard_sigmoid", [Param("slope", 0.2), Param("offset", 0.5)],
       r"\operatorname{clip}(a x + b, 0, 1)", r"a \text{ where } 0 < a x + b < 1 \text{ else } 0",
       r"[0, 1]", [("a x + b = 0 or 1", "f' = 0 at the clip points")],
       r"a \text{ if } 0 < y < 1 \text{ else } 0",
       "Piecewise-linear, no exponential: fast on any hardware.",
       "Coarser than sigmoid; zero gradient outside the ramp.",
       "Mobile networks (slope=1/6 gives PyTorch's hardsigmoid), quantized models.",
       cost_ns={None: 0.35}),
    _r("hard_swish", [Param("slope", 0.2), Param("offset", 0.5)],
       r"x \operatorname{clip}(a x + b, 0, 1)",
       r"0 \text{ if } a x + b \le 0;\ 1 \text{ if } a x + b \ge 1;\ 2 a x + b \text{ otherwise}",
       r"[-b^2/(4a), \infty)",
       [("a x + b = 0", "f' = 0"), ("a x + b = 1", "f' = 1")], None,
       "Swish's shape without an exponential; cheap and quantization-friendly.",
       "Approximates swish only roughly.",
       "MobileNetV3 and other efficient vision models (slope=1/6: PyTorch's hardswish).",
       cost_ns={None: 0.38}),
    _r("hard_tanh", [Param("min_val", -1.0, "extended"), Param("max_val", 1.0, "extended")],
       r"\operatorname{clip}(x, m, M)", r"[m < x < M]", r"[m, M]",
       [("x = min_val or max_val", "f' = 0")], r"[m < y < M]",
       "Bounded like tanh at the cost of a comparison.",
       "Zero gradient outside the band.",
       "Bounded outputs in low-precision or recurrent models.",
       ordered_params=("min_val", "max_val"),
       cost_ns={None: 0.22}),
    _r("relu6", [], r"\min(\max(0, x), 6)", r"[0 < x < 6]", r"[0, 6]",
       [("x = 0", "f'(0) = 0"), ("x = 6", "f'(6) = 0")], r"[0 < y < 6]",
       "Bounded ReLU: robust under low-precision arithmetic.",
       "Dead units below 0 and saturated units above 6.",
       "MobileNet family, quantized inference.",
       cost_ns={None: 0.21}),
    _r("softsign", [], r"\frac{x}{1 + |x|}", r"\frac{1}{(1 + |x|)^2}", r"(-1, 1)", [],
       r"(1 - |y|)^2",
       "Like tanh but saturates polynomially, so gradients vanish more slowly.",
       "Less common; slower convergence than ReLU variants.",
       "A tanh replacement where softer saturation helps.",
       cost_ns={None: 0.28}, tails=True),
    _r("log_sigmoid", [], r"-\log(1 + e^{-x})", r"\sigma(-x)", r"(-\infty, 0)", [],
       r"1 - e^{y}",
       "The log-probability of a sigmoid, stable for any x.",
       "Unbounded below; rarely used as a hidden activation.",
       "Binary log-likelihood losses, log-space probability models.",
       cost_ns={None: 1.29}, tails=True),
    _r("tanhshrink", [], r"x - \tanh x", r"\tanh^2 x", r"(-\infty, \infty)", [], None,
       "Suppresses small inputs smoothly (cubic near 0).",
       "Rarely used; little evidence for hidden layers.",
       "Sparse coding, denoising.",
       cost_ns={None: 0.93}, tails=True),
    _r("softshrink", [Param("lambd", 0.5, "nonnegative_extended")],
       r"x - \lambda \text{ if } x > \lambda;\ x + \lambda \text{ if } x < -\lambda;\ 0",
       r"[|x| > \lambda]", r"(-\infty, \infty)",
       [("x = +-lambd", "f' = 0")], r"[y \ne 0]",
       "The soft-thresholding operator: the proximal map of the L1 norm.",
       "Shrinks every surviving value by lambd (biased).",
       "Sparse coding (ISTA), wavelet denoising.",
       cost_ns={None: 0.21}),
    _r("hardshrink", [Param("lambd", 0.5, "nonnegative_extended")],
       r"x \text{ if } |x| > \lambda \text{ else } 0", r"[|x| > \lambda]",
       r"(-\infty, \infty)", [("x = +-lambd", "f' = 0")], r"[y \ne 0]",
       "Hard thresholding: keeps large values exactly.",
       "Discontinuous at +-lambd.",
       "Sparse coding, compressed sensing.",
       cost_ns={None: 0.21}),
    _r("threshold", [Param("threshold", domain="extended", example=0.5),
                     Param("value", domain="extended", example=-1.0)],
       r"x \text{ if } x > t \text{ else } v", r"[x > t]", r"\{v\} \cup (t, \infty)",
       [("x = threshold", "f' = 0")], None,
       "Generalizes ReLU with an arbitrary cut and fill value.",
       "Discontinuous unless value == threshold.",
       "Masking and clamping layers (torch.nn.Threshold).",
       cost_ns={None: 0.23}),
    _r("squareplus", [Param("b", 4.0, "nonnegative")], r"\frac{x + \sqrt{x^2 + b}}{2}",
       r"\frac{1}{2}\left(1 + \frac{x}{\sqrt{x^2 + b}}\right)", r"(0, \infty)", [],
       r"\frac{y^2}{y^2 + b/4}",
       "A softplus-like smooth ReLU from a square root only: cheap, no exponential.",
       "Approaches 0 only like 1/|x| for x -> -inf.",
       "Where softplus is used but exponentials are costly.",
       cost_ns={None: 0.75}, tails=True),
    _r("sparse_plus", [], r"0;\ \tfrac{(x + 1)^2}{4};\ x \text{ for } x \le -1;\ |x| < 1;\ x \ge 1",
       r"0;\ \tfrac{x + 1}{2};\ 1", r"[0, \infty)", [("x = +-1", "f' continuous (0 and 1)")],
       r"\sqrt{\min(y, 1)}",
       "A C1 piecewise-quadratic softplus with exact zeros (sparse outputs).",
       "Zero gradient for x <= -1.",
       "Sparse attention and sparse output layers (JAX's sparse_plus).",
       cost_ns={None: 0.21}),
    _r("sparse_sigmoid", [], r"\operatorname{clip}((x + 1)/2, 0, 1)",
       r"\tfrac{1}{2}[|x| < 1]", r"[0, 1]", [("x = +-1", "f' = 0")],
       r"\tfrac{1}{2}[0 < y < 1]",
       "The derivative of sparse_plus; reaches exactly 0 and 1.",
       "Zero gradient outside [-1, 1].",
       "Sparse gates (JAX's sparse_sigmoid).",
       cost_ns={None: 0.22}),
)

@dataclass(frozen=True)
class RowRecord:
    """A row-wise activation: each output depends on a whole slice along ``axis``.

    Compiled as a generalized ufunc ``(n),(n)->(n)`` over (x, mask), with a
    backward ``(n),(n),(n)->(n)`` over (grad_out, y, mask) computed from the
    output y.
    """

    name: str
    formula: str
    backward: str
    output_range: str
    advantages: str
    drawbacks: str
    uses: str
    jacobian: bool = False
    masked: bool = True  # takes where= (JAX's mask semantics)
    from_output: bool = True
    """Whether the VJP is a function of the output, so ``backward_from_output(grad_out, y)``
    exists beside ``backward(grad_out, x)``."""
    params: tuple[Param, ...] = ()
    gate: str | None = None
    """For the gated family (glu and its siblings): the elementwise kernel f of
    ``a f(b)``, over the halves (a, b) of x along ``axis`` -- the first half
    carries the values, the second the gate."""


ROWWISE: tuple[RowRecord, ...] = (
    RowRecord("softmax", r"\frac{e^{x_i - m}}{\sum_j e^{x_j - m}},\ m = \max_j x_j",
              r"y_i (g_i - \textstyle\sum_j g_j y_j)", r"[0, 1],\ \sum_i y_i = 1",
              "Turns scores into a probability distribution over classes; smooth, and its "
              "exponentials never overflow once the row maximum is subtracted.",
              "Classes compete (not independent); naive exponentials overflow, which "
              "log_softmax avoids in losses.",
              "The output layer of multi-class classifiers (MNIST and beyond); attention weights.",
              jacobian=True),
    RowRecord("log_softmax", r"x_i - m - \log \textstyle\sum_j e^{x_j - m}",
              r"g_i - e^{y_i} \textstyle\sum_j g_j", r"(-\infty, 0]",
              "The log-probabilities without overflow or log(0): the remedy for softmax's "
              "numerical instability, and what cross-entropy needs.",
              "Outputs are not probabilities until exponentiated.",
              "Cross-entropy / negative log-likelihood losses, language models.",
              jacobian=True),
    RowRecord("softmin", r"\operatorname{softmax}(-x)_i",
              r"-y_i (g_i - \textstyle\sum_j g_j y_j)", r"[0, 1],\ \sum_i y_i = 1",
              "Soft arg-min: weights small values most.",
              "Same competition and overflow concerns as softmax.",
              "Soft nearest-neighbour assignment, distance-based attention.",
              jacobian=True),
    RowRecord("maxout", r"\max_{0 \le k < p} x_{ip + k}",
              r"g_i \text{ at the first arg-max of each group, 0 elsewhere}", r"\mathbb{R}",
              "Learns its own piecewise-linear activation; has every advantage of ReLU "
              "without dying units.",
              "Multiplies the parameters and the computation by the number of pieces.",
              "Deep networks with dropout (Goodfellow et al. 2013).",
              masked=False, from_output=False, params=(Param("pieces", example=2),)),
    RowRecord("glu", r"a \sigma(b),\ (a, b) \text{ the two halves of } x",
              r"(g \sigma(b),\ g a \sigma(b)(1 - \sigma(b)))", r"\mathbb{R}",
              "A learned gate: one half of the features gates the other.",
              "Halves the feature dimension; the axis length must be even.",
              "Gated convolutional language models, transformer feed-forward blocks.",
              masked=False, from_output=False, gate="sigmoid"),
    RowRecord("swiglu", r"a \operatorname{silu}(b),\ (a, b) \text{ the two halves of } x",
              r"(g \operatorname{silu}(b),\ g a \operatorname{silu}'(b))", r"\mathbb{R}",
              "glu with a SiLU gate: the gate passes large positive values unbounded and is "
              "smooth; with geglu, the best of the gated variants in Shazeer's comparison (2020).",
              "Halves the feature dimension; the axis length must be even. Costs an "
              "exponential per output.",
              "The feed-forward block of LLaMA-style language models (PaLM, LLaMA, Mistral).",
              masked=False, from_output=False, gate="silu"),
    RowRecord("geglu", r"a \operatorname{gelu}(b),\ (a, b) \text{ the two halves of } x",
              r"(g \operatorname{gelu}(b),\ g a \operatorname{gelu}'(b))", r"\mathbb{R}",
              "glu with an exact (erf) GELU gate: smooth, non-monotonic near 0 like GELU.",
              "Halves the feature dimension; the axis length must be even. The costliest "
              "gate; for the tanh form, compose a * fastact.gelu(b, approximate='tanh').",
              "Transformer feed-forward blocks (T5 1.1, Gemma).",
              masked=False, from_output=False, gate="gelu_erf"),
    RowRecord("reglu", r"a \max(b, 0),\ (a, b) \text{ the two halves of } x",
              r"(g \max(b, 0),\ g a [b > 0])", r"\mathbb{R}",
              "glu with a ReLU gate: the cheapest gate, exact (one rounding).",
              "Halves the feature dimension; the axis length must be even. Units whose "
              "gate stays negative get no gradient through b.",
              "Transformer feed-forward blocks where compute is tight.",
              masked=False, from_output=False, gate="relu"),
    RowRecord("sparsemax", r"\max(x_i - \tau, 0),\ \textstyle\sum_i \max(x_i - \tau, 0) = 1",
              r"g_i - \operatorname{mean}_{y_j > 0} g_j \text{ on the support, 0 off it}",
              r"[0, 1],\ \sum_i y_i = 1",
              "Like softmax but with exact zeros: a sparse, interpretable distribution "
              "(Martins & Astudillo 2016).",
              "Not smooth where the support changes.",
              "Sparse attention, multi-label classification.",
              masked=False),
)
"""Row-wise activations (softmax and relatives), in documentation order."""

COST_UNIT_NS = 0.25
"""The threading policy's unit of cost: a quarter nanosecond per element on one thread."""

ROW_LOOP_COSTS: dict[str, tuple[int, str]] = {
    "softmax": (3, "softmax & co. and their backward: 0.3-1.4 ns (masked: 0.4-1.4 ns)"),
    "maxout": (2, "0.36 ns, backward 0.54 (64K float32, 2 pieces)"),
    "maxout_general": (15, "float16, over 64 pieces, runs with a NaN"),
    "glu": (3, "0.83 ns"),
    "swiglu": (6, "1.6 ns"),
    "geglu": (10, "2.5 ns"),
    "reglu": (2, "0.52 ns"),
    "sparsemax": (52, ""),
}
"""The row-wise loops' costs per input element, in the unit of ``COST_UNIT_NS``, with how
they were measured (``python -m fastact --threads 1``; the gated family per output element,
the gate's backward on 64K float32 elements; maxout on 64K float32 elements)."""

DOMAIN_TEXTS: dict[str, str] = {
    "finite": "a finite number",
    "extended": "a number, +-inf included (not NaN)",
    "nonzero": "a finite nonzero number",
    "nonnegative": "a finite number >= 0",
    "nonnegative_extended": "a number >= 0, inf included",
    "positive": "a finite number > 0",
}
"""A parameter's domain (``Param.domain``) -> what its value must be, as the errors say it."""

@dataclass(frozen=True)
class Task:
    """A kind of layer or model, the activations that suit it, and why."""

    key: str
    title: str
    choices: tuple[str, ...]
    why: str


GUIDE: tuple[Task, ...] = (
    Task("cnn", "Hidden layers of CNNs (image classification, segmentation, detection)",
         ("relu", "leaky_relu", "silu"),
         "ReLU is cheap and does not saturate for x > 0, so gradients survive depth; "
         "leaky_relu keeps negative units trainable; silu (swish) is smooth and often a "
         "little more accurate, for an exponential per element."),
    Task("mlp", "Hidden layers of MLPs", ("relu", "gelu", "elu"),
         "Non-saturating for positive inputs; gelu and elu are smooth and pass some "
         "negative signal, which helps small and deep MLPs alike."),
    Task("transformer", "Transformer feed-forward blocks", ("gelu", "swiglu", "geglu"),
         "GELU in BERT- and GPT-2-style models; the gated swiglu and geglu in LLaMA-, "
         "PaLM- and T5 1.1-style models, which reach a lower loss at the same size."),
    Task("binary", "Binary and multi-label outputs", ("sigmoid", "log_sigmoid"),
         "One independent probability per output; log_sigmoid gives the log-likelihood "
         "the loss needs without overflow or log(0)."),
    Task("multiclass", "Multi-class outputs", ("softmax", "log_softmax"),
         "A probability distribution over the classes; log_softmax feeds cross-entropy "
         "stably."),
    Task("regression", "Regression outputs", ("linear", "softplus"),
         "The identity leaves the range free; softplus keeps a positive target "
         "(a rate, a scale) positive and smooth."),
    Task("recurrent", "Recurrent gates (LSTM, GRU)", ("sigmoid", "tanh"),
         "Sigmoid gates in (0, 1) choose how much passes; tanh keeps the candidate state "
         "bounded and zero-centred. Depth in time is where their vanishing gradients "
         "hurt: the gates' additive paths are what carry the gradient."),
    Task("mobile", "Mobile and quantized networks", ("hard_swish", "hard_sigmoid", "relu6"),
         "Piecewise-linear: no exponential, and bounded ranges that quantize well "
         "(MobileNetV3)."),
    Task("self-normalizing", "Self-normalising networks", ("selu",),
         "With LeCun-normal initialisation SELU keeps activations near zero mean and unit "
         "variance through many layers without batch normalisation."),
    Task("generative", "Generative adversarial networks",
         ("leaky_relu", "relu", "tanh", "sigmoid"),
         "leaky_relu in the discriminator and relu in the generator keep gradients "
         "flowing; tanh maps the generated image to [-1, 1]; sigmoid is the "
         "discriminator's real-or-fake output."),
    Task("embedding", "Image and text embeddings", ("relu", "silu", "gelu"),
         "The hidden layers' choices; the embedding itself is usually left linear "
         "(then normalised)."),
    Task("sparse", "Sparse attention and sparse outputs", ("sparsemax", "relu", "softshrink"),
         "sparsemax gives exact zeros where softmax gives small weights; relu and "
         "softshrink zero small activations."),
)
"""Which activations suit which task, with the reasons; ``python -m fastact guide``."""

ALIASES: dict[str, tuple[str, dict[str, float]]] = {
    "logistic": ("sigmoid", {}),
    # the names PyTorch and JAX use, with their defaults: their hard sigmoids have slope 1/6
    "hardsigmoid": ("hard_sigmoid", {"slope": 1 / 6}),
    "hardswish": ("hard_swish", {"slope": 1 / 6}),
    "hard_silu": ("hard_swish", {"slope": 1 / 6}),
    "hardtanh": ("hard_tanh", {}),
    "logsigmoid": ("log_sigmoid", {}),
    "soft_sign": ("softsign", {}),
    "quick_gelu": ("swish", {"beta": 1.702}),
}
"""Alias name -> (activation, changed defaults)."""

_BY_NAME = {r.name: r for r in RECORDS}
_ROW_BY_NAME = {r.name: r for r in ROWWISE}


def get(name: str) -> Record | RowRecord:
    """The record of ``name`` (an alias gives the record with its own defaults)."""
    if name in _BY_NAME:
        return _BY_NAME[name]
    if name in _ROW_BY_NAME:
        return _ROW_BY_NAME[name]
    if name in ALIASES:
        target, defaults = ALIASES[name]
        base = _BY_NAME[target]
        params = tuple(Param(p.name, defaults.get(p.name, p.default), p.domain, p.example)
                       for p in base.params)
        return Record(**{**base.__dict__, "name": name, "params": params,
                         "kernels": base.kernels, "alias_of": target})
    raise KeyError(f"fastact has no activation named {name!r}")


def names(include_aliases: bool = False) -> list[str]:
    """Activation names in registry order, optionally followed by the aliases."""
    out = [r.name for r in RECORDS]
    return out + list(ALIASES) if include_aliases else out


def rowwise_names() -> list[str]:
    """Row-wise activation names (softmax and relatives)."""
    return [r.name for r in ROWWISE]


def derivative_roots() -> dict[str, float]:
    """Kernel name -> the double nearest the interior root of its f' (in t = beta x for
    swish): where f' cancels, and the tests look hardest."""
    return {r.kernel(choice): root for r in RECORDS for choice, root in r.derivative_roots.items()}


def kernel_names() -> list[str]:
    """Every compiled elementwise kernel name (gelu has two)."""
    return [r.kernel(choice) for r in RECORDS for choice in r.choices]


@dataclass(frozen=True)
class Case:
    """An activation called with keyword arguments, as the main job, the checker, the
    benchmarks and the tests iterate over them.

    >>> [c.key for c in cases(["gelu"])]
    ['gelu-tanh', 'gelu-none']
    """

    name: str
    kwargs: dict[str, object]

    @property
    def label(self) -> str:
        """The call as written: ``hard_sigmoid(slope=0.2)``, or the bare name."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.kwargs.items())
        return f"{self.name}({args})" if args else self.name

    @property
    def choice(self) -> str | None:
        """The selector's value (gelu's ``approximate``), or None."""
        record = get(self.name)
        return self.kwargs.get(record.selector[0]) if record.selector else None

    @property
    def key(self) -> str:
        """The name, with the selector's choice for gelu (``gelu-tanh``, ``gelu-none``)."""
        return f"{self.name}-{self.choice}" if self.choice else self.name

    @property
    def kernel(self) -> str:
        """The compiled kernel this case runs."""
        return get(self.name).kernel(self.choice)

    def params(self) -> dict[str, object]:
        """Every parameter of the activation, defaults filled in."""
        return {p.name: self.kwargs.get(p.name, p.default) for p in get(self.name).params}


def cases(only: list[str] | None = None, extra: dict[str, list[dict]] | None = None,
          fixed: dict[str, dict] | None = None) -> list[Case]:
    """Every elementwise activation (or those of ``only``, aliases allowed), in that order:
    its example parameters, then each set of ``extra[name]``, each with ``fixed[name]`` laid
    over it, and each once per selector choice (gelu's ``approximate``)."""
    out = []
    for name in names() if only is None else only:
        record = get(name)
        sets = [record.example_params(), *(extra or {}).get(name, [])]
        choices = [{record.selector[0]: c} for c in record.kernels] if record.selector else [{}]
        for params in sets:
            given = {**params, **(fixed or {}).get(name, {})}
            out += [Case(name, {**given, **choice}) for choice in choices]
    return out
