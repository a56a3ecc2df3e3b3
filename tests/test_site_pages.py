"""Every page of the built site: offline, error-free and accessible, before and after use."""
import pytest
from browser_support import SITE, exercise_widgets, serious_axe_violations, site_pages, use_dark_mode, wait_for_widgets

PAGES = site_pages() if SITE.exists() else []
CDN_HINTS = ("cdn.", "cdnjs", "jsdelivr", "unpkg", "googleapis", "gstatic", "mathjax", "require.js")


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_is_offline_clean_and_accessible(page, site_url, path):
    page.goto(f"{site_url}/{path}")
    page.wait_for_load_state("networkidle")
    views = page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count()
    assert wait_for_widgets(page) == views
    assert page.locator(".course-widget[data-widget-status=fallback]").count() == 0, "kernel-only output in the course"
    assert serious_axe_violations(page) == []
    if views:
        assert exercise_widgets(page) > 0, "no widget control could be operated"
        assert serious_axe_violations(page) == [], "after operating the widgets"
    use_dark_mode(page)
    assert serious_axe_violations(page) == [], "in dark mode"
    page.watch.assert_clean()


def test_site_has_pages():
    assert len(PAGES) >= 4, f"expected the book's pages under {SITE}"


@pytest.mark.parametrize("path", PAGES)
def test_no_cdn_url_in_html(path):
    import re

    html = (SITE / path).read_text(encoding="utf-8")
    for tag in re.findall(r"<(?:script|link|img|iframe|source|audio|video)\b[^>]*>", html):
        assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", tag), f"external asset in {path}: {tag}"
    for script in re.findall(r"<script\b[^>]*>(.*?)</script>", html, flags=re.S):
        urls = re.findall(r"https?://[^\s\"'<>]+", script)
        assert not [u for u in urls if any(h in u.lower() for h in CDN_HINTS)], f"CDN URL in a script of {path}"
