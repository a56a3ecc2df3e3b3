"""Every chapter opens with its number and a reading-time estimate (issue 12).

The built pages are read as a person sees them; the word count is checked on a small doctree so
that text in a collapsed section is shown not to count.
"""
from __future__ import annotations

import re
import sys

import yaml
from browser_support import ROOT, SITE
from docutils import nodes

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_reading_time import reading_line, visible_words  # noqa: E402

LINE = re.compile(r'<p class="course-reading-time">Chapter (\d+) · about (\d+) minutes? to read '
                  r'\(([\d,]+) words; collapsed sections not counted\)</p>')
# The chapters in table-of-contents order: every page under book/chapters/ that _toc.yml lists.
CHAPTERS = [entry["file"].rsplit("/", 1)[1]
            for part in yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
            for entry in part["chapters"] if entry["file"].startswith("book/chapters/")]


def test_every_chapter_shows_its_number_and_reading_time_in_toc_order():
    found = []
    for name in CHAPTERS:
        page = SITE / "book" / "chapters" / f"{name}.html"
        html = page.read_text(encoding="utf-8")
        lines = LINE.findall(html)
        assert len(lines) == 1, f"{page.name}: {len(lines)} reading-time lines"
        number, minutes, words = lines[0]
        assert int(minutes) >= 1 and int(words.replace(",", "")) > 50, page.name
        # the line sits right under the chapter title
        assert html.index("course-reading-time") > html.index("<h1"), page.name
        found.append(int(number))
    assert found == list(range(1, len(CHAPTERS) + 1))


def test_intro_and_reference_pages_are_not_numbered():
    for page in (SITE / "book" / "intro.html", SITE / "book" / "glossary.html"):
        assert "course-reading-time" not in page.read_text(encoding="utf-8"), page.name


def test_collapsed_sections_code_and_raw_output_are_not_counted():
    doc = nodes.section()
    doc += nodes.title(text="Title here")
    doc += nodes.paragraph(text="one two three four")
    hidden = nodes.container(classes=["sd-dropdown"])
    hidden += nodes.paragraph(text="five six seven eight nine")
    doc += hidden
    toggle = nodes.admonition(classes=["tip", "dropdown"])
    toggle += nodes.paragraph(text="ten eleven")
    doc += toggle
    doc += nodes.literal_block(text="print('not prose at all')")
    doc += nodes.raw(text="<div>widget output</div>", format="html")
    assert visible_words(doc) == 6          # "Title here" + four words


def test_the_estimate_rounds_up_and_never_says_zero():
    assert reading_line(3, 10).startswith("Chapter 3 · about 1 minute to read (10 words")
    assert "about 2 minutes" in reading_line(1, 201)
    assert "(2,000 words;" in reading_line(1, 2000)
