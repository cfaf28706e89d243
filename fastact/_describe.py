"""``python -m fastact list``, ``info NAME`` and ``guide [TASK]``: the registry, in words.

    python -m fastact list            # every function: parameters and range
    python -m fastact info gelu       # one function: formula, notes, accuracy, speed
    python -m fastact guide           # which activations suit which task
    python -m fastact guide mobile    # one task, with the choices' notes
"""

from __future__ import annotations

import argparse
import json
import os

from fastact import registry
from fastact._check import CONTRACT_FILE
from fastact._plain_text import plain
from fastact._report import markdown_table


def _params(record: registry.Record | registry.RowRecord) -> str:
    parts = [p.name if p.default is registry.REQUIRED else f"{p.name}={p.default:g}"
             for p in record.params]
    if getattr(record, "selector", None):
        parts.append(f"{record.selector[0]}={record.selector[1]!r}")
    return ", ".join(parts) or "-"


def list_table() -> str:
    """Every function, alias and row-wise function: its parameters and output range."""
    rows = []
    for name in registry.names(include_aliases=True):
        record = registry.get(name)
        kind = f"alias of {record.alias_of}" if record.alias_of else "elementwise"
        rows.append((name, kind, _params(record), plain(record.output_range)))
    for name in registry.rowwise_names():
        record = registry.get(name)
        rows.append((name, "row-wise (axis=)", _params(record), plain(record.output_range)))
    return markdown_table(rows, ("name", "kind", "parameters (defaults)", "output range"),
                          text_columns=4)


def _contract(record: registry.Record) -> list[str]:
    """The float32 contract's bounds for the record's kernels, one line each."""
    with open(CONTRACT_FILE) as f:
        bounds = json.load(f)["bounds"]
    lines = []
    for choice in record.choices:
        key = record.name if choice is None else f"{record.name}-{choice}"
        key = key if key in bounds else (record.alias_of or record.name)
        if key in bounds:
            ops = ", ".join(f"{op} {ulp:g}" for op, ulp in sorted(bounds[key].items()))
            label = "" if choice is None else f" ({record.selector[0]}={choice!r})"
            lines.append(f"float32 accuracy{label}: at most {ops} ULP, over every input")
    return lines


def info(name: str) -> str:
    """Everything the registry says about ``name``, with its accuracy and speed."""
    record = registry.get(name)
    tasks = [t.title for t in registry.GUIDE if name in t.choices]
    lines = [f"{name}" + (f" (alias of {record.alias_of})" if getattr(record, "alias_of", None)
                          else ""),
             f"  f(x)          {plain(record.formula)}"]
    if isinstance(record, registry.RowRecord):
        params = (_params(record) + ", " if record.params else "") + "axis=-1"
        lines += [f"  backward      {plain(record.backward)}",
                  f"  parameters    {params}",
                  f"  range         {plain(record.output_range)}"]
        example = f"fastact.{name}(np.array([[1.0, 2.0, 3.0, 4.0]])" + "".join(
            f", {p.name}={p.example!r}" for p in record.params) + ")"
    else:
        lines += [f"  f'(x)         {plain(record.derivative)}",
                  f"  parameters    {_params(record)}",
                  f"  range         {plain(record.output_range)}"]
        lines += [f"  kink          {plain(where)}: {plain(value)}"
                  for where, value in record.kinks]
        if record.from_output:
            lines.append(f"  f' from y     {plain(record.from_output)}")
        example = f"fastact.{name}(np.array([-1.0, 0.5, 2.0])" + "".join(
            f", {p.name}={p.example!r}" for p in record.params
            if p.default is registry.REQUIRED) + ")"
    lines += ["", f"  + {record.advantages}", f"  - {record.drawbacks}",
              f"  typical uses: {record.uses}"]
    if tasks:
        lines.append(f"  in the guide: {'; '.join(tasks)}")
    lines += ["", f"  example: {example}"]
    if isinstance(record, registry.Record):
        lines += [f"  {line}" for line in _contract(record)]
        for choice, ns in record.cost_ns.items():
            label = "" if choice is None else f" ({record.selector[0]}={choice!r})"
            lines.append(f"  speed{label}: {ns:.2f} ns per float32 element for value and "
                         f"derivative, one thread (AMD EPYC, AVX-512)")
    return "\n".join(lines)


def guide(task: str | None = None) -> str:
    """The table of tasks and activations, or one task with its choices' notes."""
    if task is None:
        rows = [(t.key, t.title, ", ".join(t.choices)) for t in registry.GUIDE]
        return (markdown_table(rows, ("task", "what", "activations"), text_columns=3)
                + "\n\npython -m fastact guide TASK gives the reasons; "
                  "python -m fastact info NAME one function.")
    found = {t.key: t for t in registry.GUIDE}[task]
    lines = [found.title, "", found.why, ""]
    for name in found.choices:
        record = registry.get(name)
        lines.append(f"  {name}: + {record.advantages} - {record.drawbacks}")
    return "\n".join(lines)


def main(command: str, argv: list[str]) -> int:
    """Run ``list``, ``info`` or ``guide`` with its arguments."""
    parser = argparse.ArgumentParser(prog=f"python -m fastact {command}",
                                     description=(__doc__ or "").splitlines()[0])
    names = registry.names(include_aliases=True) + registry.rowwise_names()
    if command == "info":
        parser.add_argument("name", metavar="NAME", help="an activation (or alias)")
    elif command == "guide":
        parser.add_argument("task", nargs="?", metavar="TASK",
                            help="one of " + ", ".join(t.key for t in registry.GUIDE))
    args = parser.parse_args(argv)
    if command == "info" and args.name not in names:
        parser.error(f"no activation named {args.name!r}; choose from {', '.join(names)}")
    if command == "guide" and args.task not in (None, *(t.key for t in registry.GUIDE)):
        parser.error(f"no task {args.task!r}; choose from "
                     + ", ".join(t.key for t in registry.GUIDE))
    text = {"list": list_table, "info": lambda: info(args.name),
            "guide": lambda: guide(args.task)}[command]()
    print(text, end=os.linesep if not text.endswith("\n") else "")
    return 0
