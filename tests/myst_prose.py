"""The lines of a MyST Markdown chapter that a reader reads as prose.

One reader for the checks that read chapter prose (test_copied_wording.py, test_numbers.py); each
check passes the directives whose body it reads as prose. Left out: the front matter, the body of
any other directive (code cells, bibliography, toctree...) and all that is nested in it, directive
options, and display maths between `$$` lines. What a line of prose holds (headings, comments,
quotations, tables, roles) is for each check to read.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator

FENCE = re.compile(r"^\s*(`{3,}|:{3,}|~{3,})\s*(\{([^}]*)\})?")
OPTION = re.compile(r"\s*:[\w-]+:")  # `:class: tip` just under a directive's opening fence

# Directives whose body is prose the reader sees, for every check; a check may read more.
PROSE_DIRECTIVES = frozenset(
    {
        "admonition",
        "note",
        "tip",
        "hint",
        "important",
        "warning",
        "caution",
        "attention",
        "danger",
        "error",
        "seealso",
        "dropdown",
        "margin",
        "sidebar",
        "topic",
        "figure",
        "table",
        "only",
    }
)


def prose_lines(markdown: str, directives: Collection[str]) -> Iterator[tuple[int, str | None]]:
    """(line number, line) for every line of prose, and (line number, None) for a line that opens
    or closes a directive or display maths: a boundary that no passage crosses.

    A directive's body is prose when its name is in `directives` and so is every directive's around it.
    """
    lines = markdown.splitlines()
    start = 0
    if lines and lines[0].strip() == "---":  # front matter
        ends = [i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"]
        start = ends[0] + 1 if ends else len(lines)
    fences: list[tuple[str, bool]] = []  # open fences: (marker, is the body prose?)
    in_options = in_math = False
    for number, line in enumerate(lines[start:], start + 1):
        stripped = line.strip()
        m = None if in_math else FENCE.match(line)
        if m:
            marker, directive = m.group(1), (m.group(3) or "").strip()
            if (
                fences
                and marker[0] == fences[-1][0][0]
                and len(marker) >= len(fences[-1][0])
                and not m.group(2)
                and not stripped[len(marker) :].strip()
            ):
                fences.pop()  # closing fence
            else:
                fences.append((marker, all(prose for _, prose in fences) and directive in directives))
                in_options = True
            yield number, None
            continue
        if fences and in_options and (OPTION.match(line) or stripped == "---"):
            continue
        in_options = False
        if not all(prose for _, prose in fences):
            continue
        if stripped.startswith("$$"):
            if not (len(stripped) > 2 and stripped.endswith("$$")):  # `$$ x $$` opens and closes
                in_math = not in_math
            yield number, None
        elif not in_math:
            yield number, line
