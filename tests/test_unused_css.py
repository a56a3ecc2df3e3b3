"""Issue 16: what holds up the first paint. The themes' stylesheets lose the selectors no page can
match, and the scripts Sphinx puts in <head> are deferred.

The look of the pages is checked in test_page_weight.py (the same pages built with and without
course_assets, pixel for pixel); here: what the purge keeps and drops, on real theme CSS."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from browser_support import ROOT, SITE, site_pages

sys.path.insert(0, str(ROOT / "book" / "_ext"))
import course_assets  # noqa: E402
import unused_css  # noqa: E402

WORDS = {"bd-header", "show", "active", "sd-card"}


def purge(css: str, words=WORDS, pieces=("bs-",)) -> str:
    return unused_css.purge(css, set(words), tuple(pieces))


def test_a_selector_naming_an_unknown_class_goes_and_its_neighbours_stay():
    out = purge(".bd-header .show,.g-col-7{color:red}.col-md-3{margin:0}p{margin:1px}")
    assert out == ".bd-header .show{color:red}\np{margin:1px}"


def test_classes_under_not_is_where_or_in_attributes_never_drop_a_selector():
    css = ".bd-header:not(.g-col-7){a:b}:is(.nope,.show){c:d}[class*='.nope']{e:f}.nope\\:x{g:h}"
    assert purge(css).count("{") == 4


def test_classes_scripts_build_from_pieces_stay():
    assert purge(".bs-tooltip-auto{a:b}.cs-tooltip{c:d}") == ".bs-tooltip-auto{a:b}"


def test_media_blocks_are_purged_inside_and_dropped_when_empty_at_rules_stay():
    css = (
        "@media (min-width:40em){.g-col-7{a:b}.show{c:d}}@media print{.nope{x:y}}"
        "@font-face{font-family:X}@keyframes spin{from{a:b}to{a:c}}"
    )
    out = purge(css)
    assert "@media (min-width:40em){.show{c:d}}" in out and "@media print" not in out
    assert "@font-face{font-family:X}" in out and "@keyframes spin{from{a:b}to{a:c}}" in out


def test_the_vocabulary_reads_pages_and_scripts_not_stylesheets(tmp_path):
    (tmp_path / "a.html").write_text('<div class="bd-header x-y">', encoding="utf-8")
    (tmp_path / "s.js").write_text('el.classList.add("collapsing"); n = `bs-${name}-auto`', encoding="utf-8")
    (tmp_path / "t.css").write_text(".only-in-css{}", encoding="utf-8")
    (tmp_path / "_static").mkdir()
    (tmp_path / "_static" / "webpack-macros.html").write_text('<p class="in-a-template">', encoding="utf-8")
    pages = unused_css.read_pages(tmp_path)
    assert list(pages) == [tmp_path / "a.html"]  # a theme's template in _static/ is no page
    words, pieces = unused_css.site_vocabulary(tmp_path, pages)
    assert {"bd-header", "x-y", "collapsing"} <= words and "only-in-css" not in words
    assert pieces == ("bs-",)


def test_the_real_theme_stylesheet_keeps_what_the_pages_use(tmp_path):
    """On the theme's own stylesheet: every class that one real page carries keeps its rules."""
    css = (course_assets._theme_static() / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    page = '<nav class="bd-header navbar"><button class="btn pst-navbar-icon"></button></nav>'
    out = purge(css, words=set(re.findall(r"[A-Za-z_][\w-]*", page)), pieces=())
    assert len(out) < len(css) / 3
    for name in ("bd-header", "navbar", "btn", "pst-navbar-icon"):
        assert re.search(rf"\.{name}\b", out), name
    assert not re.search(r"\.g-col-7\b", out)


def test_an_incremental_build_purges_the_original_again(tmp_path):
    site, keep = tmp_path / "site", tmp_path / "keep"
    sheet = site / "_static" / "basic.css"
    sheet.parent.mkdir(parents=True)
    sheet.write_text(".one{a:b}.two{c:d}", encoding="utf-8")
    (site / "index.html").write_text('<p class="one">', encoding="utf-8")
    unused_css.purge_site(site, keep, unused_css.read_pages(site))
    assert sheet.read_text(encoding="utf-8").strip() == ".one{a:b}"
    (site / "index.html").write_text('<p class="one two">', encoding="utf-8")  # a page now uses .two
    unused_css.purge_site(site, keep, unused_css.read_pages(site))  # Sphinx did not copy again
    assert sheet.read_text(encoding="utf-8").strip() == ".one{a:b}\n.two{c:d}"


HEAD = re.compile(r"<head>(.*?)</head>", re.S)
BLOCKING = re.compile(
    r'<script (?![^>]*\b(?:defer|async)\b)(?![^>]*type="(?:module|application|text/x-)[^"]*")'
    r'[^>]*\bsrc="([^"]+)"'
)


def test_no_page_but_search_has_a_script_that_blocks_the_first_paint():
    assert (SITE / "index.html").is_file(), f"no built site at {SITE}"
    found = {}
    for rel in site_pages(SITE):
        head = HEAD.search((SITE / rel).read_text(encoding="utf-8"))
        blocking = BLOCKING.findall(head.group(1)) if head else []
        if blocking:
            found[rel] = blocking
        # the page's settings run after documentation_options.js, which defines them
        text = head.group(1) if head else ""
        assert "<script>DOCUMENTATION_OPTIONS." not in text, rel
    assert found == {}


def test_the_site_stylesheets_were_purged():
    for rel in unused_css.PURGED:
        sheet = Path(SITE, rel)
        if sheet.exists():
            assert not re.search(r"\.g-col-7\b|\.sd-col-7\b", sheet.read_text(encoding="utf-8")), rel
