"""The HAIP outcomes, DEBIRI sequencing and TARE activity widgets: Python references, JavaScript
ports and the built chapters, operated by keyboard."""

import itertools
import math

import pytest
import traitlets
from browser_support import ROOT, check_phone_and_dark, run_module_function, wait_for_widgets
from widget_page import bib_key_pattern, reader_text, wcag22_violations, widget_site

from widgets import debiri_sequencing as deb
from widgets.debiri_sequencing import DebiriSequencing
from widgets.sources import TAG_LEGEND, source_label
from widgets.tare_activity import CONSTANTS, TareActivity
from widgets.tare_activity_model import EXAMPLES, LIMITS, bsa_activity, bsa_dubois, lsf_reduction
from widgets.trial_outcomes import DEFAULT_TRIALS, TrialOutcomes, bar_scale, outcomes, p_reading
from widgets.trials import load_trials

HAIP, DEBIRI, TARE = ("book/chapters/haip.html", "book/chapters/debiri.html", "book/chapters/tare.html")


# ----------------------------------------------------------------- TARE (Python)


def test_tare_defaults_repr_and_validation():
    w = TareActivity()
    assert repr(w) == (
        "TareActivity(height=170.0, weight=70.0, tumour_volume=200.0, liver_volume=1500.0, "
        "lsf=8.0, prior_lung_dose=0.0)"
    )
    for name, (low, high) in LIMITS.items():
        with pytest.raises(traitlets.TraitError, match=f"{name} must be between"):
            setattr(w, name, high + 1)
        with pytest.raises(ValueError, match=name):
            bsa_activity(**{**_tare_defaults(), name: low - 1})


def _tare_defaults():
    return dict(height=170.0, weight=70.0, tumour_volume=200.0, liver_volume=1500.0, lsf=8.0, prior_lung_dose=0.0)


def test_bsa_method_follows_the_sources(monkeypatch):
    # Du Bois for 170 cm, 70 kg is about 1.81 m2 (the formula's published worked value).
    assert bsa_dubois(170, 70) == pytest.approx(1.81, abs=0.005)
    r = bsa_activity(**_tare_defaults())
    assert r["base_activity"] == pytest.approx(r["bsa"] - 0.2 + 200 / 1700)
    assert r["lung_dose"] == pytest.approx(50 * r["activity"] * 0.08 / 1.0)
    # LSF thresholds: above 10% -20%, above 15% -40%, above 20% no treatment.
    assert [lsf_reduction(x) for x in (10, 10.01, 15, 15.01, 20, 20.01)] == [0, 0.2, 0.2, 0.4, 0.4, 1.0]
    r16 = bsa_activity(**{**_tare_defaults(), "lsf": 16})
    assert r16["activity"] == pytest.approx(0.6 * r16["base_activity"])
    r21 = bsa_activity(**{**_tare_defaults(), "lsf": 21})
    assert (r21["treat"], r21["activity"], r21["lung_dose"]) == (False, 0.0, None)
    # Flags: above 30 Gy for one treatment, above 50 Gy cumulative.
    # With 1 kg of lung, the LSF reductions keep every allowed input below 30 Gy (the chapter says so) ...
    assert max(bsa_activity(**g)["lung_dose"] or 0 for g in _tare_grid()) < 30
    # ... so the single-treatment flag is checked with a smaller assumed lung mass.
    monkeypatch.setattr("widgets.tare_activity_model.LUNG_MASS_KG", 0.5)
    big = bsa_activity(height=200, weight=120, tumour_volume=2000, liver_volume=1000, lsf=19, prior_lung_dose=0)
    assert big["lung_dose"] > 30 and big["over_single_limit"]
    monkeypatch.undo()
    cum = bsa_activity(**{**_tare_defaults(), "lsf": 12, "prior_lung_dose": 45})
    assert cum["cumulative_lung_dose"] > 50 and cum["over_cumulative_limit"] and not cum["over_single_limit"]


