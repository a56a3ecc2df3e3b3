"""Issue 16: the whole course offline after one visit, and a new build replacing the old one.

The service worker (book/_static/service-worker.js, written to the site root with its build
version by book/_ext/course_assets.py) precaches the site on the first visit. Tested here:
- on the built course: one visit, then offline (context.set_offline), every page opens from
  the precache, every widget mounts, a widget is used, a quiz question is answered, search
  finds pages; nothing is asked of any other origin; the LMS downloads are not precached
  but come on demand (and then work offline);
- on a small book built with the course's _config.yml and book/_ext: after a rebuild with a
  changed page, the page shows "A new version ... is available" (accessible, axe-clean),
  Reload shows the new page, and the old version's cache is gone;
- where service workers are unavailable (blocked; file://) the pages still work.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import unquote

import pytest
from browser_support import (
    SITE,
    exercise_widgets,
    serious_axe_violations,
    serve,
    site_pages,
    use_dark_mode,
    wait_for_widgets,
)
from small_book import build_small_book

VIEW = 'script[type="application/vnd.jupyter.widget-view+json"]'
READY = "navigator.serviceWorker.ready.then((r) => r.active.scriptURL)"


def precache_of(site: Path) -> tuple[str, list[str]]:
    """(version, files) as written into the site's service-worker.js."""
    text = (site / "service-worker.js").read_text(encoding="utf-8")
    version = re.search(r'const VERSION = "([0-9a-f]+)";', text).group(1)
    files = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", text, re.S).group(1))
    return version, [unquote(f) for f in files]


def cache_names(page) -> list[str]:
    return page.evaluate("caches.keys()")


def cached_paths(page, origin: str) -> set[str]:
    """Every file in this origin's caches, as a path relative to the site root."""
    urls = page.evaluate("""async () => {
        const out = [];
        for (const name of await caches.keys())
            for (const request of await (await caches.open(name)).keys()) out.push(request.url);
        return out; }""")
    return {unquote(u[len(origin) + 1 :]) for u in urls}


def console_errors(page) -> list[str]:
    errors: list[str] = []
    page.on(
        "console",
        lambda m: m.type == "error" and errors.append(m.text),
    )
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    return errors


def first_visit(context, site_url: str, path: str = "book/intro.html"):
    """Open one page and wait until the service worker controls it with the whole precache."""
    page = context.new_page()
    page.goto(f"{site_url}/{path}")
    assert page.evaluate(READY) == f"{site_url}/service-worker.js"  # the root scope
    page.wait_for_function("navigator.serviceWorker.controller !== null")
    return page


# ------------------------------------------------------------------ the built course
def test_the_precache_is_the_whole_site_but_the_downloads():
    version, files = precache_of(SITE)
    assert re.fullmatch(r"[0-9a-f]{16}", version)
    assert len(files) == len(set(files))
    assert all((SITE / f).is_file() for f in files), "the worker lists a file the site does not have"
    assert not [f for f in files if f.startswith("downloads/")], "LMS exports must not be precached"
    everything = {p.relative_to(SITE).as_posix() for p in SITE.rglob("*") if p.is_file()}
    pages = {p for p in everything if p.endswith(".html") and not p.startswith("_sources/")}
    assert pages <= set(files), f"pages missing from the precache: {sorted(pages - set(files))}"
    needed = {
        "searchindex.js",
        "_static/widget-runtime.js",
        "_static/course-offline.js",
        "_static/searchtools.js",
        "_static/styles/pydata-sphinx-theme.css",
    }
    assert needed <= set(files)
    static = {p for p in everything if p.startswith("_static/")}
    assert static <= set(files), f"assets missing from the precache: {sorted(static - set(files))}"
    assert "service-worker.js" not in files and not (SITE / "_static" / "service-worker.js").exists()


@pytest.mark.browser
def test_after_one_visit_every_page_works_offline(browser, site_url):
    context = browser.new_context()
    requests: list[str] = []
    context.on("request", lambda r: requests.append(r.url))  # the worker's own fetches too
    try:
        page = first_visit(context, site_url)
        errors = console_errors(page)
        _, files = precache_of(SITE)
        assert cached_paths(page, site_url) == set(files)
        context.set_offline(True)
        for path in site_pages(SITE) + ["search.html"]:
            response = page.goto(f"{site_url}/{path}")
            assert response.ok and response.from_service_worker, path
            assert page.locator("main h1:visible").count() == 1, path
            views = page.locator(VIEW).count()
            assert wait_for_widgets(page) == views, f"{path}: not every widget mounted offline"
            assert not page.locator(".widget-fallback").count(), f"{path}: a widget shows its failure notice"
            # the icons are drawn (inline SVG: nothing to fetch)
            assert page.locator("button.theme-switch-button svg.svg-inline--fa").count() == 3, path

        # a widget: its output changes when its controls are used
        page.goto(f"{site_url}/book/chapters/dual-blood-supply.html")
        assert wait_for_widgets(page) >= 1
        widget = page.locator(".course-widget").first
        before = widget.inner_text()
        assert exercise_widgets(page) > 0
        assert widget.inner_text() != before, "the widget did not respond offline"

        # a quiz question, answered and checked
        page.goto(f"{site_url}/book/chapters/quiz-settings.html")
        assert wait_for_widgets(page) == 1
        question = page.locator(".qz-question").first
        question.locator(".qz-option input").first.check()
        question.locator(".qz-check").click()
        assert question.locator(".qz-verdict").inner_text().startswith("Question 1: ")
        assert any(
            k.startswith("crlm-quiz") and "answers" in (v or "")
            for k, v in page.evaluate("Object.entries(localStorage)")
        ), "the answer was not kept"

        # search, from the precached index
        page.goto(f"{site_url}/search.html?q=radioembolization")
        page.wait_for_selector("#search-results ul.search li", timeout=15_000)
        assert page.locator("#search-results ul.search li").count() > 0
        assert errors == [], errors
    finally:
        context.close()
    foreign = [u for u in requests if not u.startswith((site_url, "data:", "blob:"))]
    assert foreign == [], f"requests outside the site: {foreign[:5]}"
    assert not [u for u in requests if "/downloads/" in u], "downloads were fetched without being asked for"


