"""Figures of the activations, drawn from fastact's own values and derivatives.

Needs matplotlib (``pip install "fastact[plot]"``); everything else in fastact works
without it. Both functions return a ``matplotlib.figure.Figure``, which the caller shows
or saves (``fig.savefig("gallery.png")``); ``python -m fastact plot`` does the same from
the command line.

>>> from fastact import plot
>>> fig = plot.gallery(plot.COMMON)       # doctest: +SKIP
>>> fig = plot.plot(["sigmoid", "tanh"])  # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

import fastact
from fastact import registry

COMMON = ("sigmoid", "tanh", "relu", "leaky_relu", "swish", "hard_sigmoid", "hard_swish",
          "elu", "gelu")
"""Nine of the most used activations, in the order of the classic 3 x 3 gallery."""

X_RANGE = (-5.0, 5.0)
"""The inputs drawn, by default."""


def _pyplot() -> Any:
    """matplotlib.pyplot, or an ImportError that says how to get it."""
    try:
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise ImportError("fastact.plot needs matplotlib: pip install \"fastact[plot]\" "
                          "(or pip install matplotlib)") from exc
    return plt


def _elementwise(names: Sequence[str] | None, caller: str) -> list[str]:
    """The names to draw (every elementwise activation for None), each checked."""
    if names is None:
        return registry.names()
    if isinstance(names, str):
        names = [names]
    names = list(names)
    known = set(registry.names(include_aliases=True))
    for name in names:
        if name not in known:
            rowwise = name in registry.rowwise_names()
            raise ValueError(f"fastact.plot.{caller}: {name!r} is "
                             + ("row-wise (its output depends on a whole row), not drawable "
                                "as a curve" if rowwise else "not an activation")
                             + f"; choose from {', '.join(registry.names())}")
    if not names:
        raise ValueError(f"fastact.plot.{caller}: no names given")
    return names


def curve(name: str, x: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(x, f(x), f'(x)) for an elementwise activation, with its default parameters (a
    required one takes its registry example), computed by fastact in float64.

    >>> x, y, d = curve("relu", np.array([-1.0, 2.0]))
    >>> y.tolist(), d.tolist()
    ([0.0, 2.0], [0.0, 1.0])
    """
    x = np.linspace(*X_RANGE, 1001) if x is None else np.asarray(x, dtype=np.float64)
    record = registry.get(name)
    params = {p.name: p.example for p in record.params if p.default is None}
    y, d = getattr(fastact, name).value_and_grad(x, **params)
    return x, y, d


def _math(latex: str) -> str:
    """A registry formula as matplotlib's mathtext can draw it, or as plain text."""
    from matplotlib.mathtext import MathTextParser

    text = "$" + latex.replace(r"\tfrac", r"\frac").replace(r"\textstyle", "") + "$"
    try:
        MathTextParser("path").parse(text)
    except ValueError:
        return latex
    return text


def _first_sentence(text: str) -> str:
    return text.split("; ")[0].split(". ")[0].rstrip(".")


def plot(names: str | Sequence[str], derivative: bool = True, x: np.ndarray | None = None,
         ax: Any = None) -> Any:
    """f (solid) and, with ``derivative``, f' (dashed, same colour) of each activation in
    ``names`` on one axis.

    Parameters
    ----------
    names : str or sequence of str
        Elementwise activations (registry names or aliases).
    derivative : bool
        Draw f' too.
    x : array, optional
        The inputs (default: 1001 points over ``X_RANGE``).
    ax : matplotlib Axes, optional
        Draw there instead of on a new figure.

    Returns the Figure.
    """
    plt = _pyplot()
    names = _elementwise(names, "plot")
    fig, ax = plt.subplots(figsize=(7, 4.5)) if ax is None else (ax.figure, ax)
    for name in names:
        xs, y, d = curve(name, x)
        (line,) = ax.plot(xs, y, label=name)
        if derivative:
            ax.plot(xs, d, linestyle="--", color=line.get_color(), label=f"{name}'")
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.axvline(0.0, color="0.6", linewidth=0.8)
    ax.grid(True, alpha=0.3)
    ax.set_xlabel("x")
    ax.set_title(", ".join(names) + (" and their derivatives" if derivative else ""))
    ax.legend(loc="best", fontsize="small")
    return fig


def gallery(names: Sequence[str] | None = None, columns: int = 3,
            x: np.ndarray | None = None) -> Any:
    """A grid with one panel per activation: f (solid) and f' (dashed), the formula, the
    output range and one line of advantages and drawbacks.

    Parameters
    ----------
    names : sequence of str, optional
        Elementwise activations (default: all of them; ``COMMON`` for the nine classics).
    columns : int
        Panels per row.
    x : array, optional
        The inputs (default: 1001 points over ``X_RANGE``).

    Returns the Figure.
    """
    plt = _pyplot()
    names = _elementwise(names, "gallery")
    if not isinstance(columns, int) or columns < 1:
        raise ValueError(f"fastact.plot.gallery: columns must be a positive int, got {columns!r}")
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(5.2 * columns, 4.4 * rows), squeeze=False)
    for ax, name in zip(axes.flat, names, strict=False):
        record = registry.get(name)
        xs, y, d = curve(name, x)
        ax.plot(xs, y, color="tab:blue", label="f")
        ax.plot(xs, d, color="tab:orange", linestyle="--", label="f'")
        ax.axhline(0.0, color="0.6", linewidth=0.8)
        ax.axvline(0.0, color="0.6", linewidth=0.8)
        ax.grid(True, alpha=0.3)
        ax.set_title(name, fontsize=13, fontweight="bold")
        ax.legend(loc="upper left", fontsize="small")
        ax.text(0.02, -0.13, _math(record.formula) + "    range " + _math(record.output_range),
                transform=ax.transAxes, fontsize=9, va="top")
        ax.text(0.02, -0.25, "+ " + _first_sentence(record.advantages) + "\n- "
                + _first_sentence(record.drawbacks), transform=ax.transAxes, fontsize=8,
                va="top", wrap=True)
    for ax in axes.flat[len(names):]:
        ax.set_visible(False)
    fig.subplots_adjust(hspace=0.75, wspace=0.25)
    return fig
