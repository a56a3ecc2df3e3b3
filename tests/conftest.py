import inspect
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
from browser_support import CHROMIUM, CHROMIUM_ARGS, EXAM_SITE, SITE, PageWatch, serve  # noqa: E402


def _need_site(folder: Path) -> Path:
    if not (folder / "index.html").exists():
        pytest.fail(f"no built site at {folder}: run  python3 course.py build  (or course.py test)")
    return folder


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def site_url():
    with serve(_need_site(SITE)) as url:
        yield url


@pytest.fixture(scope="session")
def exam_site_url():
    with serve(_need_site(EXAM_SITE)) as url:
        yield url


@pytest.fixture
def context(browser):
    ctx = browser.new_context(accept_downloads=True)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context, site_url):
    page = context.new_page()
    page.watch = PageWatch(page, site_url)
    yield page
    page.close()


# Fixtures that need a built site (and, for the last four, Chromium).
SITE_FIXTURES = {"site_url", "exam_site_url", "browser", "context", "page"}
BROWSER_FIXTURES = {"browser", "context", "page"}
# Names whose use in a test's own source means it reads the built site's files.
SITE_NAMES = re.compile(r"\b(SITE|EXAM_SITE|site_pages|built_pages)\b")
# A test that runs Jupyter Book itself (a small book of its own) takes tens of seconds.
BUILD_NAMES = re.compile(r"\"jupyter-book\"|\bbuild_site\(")


CALLS = re.compile(r"\b([A-Za-z_]\w*)\(")


def _source_reads_site(function, module, depth: int = 3, names: re.Pattern = SITE_NAMES) -> bool:
    """The function's own source matches `names` (by default: it names the site), or a helper of
    the same module that it calls (a few levels deep) does."""
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    if names.search(source):
        return True
    if depth == 0:
        return False
    for name in set(CALLS.findall(source)) - {function.__name__}:
        helper = getattr(module, name, None)
        if (
            inspect.isfunction(helper)
            and helper.__module__ == module.__name__
            and _source_reads_site(helper, module, depth - 1, names)
        ):
            return True
    return False


def _reads_site(item) -> bool:
    fixtures = set(getattr(item, "fixturenames", ()))
    if fixtures & SITE_FIXTURES:
        return True
    function, module = getattr(item, "function", None), getattr(item, "module", None)
    if function is None or module is None:
        return False
    if _source_reads_site(function, module):
        return True
    # Fixtures of the test's own module that read the site (e.g. a module-scoped page list).
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(
        d.func.__module__ == module.__name__ and _source_reads_site(d.func, module)
        for name in fixtures
        for d in definitions.get(name, ())
    )


def pytest_collection_modifyitems(config, items):
    """Mark what each test needs, so that `course.py test --quick` can leave out the slow lanes.

    `site`: reads the built site (a fixture, or SITE in its body, its module's helpers it calls or
    its module's fixtures); `browser`: drives Chromium;
    `live`: starts a real Jupyter server. A test that reads the site through a helper this scan
    cannot see fails loudly in the quick lane (its COURSE_SITE points nowhere): mark it by hand.
    """
    for item in items:
        fixtures = set(getattr(item, "fixturenames", ()))
        if fixtures & BROWSER_FIXTURES:
            item.add_marker(pytest.mark.browser)
        executed_notebook = item.path.suffix == ".ipynb"  # nbval cells of the built book
        if executed_notebook or item.get_closest_marker("browser") or _reads_site(item):
            item.add_marker(pytest.mark.site)
        if "lab" in fixtures:
            item.add_marker(pytest.mark.live)
        function, module = getattr(item, "function", None), getattr(item, "module", None)
        if function is not None and module is not None and _source_reads_site(function, module, names=BUILD_NAMES):
            item.add_marker(pytest.mark.build)


def pytest_sessionfinish(session, exitstatus):
    # Close the widgets the tests created while ipywidgets is still intact; otherwise
    # their __del__ runs during interpreter shutdown and prints ignored exceptions.
    # A light environment (the quick lane without ipywidgets) has nothing to close.
    widgets = sys.modules.get("ipywidgets")
    if widgets is not None:
        widgets.Widget.close_all()
