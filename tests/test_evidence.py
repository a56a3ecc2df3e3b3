"""The evidence explorer: the trial data, the filter and forest-plot logic, and the built page."""

import copy

import pytest
import traitlets
from browser_support import ROOT, check_phone_and_dark, run_module_function, wait_for_widgets
from widget_page import bib_key_pattern, check_alone_on_a_phone, reader_text, widget_site

from widgets.evidence import EvidenceExplorer, all_filter_combinations, filter_trials, forest_axis, forest_rows
from widgets.sources import TAG_LEGEND, source_label
from widgets.trials import MODALITY_LABELS, TRIAL_SETTINGS, bib_keys, check_trials, cited_keys, load_trials

PAGE = "book/chapters/evidence.html"
JS = ROOT / "widgets" / "evidence.js"


@pytest.fixture(scope="module")
def trials():
    return load_trials()


def test_trials_yaml_passes_the_checks(trials):
    assert trials, "book/data/trials.yaml has no trials"
    assert check_trials(trials, bib_keys()) == []
    assert {t["modality"] for t in trials} <= set(MODALITY_LABELS)


def test_the_checker_catches_bad_data(trials):
    bad = copy.deepcopy(trials[:1])
    bad[0]["modality"] = "surgery"
    bad[0]["citation"] = "nosuchkey"
    bad[0]["results"] = [{"endpoint": "x", "text": "x", "hr": 0.5, "ci_low": 0.6, "ci_high": 0.9, "source": "S"}]
    problems = "\n".join(check_trials(bad, bib_keys()))
    for words in ("unknown modality", "not in references.bib", "CI must surround the HR", "only when verified"):
        assert words in problems


def test_widget_defaults_validation_and_repr():
    w = EvidenceExplorer()
    assert repr(w) == "EvidenceExplorer(modalities=['haip', 'tace', 'tare'], setting='all')"
    assert len(w.shown()) == len(w.trials)
    w.modalities = ["tare"]
    w.setting = "first-line"
    assert w.shown() and all(
        t["modality"] == "tare" and t["setting"] == "first-line" for t in w.trials if t["id"] in w.shown()
    )
    with pytest.raises(traitlets.TraitError, match="unknown modalities"):
        w.modalities = ["surgery"]
    with pytest.raises(traitlets.TraitError, match="setting must be"):
        w.setting = "second-line"


def test_forest_rows_are_exactly_the_hrs_with_cis(trials):
    rows = forest_rows(trials)
    want = [
        (t["id"], r["hr"], r["ci_low"], r["ci_high"])
        for t in trials
        for r in t["results"]
        if r.get("hr") is not None and r.get("ci_low") is not None and r.get("ci_high") is not None
    ]
    assert [(r["trial"], r["hr"], r["ci_low"], r["ci_high"]) for r in rows] == want
    assert all(r["ci_low"] < r["hr"] < r["ci_high"] for r in rows)
    axis = forest_axis(rows)
    assert axis["lo"] <= min(r["ci_low"] for r in rows) and axis["hi"] >= max(r["ci_high"] for r in rows)
    assert forest_axis([{"ci_low": 0.1, "ci_high": 5}]) == {
        "lo": 0.0625,
        "hi": 8.0,
        "ticks": [0.0625, 0.125, 0.25, 0.5, 1.0, 2.0, 4.0, 8.0],
    }


@pytest.mark.browser
def test_javascript_filters_like_python_on_every_combination(browser, trials):
    combos = all_filter_combinations()
    assert len(combos) == 2 ** len(MODALITY_LABELS) * (len(TRIAL_SETTINGS) + 1)
    inputs = [{"trials": trials, "modalities": m, "setting": s} for m, s in combos]
    got = run_module_function(browser, JS, "filterTrials", inputs)
    for (m, s), ids in zip(combos, got, strict=True):
        assert ids == filter_trials(trials, m, s), (m, s)
    # the grid is not trivial: some combinations show nothing, some show everything
    assert any(not ids for ids in got) and any(len(ids) == len(trials) for ids in got)


