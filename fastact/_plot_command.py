"""``python -m fastact plot``: write fastact.plot's figures to a file.

    python -m fastact plot --out gallery.png                     # every activation
    python -m fastact plot --gallery --common --out docs/gallery.png
    python -m fastact plot sigmoid tanh --derivative --out st.svg
"""

from __future__ import annotations

import argparse
import os
import sys

from fastact import registry


def parse_args(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m fastact plot",
        description="Draw activations with fastact's own values (needs matplotlib: "
                    "pip install \"fastact[plot]\"). Without NAMES, or with --gallery: a grid "
                    "with one panel per activation; with NAMES: f (and f') on one axis.")
    parser.add_argument("names", nargs="*", metavar="NAME",
                        help="elementwise activations (registry names or aliases)")
    parser.add_argument("--gallery", action="store_true",
                        help="one panel per activation, even for NAMES")
    parser.add_argument("--common", action="store_true",
                        help="the nine classics (fastact.plot.COMMON) instead of NAMES")
    parser.add_argument("--derivative", action="store_true",
                        help="on one axis: draw f' (dashed) beside f")
    parser.add_argument("--out", required=True, metavar="FILE",
                        help="where to write the figure: .png, .svg or .pdf")
    args = parser.parse_args(argv)
    if os.path.splitext(args.out)[1].lower() not in (".png", ".svg", ".pdf"):
        parser.error(f"--out {args.out}: the file must end in .png, .svg or .pdf")
    known = set(registry.names(include_aliases=True))
    unknown = [n for n in args.names if n not in known]
    if unknown:
        parser.error(f"not elementwise activations: {', '.join(unknown)}; "
                     f"choose from {', '.join(registry.names())}")
    if args.common and args.names:
        parser.error("--common or NAMES, not both")
    return args


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    try:
        import matplotlib
    except ImportError:
        print("python -m fastact plot needs matplotlib: pip install \"fastact[plot]\"",
              file=sys.stderr)
        return 2
    matplotlib.use("Agg")  # a file, never a window
    from fastact import plot

    names = list(plot.COMMON) if args.common else args.names or None
    if args.gallery or names is None or args.common:
        fig = plot.gallery(names)
    else:
        fig = plot.plot(names, derivative=args.derivative)
    fig.savefig(args.out, dpi=90, bbox_inches="tight")
    print(f"wrote {args.out}")
    return 0