@pytest.mark.browser
def test_downloads_come_on_demand_and_then_work_offline(browser, site_url):
    context = browser.new_context(accept_downloads=True)
    try:
        page = first_visit(context, site_url, "book/chapters/educator-guide.html")
        page.reload()  # now controlled: the click goes through the worker
        link = page.locator('a[href$="downloads/moodle/quiz-settings.xml"]').first
        expected = (SITE / "downloads" / "moodle" / "quiz-settings.xml").read_bytes()
        for offline in (False, True):
            context.set_offline(offline)
            with page.expect_download() as info:
                link.click()
            assert Path(info.value.path()).read_bytes() == expected, f"offline={offline}"
    finally:
        context.close()


@pytest.mark.browser
def test_blocked_service_workers_leave_the_site_working(browser, site_url):
    context = browser.new_context(service_workers="block")
    try:
        page = context.new_page()
        errors = console_errors(page)
        for path in ("book/intro.html", "book/chapters/haip.html", "book/chapters/quiz-haip.html"):
            page.goto(f"{site_url}/{path}")
            assert wait_for_widgets(page) == page.locator(VIEW).count()
            assert page.evaluate("navigator.serviceWorker === undefined || navigator.serviceWorker.controller === null")
        assert errors == []
    finally:
        context.close()


@pytest.mark.browser
def test_file_pages_register_nothing_and_draw_their_icons(browser):
    page = browser.new_page()
    try:
        errors = console_errors(page)
        page.goto((SITE / "book" / "glossary.html").as_uri())
        page.wait_for_load_state("load")
        page.wait_for_timeout(300)
        # file:// has no service workers (getRegistrations() would throw): the script stands aside
        assert page.evaluate("!navigator.serviceWorker || navigator.serviceWorker.controller === null")
        icons = page.locator("svg.svg-inline--fa")
        assert icons.count() >= 8 and page.locator("svg.svg-inline--fa:visible").count() >= 4
        assert errors == []
    finally:
        page.close()


# ------------------------------------------------------------------ a rebuild replaces the old version
PAGE_ONE = """# First page

The edition marker: {edition}.

:::{{note}}
A note, so that the page has an admonition icon.
:::
"""
PAGE_TWO = """# Second page

Nothing changes here.
"""


@pytest.mark.browser
def test_a_new_build_replaces_the_old_version(browser, tmp_path):
    folder = tmp_path / "book"
    pages = {"one": PAGE_ONE.format(edition="first edition"), "two": PAGE_TWO}
    site = build_small_book(folder, pages)
    old_version, _ = precache_of(site)
    with serve(site) as url:
        context = browser.new_context()
        try:
            page = first_visit(context, url, "book/one.html")
            assert cache_names(page) == [f"crlm-course {url}/ {old_version}"]
            assert "first edition" in page.locator("main").inner_text()

            pages["one"] = PAGE_ONE.format(edition="second edition")
            build_small_book(folder, pages)  # the same folder, as a deploy would
            new_version, _ = precache_of(site)
            assert new_version != old_version

            page.goto(f"{url}/book/two.html")  # any page: the browser checks the worker
            notice = page.locator("#course-update")
            notice.wait_for(state="visible", timeout=30_000)
            assert notice.get_attribute("role") == "status" and notice.get_attribute("aria-live") == "polite"
            assert notice.inner_text().startswith("A new version of this course is available.")
            assert serious_axe_violations(page) == []
            use_dark_mode(page)
            assert serious_axe_violations(page) == [], "the notice in dark mode"
            page.get_by_role("button", name="Later").click()
            assert not notice.count()
            # until the reader agrees, the old version goes on serving (no page changes under them)
            page.goto(f"{url}/book/one.html")
            assert "first edition" in page.locator("main").inner_text()
            assert f"crlm-course {url}/ {old_version}" in cache_names(page)
            notice.wait_for(state="visible", timeout=30_000)  # offered again on the next page
            with page.expect_navigation():
                page.get_by_role("button", name="Reload").click()
            page.wait_for_load_state("load")
            assert "second edition" in page.locator("main").inner_text()
            page.wait_for_function(f"caches.keys().then(k => k.length === 1 && k[0].endsWith({new_version!r}))")
            assert not page.locator("#course-update").count()
            context.set_offline(True)  # and the new version is the one kept
            page.goto(f"{url}/book/one.html")
            assert "second edition" in page.locator("main").inner_text()
        finally:
            context.close()