@pytest.mark.browser
def test_javascript_forest_rows_and_axis_match_python(browser, trials):
    subsets = [trials, trials[:8], [t for t in trials if t["modality"] == "tare"], []]
    got = run_module_function(browser, JS, "forestRows", [{"trials": s} for s in subsets])
    assert got == [forest_rows(s) for s in subsets]
    grids = [forest_rows(trials), [{"ci_low": 0.3, "ci_high": 1.5}], [{"ci_low": 0.05, "ci_high": 9}], []]
    axes = run_module_function(browser, JS, "forestAxis", grids)
    assert axes == [forest_axis(g) for g in grids]


def _visible_names(widget):
    return widget.locator(".ev-list .ev-trial .ev-name").all_inner_texts()


@pytest.mark.browser
def test_keyboard_filters_and_the_count_and_names_follow(page, site_url, trials):
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    widget = page.locator(".ev-widget")
    count = widget.locator(".ev-count")
    assert count.inner_text() == f"Showing {len(trials)} of {len(trials)} trials and studies."
    assert _visible_names(widget) == [t["name"] for t in trials]

    # Untick HAIP with the keyboard, then choose a setting from the select with arrow keys.
    widget.get_by_label("HAIP").focus()
    page.keyboard.press("Space")
    want = filter_trials(trials, ["tace", "tare"], "all")
    assert count.inner_text() == f"Showing {len(want)} of {len(trials)} trials and studies."
    page.keyboard.press("Tab")  # DEBIRI-TACE
    page.keyboard.press("Tab")  # TARE
    page.keyboard.press("Tab")  # Setting
    assert page.evaluate("document.activeElement.tagName") == "SELECT"
    page.keyboard.press("ArrowDown")  # All settings -> Adjuvant
    page.keyboard.press("ArrowDown")  # -> First line
    setting = widget.locator("select").input_value()
    assert setting == list(TRIAL_SETTINGS)[1] == "first-line"
    want = filter_trials(trials, ["tace", "tare"], "first-line")
    names = {t["id"]: t["name"] for t in trials}
    assert count.inner_text() == f"Showing {len(want)} of {len(trials)} trials and studies."
    assert _visible_names(widget) == [names[i] for i in want]
    assert "aria-live" in widget.locator(".ev-count").evaluate("el => el.getAttributeNames().join(' ')")

    # Open one trial from the keyboard and read its fields.
    widget.locator(".ev-trial summary").first.focus()
    page.keyboard.press("Enter")
    first = widget.locator(".ev-trial").first
    assert first.locator("details").get_attribute("open") is not None
    trial = next(t for t in trials if t["id"] == want[0])
    assert trial["limits"] in first.inner_text()
    page.watch.assert_clean()


@pytest.mark.browser
def test_forest_plot_shows_exactly_the_verified_hrs(page, site_url, trials):
    page.goto(f"{site_url}/{PAGE}")
    wait_for_widgets(page)
    rows = page.locator(".ev-forest .ev-frow[data-trial]")
    want = forest_rows(trials)
    assert rows.count() == len(want)
    for i, r in enumerate(want):
        text = rows.nth(i).inner_text()
        assert rows.nth(i).get_attribute("data-trial") == r["trial"]
        assert f"HR {r['hr']} (95% CI {r['ci_low']} to {r['ci_high']})" in text
        # The source by name (never its bibliography key) and its V/S tag.
        assert f"[{source_label(r['citation'])}, {r['source']}]" in text
        assert not bib_key_pattern().search(text), text
    # Every HR drawn lies within its interval on the plot, and the line at 1 is drawn.
    geometry = page.evaluate("""() => [...document.querySelectorAll('.ev-forest .ev-frow[data-trial]')].map((row) => {
        const ci = row.querySelector('.ev-ci'), pt = row.querySelector('.ev-point'), one = row.querySelector('.ev-one');
        const cx = Number(pt.getAttribute('x')) + Number(pt.getAttribute('width')) / 2;
        return [Number(ci.getAttribute('x1')), cx, Number(ci.getAttribute('x2')), Number(one.getAttribute('x1'))];
    })""")
    for (lo, mid, hi, one), r in zip(geometry, want, strict=True):
        assert lo < mid < hi
        assert (hi < one) == (r["ci_high"] < 1)
    # Showing only HAIP leaves only the HAIP rows.
    page.locator(".ev-widget").get_by_label("DEBIRI-TACE").uncheck()
    page.locator(".ev-widget").get_by_label("TARE").uncheck()
    haip = [r for r in want if next(t for t in trials if t["id"] == r["trial"])["modality"] == "haip"]
    assert rows.count() == len(haip)


