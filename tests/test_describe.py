"""``python -m fastact list``, ``info NAME`` and ``guide [TASK]``: every name and task is
described, from the registry, and the examples they print run."""

from __future__ import annotations

import re

import numpy as np
import pytest

import fastact
from fastact import registry
from fastact.__main__ import main
from fastact._plain_text import COMMANDS, plain

EVERY_NAME = registry.names(include_aliases=True) + registry.rowwise_names()


def run(capsys, *argv: str) -> str:
    assert main(list(argv)) == 0
    return capsys.readouterr().out


def test_list_has_every_function_with_its_range(capsys):
    out = run(capsys, "list")
    rows = {line.split("|")[1].strip(): line for line in out.splitlines()[2:]}
    assert list(rows) == EVERY_NAME
    for name in EVERY_NAME:
        assert plain(registry.get(name).output_range) in rows[name]
    assert "row-wise" in rows["softmax"] and "alias of sigmoid" in rows["logistic"]
    assert "\\" not in out and "(-∞, ∞)" in rows["linear"] and "(-α, ∞) for α > 0" in rows["elu"]


def test_the_registry_uses_only_latex_that_plain_writes_out():
    """A record with a LaTeX command ``plain`` does not know fails here, not on a
    terminal that shows the bare command name."""
    fields = ("formula", "derivative", "output_range", "backward", "from_output")
    for name in EVERY_NAME:
        record = registry.get(name)
        texts = [getattr(record, f, None) for f in fields] + [
            t for kink in getattr(record, "kinks", ()) for t in kink]
        for text in filter(lambda t: isinstance(t, str), texts):
            used = set(re.findall(r"\\([A-Za-z]+)", text))
            assert used <= COMMANDS, (name, used - COMMANDS)
            # no backslash left, and braces only where the source writes a set: \{ \}
            assert "\\" not in plain(text)
            assert plain(text).count("{") == text.count("\\{"), (name, plain(text))


@pytest.mark.parametrize("name", EVERY_NAME)
def test_info_describes_and_its_example_runs(capsys, name):
    out = run(capsys, "info", name)
    record = registry.get(name)
    for text in (plain(record.formula), record.advantages, record.drawbacks,
                 plain(record.output_range)):
        assert text in out
    example = next(line for line in out.splitlines() if "example:" in line).split("example: ")[1]
    result = eval(example, {"np": np, "fastact": fastact})  # noqa: S307 (the printed example)
    assert np.all(np.isfinite(result))
    if isinstance(record, registry.Record):
        assert "float32 accuracy" in out and "ULP" in out and "ns per float32 element" in out


def test_guide_lists_every_task_and_explains_each(capsys):
    out = run(capsys, "guide")
    for task in registry.GUIDE:
        assert task.key in out and task.title in out
        detail = run(capsys, "guide", task.key)
        assert task.why in detail
        for name in task.choices:
            assert f"  {name}: + {registry.get(name).advantages}" in detail


def test_every_choice_in_the_guide_is_a_function():
    for task in registry.GUIDE:
        assert task.choices and set(task.choices) <= set(EVERY_NAME), task.key


@pytest.mark.parametrize("argv", [["info"], ["info", "relu7"], ["guide", "poetry"],
                                  ["list", "extra"]])
def test_bad_arguments_exit_2_naming_the_command(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert f"python -m fastact {argv[0]}" in capsys.readouterr().err
