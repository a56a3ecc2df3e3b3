"""The dual blood supply widget: Python reference, JavaScript port, and the built page."""

import itertools
import math

import pytest
import traitlets
from browser_support import ROOT, check_phone_and_dark, run_module_function, use_dark_mode, wait_for_widgets
from widget_page import bib_key_pattern, reader_text, wcag22_violations, widget_site

from widgets import BloodSupply
from widgets.blood_supply_model import PRESETS, SOURCES, regional_exposure
from widgets.sources import TAG_LEGEND, source_label

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
    for inputs, got in zip(grid, js, strict=True):
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


# ---------------------------------------------------------------- the widget on its own page (no build)
@pytest.fixture(scope="module")
def widget_url(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("blood"), {"blood": BloodSupply()}) as url:
        yield f"{url}/blood.html"


@pytest.mark.browser
def test_defaults_name_their_sources_and_explain_the_tags(browser, widget_url):
    page = browser.new_page()
    try:
        page.goto(widget_url)
        assert wait_for_widgets(page) == 1
        text = reader_text(page, ".bs-widget")
        assert not bib_key_pattern().findall(text)
        for default, key, tag, _ in SOURCES.values():
            if key:
                assert f"Default {default}: {source_label(key)} ({tag})" in text
        assert page.locator(".bs-legend").inner_text() == TAG_LEGEND
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_supply_shares_are_never_cut_and_the_bars_follow_dark_mode(browser, widget_url, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(widget_url)
        wait_for_widgets(page)
        values = page.locator(".bs-supply-values")
        assert values.all_inner_texts() == [
            "hepatic artery 20%, portal vein 80%",
            "hepatic artery 90%, portal vein 10%",
        ]
        widget_right = page.locator(".bs-widget").bounding_box()
        for i in range(values.count()):
            box = values.nth(i)
            assert box.evaluate("e => e.scrollWidth <= e.clientWidth"), "the shares are cut off"
            b = box.bounding_box()
            assert b["x"] >= 0 and b["x"] + b["width"] <= widget_right["x"] + widget_right["width"] + 0.5
        # Words inside a 20% segment were cut to "tery 20": the segments carry no text now.
        assert page.locator(".bs-supply-bar span").evaluate_all("s => s.map((x) => x.textContent)") == [""] * 4
        fills = "() => [...document.querySelectorAll('.bs-supply-bar span')].map((s) => getComputedStyle(s).backgroundColor)"
        light = page.evaluate(fills)
        use_dark_mode(page)
        dark = page.evaluate(fills)
        assert dark[0] != light[0] and dark[1] != light[1], "the supply bars keep their light-mode colours"
        want = page.evaluate("""() => { const w = document.querySelector('.bs-widget'); const probe = document.createElement('span');
            w.append(probe); const out = ['--bs-artery', '--bs-portal'].map((v) => { probe.style.color = `var(${v})`;
            return getComputedStyle(probe).color; }); probe.remove(); return out; }""")
        assert dark[:2] == want, "the bars should use the widget's dark-mode artery and portal colours"
        assert wcag22_violations(page, ".bs-widget") == []
    finally:
        page.close()


@pytest.mark.browser
def test_widget_alone_fits_375px_and_follows_dark_mode(browser, widget_url):
    check_phone_and_dark(browser, widget_url, ".bs-widget")
