"""The two command lines: ``python -m fastact`` (the main job) and ``python -m fastact bench``.

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
