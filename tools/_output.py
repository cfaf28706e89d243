"""Where a header generator's text goes: stdout, the committed file, or a freshness check.

    python tools/gen_X.py            # print the file
    python tools/gen_X.py --write    # rewrite it in place
    python tools/gen_X.py --check    # exit 1, naming it, if it differs from the output
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def deliver(text: str, path: Path, argv: list[str], generator: str) -> int:
    """Print ``text``, write it to ``path`` (``--write``) or compare it (``--check``).

    Returns the exit status: 1 if ``--check`` finds ``path`` missing or different.
    """
    unknown = [a for a in argv if a not in ("--write", "--check")]
    if unknown:
        print(f"{generator}: unknown argument(s) {' '.join(unknown)}; "
              "use --write or --check", file=sys.stderr)
        return 2
    name = path.relative_to(ROOT).as_posix()
    if "--check" in argv:
        old = path.read_text() if path.exists() else None
        if old == text:
            return 0
        where = "missing" if old is None else f"differs from line {_first_difference(old, text)}"
        print(f"stale, run python {generator} --write: {name} ({where})")
        return 1
    if "--write" in argv:
        path.write_text(text)
        return 0
    sys.stdout.write(text)
    return 0


def _first_difference(old: str, new: str) -> int:
    """The number of the first line where ``old`` and ``new`` differ."""
    old_lines, new_lines = old.splitlines(), new.splitlines()
    for number, (a, b) in enumerate(zip(old_lines, new_lines, strict=False), start=1):
        if a != b:
            return number
    return min(len(old_lines), len(new_lines)) + 1