def test_tare_examples_do_what_their_labels_say():
    r = {key: bsa_activity(**values) for key, (_, values) in EXAMPLES.items()}
    assert r["typical"]["reduction"] == 0
    assert r["shunt16"]["reduction"] == 0.4 and "40%" in EXAMPLES["shunt16"][0]
    assert not r["shunt22"]["treat"] and "not treated" in EXAMPLES["shunt22"][0]
    assert r["retreat"]["over_cumulative_limit"]
    assert r["large"]["tumour_fraction"] == 0.5


def _tare_grid():
    keys = ["height", "weight", "tumour_volume", "liver_volume", "lsf", "prior_lung_dose"]
    values = [
        [100, 163.5, 230],
        [30, 70, 250],
        [0, 55, 5000],
        [100, 1500, 5000],
        [0, 5, 10, 10.5, 15, 15.01, 20, 20.5, 60],
        [0, 25, 45.5],
    ]
    return [dict(zip(keys, combo, strict=True)) for combo in itertools.product(*values)]


@pytest.mark.browser
def test_tare_javascript_computes_what_python_computes(browser):
    grid = _tare_grid()
    js = run_module_function(
        browser, ROOT / "widgets" / "tare_activity.js", "compute", [{**g, "constants": CONSTANTS} for g in grid]
    )
    for inputs, got in zip(grid, js, strict=True):
        want = bsa_activity(**inputs)
        assert set(got) == set(want)
        for key, value in want.items():
            if isinstance(value, float):
                assert math.isclose(got[key], value, rel_tol=1e-12, abs_tol=1e-12), (inputs, key, got[key], value)
            else:
                assert got[key] == value, (inputs, key)


# ----------------------------------------------------------------- DEBIRI (Python)


def test_debiri_defaults_repr_and_validation():
    w = DebiriSequencing()
    assert repr(w) == "DebiriSequencing(strategy='both', rounds=2, checked=[], liver_share=100.0, involvement=30.0)"
    assert w.result()["rate"] == 90.5 and w.result()["per_hundred"] == 91
    w.strategy = "alternate"
    assert w.result()["sessions"] == [["right"], ["left"], ["right"], ["left"]]
    for trait, bad, words in [
        ("strategy", "random", "strategy must be"),
        ("rounds", 4, "rounds must be"),
        ("checked", ["aspirin"], "unknown checklist"),
        ("involvement", 101, "between 0 and 100"),
    ]:
        with pytest.raises(traitlets.TraitError, match=words):
            setattr(w, trait, bad)


def test_debiri_figures_match_the_trial_data():
    ffcd = next(t for t in load_trials() if t["id"] == "ffcd-1201")
    result = next(r for r in ffcd["results"] if "both lobes" in r["endpoint"])
    assert result["text"] == f"{deb.STRATEGIES['both']['rate']}% vs {deb.STRATEGIES['alternate']['rate']}%"
    assert result["source"] == "V" and ffcd["citation"] == deb.STRATEGIES["both"]["key"]
    assert deb.difference() == 37.7
    assert deb.eligibility(80, 60) == {"liver_dominant": True, "involvement_ok": True, "meets": True}
    assert deb.eligibility(79, 61)["meets"] is False


@pytest.mark.browser
def test_debiri_javascript_computes_what_python_computes(browser):
    js_file = ROOT / "widgets" / "debiri_sequencing.js"
    plans = [{"strategy": s, "rounds": n} for s in deb.STRATEGIES for n in deb.ROUNDS]
    assert run_module_function(browser, js_file, "schedule", plans) == [deb.schedule(**p) for p in plans]
    rates = [0, 0.5, 1.5, 2.5, 49.5, 52.8, 90.5, 99.4, 100]
    assert run_module_function(browser, js_file, "perHundred", rates) == [deb.per_hundred(r) for r in rates]
    cases = [{"liver_share": a, "involvement": b} for a in (0, 79.9, 80, 100) for b in (0, 60, 60.1, 100)]
    got = run_module_function(browser, js_file, "eligibility", [{**c, "thresholds": deb.ELIGIBILITY} for c in cases])
    assert got == [deb.eligibility(**c) for c in cases]


