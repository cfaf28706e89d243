"""Write docs/speed.md and the README's speed table from ``python -m fastact bench --json``.

    python -m fastact bench --threads 1 --sizes 1M --json speed.json
    python tools/gen_speed_table.py speed.json

docs/speed.md gets every table of the run (each implementation's ns per element, and
fastact's time over the fastest peer's) between ``<!-- speed-tables:begin -->`` and
``<!-- speed-tables:end -->``; the README, between ``<!-- speed:begin -->`` and
``<!-- speed:end -->``, one short table: per function, fastact's ns per element and its
ratio to the faster of PyTorch and JAX for each operation, float32 at the run's first
size. Peers that disagree with fastact on a function were left out by the run itself.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastact._report import markdown_table  # noqa: E402

BEGIN, END = "<!-- speed:begin -->", "<!-- speed:end -->"
TABLES_BEGIN, TABLES_END = "<!-- speed-tables:begin -->", "<!-- speed-tables:end -->"
PEERS = ("reference", "scipy", "numexpr", "torch", "jax")
FRAMEWORKS = ("torch", "jax")
OPS = ("forward", "value_and_grad", "backward")


def about(run: dict) -> str:
    """One paragraph on the run: command, date, machine, versions."""
    v = run["versions"]
    peers = ", ".join(f"{name} {v[key]}" for key, name in
                      (("numpy", "NumPy"), ("scipy", "SciPy"), ("numexpr", "numexpr"),
                       ("torch", "PyTorch"), ("jax", "JAX")) if v.get(key))
    return (f"`{run['command']}` on {run['date']}: {run['machine']}, fastact {v['fastact']} "
            f"({run['dispatch']} kernels), {run['threads']} thread(s) for every "
            f"implementation, best of {run['repeat']} batches; {peers}. Inputs uniform on "
            "[-10, 10]; the row-wise functions run along rows of 1024 (backward from the "
            "output for fastact and PyTorch, from the input for JAX's vjp).")


def ratio(fast: float, peers: list[float]) -> str:
    return f"{fast / min(peers):.2f}" if peers else "-"


def full_tables(run: dict) -> str:
    """Every (size, dtype, op) of the run as one table."""
    groups: dict[tuple, list[dict]] = {}
    for row in run["results"]:
        groups.setdefault((row["size"], row["dtype"], row["op"]), []).append(row)
    parts = []
    for (size, dtype, op), rows in groups.items():
        present = [p for p in PEERS if any(p in r["ns_per_element"] for r in rows)]
        columns = ["function", "fastact", *present, "fastact / fastest peer",
                   "fastact / faster of PyTorch and JAX"]
        body = []
        for r in rows:
            t = r["ns_per_element"]
            body.append([r["function"], f"{t['fastact']:.2f}",
                         *(f"{t[p]:.2f}" if p in t else "-" for p in present),
                         ratio(t["fastact"], [t[p] for p in PEERS if p in t]),
                         ratio(t["fastact"], [t[p] for p in FRAMEWORKS if p in t])])
        parts.append(f"### {op}, {size:,} {dtype} elements (ns per element)\n\n"
                     + markdown_table(body, columns))
    return "\n\n".join(parts)


def summary(run: dict) -> str:
    """Per function: fastact's ns/el and its ratio to the faster framework, per op."""
    first = run["results"][0]
    size, dtype = first["size"], first["dtype"]
    table: dict[str, dict[str, str]] = {}
    for r in run["results"]:
        if (r["size"], r["dtype"]) != (size, dtype):
            continue
        t = r["ns_per_element"]
        peers = [t[p] for p in FRAMEWORKS if p in t]
        cell = f"{t['fastact']:.2f}" + (f" ({ratio(t['fastact'], peers)}×)" if peers else "")
        table.setdefault(r["function"], {})[r["op"]] = cell
    ops = [op for op in OPS if any(op in cells for cells in table.values())]
    rows = [[name, *(cells.get(op, "") for op in ops)] for name, cells in table.items()]
    faster = sum(1 for r in run["results"] if (r["size"], r["dtype"]) == (size, dtype)
                 and any(p in r["ns_per_element"] for p in FRAMEWORKS)
                 and r["ns_per_element"]["fastact"]
                 <= min(r["ns_per_element"][p] for p in FRAMEWORKS if p in r["ns_per_element"]))
    compared = sum(1 for r in run["results"] if (r["size"], r["dtype"]) == (size, dtype)
                   and any(p in r["ns_per_element"] for p in FRAMEWORKS))
    return (f"{about(run)}\n\nfastact's ns per element, {size:,} {dtype} elements, and in "
            "parentheses its time over the faster of PyTorch and JAX (below 1: fastact is "
            f"faster; it is for {faster} of the {compared} cases both have):\n\n"
            + markdown_table(rows, ["function", *ops]))


def replace_between(text: str, begin: str, end: str, new: str) -> str:
    head, rest = text.split(begin, 1)
    return head + begin + "\n" + new + "\n" + end + rest.split(end, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", help="JSON written by python -m fastact bench --json FILE")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--output", default=str(ROOT / "docs" / "speed.md"))
    args = parser.parse_args(argv)
    run = json.loads(Path(args.result).read_text(encoding="utf-8"))
    page = Path(args.output)
    page.write_text(replace_between(page.read_text(encoding="utf-8"), TABLES_BEGIN, TABLES_END,
                                    f"{about(run)}\n\n{full_tables(run)}"), encoding="utf-8")
    readme = Path(args.readme)
    readme.write_text(replace_between(readme.read_text(encoding="utf-8"), BEGIN, END,
                                      summary(run)), encoding="utf-8")
    print(f"wrote {args.output} and the table in {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
