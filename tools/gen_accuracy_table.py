"""Write docs/accuracy.md from the JSON result of ``python -m fastact check``.

    python -m fastact check --json check.json           # strided (or --exhaustive)
    python tools/gen_accuracy_table.py check.json       # rewrites docs/accuracy.md
    python tools/gen_accuracy_table.py --contract exhaustive.json   # and the contract

With ``--contract`` (an exhaustive result only) it also writes
``fastact/float32_contract.json``: each function's measured maxima rounded up to the
next half ULP (at least 0.5, at most the general bound), the contract the strided check
in CI then holds every function to.

The table sits between ``<!-- accuracy:begin -->`` and ``<!-- accuracy:end -->``;
only that part of an existing file is replaced, so text around it is kept.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastact import _check  # noqa: E402
from fastact.__main__ import markdown_table  # noqa: E402

BEGIN, END = "<!-- accuracy:begin -->", "<!-- accuracy:end -->"

INTRO = """# Accuracy

The error of every elementwise activation's float32 kernels, in ULP of float32, against
its float64 kernels run on the same inputs widened to float64 (which the test suite
checks against mpmath). `value_and_grad` must also equal `f` and `f.grad` bitwise;
`backward` uses a g drawn from the input's bits (`fastact._check.grad_out`), and
`backward_from_output` takes y = the float32 forward result. An infinite error is a
NaN or an infinity where the truth is finite (or the reverse). "Outside contract"
counts the results beyond the bound. See `python -m fastact check --help`.

"""


def block(result: dict) -> str:
    """The generated part of docs/accuracy.md: one line on the run, then the table."""
    m = result["machine"]
    verdict = ("every result within the contract" if result["passed"]
               else "SOME RESULTS OUTSIDE THE CONTRACT")
    about = (f"Generated {result['date']} by `{result['command']}` on {m['cpu']} "
             f"(dispatch level {m['dispatch']}; fastact {m['fastact']}, NumPy {m['numpy']}), "
             f"{_check.describe_inputs(result)}, in {result['seconds']:.0f} s: {verdict}.")
    columns, rows = _check.table_rows(result)
    return "\n".join([BEGIN, about, "", markdown_table(rows, columns), END])


def render(result: dict, existing: str | None) -> str:
    """The new file: ``existing`` with its marked block replaced, or a fresh page."""
    new = block(result)
    if existing and BEGIN in existing and END in existing:
        head, rest = existing.split(BEGIN, 1)
        return head + new + rest.split(END, 1)[1]
    return INTRO + new + "\n"


def contract(result: dict) -> dict:
    """Per function and operation, the measured maximum rounded up to the next half ULP."""
    if not result["exhaustive"]:
        raise SystemExit("--contract needs the result of an exhaustive run")
    bounds: dict[str, dict[str, float]] = {}
    for row in result["results"]:
        op = row["op"]
        if row["impl"] != "fastact" or op not in _check.BOUNDS:
            continue
        measured = math.ceil(2 * row["max_ulp"]) / 2
        bounds.setdefault(row["key"], {})[op] = min(max(0.5, measured), _check.BOUNDS[op])
    return {"measured": f"{result['command']}, {result['date']}, {result['machine']['cpu']}",
            "bounds": bounds}


def main(argv: list[str] | None = None) -> int:
    """Read the result, write the page."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", help="JSON written by python -m fastact check --json FILE")
    parser.add_argument("--output", default=str(ROOT / "docs" / "accuracy.md"),
                        help="page to write (default: docs/accuracy.md)")
    parser.add_argument("--contract", action="store_true",
                        help="also write fastact/float32_contract.json (exhaustive runs only)")
    args = parser.parse_args(argv)
    with open(args.result, encoding="utf-8") as fh:
        result = json.load(fh)
    out = Path(args.output)
    out.parent.mkdir(parents=True, exist_ok=True)
    existing = out.read_text(encoding="utf-8") if out.exists() else None
    out.write_text(render(result, existing), encoding="utf-8")
    print(f"wrote {out}")
    if args.contract:
        with open(_check.CONTRACT_FILE, "w", encoding="utf-8") as fh:
            json.dump(contract(result), fh, indent=1, sort_keys=True)
            fh.write("\n")
        print(f"wrote {_check.CONTRACT_FILE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
