"""The accessibility checks the browser tests rely on find what they exist to find: a page that
passes them passes because it is clean, not because axe looked at nothing."""

import pytest
from browser_support import serious_axe_violations
from widget_page import wcag22_violations

# Pale text, an input with no name, and a 10 px button: a contrast failure and a missing label
# (serious and critical), and a target too small for WCAG 2.2 AA.
FAULTY = """<!doctype html><html lang="en"><head><title>faulty</title></head><body><main>
<p style="color:#bbb;background:#fff">Pale text that no reader can see well.</p>
<p id="ok">A fine paragraph.</p>
<input type="text">
<button style="width:10px;height:10px;padding:0;border:0" aria-label="Tiny"></button>
<button style="width:10px;height:10px;padding:0;border:0;margin-left:-2px" aria-label="Tinier"></button>
</main></body></html>"""


@pytest.mark.browser
def test_axe_reports_serious_findings_and_the_wcag22_run_adds_target_size(browser):
    page = browser.new_page()
    try:
        page.set_content(FAULTY)
        found = " ".join(serious_axe_violations(page))
        assert "color-contrast (serious)" in found and "label (critical)" in found
        assert "target-size" not in found  # not among axe's defaults
        assert "target-size (serious)" in " ".join(wcag22_violations(page))
        assert serious_axe_violations(page, "#ok") == []  # a clean part of the page is clean
    finally:
        page.close()
