"""Runtime CPU dispatch: the level in use, FASTACT_DISPATCH, and agreement between levels.

The whole suite runs once per supported level in CI (.ci/run sets
FASTACT_DISPATCH); here each level is also run in a subprocess on a grid of
inputs and compared bitwise with the level this process uses: the levels
compile the same C with fma written out and no contraction, so they must
round identically.
"""

from __future__ import annotations

import os
import subprocess
import sys

import numpy as np
import pytest

import fastact
from fastact import _ufuncs
from fastact._config import config

GRID_SCRIPT = """
import sys, numpy as np, fastact
x = np.concatenate([np.linspace(-40, 40, 8001), [np.inf, -np.inf, np.nan, 0.0, -0.0, 1e-310,
                    -1e-310, 1e300, -1e300, -745.5, -709.0, 709.0]])
out = {}
for case in fastact.registry.cases():
    for dtype in (np.float16, np.float32, np.float64):
        y, d = getattr(fastact, case.name).value_and_grad(x.astype(dtype), **case.kwargs)
        out[f"{case.key}-{np.dtype(dtype).name}-y"] = y
        out[f"{case.key}-{np.dtype(dtype).name}-d"] = d
rows = np.linspace(-5, 5, 4096).reshape(4, 1024)
out["softmax"] = fastact.softmax(rows)
out["log_softmax"] = fastact.log_softmax(rows)
np.savez(sys.argv[1], **out)
"""


def run_level(level: str | None, path, *args) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("FASTACT_DISPATCH", None)
    if level is not None:
        env["FASTACT_DISPATCH"] = level
    return subprocess.run([sys.executable, *args, str(path)], env=env, capture_output=True,
                          text=True, timeout=300)


def test_the_level_in_use_is_reported_and_supported():
    level = config()["dispatch"]
    assert level == _ufuncs.DISPATCH_LEVEL
    assert level in _ufuncs.supported_levels()
    assert set(_ufuncs.supported_levels()) <= set(_ufuncs.compiled_levels())
    assert _ufuncs.supported_levels()[0] == "baseline"
    forced = os.environ.get("FASTACT_DISPATCH")
    assert level == (forced or _ufuncs.supported_levels()[-1])


@pytest.mark.parametrize("level", _ufuncs.supported_levels())
def test_every_supported_level_gives_the_same_bits(level, tmp_path):
    mine, theirs = tmp_path / "mine.npz", tmp_path / f"{level}.npz"
    for lvl, path in ((config()["dispatch"], mine), (level, theirs)):
        done = run_level(lvl, path, "-c", GRID_SCRIPT)
        assert done.returncode == 0, done.stderr
    a, b = np.load(mine), np.load(theirs)
    assert sorted(a.files) == sorted(b.files)
    for key in a.files:
        np.testing.assert_array_equal(a[key].view(f"u{a[key].itemsize}"),
                                      b[key].view(f"u{b[key].itemsize}"),
                                      err_msg=f"{key}: {level} differs")


def test_an_unknown_level_is_a_clear_error(tmp_path):
    done = run_level("sse9", tmp_path / "unused", "-c", "import fastact")
    assert done.returncode != 0
    assert "FASTACT_DISPATCH='sse9' is not a dispatch level of this build" in done.stderr
    assert "baseline" in done.stderr


def test_show_config_names_the_level(capsys):
    fastact.show_config()
    printed = capsys.readouterr().out
    assert f"dispatch  {config()['dispatch']}" in printed
