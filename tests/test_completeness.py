"""Every activation is in its three places, and nothing is anywhere else.

An elementwise activation lives in its C definition (``fa_act_<kernel>`` in
csrc/kernels/fa_activations.h, f and f' in one function, with ``_from_output``,
``_dparam`` and ``_backward_wide`` where the record says so), its NumPy reference formula
(``fastact/reference/_formulas.py``) and its registry record (``fastact/registry.py``);
tools/gen_docs.py writes the rest from the record. A row-wise one lives in its compiled
loops, its reference and its record. Each test below names what is missing, or what has no
record; the last ones check that every generated file is what its generator writes.
docs/contributing.md walks through the steps.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import mp_truth
import pytest

import fastact
from fastact import _ufuncs, reference, registry
from fastact.reference._formulas import _FORMULAS as FORMULAS
from fastact.reference._formulas import _FROM_OUTPUT as FROM_OUTPUT

ROOT = Path(__file__).resolve().parent.parent
HEADER = (ROOT / "csrc" / "kernels" / "fa_activations.h").read_text()
DEFINED = set(re.findall(r"^FA_INLINE fa_real (fa_act_\w+)\(", HEADER, flags=re.MULTILINE))
KERNELS = [(rec, choice, rec.kernel(choice)) for rec in registry.RECORDS
           for choice in rec.choices]
FORMULAS_FILE = "fastact/reference/_formulas.py"


def _missing(rec: registry.Record, kernel: str) -> list[str]:
    """What an elementwise kernel lacks, each as one line naming the file."""
    found = []
    wanted = {f"fa_act_{kernel}": True,
              f"fa_act_{kernel}_from_output": rec.has_from_output,
              f"fa_act_{kernel}_dparam": rec.param_grad,
              f"fa_act_{kernel}_backward_wide": rec.derivative_overflows}
    for function, needed in wanted.items():
        if needed and function not in DEFINED:
            found.append(f"csrc/kernels/fa_activations.h has no {function}")
        if not needed and function in DEFINED:
            found.append(f"csrc/kernels/fa_activations.h defines {function}, which the record does "
                         "not announce")
    if kernel not in FORMULAS:
        found.append(f"{FORMULAS_FILE} has no formula {kernel!r} in _FORMULAS")
    if rec.has_from_output != (kernel in FROM_OUTPUT):
        verb, said = ("lacks", "given") if rec.has_from_output else ("has", "None")
        found.append(f"{FORMULAS_FILE}'s _FROM_OUTPUT {verb} {kernel!r}, the record "
                     f"says from_output is {said}")
    for field in ("formula", "derivative", "output_range", "advantages", "drawbacks", "uses"):
        if not getattr(rec, field):
            found.append(f"fastact/registry.py: the record has no {field}")
    choices = set(rec.choices)
    if set(rec.cost_ns) != choices:
        found.append(f"fastact/registry.py: cost_ns has {sorted(map(str, rec.cost_ns))}, want "
                     f"one per kernel {sorted(map(str, choices))} (tools/measure_costs.py)")
    return found


@pytest.mark.parametrize(("rec", "choice", "kernel"), KERNELS, ids=[k for _, _, k in KERNELS])
def test_each_kernel_is_in_its_three_places(rec, choice, kernel):
    missing = _missing(rec, kernel)
    assert not missing, f"{kernel}:\n" + "\n".join(missing)
    assert kernel in _ufuncs.UFUNCS, f"{kernel}: not compiled (rebuild after gen_docs.py)"


def test_nothing_lives_outside_the_registry():
    """C definitions, reference formulas and mpmath truths each belong to a kernel."""
    kernels = {k for _, _, k in KERNELS}
    suffixes = ("_from_output", "_dparam", "_backward_wide")
    orphans = [f"csrc/kernels/fa_activations.h: {f}" for f in sorted(DEFINED)
               if f.removeprefix("fa_act_") not in kernels
               and not any(f.endswith(s) and f.removeprefix("fa_act_").removesuffix(s)
                           in kernels for s in suffixes)]
    orphans += [f"{FORMULAS_FILE} _FORMULAS: {k}" for k in sorted(set(FORMULAS) - kernels)]
    orphans += [f"tests/mp_truth.py: {k}" for k in sorted(set(mp_truth._FUNCTIONS) - kernels)]
    assert not orphans, "without a registry record:\n" + "\n".join(orphans)


@pytest.mark.parametrize("row", registry.ROWWISE, ids=[r.name for r in registry.ROWWISE])
def test_each_rowwise_activation_is_in_its_places(row):
    missing = []
    if row.name not in _ufuncs.UFUNCS:
        missing.append(f"no compiled loop {row.name!r} (csrc/loops/fa_rowwise.c)")
    if not callable(getattr(reference, row.name, None)):
        missing.append(f"fastact.reference has no {row.name}")
    if not callable(getattr(fastact, row.name, None)):
        missing.append(f"fastact has no {row.name} (fastact/_rowwise.py)")
    for field in ("formula", "backward", "output_range", "advantages", "drawbacks", "uses"):
        if not getattr(row, field):
            missing.append(f"fastact/registry.py: the record has no {field}")
    assert not missing, f"{row.name}:\n" + "\n".join(missing)


def test_generated_files_are_fresh():
    """The files tools/gen_docs.py writes from the registry (the README's table, the
    stubs, fa_activations.def, fa_costs.h) match it."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / "gen_docs.py"), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.parametrize("generator", ["gen_constants.py", "gen_series.py"])
def test_generated_headers_are_fresh(generator):
    """csrc/math/fa_constants.h and csrc/math/fa_series.h are what their mpmath generators write."""
    result = subprocess.run([sys.executable, str(ROOT / "tools" / generator), "--check"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
