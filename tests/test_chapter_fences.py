"""Every colon fence in the book's MyST sources opens a named directive or closes one, alone on its line.

MyST closes a `:::` fence only when nothing follows the colons. A line such as `::: After SIRT, ...`
therefore closes nothing: it opens a directive named "After", and the rest of the chapter, headings
included, disappears into the dropdown above it. The build does not fail, so this check does.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted((ROOT / "book").rglob("*.md"))
COLONS = re.compile(r"^(\s*)(:{3,})(.*)$")
OPENING = re.compile(r"\{[\w-]+\}")  # `:::{dropdown} title`


def fence_problems(text: str) -> list[str]:
    """'line N: why' for each colon fence that neither opens a directive nor closes the open one."""
    problems = []
    open_fences: list[tuple[int, str]] = []  # (line, colons)
    for number, line in enumerate(text.splitlines(), 1):
        m = COLONS.match(line)
        if not m:
            continue
        colons, rest = m.group(2), m.group(3).strip()
        if OPENING.match(rest):
            open_fences.append((number, colons))
        elif rest:
            problems.append(f"line {number}: text after a closing fence ({line.strip()[:60]!r}) closes nothing")
        elif open_fences and open_fences[-1][1] == colons:
            open_fences.pop()
        else:
            problems.append(f"line {number}: {colons} closes no directive opened with as many colons")
    problems += [f"line {n}: {c} fence opened here is never closed" for n, c in open_fences]
    return problems


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_colon_fences_open_and_close_cleanly(source):
    assert not fence_problems(source.read_text(encoding="utf-8")), source.relative_to(ROOT)


def test_the_check_finds_a_closing_fence_with_text_after_it():
    broken = ":::{dropdown} How pneumonitis presents\nText.\n::: After SIRT, fatigue.\n\n## Next section\n"
    assert fence_problems(broken) == [
        "line 3: text after a closing fence ('::: After SIRT, fatigue.') closes nothing",
        "line 1: ::: fence opened here is never closed",
    ]
    nested = "::::{dropdown} Outer\n:::{note}\nInner.\n:::\n::::\n"
    assert fence_problems(nested) == []
    assert fence_problems("::::{note}\nText.\n:::\n") == [
        "line 3: ::: closes no directive opened with as many colons",
        "line 1: :::: fence opened here is never closed",
    ]
