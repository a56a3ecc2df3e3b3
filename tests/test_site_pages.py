"""Every page of the built site: offline, error-free and accessible, before and after use, and
readable on a phone (nothing wider than 375 px; a table that scrolls sideways says so)."""

import pytest
from browser_support import SITE, exercise_widgets, serious_axe_violations, site_pages, use_dark_mode, wait_for_widgets
from widget_page import wcag22_violations

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
    # dark mode is checked at 375 px with the WCAG 2.2 tags below (one axe run fewer per page)
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


# What a phone shows once every dropdown is open: how far the page sticks out past the screen,
# and for each table whether it scrolls sideways, the cue line above it (if shown) and its tab stop.
PHONE_VIEW = """() => {
  const out = {overflow: document.documentElement.scrollWidth - document.documentElement.clientWidth, tables: []};
  for (const t of document.querySelectorAll('.bd-article table')) {
    const before = t.previousElementSibling;
    const cue = before && before.classList.contains('course-table-cue') && before.offsetHeight > 0 ? before.innerText : '';
    const head = t.querySelector('th, td');
    out.tables.push({scrolls: t.scrollWidth > t.clientWidth + 1, cue, tabindex: t.tabIndex,
                     name: head ? head.innerText.slice(0, 40) : ''});
  }
  return out;
}"""
NEXT_FRAMES = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"


def _open_everything(page) -> None:
    page.evaluate("document.querySelectorAll('.bd-article details').forEach((d) => { d.open = true; })")
    page.evaluate(NEXT_FRAMES)  # the table script measures in the frame after a resize


@pytest.mark.browser
@pytest.mark.parametrize("path", PAGES)
def test_page_fits_a_phone_and_every_wide_table_says_so(browser, site_url, path):
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site_url}/{path}")
        page.wait_for_load_state("networkidle")
        wait_for_widgets(page)
        _open_everything(page)
        view = page.evaluate(PHONE_VIEW)
        assert view["overflow"] <= 0, f"the page is {view['overflow']} px wider than a 375 px screen"
        for table in view["tables"]:
            if table["scrolls"]:
                assert "scroll" in table["cue"].lower(), f"table {table['name']!r} hides columns without a cue"
                assert table["tabindex"] == 0, f"table {table['name']!r} scrolls but has no keyboard stop"
            else:
                assert not table["cue"], f"table {table['name']!r} fits but says it scrolls"
        # WCAG 2.2 AA (target size included) over the whole page, dropdowns open, light and dark.
        assert wcag22_violations(page) == [], "light mode"
        use_dark_mode(page)
        assert wcag22_violations(page) == [], "dark mode"
    finally:
        page.close()


@pytest.mark.browser
def test_wide_table_cue_comes_with_the_narrow_screen_and_goes_with_the_wide_one(browser, site_url):
    """The meta-analysis table of the HAIP chapter (five columns) is wider than a phone."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{site_url}/book/chapters/haip.html")
        dropdown = page.locator("details", has=page.locator("summary", has_text="The meta-analyses side by side"))
        cue = dropdown.locator(".course-table-cue")
        assert cue.count() == 0  # closed: nothing measured, nothing shown
        dropdown.locator("summary").click()
        cue.wait_for(state="visible")
        assert cue.inner_text() == "Scroll the table sideways to see all its columns →"
        table = dropdown.locator("table")
        table.focus()
        page.keyboard.press("ArrowRight")  # scrolled by keyboard from its tab stop
        page.wait_for_function("t => t.scrollLeft > 0", arg=table.element_handle())
        page.set_viewport_size({"width": 1280, "height": 800})
        cue.wait_for(state="detached")
        assert table.get_attribute("tabindex") is None
        page.set_viewport_size({"width": 375, "height": 800})
        cue.wait_for(state="visible")
    finally:
        page.close()
