"""Generate csrc/fa_constants.h: mathematical constants split into hi + lo, in double and float.

Each constant of TABLE is evaluated in mpmath at 60 digits; hi is the double (or float)
nearest to it and lo the one nearest to the remainder, so hi + lo carries ~106 bits (~48
in float). A constant that is not split is rounded once. The double section comments
each value to 20 digits; the float section repeats the names bare, except where a
constant exists only in float. SELU's two defining decimals close the file as they are.

    python tools/gen_constants.py --write   # rewrite csrc/fa_constants.h
    python tools/gen_constants.py --check   # exit 1 if it is stale (the tests and CI run this)
    python tools/gen_constants.py           # print it
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import mpmath as mp
from _output import ROOT, deliver

mp.mp.dps = 60

# SELU's constants are defined as these decimals (Klambauer et al., as PyTorch spells them)
SELU_SCALE = "1.0507009873554805"
SELU_ALPHA = "1.6732632423543772"


@dataclass(frozen=True)
class Constant:
    """One constant: its C name after ``FA_``, an mpmath expression and a comment.

    ``split``: defined as ``_HI`` and ``_LO``, else once. ``precisions``: the sections
    it appears in.
    """

    name: str
    expression: str
    comment: str
    split: bool = True
    precisions: tuple[str, ...] = ("float", "double")


TABLE = [
    Constant("GELU_TANH_C2", "2 * sqrt(2 / pi)", "2 sqrt(2/pi)"),
    Constant("GELU_KAPPA", "mpf('0.044715')", "0.044715, the cubic coefficient of the tanh GELU"),
    Constant("SQRT2", "sqrt(2)", "sqrt(2)", split=False),
    Constant("INV_SQRT2", "1 / sqrt(2)", "1/sqrt(2)"),
    Constant("INV_SQRT_2PI", "1 / sqrt(2 * pi)", "1/sqrt(2 pi)"),
    Constant("2_OVER_SQRT_PI", "2 / sqrt(pi)", "2/sqrt(pi)"),
    Constant("SELU_SCALE", f"mpf('{SELU_SCALE}')", f"SELU scale {SELU_SCALE} as two floats",
             precisions=("float",)),
    Constant("SELU_SCALE_ALPHA", f"mpf('{SELU_SCALE}') * mpf('{SELU_ALPHA}')",
             f"SELU scale * alpha ({SELU_SCALE} * {SELU_ALPHA})"),
]

# bits of the significand and hexadecimal digits after the point, per C type
BITS = {"double": (53, 13), "float": (24, 6)}

PREAMBLE = """\
/* fa_constants.h -- mathematical constants split into two doubles (hi + lo)
 * so that products with them can be formed to ~106 bits where an argument's
 * rounding would otherwise be amplified; in the float build (fa_real.h) into
 * two floats, for ~48 bits.  Values computed with mpmath. */
#ifndef FA_CONSTANTS_H
#define FA_CONSTANTS_H
"""


def value(constant: Constant) -> mp.mpf:
    """The constant to 60 digits: its expression in a namespace of mpmath's names only."""
    names = {"mpf": mp.mpf, "sqrt": mp.sqrt, "pi": mp.pi}
    return mp.mpf(eval(constant.expression, {"__builtins__": {}}, names))


def nearest(v: mp.mpf, precision: str) -> float:
    """The double or float nearest to ``v`` (ties to even), as a Python float."""
    with mp.workprec(BITS[precision][0]):
        return float(+v)


def hex_literal(x: float, precision: str) -> str:
    """C's hexadecimal literal for ``x``, with the digits a double or a float has."""
    text = x.hex()  # [-]0x1.<13 digits>p<exp>
    mantissa, exponent = text.split("p")
    whole, fraction = mantissa.split(".")
    digits = BITS[precision][1]
    if fraction[digits:].strip("0"):
        raise ValueError(f"{text} has more digits than a {precision}")
    return f"{whole}.{fraction[:digits]}p{exponent}"


def definitions(constant: Constant, precision: str) -> list[str]:
    """The #define lines of one constant in one precision."""
    v = value(constant)
    if not constant.split:
        return [f"#define FA_{constant.name} {hex_literal(nearest(v, precision), precision)}"]
    hi = nearest(v, precision)
    lo = nearest(v - mp.mpf(hi), precision)
    return [f"#define FA_{constant.name}_HI {hex_literal(hi, precision)}",
            f"#define FA_{constant.name}_LO {hex_literal(lo, precision)}"]


def section(precision: str) -> list[str]:
    """The lines of the float or the double section."""
    lines = []
    for constant in TABLE:
        if precision not in constant.precisions:
            continue
        if precision == "double":
            lines.append(f"/* {constant.comment} = {mp.nstr(value(constant), 20)} */")
        elif "double" not in constant.precisions:
            lines.append(f"/* {constant.comment} */")
        lines += definitions(constant, precision)
    return lines


def header() -> str:
    """The text of csrc/fa_constants.h."""
    lines = ["", "#ifdef FA_REAL_FLOAT", "", *section("float"), "", "#else", "",
             *section("double"), "", "#endif", "",
             f"#define FA_SELU_SCALE {SELU_SCALE}", f"#define FA_SELU_ALPHA {SELU_ALPHA}", "",
             "#endif /* FA_CONSTANTS_H */"]
    return PREAMBLE + "\n".join(lines) + "\n"


def main(argv: list[str]) -> int:
    return deliver(header(), ROOT / "csrc" / "fa_constants.h", argv, "tools/gen_constants.py")


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
