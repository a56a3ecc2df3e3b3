"""Every local link and asset in both built sites (practice and exam) points at a file that exists."""

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from browser_support import EXAM_SITE, SITE

ATTR = re.compile(r"""\b(?:href|src)=["']([^"']+)["']""")


def broken_links(site: Path) -> list[str]:
    broken = []
    # _static holds the theme's Jinja macro files, which are not pages
    for page in sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts):
        for target in ATTR.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(target)
            if parts.scheme or target.startswith(("#", "//")) or not parts.path:
                continue
            resolved = (page.parent / unquote(parts.path)).resolve()
            if resolved.is_dir():
                resolved = resolved / "index.html"
            if not resolved.exists():
                broken.append(f"{page.relative_to(site)} -> {target}")
    return broken


@pytest.mark.parametrize("site", [SITE, EXAM_SITE], ids=["practice", "exam"])
def test_no_broken_local_links(site):
    assert (site / "index.html").exists(), f"no built site at {site}"
    assert broken_links(site) == []


def test_the_check_finds_a_broken_link(tmp_path):
    (tmp_path / "index.html").write_text(
        '<a href="missing.html">x</a><a href="#top">y</a><a href="https://e.org/">z</a>'
    )
    assert broken_links(tmp_path) == ["index.html -> missing.html"]
