"""The package's import graph: no module imports itself back, none imports the CLI.

Every module under fastact/ is parsed (not imported) and each ``import`` and ``from ...
import`` it runs -- at the top or inside a function, but not under ``if
TYPE_CHECKING:`` -- becomes an edge to the fastact module it names. ``from P import n``
is an edge to ``P.n`` where that is a module, else to ``P``. A package is not counted as
imported by its own submodules merely because Python runs its ``__init__`` first. Of a
Cython module (``.pyx``) only the Python import lines are read (not ``cimport``).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "fastact"


def _module_names() -> dict[str, Path]:
    """Dotted name -> file, for every module under fastact/."""
    names = {}
    for path in sorted([*PACKAGE.rglob("*.py"), *PACKAGE.rglob("*.pyx")]):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


MODULES = _module_names()


def _source(path: Path) -> str:
    """The module's text, or of a Cython module its Python import lines."""
    text = path.read_text()
    if path.suffix == ".py":
        return text
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines
                     if re.match(r"(import|from\s+\S+\s+import)\s", line)
                     and not line.endswith(("(", "\\")))


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST):
    """The import statements that run, skipping the bodies of ``if TYPE_CHECKING:``."""
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            yield node
        children = list(ast.iter_child_nodes(node))
        if isinstance(node, ast.If) and _is_type_checking(node):
            children = node.orelse
        stack.extend(children)


def _known(name: str) -> str | None:
    """The longest prefix of ``name`` that is a fastact module."""
    parts = name.split(".")
    while parts:
        candidate = ".".join(parts)
        if candidate in MODULES:
            return candidate
        parts.pop()
    return None


def _imports(module: str) -> set[str]:
    """The fastact modules ``module`` imports."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in _import_nodes(ast.parse(_source(path), str(path))):
        if isinstance(node, ast.Import):
            targets = [_known(alias.name) for alias in node.names]
        else:
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[:len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else _known(base)
                       for a in node.names]
        found.update(t for t in targets if t is not None and t != module)
    return found


GRAPH = {module: _imports(module) for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle through each strongly connected group of modules (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[set[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = set()
            while True:
                w = stack.pop()
                group.add(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(group)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return [_path_back(graph, group) for group in groups]


def _path_back(graph: dict[str, set[str]], group: set[str]) -> list[str]:
    """A shortest chain of imports from the group's first module back to itself."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        nxt = []
        for v in frontier:
            for w in sorted(graph[v] & group):
                if w == start:
                    return [*paths[v], start]
                if w not in paths:
                    paths[w] = [*paths[v], w]
                    nxt.append(w)
        frontier = nxt
    raise AssertionError(f"no cycle in {sorted(group)}")


def test_the_graph_sees_the_package():
    """The parser finds the modules and the imports everyone knows are there."""
    assert "fastact.reference" in GRAPH["fastact"]
    assert "fastact.registry" in GRAPH["fastact.reference._elementwise"]
    assert "fastact.reference._rowwise" in GRAPH["fastact.reference._row_objects"]


def test_no_module_imports_itself_back():
    cycles = _cycles(GRAPH)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_cycle_finder_finds_cycles():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a", "d"}, "d": set(), "e": {"d"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]


def test_nothing_imports_the_command_line():
    importers = sorted(m for m, targets in GRAPH.items() if "fastact.__main__" in targets)
    assert not importers, f"fastact.__main__ is imported by {importers}"
