"""The registry drives everything: check it is complete and consistent with the kernels."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

import fastact
from fastact import reference, registry

ROOT = Path(__file__).resolve().parent.parent
NAMES = registry.names(include_aliases=True)


def test_activation_list_in_c_matches_the_registry():
    listed = [line.split("(")[1].split(",")[0] for line in
              (ROOT / "csrc" / "kernels" / "fa_activations.def").read_text().splitlines()
              if line.startswith("FA_ACTIVATION(")]
    assert sorted(listed) == sorted(registry.kernel_names())


@pytest.mark.parametrize("name", NAMES)
def test_every_name_is_public_in_fastact_and_reference(name):
    assert name in fastact.__all__ and name in reference.__all__
    assert getattr(fastact, name).record == getattr(reference, name).record == registry.get(name)


@pytest.mark.parametrize("rec", registry.RECORDS, ids=lambda r: r.name)
def test_record_is_complete(rec):
    for text in (rec.formula, rec.derivative, rec.output_range, rec.advantages, rec.drawbacks,
                 rec.uses):
        assert text.strip()
    for p in rec.params:
        assert p.domain in registry.DOMAINS
    kernel = rec.kernel(rec.selector[1] if rec.selector else None)
    assert rec.has_from_output == hasattr(fastact.ufuncs, f"{kernel}_backward_from_output")


def test_nothing_public_is_missing_from_the_registry():
    kernels = set(registry.kernel_names()) | set(registry.rowwise_names())
    suffixes = ("_value_and_grad", "_backward_from_output", "_rows_backward", "_backward", "_rows",
                "_grad")
    for ufunc_name in fastact.ufuncs.__all__:
        assert isinstance(getattr(fastact.ufuncs, ufunc_name), np.ufunc)
        base = next((ufunc_name.removesuffix(s) for s in suffixes
                     if ufunc_name.removesuffix(s) in kernels), ufunc_name)
        assert base in kernels, f"fastact.ufuncs.{ufunc_name} belongs to no registry record"


SIGNATURES = {  # gufunc signatures of each row-wise function: (forward, backward)
    "softmax": ("(n),(n)->(n)", "(n),(n),(n)->(n)"),
    "log_softmax": ("(n),(n)->(n)", "(n),(n),(n)->(n)"),
    "softmin": ("(n),(n)->(n)", "(n),(n),(n)->(n)"),
    "maxout": ("(p)->()", "(),(p)->(p)"),
    "sparsemax": ("(n)->(n)", "(n),(n)->(n)"),
    # the gated family, all-scalar core dims: NumPy makes them plain ufuncs
    **{row.name: (None, None) for row in registry.ROWWISE if row.gate},
}
ALONG_AN_AXIS = {  # the same loops with the row as a core dimension, for N-d arrays
    row.name: ("(n),(n)->(n)", "(n),(n),(n)->(n),(n)") for row in registry.ROWWISE if row.gate
}


@pytest.mark.parametrize("name", sorted(ALONG_AN_AXIS))
def test_rowwise_gates_have_a_core_axis_form(name):
    forward, backward = ALONG_AN_AXIS[name]
    assert getattr(fastact.ufuncs, name + "_rows").signature == forward
    assert getattr(fastact.ufuncs, name + "_rows_backward").signature == backward


@pytest.mark.parametrize("row", registry.ROWWISE, ids=lambda r: r.name)
def test_rowwise_records_are_public_and_compiled(row):
    assert row.name in fastact.__all__ and registry.get(row.name) is row
    forward, backward = SIGNATURES[row.name]
    assert getattr(fastact.ufuncs, row.name).signature == forward
    assert getattr(fastact.ufuncs, row.name + "_backward").signature == backward
    for text in (row.formula, row.backward, row.advantages, row.drawbacks, row.uses):
        assert text.strip()


def test_unknown_name():
    with pytest.raises(KeyError, match="no activation named"):
        registry.get("relu7")


@pytest.mark.parametrize("kernel", sorted(registry.derivative_roots()))
def test_derivative_roots_are_the_nearest_doubles(kernel):
    """Each recorded root of f' is the double nearest the true root (mpmath): f' is
    smaller there than at either neighbour, and changes sign across it."""
    import mp_truth

    root = registry.derivative_roots()[kernel]
    below, above = np.nextafter(root, -np.inf), np.nextafter(root, np.inf)
    d = {x: mp_truth.truth(kernel, x, {})[1] for x in (below, root, above)}
    assert d[below] * d[above] < 0, f"{kernel}: f' keeps its sign across {root!r}"
    assert abs(d[root]) < min(abs(d[below]), abs(d[above])), \
        f"{kernel}: {root!r} is not the double nearest the root of f'"