# ----------------------------------------------------------------- HAIP (Python)


def test_trial_outcomes_defaults_repr_and_validation():
    w = TrialOutcomes()
    assert repr(w) == "TrialOutcomes(trial='kemeny-1999', endpoint=0)"
    assert [d["id"] for d in w.data] == list(DEFAULT_TRIALS)
    with pytest.raises(traitlets.TraitError, match="trial must be one of"):
        w.trial = "sirflox"
    with pytest.raises(traitlets.TraitError, match="endpoint must be an index"):
        w.endpoint = 99
    with pytest.raises(ValueError, match="not in trials.yaml"):
        outcomes(load_trials(), ["no-such-trial"])


def test_trial_outcomes_carry_the_yaml_numbers_and_sources():
    trials = {t["id"]: t for t in load_trials()}
    for d in outcomes(list(trials.values())):
        t = trials[d["id"]]
        assert d["arms"] == t["arms"] and len(d["arm_labels"]) == len(t["arms"])
        for r in d["results"]:
            src = next(x for x in t["results"] if x["endpoint"] == r["endpoint"])
            assert (r["text"], r["values"], r["hr"], r["source"]) == (
                src["text"],
                src["values"],
                src["hr"],
                src["source"],
            )
            assert r["citation"] == (src.get("citation") or t["citation"])
    calgb = next(d for d in outcomes(list(trials.values())) if d["id"] == "calgb-9481")
    extra = next(r for r in calgb["results"] if r["endpoint"] == "Time to extrahepatic progression")
    assert extra["values"] == [7.7, 14.8] and "trade-off" in extra["note"]


def test_p_reading():
    assert p_reading("0.03").startswith("P = 0.03: below 0.05")
    assert p_reading("0.10").startswith("P = 0.10: not below 0.05")
    assert p_reading("< .001").startswith("P < .001: below")
    assert p_reading("0.05").startswith("P = 0.05: not below")
    assert p_reading(None).startswith("No P value")
    assert "excludes 1" in p_reading(None, 0.59, 0.76) and "includes 1" in p_reading(None, 0.8, 1.2)
    with pytest.raises(ValueError):
        p_reading("ns")


@pytest.mark.browser
def test_haip_bar_scale_in_javascript_matches_python(browser):
    cases = [
        {"unit": r["unit"], "values": r["values"]} for d in outcomes(load_trials()) for r in d["results"] if r["values"]
    ]
    cases += [{"unit": "months", "values": v} for v in ([1, 2], [9.1, None], [90.9, 3], [129, 51], [None, 400])]
    got = run_module_function(browser, ROOT / "widgets" / "trial_outcomes.js", "barScale", cases)
    assert got == [bar_scale(c["unit"], c["values"]) for c in cases]


# ----------------------------------------------------------------- built pages, by keyboard


def _wait_live(page, locator, text):
    page.wait_for_function("([el, t]) => el.textContent.includes(t)", arg=[locator.element_handle(), text])


@pytest.mark.browser
def test_haip_outcomes_by_keyboard(page, site_url):
    page.goto(f"{site_url}/{HAIP}")
    assert wait_for_widgets(page) >= 1
    widget = page.locator(".to-widget")
    data = outcomes(load_trials())
    first = data[0]["results"][0]
    bars = widget.locator(".to-chart .to-value")
    assert bars.all_text_contents() == [f"{v}%" for v in first["values"]]
    assert f"[{source_label(first['citation'])}, {first['source']}]" in widget.locator(".to-figures").inner_text()

    # Trial: choose CALGB 9481 from the select with the keyboard.
    select = widget.get_by_label("Trial")
    select.focus()
    index = [d["id"] for d in data].index("calgb-9481")
    for _ in range(index):
        page.keyboard.press("ArrowDown")
    assert select.input_value() == "calgb-9481"
    calgb = data[index]
    # Endpoint: Tab into the radio group, arrow down to extrahepatic progression.
    page.keyboard.press("Tab")
    target = [r["endpoint"] for r in calgb["results"]].index("Time to extrahepatic progression")
    for _ in range(target):
        page.keyboard.press("ArrowDown")
    assert widget.get_by_role("radio", name="Time to extrahepatic progression").is_checked()
    assert page.evaluate("document.activeElement.type") == "radio"  # focus stayed in the group
    assert bars.all_text_contents() == ["7.7 months", "14.8 months"]
    text = widget.inner_text()
    assert f"[{source_label('kemeny2006')}, V]" in text and "trade-off" in text
    assert not bib_key_pattern().search(text)
    assert "Randomised" in widget.locator(".to-design").inner_text()
    page.watch.assert_clean()


