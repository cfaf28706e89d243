"""``python -m fastact gradient-flow``: the gain per layer against its integral, the table
and the plot."""

from __future__ import annotations

import numpy as np
import pytest

from fastact import reference
from fastact.__main__ import main
from fastact._gradient_flow import NAMES, layer_gain


def _gain_by_quadrature(name: str, scale: float) -> float:
    """sqrt(E[f'(z)^2]), z ~ N(0, scale^2), by the trapezoid rule on the reference's f'."""
    z = np.linspace(-12 * scale, 12 * scale, 400_001)
    d = getattr(reference, name).grad(z)
    density = np.exp(-0.5 * (z / scale) ** 2) / (scale * np.sqrt(2 * np.pi))
    y = d * d * density
    return float(np.sqrt(np.sum((y[1:] + y[:-1]) / 2 * np.diff(z))))


@pytest.mark.parametrize("name", ["sigmoid", "tanh", "relu", "gelu", "silu"])
@pytest.mark.parametrize("scale", [1.0, 3.0])
def test_layer_gain_is_the_root_mean_square_of_f_prime(name, scale):
    gain, top = layer_gain(name, scale)
    assert gain == pytest.approx(_gain_by_quadrature(name, scale), rel=3e-3)
    assert top <= {"sigmoid": 0.25}.get(name, 1.2)


def test_relu_and_sigmoid_by_value():
    assert layer_gain("relu")[0] == pytest.approx(np.sqrt(0.5), rel=2e-3)  # f' is 0 or 1
    assert layer_gain("sigmoid")[1] == pytest.approx(0.25, rel=1e-6)  # f'(0)


def test_command_prints_the_table_and_draws_the_plot(tmp_path, capsys):
    pytest.importorskip("matplotlib", reason="the plot needs matplotlib")
    out_file = tmp_path / "flow.png"
    assert main(["gradient-flow", "--depth", "20", "--out", str(out_file)]) == 0
    out = capsys.readouterr().out
    rows = [line.split("|")[1].strip() for line in out.splitlines() if line.startswith("| ")]
    assert rows[1:] == list(NAMES) and "N = 20" in out and "N = 10" in out
    assert out_file.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.parametrize("argv", [["--depth", "0"], ["--scale", "-1"], ["--only", "softmax"]])
def test_bad_arguments_exit_2(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(["gradient-flow", *argv])
    assert info.value.code == 2
    assert "python -m fastact gradient-flow" in capsys.readouterr().err
