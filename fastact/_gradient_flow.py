"""``python -m fastact gradient-flow``: why gradients vanish through sigmoid and tanh.

Backpropagation multiplies, layer by layer, the derivatives f'(z) of the activations a
gradient passes through. With the pre-activations z of each layer drawn from N(0, scale^2)
(what a normalised, well-initialised layer sees), independently per layer, the gradient's
root-mean-square over the many paths through the network shrinks by

    g = sqrt(E[f'(z)^2])   per layer,   g^N   through N layers,

computed here from fastact's f' over many samples. Sigmoid's f' is at most 1/4, so g is
about 0.2 and 10 layers leave 1e-7 of the gradient; tanh saturates as the scale grows.
The weights multiply every layer by a constant too, and initialisations are chosen to
cancel g where it is steady: He's sqrt(2) for ReLU, whose f' is 1 on every active unit.

    python -m fastact gradient-flow --depth 50 --out flow.png
"""

from __future__ import annotations

import argparse
import sys

import numpy as np

import fastact
from fastact import registry
from fastact._report import markdown_table

NAMES = ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "selu", "gelu", "silu", "softplus",
         "mish")
"""The activations compared by default."""

SAMPLES = 1_000_000
"""Pre-activations sampled per activation."""


def layer_gain(name: str, scale: float = 1.0, samples: int = SAMPLES,
               seed: int = 0) -> tuple[float, float]:
    """(sqrt(E[f'(z)^2]), max |f'(z)|) over z ~ N(0, scale^2), from fastact's f'.

    >>> gain, top = layer_gain("relu")
    >>> round(gain, 2), top
    (0.71, 1.0)
    """
    z = np.random.default_rng(seed).normal(0.0, scale, samples)
    d = getattr(fastact, name).grad(z, **registry.get(name).example_params())
    return float(np.sqrt(np.mean(d * d))), float(np.max(np.abs(d)))


def depths_shown(depth: int) -> list[int]:
    """The depths in the table: 1, 2, 5, 10, 20, 50, ... below ``depth``, and ``depth``."""
    shown = [n for n in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000) if n < depth]
    return [*shown, depth]


def table(names: list[str], depth: int, scale: float = 1.0) -> str:
    """Per activation: max |f'|, the gain per layer, and the gain through N layers."""
    shown = depths_shown(depth)
    rows = []
    for name in names:
        gain, top = layer_gain(name, scale)
        rows.append((name, f"{top:.3g}", f"{gain:.3g}", *(f"{gain ** n:.2g}" for n in shown)))
    return markdown_table(rows, ("activation", "largest f'", "per layer",
                                 *(f"N = {n}" for n in shown)))


def figure(names: list[str], depth: int, scale: float = 1.0) -> object:
    """The gradient's gain against depth, on a log scale."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(7, 4.5))
    layers = np.arange(1, depth + 1)
    for name in names:
        ax.semilogy(layers, layer_gain(name, scale)[0] ** layers, label=name)
    ax.set_xlabel("layers N")
    ax.set_ylabel("sqrt(E[f'(z)^2])^N")
    ax.set_title(f"How much of a gradient survives N layers, z ~ N(0, {scale:g}^2)")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize="small", ncol=2)
    return fig


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m fastact gradient-flow",
        description="The product of the derivatives a gradient meets through N layers, "
                    "at pre-activations drawn from N(0, 1), for each activation: a table, "
                    "and with --out a plot on a log scale (needs matplotlib).")
    parser.add_argument("--depth", type=int, default=50, help="layers (default: %(default)s)")
    parser.add_argument("--scale", type=float, default=1.0,
                        help="standard deviation of the pre-activations (default: %(default)s)")
    parser.add_argument("--only", nargs="+", metavar="NAME",
                        help="these activations (default: " + ", ".join(NAMES) + ")")
    parser.add_argument("--out", metavar="FILE", help="also draw the plot to FILE (.png/.svg)")
    args = parser.parse_args(argv)
    if not 1 <= args.depth <= 10_000:
        parser.error("--depth must be between 1 and 10000")
    if not 0 < args.scale < 1e6:
        parser.error("--scale must be positive")
    names = list(args.only or NAMES)
    unknown = [n for n in names if n not in registry.names(include_aliases=True)]
    if unknown:
        parser.error(f"not elementwise activations: {', '.join(unknown)}")
    print(table(names, args.depth, args.scale))
    print(f"\nPer layer: sqrt(E[f'(z)^2]) over z ~ N(0, {args.scale:g}^2), the factor by which "
          "a gradient's root-mean-square shrinks in one layer (before the weights' own "
          "factor); N = n: that factor to the n-th power.")
    if args.out:
        try:
            fig = figure(names, args.depth, args.scale)
        except ImportError:
            print("--out needs matplotlib: pip install \"fastact[plot]\"", file=sys.stderr)
            return 2
        fig.savefig(args.out, dpi=90, bbox_inches="tight")
        print(f"wrote {args.out}")
    return 0
