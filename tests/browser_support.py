"""Helpers for the browser tests: serve a built site, drive Debian's Chromium, run axe."""

from __future__ import annotations

import functools
import http.server
import os
import threading
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SITE = Path(os.environ.get("COURSE_SITE", ROOT / "_build" / "html"))
EXAM_SITE = Path(os.environ.get("COURSE_EXAM_SITE", ROOT / "_build" / "exam" / "_build" / "html"))
CHROMIUM = os.environ.get("COURSE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@contextmanager
def serve(folder: Path):
    handler = functools.partial(QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def site_pages(site: Path = SITE) -> list[str]:
    """Every content page of the built book, as paths relative to the site root."""
    return sorted(p.relative_to(site).as_posix() for p in (site / "book").rglob("*.html"))


class PageWatch:
    """Records what a page does wrong: foreign or failed requests, console errors."""

    def __init__(self, page, origin: str):
        self.origin = origin
        self.foreign: list[str] = []
        self.failed: list[str] = []
        self.errors: list[str] = []
        page.route("**/*", self._route)
        page.on("requestfailed", lambda r: self.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})"))
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _route(self, route):
        url = route.request.url
        if url.startswith(self.origin) or url.startswith(("data:", "blob:")):
            route.continue_()
        else:
            self.foreign.append(url)
            route.abort()

    def _console(self, msg):
        if msg.type == "error":
            self.errors.append(msg.text)

    def assert_clean(self):
        assert not self.foreign, f"requests outside the site: {self.foreign}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert not self.errors, f"console errors: {self.errors}"


# WCAG 2.2 AA: axe leaves its 2.2 rule (target size) out of its defaults, so it is asked for by tag.
WCAG22_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_results(page, context=None, wcag22: bool = False, rules: dict | None = None) -> dict:
    """axe's response for the page (or the part `context`): its default rules, or only WCAG 2.2 AA."""
    from axe_playwright_python.sync_playwright import Axe

    # preload off: axe would re-fetch stylesheets and resolve their @import against the page URL,
    # asking the server for files that do not exist. Violations come back whole; passes name their
    # rule with one node each, which halves the run on a large page.
    options: dict = {"preload": False, "resultTypes": ["violations"]}
    if wcag22:
        options["runOnly"] = {"type": "tag", "values": WCAG22_TAGS}
    if rules:
        options["rules"] = rules
    return Axe().run(page, context=context, options=options).response


def serious_lines(violations: list[dict]) -> list[str]:
    """The serious and critical ones of axe's violations, one line each."""
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:5]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def serious_axe_violations(page, context=None, wcag22: bool = False) -> list[str]:
    """axe's serious and critical findings on the page (or the part `context`), one line each."""
    return serious_lines(axe_results(page, context, wcag22)["violations"])


def use_dark_mode(page) -> None:
    """Switch the theme to dark as its own toggle does, and let colour transitions finish."""
    page.evaluate("document.documentElement.dataset.theme = 'dark'; document.documentElement.dataset.mode = 'dark'")
    page.wait_for_timeout(600)


def wait_for_widgets(page, timeout: float = 10_000) -> int:
    """Wait until the widget runtime has mounted every widget on the page."""
    if not page.locator('script[type="application/vnd.jupyter.widget-view+json"]').count():
        return 0
    page.wait_for_function("document.documentElement.dataset.widgetsMounted !== undefined", timeout=timeout)
    return int(page.evaluate("document.documentElement.dataset.widgetsMounted"))


def open_page(context, url: str):
    """A new page of this context at url, watched (PageWatch) and with its widgets drawn."""
    page = context.new_page()
    page.watch = PageWatch(page, url.split("/chapters")[0])
    page.goto(url)
    wait_for_widgets(page)
    return page


# One-argument forms of widget functions that take several arguments (tests only).
ADAPTERS = ROOT / "tests" / "js" / "adapters.js"


def run_module_function(browser, module_file: Path, function: str, inputs: list) -> list:
    """Import an ES module of the repository in the test browser and call `function` on each input.

    Used to check that a widget's JavaScript computes what its Python reference does. The whole
    repository is served, so a module may import from other folders (ADAPTERS imports widgets/).
    """
    with serve(ROOT) as url:
        page = browser.new_page()
        try:
            page.goto(f"{url}/")
            return page.evaluate(
                """async ([src, fn, inputs]) => {
                    const mod = await import(src);
                    return inputs.map((x) => mod[fn](x));
                }""",
                [f"{url}/{module_file.resolve().relative_to(ROOT).as_posix()}", function, inputs],
            )
        finally:
            page.close()


# The key a keyboard user would press on a control, or null when it is hidden, disabled or a
# button that does more than reveal or check (only those marked data-safe-to-press are pressed).
# It focuses the control it names: one round trip per control instead of six.
FOCUS_FOR_KEY = """(e) => {
  const box = e.getBoundingClientRect();
  if (!box.width || !box.height || getComputedStyle(e).visibility === 'hidden') return null;
  if (e.disabled || e.closest('fieldset[disabled]')) return null;
  const kind = (e.getAttribute('type') || e.tagName).toLowerCase();
  const key = {range: 'ArrowRight', number: 'ArrowUp', radio: 'Space', checkbox: 'Space', select: 'ArrowDown'}[kind]
    || (['button', 'submit'].includes(kind) && e.hasAttribute('data-safe-to-press') ? 'Enter' : null);
  if (key) e.focus();
  return key;
}"""


def exercise_widgets(page) -> int:
    """Operate every control of every mounted widget as a keyboard user would.

    Ranges get an arrow key, radios and checkboxes are toggled with Space, and
    buttons that only reveal or check things are pressed with Enter. Each control is
    looked at when its turn comes, since pressing one can show, hide or disable others.
    Returns the number of controls used, so a test can insist that something was operated.
    """
    used = 0
    controls = page.locator(".course-widget input, .course-widget select, .course-widget button")
    for i in range(controls.count()):
        key = controls.nth(i).evaluate(FOCUS_FOR_KEY)
        if key:
            page.keyboard.press(key)
            used += 1
    return used


def assert_axe_clean(browser, url: str) -> None:
    """The page, freshly opened at the default (desktop) width with its widgets mounted, has no
    serious or critical axe violation."""
    page = browser.new_page()
    try:
        page.goto(url)
        wait_for_widgets(page)
        assert serious_axe_violations(page) == []
    finally:
        page.close()


def check_phone_and_dark(browser, url: str, selector: str, before=None, audit=None) -> None:
    """The widget fits a 375 px screen, follows the dark theme, and stays axe-clean in both.
    `audit(page)`, if given, runs in light and again in dark mode (e.g. a WCAG 2.2 check)."""
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(url)
        wait_for_widgets(page)
        if before:
            before(page)
        widget = page.locator(selector).first
        assert widget.bounding_box()["width"] <= 375
        assert widget.evaluate("el => el.scrollWidth - el.clientWidth") <= 1
        assert (
            widget.evaluate(
                "el => Math.max(...[el, ...el.querySelectorAll('*')].map((n) => n.getBoundingClientRect().right))"
            )
            <= 375
        ), "something inside the widget sticks out past the screen"
        assert serious_axe_violations(page) == []
        if audit:
            audit(page)
        light = widget.evaluate("el => getComputedStyle(el).color")
        use_dark_mode(page)
        assert widget.evaluate("el => getComputedStyle(el).color") != light, "the widget ignores dark mode"
        assert serious_axe_violations(page) == [], "in dark mode"
        if audit:
            audit(page)
    finally:
        page.close()
