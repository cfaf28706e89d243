"""The registry drives everything: check it is complete and consistent with the kernels."""

from __future__ import annotations

import inspect
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


# ---- signatures ------------------------------------------------------------------------------


def _stub_methods() -> dict[str, dict[str, list[tuple]]]:
    """fastact/__init__.pyi's per-activation classes: name -> method -> [(parameter, kind,
    default)], self left out."""
    import ast

    tree = ast.parse((Path(fastact.__file__).parent / "__init__.pyi").read_text())
    found = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name.startswith("_"):
            methods = {}
            for fn in node.body:
                a = fn.args
                positional = a.args[1:]
                defaults = [None] * (len(positional) - len(a.defaults)) + a.defaults
                params = [(p.arg, "positional", d and ast.literal_eval(d))
                          for p, d in zip(positional, defaults, strict=True)]
                params += [(p.arg, "keyword", d and ast.literal_eval(d))
                           for p, d in zip(a.kwonlyargs, a.kw_defaults, strict=True)]
                params += [(a.kwarg.arg, "var_keyword", None)] if a.kwarg else []
                methods[fn.name] = params
            found[node.name[1:]] = methods
    return found


def _runtime(sig: inspect.Signature) -> list[tuple]:
    kinds = {inspect.Parameter.POSITIONAL_OR_KEYWORD: "positional",
             inspect.Parameter.KEYWORD_ONLY: "keyword",
             inspect.Parameter.VAR_KEYWORD: "var_keyword"}
    return [(p.name, kinds[p.kind], None if p.default is p.empty else p.default)
            for p in sig.parameters.values()]


def test_every_function_and_method_has_its_signature_and_the_stubs_match_it():
    stubs = _stub_methods()
    for name in registry.names(include_aliases=True):
        obj, rec = getattr(fastact, name), registry.get(name)
        assert set(stubs[name]) == {"__call__", *rec.operations[1:]}, name
        for op in rec.operations:
            runtime = inspect.signature(obj if op == "forward" else getattr(obj, op))
            assert "params" not in runtime.parameters, (name, op, runtime)
            method = "__call__" if op == "forward" else op
            assert _runtime(runtime) == stubs[name][method], (name, op)
            # and the signature tells the truth: binding the record's parameters by keyword
            # gives what passing them by position gives
            kw = {p.name: (p.default if p.default is not None else p.example)
                  for p in rec.params}
            x = np.linspace(-2, 2, 5)
            args = (x, x) if op.startswith("backward") else (x,)
            call = obj if op == "forward" else getattr(obj, op)
            by_keyword = runtime.bind(*args, **kw)
            got_kw = call(*by_keyword.args, **by_keyword.kwargs)
            got_pos = call(*args, *kw.values())
            if not isinstance(got_kw, tuple):
                got_kw, got_pos = (got_kw,), (got_pos,)
            for a, b in zip(got_kw, got_pos, strict=True):
                np.testing.assert_array_equal(a, b)
    for name in registry.rowwise_names():
        obj = getattr(fastact, name)
        for method in ("__call__", "backward", "backward_from_output", "jacobian"):
            if hasattr(obj, method):
                target = obj if method == "__call__" else getattr(obj, method)
                assert "kwargs" not in inspect.signature(target).parameters, (name, method)
