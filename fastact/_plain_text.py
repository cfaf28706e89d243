"""The registry's LaTeX formulas as plain text for a terminal (``list``, ``info``).

>>> plain(r"(-\\alpha, \\infty) \\text{ for } \\alpha > 0")
'(-α, ∞) for α > 0'
>>> plain(r"\\frac{1}{1 + e^{-x}}")
'1/(1 + e^(-x))'
"""

from __future__ import annotations

import re

_SYMBOLS = {
    "alpha": "α", "beta": "β", "lambda": "λ", "sigma": "σ", "tau": "τ", "pi": "π",
    "Phi": "Φ", "varphi": "φ", "partial": "∂", "infty": "∞", "le": "≤", "ge": "≥",
    "cup": "∪", "sum": "Σ", "cdot": "·", "max": "max", "min": "min", "log": "log",
    "tanh": "tanh", "left": "", "right": "", "textstyle": "", "ne": "≠", "neq": "≠",
    "delta": "δ", "times": "×", "ldots": "…", "cdots": "…",
}
_GROUPS = ("frac", "tfrac", "sqrt", "text", "operatorname", "mathrm", "mathbb")
COMMANDS = frozenset((*_SYMBOLS, *_GROUPS))
"""The LaTeX commands ``plain`` writes out; any other keeps its bare name."""
_COMMAND = re.compile(r"\\([A-Za-z]+)|\\(.)")


def _group(text: str, start: int) -> tuple[str, int]:
    """The contents of the brace group opening at ``text[start]`` and the index after it
    (a single character stands for itself, as in ``e^x``)."""
    if start >= len(text) or text[start] != "{":
        return text[start:start + 1], start + 1
    depth = 0
    for i in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[i], 0)
        if depth == 0:
            return text[start + 1:i], i + 1
    return text[start + 1:], len(text)


def _atom(text: str) -> str:
    """``text`` as an operand: parenthesized unless it is one name or number."""
    return text if re.fullmatch(r"[\w.∞]+", text) else f"({text})"


def plain(latex: str) -> str:
    """``latex`` (the registry's subset) as plain text: Greek letters and symbols in
    Unicode, fractions as a/b, roots as √(...), exponents as ^(...)."""
    out, i = [], 0
    while i < len(latex):
        ch = latex[i]
        match = _COMMAND.match(latex, i)
        if match:
            name, symbol = match.groups()
            i = match.end()
            if symbol is not None:  # \{ \} \| and "\ " (a space)
                out.append({" ": " ", ",": " "}.get(symbol, symbol))
            elif name in ("frac", "tfrac"):
                top, i = _group(latex, i)
                bottom, i = _group(latex, i)
                out.append(f"{_atom(plain(top))}/{_atom(plain(bottom))}")
            elif name == "sqrt":
                inner, i = _group(latex, i)
                out.append(f"√{_atom(plain(inner))}")
            elif name in ("text", "operatorname", "mathrm"):
                inner, i = _group(latex, i)
                out.append(inner)
            elif name == "mathbb":
                inner, i = _group(latex, i)
                out.append({"R": "ℝ"}.get(inner, inner))
            else:
                out.append(_SYMBOLS.get(name, name))
        elif ch in "^_":
            inner, i = _group(latex, i + 1)
            text = plain(inner)
            out.append(ch + (text if len(text) == 1 else f"({text})"))
        elif ch == "{":
            inner, i = _group(latex, i)
            out.append(plain(inner))
        else:
            out.append(ch)
            i += 1
    return re.sub(r" {2,}", " ", "".join(out))