@pytest.mark.browser
def test_debiri_planner_by_keyboard(page, site_url):
    page.goto(f"{site_url}/{DEBIRI}")
    assert wait_for_widgets(page) >= 1
    widget = page.locator(".db-widget")
    result = widget.locator(".db-result")
    assert result.inner_text().startswith("90.5%") and f"[{source_label('ffcd1201')}, V]" in result.inner_text()
    assert widget.locator(".db-timeline .db-treated").count() == 4  # 2 sessions x 2 lobes
    widget.get_by_label("Both lobes in one session").focus()
    page.keyboard.press("ArrowDown")  # to "one lobe per session, alternating"
    assert widget.get_by_label("One lobe per session, alternating").is_checked()
    _wait_live(page, result, "52.8%")
    assert widget.locator(".db-timeline .db-tick").all_text_contents() == ["S1", "S2", "S3", "S4"]
    assert widget.locator(".db-timeline .db-treated").count() == 4  # 4 sessions x 1 lobe
    assert "37.7 percentage points" in widget.locator(".db-compare").inner_text()
    assert widget.locator(".db-icons .db-icon-on").count() == deb.per_hundred(52.8)
    # Checklist: tick two items with Space and read the count.
    widget.get_by_label(deb.CHECKLIST[0]["label"]).focus()
    page.keyboard.press("Space")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert widget.locator(".db-count").inner_text() == f"2 of {len(deb.CHECKLIST)} items ticked."
    # Eligibility: type a liver share below 80%.
    share = widget.get_by_label("Share of total tumour burden in the liver (%)")
    share.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("75")
    assert widget.locator(".db-elig li").first.inner_text().startswith("Does not meet")
    page.watch.assert_clean()


def _fmt(v, digits):
    return f"{v:.{digits}f}"


