"""The examples in the generated docstrings run, and say what the code does."""

from __future__ import annotations

import doctest

import pytest

import fastact
from fastact import registry


@pytest.mark.parametrize("name", registry.names(include_aliases=True))
def test_activation_docstring_example_runs(name):
    obj = getattr(fastact, name)
    assert obj.record.formula in obj.__doc__
    finder = doctest.DocTestFinder()
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    tests = finder.find(obj.__doc__ and _Doc(obj.__doc__), name, globs={"fastact": fastact})
    assert tests and tests[0].examples, f"{name}: no example in the docstring"
    for test in tests:
        runner.run(test)
    assert runner.failures == 0, f"{name}: docstring example failed"


class _Doc:
    """Something with a __doc__ for DocTestFinder (activation objects are instances)."""

    def __init__(self, doc: str):
        self.__doc__ = doc


def test_readme_example_runs():
    """The README's example block is code that works."""
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text()
    block = re.search(r"## Example\n\n```python\n(.*?)```", readme, re.S)
    assert block, "README has no example block"
    exec(compile(block.group(1), "README.md example", "exec"), {})


def test_usage_example_runs():
    """docs/usage.md's example of every operation is code that works."""
    import re
    from pathlib import Path

    page = (Path(__file__).resolve().parent.parent / "docs" / "usage.md").read_text()
    block = re.search(r"## Every operation\n\n```python\n(.*?)```", page, re.S)
    assert block, "docs/usage.md has no example block"
    exec(compile(block.group(1), "docs/usage.md example", "exec"), {})


@pytest.mark.parametrize("page, heading", [("README.md", "Larger than memory"),
                                           ("docs/usage.md", "## Other array types")])
def test_dask_examples_run_at_a_smaller_size(page, heading):
    """The larger-than-memory examples are code that works: run with 2,000 rows instead of
    2,000,000."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / page).read_text()
    block = re.search(re.escape(heading) + r".*?```python\n(.*?)```", text, re.S)
    assert block, f"{page} has no Dask example"
    code = block.group(1)
    assert "2_000_000" in code
    exec(compile("import fastact\n" + code.replace("2_000_000", "2_000"), page, "exec"), {})
