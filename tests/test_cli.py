"""The command lines: ``python -m fastact`` (the main job), ``--help``, ``--version`` and
``python -m fastact bench``.

Both run here at tiny sizes; what is checked is that they finish and report what
they were asked for, not their timings.
"""

from __future__ import annotations

import pytest

from fastact import __main__ as cli


def test_main_job_reports_each_selected_function(capsys):
    assert cli.main(["--size", "257", "--repeat", "1", "--only", "sigmoid", "softmax"]) == 0
    out = capsys.readouterr().out
    assert "| sigmoid" in out and "| softmax" in out and "| relu " not in out


def test_main_job_explains_itself(capsys, tmp_path, monkeypatch):
    """Aliases and row-wise names in --only, the thread count in the header, a legend for
    every column, a summary, JSON, and a progress bar on a terminal's stderr."""
    monkeypatch.setattr(cli.sys.stderr, "isatty", lambda: True)
    out_json = tmp_path / "main.json"
    argv = ["--size", "300", "--repeat", "1", "--only", "logistic", "swiglu", "--json",
            str(out_json)]
    assert cli.main(argv) == 0
    captured = capsys.readouterr()
    out = captured.out
    assert "| logistic" in out and "| swiglu(rows of 300)" in out
    assert "1 thread(s) for fastact and its peers" in out
    legend = out.split("Columns:")[1].split("Summary:")[0]
    for column in cli.COLUMNS:
        assert column.split()[0] in legend, column
    assert "Summary: worst error" in out and "faster than NumPy" in out
    assert "[" in captured.err and "2/2" in captured.err
    rows = __import__("json").loads(out_json.read_text())["rows"]
    assert [r["name"] for r in rows] == ["logistic", "swiglu(rows of 300)"]


def test_help_lists_every_subcommand_and_version(capsys):
    with pytest.raises(SystemExit):
        cli.main(["--help"])
    out = capsys.readouterr().out
    for command in ("bench", "check", "plot", "list", "info", "guide", "gradient-flow"):
        assert f"python -m fastact {command}" in out
    with pytest.raises(SystemExit):
        cli.main(["--version"])
    assert capsys.readouterr().out.startswith("fastact ")


def test_bench_table_has_a_row_per_function(capsys):
    argv = ["bench", "--sizes", "1K", "--ops", "forward", "--repeat", "1", "--threads", "1",
            "--only", "relu", "log_softmax"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "### forward, 1,024 float32 elements" in out
    assert "| relu " in out and "| log_softmax (rows of 1024)" in out


def test_bench_times_row_wise_backward(capsys):
    argv = ["bench", "--sizes", "1K", "--ops", "backward", "--repeat", "1", "--threads", "1",
            "--only", "log_softmax", "glu"]
    assert cli.main(argv) == 0
    out = capsys.readouterr().out
    assert "| log_softmax (rows of 1024)" in out and "| glu (rows of 1024)" in out


def test_bench_op_with_nothing_to_time_says_so(capsys):
    # the row-wise functions have no value_and_grad: an empty table, not a crash
    argv = ["bench", "--sizes", "1K", "--ops", "value_and_grad", "--repeat", "1", "--threads",
            "1", "--only", "softmax"]
    assert cli.main(argv) == 0
    assert "none of the functions selected is timed for value_and_grad" in capsys.readouterr().out


@pytest.mark.parametrize("argv", [["--only", "no_such"], ["bench", "--only", "no_such"],
                                  ["--size", "0"], ["bench", "--repeat", "0"]])
def test_bad_arguments_exit_with_a_message(argv, capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    err = capsys.readouterr().err
    assert "no_such" in err or "at least 1" in err
