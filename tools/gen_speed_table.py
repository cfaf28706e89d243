"""Write docs/speed.md and the README's short table from ``python -m fastact bench --json``.

    python -m fastact bench --threads 1 --sizes 1M --repeat 15 --json speed.json
    python tools/gen_speed_table.py speed.json

docs/speed.md gets every table of the run (each implementation's ns per element, and
fastact's time over the fastest peer's) between ``<!-- speed-tables:begin -->`` and
``<!-- speed-tables:end -->``. The README, between ``<!-- speed:begin -->`` and
``<!-- speed:end -->``, gets one short table read from that page and from the exhaustive
table of docs/accuracy.md (``readme_summary``): for a few representative functions,
fastact's ns per element forward and backward with its ratio to the faster of PyTorch and
JAX (float32, the run's first size), and the largest float32 error of f, f' and backward.
tools/gen_docs.py rewrites (and ``--check`` checks) that table too, so it follows a new
docs/accuracy.md as well. Peers that disagree with fastact on a function were left out by
the run itself.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from fastact._report import markdown_table  # noqa: E402

BEGIN, END = "<!-- speed:begin -->", "<!-- speed:end -->"
TABLES_BEGIN, TABLES_END = "<!-- speed-tables:begin -->", "<!-- speed-tables:end -->"
EXHAUSTIVE_BEGIN = "<!-- accuracy-exhaustive:begin -->"
EXHAUSTIVE_END = "<!-- accuracy-exhaustive:end -->"
PEERS = ("reference", "scipy", "numexpr", "torch", "jax")
FRAMEWORKS = ("torch", "jax")
OPS = ("forward", "value_and_grad", "backward")
VERSUS = "fastact / faster of PyTorch and JAX"


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
        columns = ["function", "fastact", *present, "fastact / fastest peer", VERSUS]
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


REPRESENTATIVE = ("sigmoid", "tanh", "relu", "elu", "gelu(approximate='tanh')",
                  "gelu(approximate='none')", "silu", "softplus", "mish",
                  "softmax (rows of 1024)")
"""The README's rows: a few functions of each kind, as the run labels them."""
ABOUT = re.compile(r"`(?P<command>[^`]*)` on (?P<date>.+? UTC): (?P<machine>.+?), fastact \S+ "
                   r"\((?P<dispatch>\w+) kernels\), (?P<threads>\d+) thread")
ACCURACY_ABOUT = re.compile(r" on (?P<machine>.+?) \(dispatch level (?P<dispatch>\w+);")
HEADING = re.compile(r"^### (\w+), ([\d,]+) (\w+) elements")


def _rows(lines: list[str]) -> list[dict[str, str]]:
    """The rows of the markdown tables in ``lines`` as {column: cell}."""
    rows, columns = [], None
    for line in lines:
        if not line.startswith("|"):
            columns = None
            continue
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if columns is None:
            columns = cells
        elif not all(set(c) <= set(":-") for c in cells):
            rows.append(dict(zip(columns, cells, strict=True)))
    return rows


def _between(text: str, begin: str, end: str) -> list[str]:
    return text.split(begin, 1)[1].split(end, 1)[0].strip("\n").splitlines()


def readme_summary(speed_page: str, accuracy_page: str) -> str:
    """The README's short table, from the full tables of docs/speed.md and the exhaustive
    table of docs/accuracy.md: for a few functions, fastact's ns per element forward and
    backward with its ratio to the faster of PyTorch and JAX (float32, the run's first
    size), and the largest float32 error of f, f' and backward over every input."""
    lines = _between(speed_page, TABLES_BEGIN, TABLES_END)
    about = ABOUT.search(lines[0])
    times: dict[tuple[str, str], dict[str, str]] = {}
    first = None
    for k, line in enumerate(lines):
        heading = HEADING.match(line)
        if heading:
            op, size, dtype = heading.groups()
            first = first or (size, dtype)
            if (size, dtype) != first:
                continue
            block = []
            for following in lines[k + 2:]:
                if not following.startswith("|"):
                    break
                block.append(following)
            for row in _rows(block):
                times[(row["function"], op)] = row
    accuracy_lines = _between(accuracy_page, EXHAUSTIVE_BEGIN, EXHAUSTIVE_END)
    accuracy_about = ACCURACY_ABOUT.search(accuracy_lines[0])
    worst = {(r["function"], r["op"]): r["max ULP"] for r in _rows(accuracy_lines)}

    def cell(function: str, op: str) -> str:
        t = times.get((function, op))
        if t is None:
            return ""
        versus = t[VERSUS]
        return t["fastact"] + ("" if versus == "-" else f" ({versus}×)")

    body = [[name, cell(name, "forward"), cell(name, "backward"),
             *(worst.get((name, op), "—") for op in ("forward", "grad", "backward"))]
            for name in REPRESENTATIVE if (name, "forward") in times]
    versus = [float(t[VERSUS]) for t in times.values() if t[VERSUS] != "-"]
    compared, faster = len(versus), sum(v <= 1 for v in versus)
    threads = int(about["threads"])
    machine = ("the same machine" if accuracy_about["machine"] == about["machine"]
               else accuracy_about["machine"])
    size, dtype = first
    text = (f"On {about['machine']} ({about['dispatch']} kernels), {threads} "
            f"thread{'s' if threads != 1 else ''}, {size} {dtype} elements: fastact's ns per "
            "element and, in parentheses, its time over the faster of PyTorch and JAX "
            f"(below 1: fastact is faster, as in {faster} of the {compared} cases, over "
            "every function and operation, that both have; "
            f"`{about['command']}`, {about['date']}). Accuracy: the largest error in float32 "
            "ULP over all 2^32 float32 inputs, against the float64 kernels "
            f"(`python -m fastact check --exhaustive`, {machine}).")
    columns = ["function", "forward ns", "backward ns", "f ULP", "f' ULP", "backward ULP"]
    return text + "\n\n" + markdown_table(body, columns)


def readme_block(readme: str, speed_page: str, accuracy_page: str) -> str:
    """The README with its short table (between the speed markers) rewritten."""
    return replace_between(readme, BEGIN, END, readme_summary(speed_page, accuracy_page))


def replace_between(text: str, begin: str, end: str, new: str) -> str:
    head, rest = text.split(begin, 1)
    return head + begin + "\n" + new + "\n" + end + rest.split(end, 1)[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("result", help="JSON written by python -m fastact bench --json FILE")
    parser.add_argument("--readme", default=str(ROOT / "README.md"))
    parser.add_argument("--output", default=str(ROOT / "docs" / "speed.md"))
    parser.add_argument("--accuracy", default=str(ROOT / "docs" / "accuracy.md"),
                        help="the page whose exhaustive table gives the README's accuracy")
    args = parser.parse_args(argv)
    run = json.loads(Path(args.result).read_text(encoding="utf-8"))
    page = Path(args.output)
    speed_page = replace_between(page.read_text(encoding="utf-8"), TABLES_BEGIN, TABLES_END,
                                 f"{about(run)}\n\n{full_tables(run)}")
    page.write_text(speed_page, encoding="utf-8")
    readme = Path(args.readme)
    readme.write_text(readme_block(readme.read_text(encoding="utf-8"), speed_page,
                                   Path(args.accuracy).read_text(encoding="utf-8")),
                      encoding="utf-8")
    print(f"wrote {args.output} and the table in {readme}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
