"""fastact.plot and ``python -m fastact plot``: the figures draw fastact's own values.

Rendered with matplotlib's Agg backend; skipped, with the reason, where matplotlib is not
installed (the test extra installs it).
"""

from __future__ import annotations

import numpy as np
import pytest

import fastact
from fastact import registry
from fastact.__main__ import main

matplotlib = pytest.importorskip("matplotlib", reason="fastact.plot needs matplotlib")
matplotlib.use("Agg")
plt = pytest.importorskip("matplotlib.pyplot")
from fastact import plot  # noqa: E402


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _want(name, x):
    params = {p.name: p.example for p in registry.get(name).params if p.default is None}
    return getattr(fastact, name).value_and_grad(x, **params)


def test_plot_draws_fastacts_values_and_derivatives():
    fig = plot.plot(["sigmoid", "gelu", "threshold"])
    lines = fig.axes[0].get_lines()
    drawn = {line.get_label(): line for line in lines}
    for name in ("sigmoid", "gelu", "threshold"):
        x = drawn[name].get_xdata()
        y, d = _want(name, x)
        assert np.array_equal(drawn[name].get_ydata(), y), name
        assert np.array_equal(drawn[name + "'"].get_ydata(), d), name
        assert drawn[name + "'"].get_linestyle() == "--"
    assert "derivatives" in fig.axes[0].get_title()


def test_plot_without_derivative_and_on_a_given_axis():
    fig, ax = plt.subplots()
    assert plot.plot("relu", derivative=False, ax=ax) is fig
    labels = [line.get_label() for line in ax.get_lines()]
    assert [label for label in labels if not label.startswith("_")] == ["relu"]  # not the axes


def test_gallery_of_the_common_nine():
    fig = plot.gallery(plot.COMMON)
    shown = [ax for ax in fig.axes if ax.get_visible()]
    assert [ax.get_title() for ax in shown] == list(plot.COMMON)
    for ax in shown:
        f, df = ax.get_lines()[:2]
        y, d = _want(ax.get_title(), f.get_xdata())
        assert np.array_equal(f.get_ydata(), y) and np.array_equal(df.get_ydata(), d)
        texts = " ".join(t.get_text() for t in ax.texts)
        assert "range" in texts and "+ " in texts and "- " in texts


def test_gallery_of_everything_has_a_panel_per_activation():
    fig = plot.gallery()
    shown = [ax.get_title() for ax in fig.axes if ax.get_visible()]
    assert shown == registry.names()


@pytest.mark.parametrize("call", [lambda: plot.gallery(["softmax"]),
                                  lambda: plot.plot(["relu7"]),
                                  lambda: plot.gallery([]),
                                  lambda: plot.gallery(plot.COMMON, columns=0)])
def test_bad_names_are_refused_by_name(call):
    with pytest.raises(ValueError, match=r"fastact\.plot\.(gallery|plot)"):
        call()


def test_command_writes_the_files(tmp_path, capsys):
    png, svg = tmp_path / "g.png", tmp_path / "s.svg"
    assert main(["plot", "--common", "--out", str(png)]) == 0
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert main(["plot", "sigmoid", "tanh", "--derivative", "--out", str(svg)]) == 0
    assert b"<svg" in svg.read_bytes()[:400]
    assert "wrote" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["plot", "--out", "g.txt"], ["plot", "softmax", "--out", "g.png"],
                                  ["plot", "relu"], ["plot", "--common", "relu", "--out", "a.png"]])
def test_command_refuses_bad_arguments(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "python -m fastact plot" in capsys.readouterr().err
