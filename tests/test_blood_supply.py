"""The dual blood supply widget: Python reference, JavaScript port, and the built page."""
import itertools
import math

import pytest
import traitlets

from browser_support import check_phone_and_dark, ROOT, run_module_function, wait_for_widgets
from widgets import BloodSupply
from widgets.pharmacology import PRESETS, regional_exposure

PAGE = "book/chapters/dual-blood-supply.html"


def test_defaults_follow_the_floxuridine_preset():
    w = BloodSupply()
    assert (w.preset, w.a_tumour, w.a_normal, w.extraction) == ("floxuridine", 0.9, 0.2, 0.95)
    assert repr(w) == (
        "BloodSupply(preset='floxuridine', a_tumour=0.9, a_normal=0.2, flow=300.0, clearance=2000.0, extraction=0.95)"
    )


def test_preset_sets_extraction_and_invalid_values_are_refused():
    w = BloodSupply()
    w.preset = "fluorouracil"
    assert w.extraction == PRESETS["fluorouracil"].extraction
    with pytest.raises(traitlets.TraitError, match="preset must be one of"):
        w.preset = "cisplatin"
    with pytest.raises(traitlets.TraitError, match="extraction must be between"):
        w.extraction = 1.0
    with pytest.raises(traitlets.TraitError, match="flow must be between"):
        w.flow = 0


def test_model_moves_the_way_collins_and_ensminger_describe():
    base = dict(a_tumour=0.9, a_normal=0.2, flow=300, clearance=2000, extraction=0.95)
    r = regional_exposure(**base)
    assert r["advantage"] == pytest.approx(1 + 2000 / (300 * 0.05))
    assert regional_exposure(**{**base, "clearance": 4000})["advantage"] > r["advantage"]
    assert regional_exposure(**{**base, "flow": 600})["advantage"] < r["advantage"]
    assert regional_exposure(**{**base, "extraction": 0.5})["systemic"] == pytest.approx(0.5)
    # equal arterial shares: no tumour advantage over normal liver
    assert regional_exposure(**{**base, "a_tumour": 0.2})["tumour_to_normal"] == pytest.approx(1)
    with pytest.raises(ValueError, match="extraction"):
        regional_exposure(**{**base, "extraction": 1})


@pytest.mark.browser
def test_javascript_computes_what_python_computes(browser):
    grid = [
        dict(a_tumour=at, a_normal=an, flow=q, clearance=cl, extraction=e)
        for at, an, q, cl, e in itertools.product(
            [0.0, 0.5, 0.9, 1.0], [0.0, 0.2, 0.25, 1.0], [50, 300, 1500], [100, 2000, 10000], [0, 0.5, 0.95, 0.99]
        )
        if not (at == 0 and an == 0 and e == 1)  # keeps tumour/normal defined
    ]
    js = run_module_function(browser, ROOT / "widgets" / "blood_supply.js", "compute", grid)
    for inputs, got in zip(grid, js):
        want = regional_exposure(**inputs)
        for key, value in want.items():
            assert math.isclose(got[key], value, rel_tol=1e-12, abs_tol=1e-15), (inputs, key, got[key], value)


@pytest.mark.browser
def test_keyboard_moves_a_slider_and_the_numbers_follow(page, site_url):
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    widget = page.locator(".bs-widget")
    advantage = widget.locator("dt:has-text('Regional advantage') + dd")
    assert advantage.inner_text() == "134×"
    flow = widget.get_by_label("Hepatic arterial blood flow (mL/min)")
    flow.focus()
    for _ in range(30):  # 300 -> 600 mL/min in steps of 10
        page.keyboard.press("ArrowRight")
    assert widget.locator("output").nth(2).inner_text() == "600 mL/min"
    want = regional_exposure(0.9, 0.2, 600, 2000, 0.95)["advantage"]
    assert advantage.inner_text() == f"{want:.1f}×"  # 67.7×
    page.get_by_label("Fluorouracil (5-FU)").check()
    assert "illustrative" in widget.locator(".bs-note").inner_text()
    live = widget.locator("[aria-live=polite]")
    page.wait_for_function("el => el.textContent.includes('Regional advantage')", arg=live.element_handle())
    page.watch.assert_clean()


@pytest.mark.browser
def test_widget_is_readable_at_375px_and_in_dark_mode(browser, site_url):
    check_phone_and_dark(browser, f"{site_url}/{PAGE}", ".bs-widget")


def test_front_end_is_bundled_without_relative_imports():
    from widgets.base import bundle

    source = (ROOT / "widgets" / "blood_supply.js").read_text()
    assert 'from "./dom.js"' in source
    esm = BloodSupply()._esm
    assert "./dom.js" not in esm and "function el(" in esm and "export function el" not in esm
    assert bundle("const a = 1;") == "const a = 1;"
