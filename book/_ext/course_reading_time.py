"""Chapter number and reading-time estimate at the top of every chapter page (issue 12).

The number is the chapter's place in the book's table of contents (pages under book/chapters/,
in reading order). The estimate counts the words a reader sees when the page opens: text inside
collapsed sections (dropdowns, toggles, <details>), code, raw HTML and widget output is left out,
because a trainee skimming between cases does not open them. It is an estimate, so it is rounded
to whole minutes at an assumed reading speed, and the line says what it leaves out.
"""

from __future__ import annotations

import math
import re

from docutils import nodes

WORDS_PER_MINUTE = 200  # assumed adult reading speed for technical prose; an estimate only
CHAPTER_PREFIX = "book/chapters/"
WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Node types whose text is not running prose a reader reads when the page opens.
SKIPPED = (
    nodes.literal_block,
    nodes.raw,
    nodes.comment,
    nodes.system_message,
    nodes.target,
    nodes.substitution_definition,
)


def _is_collapsed(node: nodes.Node) -> bool:
    """A dropdown or toggle: sphinx-design's dropdown, an admonition with the dropdown class."""
    if "dropdown" in type(node).__name__.lower():
        return True
    classes = node.get("classes", []) if isinstance(node, nodes.Element) else []
    return any("dropdown" in c or c in ("toggle", "toggle-hidden") for c in classes)


def visible_words(doctree: nodes.Node) -> int:
    """Words of text outside collapsed sections, code and raw output."""
    count = 0

    def walk(node: nodes.Node) -> None:
        nonlocal count
        if isinstance(node, SKIPPED) or _is_collapsed(node):
            return
        if isinstance(node, nodes.Text):
            count += len(WORD.findall(node.astext()))
            return
        for child in node.children:
            walk(child)

    walk(doctree)
    return count


def chapter_order(env) -> list[str]:
    """Chapter docnames in reading order, from the resolved table of contents."""
    order: list[str] = []

    def visit(docname: str) -> None:
        for child in env.toctree_includes.get(docname, []):
            if child not in order:
                order.append(child)
                visit(child)

    visit(env.config.root_doc)
    return [d for d in order if d.startswith(CHAPTER_PREFIX)]


def reading_minutes(words: int) -> int:
    """Whole minutes at the assumed speed, rounded up and never zero."""
    return max(1, math.ceil(words / WORDS_PER_MINUTE))


def reading_line(number: int, words: int) -> str:
    minutes = reading_minutes(words)
    unit = "minute" if minutes == 1 else "minutes"
    return f"Chapter {number} · about {minutes} {unit} to read ({words:,} words; collapsed sections not counted)"


# The line as a built page carries it. The benchmark reads the count back from the pages
# (bench/run.py --words) rather than counting a second way, so the two can never disagree.
BUILT_LINE = re.compile(
    r'<p class="course-reading-time">Chapter (\d+) · about (\d+) minutes? to read '
    r"\(([\d,]+) words; collapsed sections not counted\)</p>"
)


def read_reading_line(html: str) -> tuple[int, int, int] | None:
    """(chapter number, minutes, visible words) from a built page; None on a page without the line."""
    found = BUILT_LINE.search(html)
    if found is None:
        return None
    return int(found.group(1)), int(found.group(2)), int(found.group(3).replace(",", ""))


def add_reading_line(app, doctree: nodes.document, docname: str) -> None:
    chapters = chapter_order(app.env)
    if docname not in chapters:
        return
    sections = list(doctree.findall(nodes.section))
    if not sections:
        return
    title = next(iter(sections[0].findall(nodes.title)), None)
    if title is None:
        return
    line = nodes.paragraph(
        text=reading_line(chapters.index(docname) + 1, visible_words(doctree)), classes=["course-reading-time"]
    )
    title.parent.insert(title.parent.index(title) + 1, line)


def setup(app):
    app.connect("doctree-resolved", add_reading_line)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