@pytest.mark.browser
def test_page_is_axe_clean_readable_at_375px_and_in_dark_mode(browser, site_url):
    def open_first_entry(page):  # an open entry must fit too
        page.locator(".ev-trial summary").first.click()

    check_phone_and_dark(browser, f"{site_url}/{PAGE}", ".ev-widget", before=open_first_entry)


# ---------------------------------------------------------------- the widget on its own page (no build)
@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("evidence"), {"evidence": EvidenceExplorer()}) as url:
        yield f"{url}/evidence.html"


def test_every_cited_key_has_a_readable_name(trials):
    w = EvidenceExplorer()
    assert set(w.source_labels) == cited_keys(trials)
    for key, label in w.source_labels.items():
        assert label != key and "[" not in label and any(ch.isdigit() for ch in label), (key, label)
    assert w.tag_legend == TAG_LEGEND and "V: from the cited report itself" in TAG_LEGEND


@pytest.mark.browser
def test_readers_see_source_names_and_what_v_and_s_mean(browser, explorer_url, trials):
    page = browser.new_page()
    try:
        page.goto(explorer_url)
        assert wait_for_widgets(page) == 1
        text = reader_text(page, ".ev-widget")
        assert not bib_key_pattern().findall(text)
        for t in trials:
            assert source_label(t["citation"]) in text
        assert TAG_LEGEND in page.locator(".ev-legend").inner_text()
        assert TAG_LEGEND in page.locator(".ev-forest + .ev-note").inner_text()
        # Each entry's reference is a link to its bibliography entry.
        first = page.locator(".ev-trial").first
        link = first.locator("dd a")
        assert link.get_attribute("href") == f"../bibliography.html#ref-{trials[0]['citation']}"
        assert link.inner_text() == source_label(trials[0]["citation"])
    finally:
        page.close()


@pytest.mark.browser
@pytest.mark.parametrize("width", [375, 1280])
def test_forest_plot_words_are_12px_or_more_and_none_is_cut(browser, explorer_url, trials, width):
    page = browser.new_page(viewport={"width": width, "height": 900})
    try:
        page.goto(explorer_url)
        wait_for_widgets(page)
        forest = page.locator(".ev-forest")
        # No SVG text: it scaled with the plot (8.6 to 10.5 px) and the end ticks were cut off.
        assert forest.locator("text").count() == 0
        axis = forest_axis(forest_rows(trials))
        assert forest.locator(".ev-tick").all_inner_texts() == [f"{t:g}" for t in axis["ticks"]]
        assert "0.25" in forest.locator(".ev-tick").all_inner_texts()
        sizes = page.evaluate("""() => [...document.querySelectorAll('.ev-forest *')]
            .filter((n) => [...n.childNodes].some((c) => c.nodeType === 3 && c.textContent.trim()))
            .map((n) => [n.textContent.trim().slice(0, 30), parseFloat(getComputedStyle(n).fontSize)])""")
        assert sizes and all(size >= 12 for _, size in sizes), [x for x in sizes if x[1] < 12]
        boxes = page.evaluate("""() => { const s = document.querySelector('.ev-scale').getBoundingClientRect();
            return [...document.querySelectorAll('.ev-tick')].map((t) => { const r = t.getBoundingClientRect();
              return [t.textContent, r.left - s.left, s.right - r.right, r.left, r.right]; }); }""")
        for text, left, right, x0, x1 in boxes:
            assert left >= -0.5 and right >= -0.5, f"tick {text} sticks out of the axis"
            assert x0 >= 0 and x1 <= width, f"tick {text} is off screen"
        for (_, _, _, _, end), (text, _, _, start, _) in zip(boxes, boxes[1:], strict=False):
            assert end <= start + 0.5, f"tick {text} overlaps its neighbour"
    finally:
        page.close()


@pytest.mark.browser
def test_explorer_alone_fits_375px_follows_dark_mode_and_passes_wcag22(browser, explorer_url):
    def open_first_entry(page):
        page.locator(".ev-trial summary").first.click()

    check_alone_on_a_phone(browser, explorer_url, ".ev-widget", before=open_first_entry)
