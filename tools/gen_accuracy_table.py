"""Write docs/accuracy.md from the JSON result of ``python -m fastact check``.

    python -m fastact check --json check.json           # strided (or --exhaustive)
    python tools/gen_accuracy_table.py check.json       # rewrites docs/accuracy.md
    python tools/gen_accuracy_table.py --contract exhaustive.json   # and the contract
    python tools/gen_accuracy_table.py all.json gelu.json  # gelu's rows from a later run

Several results of the same kind (all exhaustive, or all with one stride) merge: a
function measured in a later one (after its kernels changed) takes its rows from there.

With ``--contract`` (an exhaustive result only) it also writes
``fastact/float32_contract.json``: each function's measured maxima rounded up to the
next half ULP (at least 0.5, at most the general bound), the contract the strided check
in CI then holds every function to.

An exhaustive result's table sits between ``<!-- accuracy-exhaustive:begin -->`` and
``<!-- accuracy-exhaustive:end -->``, a strided one's (with the peers, where measured)
between ``<!-- accuracy:begin -->`` and ``<!-- accuracy:end -->``; only that part of an
existing file is replaced, so the other table and the text around them are kept.
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
from fastact._report import markdown_table  # noqa: E402

BEGIN, END = "<!-- accuracy:begin -->", "<!-- accuracy:end -->"
EXHAUSTIVE_BEGIN = "<!-- accuracy-exhaustive:begin -->"
EXHAUSTIVE_END = "<!-- accuracy-exhaustive:end -->"
HEADINGS = {True: "## Every float32 input\n\n", False: "## Strided, beside the peers\n\n"}

INTRO = """# Accuracy

The error of every elementwise activation's float32 kernels, in ULP of float32, against
its float64 kernels run on the same inputs widened to float64 (which the test suite
checks against mpmath). `value_and_grad` must also equal `f` and `f.grad` bitwise;
`backward` uses a g drawn from the input's bits (`fastact._check.grad_out`), and
`backward_from_output` takes y = the float32 forward result. An infinite error is a
NaN or an infinity where the truth is finite (or the reverse). "Outside contract"
counts the results beyond the bound: each function's own contract,
`fastact/float32_contract.json`, the exhaustive run's maxima rounded up to the next half
ULP (within the general 4 ULP for f, 8 for f' and backward), to which CI's strided check
holds every kernel. See `python -m fastact check --help`.

"""


def markers(result: dict) -> tuple[str, str]:
    """The comments around the table of this kind of run (exhaustive or strided)."""
    return (EXHAUSTIVE_BEGIN, EXHAUSTIVE_END) if result["exhaustive"] else (BEGIN, END)


def block(result: dict) -> str:
    """The generated part of docs/accuracy.md: one line on the run, then the table."""
    m = result["machine"]
    verdict = ("every result within the contract" if result["passed"]
               else "SOME RESULTS OUTSIDE THE CONTRACT")
    about = (f"Generated {result['date']} by `{result['command']}` on {m['cpu']} "
             f"(dispatch level {m['dispatch']}; fastact {m['fastact']}, NumPy {m['numpy']}), "
             f"{_check.describe_inputs(result)}, in {result['seconds']:.0f} s: {verdict}.")
    columns, rows = _check.table_rows(result)
    begin, end = markers(result)
    return "\n".join([begin, about, "", markdown_table(rows, columns), end])


def render(result: dict, existing: str | None) -> str:
    """The new file: ``existing`` with this kind of run's block replaced, or with it added
    under its heading (the exhaustive table before the strided one), or a fresh page."""
    new = block(result)
    begin, end = markers(result)
    if existing and begin in existing and end in existing:
        head, rest = existing.split(begin, 1)
        return head + new + rest.split(end, 1)[1]
    section = HEADINGS[result["exhaustive"]] + new + "\n"
    if not existing:
        return INTRO + section
    if result["exhaustive"] and BEGIN in existing:
        head, rest = existing.split(BEGIN, 1)
        strided_heading = HEADINGS[False]
        if head.endswith(strided_heading):
            head, rest = head[: -len(strided_heading)], strided_heading + BEGIN + rest
        else:
            rest = BEGIN + rest
        return head + section + "\n" + rest
    return existing.rstrip("\n") + "\n\n" + section


def merge(results: list[dict]) -> dict:
    """One result from several of the same kind: each function's rows from the last run
    that measured it; the commands, inputs and times of all of them."""
    first = results[0]
    for other in results[1:]:
        if (other["exhaustive"], other["stride"]) != (first["exhaustive"], first["stride"]):
            raise SystemExit("merge results of the same kind only (exhaustive, or one stride)")
    rows: dict[tuple[str, str, str], dict] = {}
    for result in results:
        update = {(r["key"], r["op"], r["impl"]): r for r in result["results"]}
        measured = {key for key, _, _ in update}
        rows = {k: v for k, v in rows.items() if k[0] not in measured or k in update}
        rows.update(update)  # in place where the row was there before
    merged = dict(results[-1])
    merged["results"] = list(rows.values())
    merged["command"] = "`, then `".join(r["command"] for r in results)
    merged["date"] = " and ".join(r["date"] for r in results)
    merged["seconds"] = sum(r["seconds"] for r in results)
    merged["passed"] = all(r["passed"] for r in results)
    return merged


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
    parser.add_argument("result", nargs="+",
                        help="JSON written by python -m fastact check --json FILE (several: "
                             "later ones replace the functions they measured)")
    parser.add_argument("--output", default=str(ROOT / "docs" / "accuracy.md"),
                        help="page to write (default: docs/accuracy.md)")
    parser.add_argument("--contract", action="store_true",
                        help="also write fastact/float32_contract.json (exhaustive runs only)")
    args = parser.parse_args(argv)
    results = []
    for name in args.result:
        with open(name, encoding="utf-8") as fh:
            results.append(json.load(fh))
    result = merge(results)
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