@pytest.mark.browser
def test_tare_calculator_by_keyboard(page, site_url):
    page.goto(f"{site_url}/{TARE}")
    assert wait_for_widgets(page) >= 1
    widget = page.locator(".ta-widget")
    assert "Teaching tool: illustrative, not for clinical use" in widget.locator(".ta-banner").inner_text()
    activity = widget.locator("dt:text-is('Activity (illustrative)') + dd")
    r = bsa_activity(**_tare_defaults())
    assert activity.inner_text() == f"{_fmt(r['activity'], 2)} GBq"

    # An example from the select, by keyboard: the second example cuts the activity by 40%.
    example = widget.get_by_label("Start from an illustrative example")
    example.focus()
    page.keyboard.press("ArrowDown")
    assert example.input_value() == "shunt16"
    assert activity.inner_text() == f"{_fmt(bsa_activity(**EXAMPLES['shunt16'][1])['activity'], 2)} GBq"
    page.keyboard.press("ArrowUp")
    assert activity.inner_text() == f"{_fmt(r['activity'], 2)} GBq"

    height = widget.get_by_label("Height (cm)")
    height.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("18")  # 18 cm is out of range: an error, and no result at all
    assert "Enter a number from 100 to 230" in widget.inner_text()
    assert activity.count() == 0 and widget.locator(".ta-steps li").count() == 0
    assert "No result while a value is out of range" in widget.locator(".ta-stopped").inner_text()
    page.keyboard.type("0")  # 180 cm
    page.keyboard.press("ArrowUp")  # 181 cm
    assert example.input_value() == ""  # now "your own values"
    inputs = {**_tare_defaults(), "height": 181.0}
    r = bsa_activity(**inputs)
    assert activity.inner_text() == f"{_fmt(r['activity'], 2)} GBq"
    steps = widget.locator(".ta-steps li").all_inner_texts()
    assert len(steps) == 6 and f"= {_fmt(r['bsa'], 2)} m²" in steps[0]
    assert f"[{source_label('vanroekel2020')}, S]" in steps[2] and not bib_key_pattern().search(" ".join(steps))

    lsf = widget.get_by_label("Lung shunt fraction (%)")
    lsf.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("16")
    r = bsa_activity(**{**inputs, "lsf": 16.0})
    assert activity.inner_text() == f"{_fmt(r['activity'], 2)} GBq"
    assert "reduce by 40%" in widget.locator(".ta-steps").inner_text()
    assert widget.locator("dt:text-is('Lung dose (illustrative)') + dd").inner_text() == f"{_fmt(r['lung_dose'], 1)} Gy"

    page.keyboard.press("Tab")  # prior lung dose
    page.keyboard.press("Control+A")
    page.keyboard.type("45")
    assert "Cumulative lung dose above 50 Gy" in widget.locator(".ta-flags").inner_text()

    lsf.focus()
    page.keyboard.press("Control+A")
    page.keyboard.type("21")
    assert activity.inner_text() == "not treated"
    assert "treatment would not be given" in widget.locator(".ta-flags").inner_text()
    live = widget.locator("[aria-live=polite]")
    _wait_live(page, live, "treatment would not be given")
    page.watch.assert_clean()


@pytest.mark.browser
@pytest.mark.parametrize("path, selector", [(HAIP, ".to-widget"), (DEBIRI, ".db-widget"), (TARE, ".ta-widget")])
def test_widgets_are_axe_clean_at_375px_and_in_dark_mode(browser, site_url, path, selector):
    check_phone_and_dark(browser, f"{site_url}/{path}", selector)


# ----------------------------------------------------------------- the widgets on their own pages (no build)
@pytest.fixture(scope="module")
def alone(tmp_path_factory):
    widgets = {"tare": TareActivity(), "debiri": DebiriSequencing(), "haip": TrialOutcomes()}
    with widget_site(tmp_path_factory.mktemp("modality"), widgets) as url:
        yield url


def _result_shown(widget):
    return {
        "numbers": widget.locator(".ta-numbers dd").count(),
        "steps": widget.locator(".ta-steps li").count(),
        "flags": widget.locator(".ta-flags li").count(),
        "stopped": widget.locator(".ta-stopped").is_visible(),
    }


NO_RESULT = {"numbers": 0, "steps": 0, "flags": 0, "stopped": True}


