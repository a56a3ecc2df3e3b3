"""Every chapter opens with its number and a reading-time estimate (issue 12).

The built pages are read as a person sees them; the word count is checked on a small doctree so
that text in a collapsed section is shown not to count.
"""

from __future__ import annotations

import importlib.util
import re
import sys

import pytest
import yaml
from browser_support import ROOT, SITE
from docutils import nodes

sys.path.insert(0, str(ROOT / "book" / "_ext"))
from course_reading_time import read_reading_line, reading_line, visible_words  # noqa: E402

# The benchmark script, loaded as a module for its word table (bench/ is not a package).
_spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
assert _spec and _spec.loader
bench = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bench)

LINE = re.compile(
    r'<p class="course-reading-time">Chapter (\d+) · about (\d+) minutes? to read '
    r"\(([\d,]+) words; collapsed sections not counted\)</p>"
)
# The chapters in table-of-contents order: every page under book/chapters/ that _toc.yml lists.
CHAPTERS = [
    entry["file"].rsplit("/", 1)[1]
    for part in yaml.safe_load((ROOT / "_toc.yml").read_text(encoding="utf-8"))["parts"]
    for entry in part["chapters"]
    if entry["file"].startswith("book/chapters/")
]


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
    assert visible_words(doc) == 6  # "Title here" + four words


def test_the_estimate_rounds_up_and_never_says_zero():
    assert reading_line(3, 10).startswith("Chapter 3 · about 1 minute to read (10 words")
    assert "about 2 minutes" in reading_line(1, 201)
    assert "(2,000 words;" in reading_line(1, 2000)


def test_a_built_line_reads_back_as_written():
    html = f'<p class="course-reading-time">{reading_line(3, 2345)}</p>'
    assert read_reading_line(html) == (3, 12, 2345)
    assert read_reading_line("<p>Chapter 3 · about 12 minutes to read</p>") is None


def test_bench_word_table_reports_every_chapter_of_the_built_site(capsys):
    rows = bench.word_table(SITE)
    assert [r["chapter"] for r in rows] == CHAPTERS
    for row in rows:
        html = (SITE / "book" / "chapters" / f"{row['chapter']}.html").read_text(encoding="utf-8")
        number, minutes, words = LINE.findall(html)[0]
        assert (row["number"], row["minutes"], row["words"]) == (int(number), int(minutes), int(words.replace(",", "")))
    printed = capsys.readouterr().out
    for row in rows:
        mark = {None: "", True: "ok", False: "MISSED"}[row["target"]]
        assert f"| {row['number']} | {row['chapter']} | {row['words']:,} | {row['minutes']} | {mark} |" in printed
    assert {r["chapter"] for r in rows if r["target"] is not None} == {"haip", "debiri", "tare"}


def test_every_modality_chapter_keeps_its_main_text_within_the_target():
    rows = {r["chapter"]: r["words"] for r in bench.word_table(SITE)}
    over = {name: rows[name] for name in bench.MODALITY_CHAPTERS if rows[name] > bench.TARGETS["modality_words"]}
    assert not over, (
        f"main text over {bench.TARGETS['modality_words']} visible words (move detail into a dropdown): {over}"
    )


def _fake_site(folder, pages):
    """The smallest folder the benchmark accepts as a built site, with the given chapter lines."""
    (folder / "_static").mkdir()
    for name in ("index.html", "search.html"):
        (folder / name).write_text("<html></html>", encoding="utf-8")
    chapters = folder / "book" / "chapters"
    chapters.mkdir(parents=True)
    for number, (name, words) in enumerate(pages, 1):
        line = "" if words is None else f'<p class="course-reading-time">{reading_line(number, words)}</p>'
        (chapters / f"{name}.html").write_text(f"<h1>{name}</h1>{line}", encoding="utf-8")
    return folder


def test_bench_word_table_marks_a_long_modality_chapter_missed(tmp_path, capsys):
    site = _fake_site(tmp_path, [("dual-blood-supply", 3000), ("haip", 2501), ("tare", 2500), ("notes", None)])
    rows = bench.word_table(site)
    assert [(r["chapter"], r["target"]) for r in rows] == [("dual-blood-supply", None), ("haip", False), ("tare", True)]
    printed = capsys.readouterr().out
    assert "| 2 | haip | 2,501 | 13 | MISSED |" in printed
    assert "| 3 | tare | 2,500 | 13 | ok |" in printed
    assert "| 1 | dual-blood-supply | 3,000 | 15 |  |" in printed


def test_bench_word_table_refuses_a_folder_without_reading_lines(tmp_path):
    with pytest.raises(SystemExit, match="no chapter page carries a reading-time line"):
        bench.word_table(_fake_site(tmp_path, [("haip", None)]))
