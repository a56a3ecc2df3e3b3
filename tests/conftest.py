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


def pytest_sessionfinish(session, exitstatus):
    # Close the widgets the tests created while ipywidgets is still intact; otherwise
    # their __del__ runs during interpreter shutdown and prints ignored exceptions.
    from ipywidgets import Widget

    Widget.close_all()