@pytest.mark.browser
@pytest.mark.parametrize("typed", ["18", "", "231", "-5"])
def test_tare_shows_no_result_while_an_input_is_invalid(browser, alone, typed):
    page = browser.new_page()
    try:
        page.goto(f"{alone}/tare.html")
        assert wait_for_widgets(page) == 1
        widget = page.locator(".ta-widget")
        assert _result_shown(widget) == {"numbers": 4, "steps": 6, "flags": 0, "stopped": False}
        height = widget.get_by_label("Height (cm)")
        height.focus()
        page.keyboard.press("Control+A")
        page.keyboard.press("Backspace")
        if typed:
            page.keyboard.type(typed)
        # No number is left on screen that could be read as the answer for the wrong input.
        assert _result_shown(widget) == NO_RESULT
        assert "1.81 m²" not in widget.inner_text() and "GBq" not in widget.locator(".ta-numbers").inner_text()
        assert height.get_attribute("aria-invalid") == "true"
        assert widget.get_by_label("Start from an illustrative example").input_value() == ""
        error = widget.locator(f"#{height.get_attribute('aria-describedby')}")
        assert error.inner_text() == "Enter a number from 100 to 230."
        stopped = widget.locator(".ta-stopped").inner_text()
        assert stopped == "No result while a value is out of range. Height (cm): Enter a number from 100 to 230."
        # Announced at once (the result's own announcement waits 300 ms).
        assert widget.locator(".ta-live").inner_text() == stopped
        # Changing another field does not bring a result back while height is wrong ...
        weight = widget.get_by_label("Weight (kg)")
        weight.focus()
        page.keyboard.press("ArrowUp")
        assert _result_shown(widget) == NO_RESULT
        assert height.input_value() == typed, "the entry to correct is kept as typed"
        # ... a valid height does, with the numbers for the values now on screen.
        height.focus()
        page.keyboard.press("Control+A")
        page.keyboard.type("170")
        r = bsa_activity(**{**_tare_defaults(), "weight": 71.0})
        assert _result_shown(widget) == {"numbers": 4, "steps": 6, "flags": 0, "stopped": False}
        assert (
            widget.locator("dt:text-is('Activity (illustrative)') + dd").inner_text() == f"{_fmt(r['activity'], 2)} GBq"
        )
        assert height.get_attribute("aria-invalid") is None
        page.wait_for_function(
            "el => el.textContent.startsWith('Illustrative activity')", arg=widget.locator(".ta-live").element_handle()
        )
    finally:
        page.close()


@pytest.mark.browser
def test_tare_example_replaces_an_invalid_entry_and_brings_the_result_back(browser, alone):
    page = browser.new_page()
    try:
        page.goto(f"{alone}/tare.html")
        wait_for_widgets(page)
        widget = page.locator(".ta-widget")
        lsf = widget.get_by_label("Lung shunt fraction (%)")
        lsf.fill("75")
        assert _result_shown(widget) == NO_RESULT
        widget.get_by_label("Start from an illustrative example").select_option("shunt16")
        assert lsf.input_value() == "16" and lsf.get_attribute("aria-invalid") is None
        r = bsa_activity(**EXAMPLES["shunt16"][1])
        assert (
            widget.locator("dt:text-is('Activity (illustrative)') + dd").inner_text() == f"{_fmt(r['activity'], 2)} GBq"
        )
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name, selector", [("tare", ".ta-widget"), ("debiri", ".db-widget"), ("haip", ".to-widget")])
def test_readers_see_source_names_never_keys(browser, alone, name, selector):
    page = browser.new_page()
    try:
        page.goto(f"{alone}/{name}.html")
        wait_for_widgets(page)
        widget = page.locator(selector)
        # Operate the widget a little so that other states are read too.
        for radio in widget.locator("input[type=radio]").all():
            radio.check()
            text = reader_text(page, selector)
            assert not bib_key_pattern().findall(text), bib_key_pattern().findall(text)
        text = reader_text(page, selector)
        assert "[" in text and not bib_key_pattern().findall(text)
        if name != "tare":  # the TARE note explains its own tags (S, standard, illustrative)
            assert TAG_LEGEND in text
        else:
            assert "S: from a secondary source" in text
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("name, selector", [("tare", ".ta-widget"), ("debiri", ".db-widget"), ("haip", ".to-widget")])
def test_widgets_alone_fit_375px_follow_dark_mode_and_pass_wcag22(browser, alone, name, selector):
    def make_tare_invalid(page):
        if name == "tare":
            page.locator(".ta-widget").get_by_label("Height (cm)").fill("18")

    check_phone_and_dark(browser, f"{alone}/{name}.html", selector, before=make_tare_invalid)
    page = browser.new_page(viewport={"width": 375, "height": 800})
    try:
        page.goto(f"{alone}/{name}.html")
        wait_for_widgets(page)
        make_tare_invalid(page)
        assert wcag22_violations(page, selector) == []
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        assert wcag22_violations(page, selector) == []
    finally:
        page.close()
