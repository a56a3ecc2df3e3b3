"""Decision explorer: the compact table, its JavaScript lookup, and the built page by keyboard."""

import random

import pytest
import traitlets
from browser_support import ADAPTERS, check_phone_and_dark, run_module_function, wait_for_widgets
from widget_page import check_alone_on_a_phone, reader_text, registry_id_pattern, widget_site

from quizzes import vocab
from quizzes.parsing.registry import load_registry
from quizzes.rules import decide
from widgets.decision import MODALITY_LABELS, STANCE_LABELS, DecisionExplorer, combo_key, compact_table, expand

PAGE = "book/chapters/which-modality.html"
ROWS = decide.all_combinations()


def shuffled_inputs():
    """Every input, with contraindications in a random order (the key must not depend on it)."""
    rng = random.Random(20220601)
    out = []
    for row in ROWS:
        case = dict(row["input"])
        contras = list(case["contraindications"])
        rng.shuffle(contras)
        out.append({**case, "contraindications": contras})
    return out


def test_compact_table_reproduces_recommend_for_every_combination():
    table = compact_table()
    assert len(table["rows"]) == len(ROWS) == 3 * 3 * 5 * 32
    for case in shuffled_inputs():
        assert expand(table, case) == decide.recommend(case), case


def test_key_format():
    case = {
        "setting": "first-line",
        "disease": "liver-limited",
        "goal": "conversion",
        "contraindications": ["unfit-for-laparotomy", "hyperbilirubinemia"],
    }
    # first-line is setting 1, liver-limited disease 0, conversion goal 0
    none = combo_key({**case, "contraindications": []})
    assert none == ((1 * 3 + 0) * 5 + 0) * 32
    assert combo_key(case) == none + (1 << 1) + (1 << 2)  # unfit (bit 1) and bilirubin (bit 2)
    assert combo_key({**case, "contraindications": case["contraindications"][::-1]}) == combo_key(case)


def test_widget_traits_validate_and_result_comes_from_the_engine():
    w = DecisionExplorer()
    assert repr(w) == (
        "DecisionExplorer(setting='first-line', disease='liver-limited', goal='conversion', contraindications=[])"
    )
    w.contraindications = ["lung-shunt-over-20pct", "portal-vein-thrombosis"]
    assert w.contraindications == ["portal-vein-thrombosis", "lung-shunt-over-20pct"]
    assert w.result() == decide.recommend(w.case())
    with pytest.raises(traitlets.TraitError, match="setting must be one of"):
        w.setting = "neoadjuvant"
    with pytest.raises(traitlets.TraitError, match="unknown contraindication"):
        w.contraindications = ["ascites"]
    records = w.labels["records"]
    assert set(records) == decide.rule_record_ids()


@pytest.mark.browser
def test_javascript_lookup_returns_the_engine_result_for_all_1440_combinations(browser):
    inputs = shuffled_inputs()
    table = compact_table()
    [got] = run_module_function(browser, ADAPTERS, "lookupAll", [{"table": table, "inputs": inputs}])
    assert len(got) == len(inputs)
    for case, result in zip(inputs, got, strict=True):
        assert result == decide.recommend(case), case
    [keys] = run_module_function(browser, ADAPTERS, "comboKeyAll", [{"order": table["order"], "inputs": inputs}])
    assert keys == [combo_key(c) for c in inputs]


def displayed(widget):
    out = {}
    for m in vocab.MODALITIES:
        card = widget.locator(f".de-card[data-modality={m}]")
        out[m] = {
            "name": card.locator(".de-name").inner_text(),
            "stance": card.locator(".de-stance-text").inner_text(),
            "explanation": card.locator(".de-explanation").inner_text(),
            # The record ids ride in data-record; the reader sees each statement's label.
            "because": [li.get_attribute("data-record") for li in card.locator(".de-because li").all()],
            "because_text": card.locator(".de-because li a").all_inner_texts(),
        }
    return out


def assert_shows(widget, case):
    want = decide.recommend(case)
    got = displayed(widget)
    for m in vocab.MODALITIES:
        assert got[m]["name"] == MODALITY_LABELS[m]
        assert got[m]["stance"] == STANCE_LABELS[want[m]["stance"]], (m, case)
        assert got[m]["explanation"] == want[m]["explanation"]
        assert got[m]["because"] == want[m]["because"]
        labels = load_registry().records
        assert got[m]["because_text"] == [labels[rid].label for rid in want[m]["because"]]
    assert not registry_id_pattern().search(widget.inner_text()), registry_id_pattern().findall(widget.inner_text())
    live = widget.locator("[aria-live=polite]").inner_text()
    for m in vocab.MODALITIES:
        assert f"{MODALITY_LABELS[m]}: {STANCE_LABELS[want[m]['stance']]}" in live


@pytest.mark.browser
def test_keyboard_sets_combinations_and_the_page_shows_the_engine_stances(page, site_url):
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    widget = page.locator(".de-widget")
    case = {"setting": "first-line", "disease": "liver-limited", "goal": "conversion", "contraindications": []}
    assert_shows(widget, case)
    # Setting: first line -> after progression (arrow keys move within a radio group).
    widget.get_by_label("First line, unresectable disease").focus()
    page.keyboard.press("ArrowDown")
    assert widget.get_by_label("After progression on chemotherapy").is_checked()
    case["setting"] = "after-progression"
    # Tab to the disease group, then the goal group: conversion -> response and control.
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    page.keyboard.press("ArrowDown")
    assert widget.get_by_label("Response and control of the liver disease").is_checked()
    case["goal"] = "regional-control"
    assert_shows(widget, case)
    # Tab to the first contraindication and tick it with Space.
    page.keyboard.press("Tab")
    page.keyboard.press("Space")
    assert widget.get_by_label("Portal vein thrombosis").is_checked()
    case["contraindications"] = ["portal-vein-thrombosis"]
    assert_shows(widget, case)
    assert displayed(widget)["haip"]["stance"] == "Contraindicated"
    # Two more boxes further on: lung shunt above 20% too.
    for _ in range(3):
        page.keyboard.press("Tab")
    page.keyboard.press("Space")
    case["contraindications"].append("lung-shunt-over-20pct")
    assert_shows(widget, case)
    # Back to the goal group; "Avoid further procedures" is three steps further down.
    for _ in range(4):
        page.keyboard.press("Shift+Tab")
    for _ in range(3):
        page.keyboard.press("ArrowDown")
    assert widget.get_by_label("Avoid further procedures").is_checked()
    case["goal"] = "avoid-procedures"
    assert_shows(widget, case)
    page.watch.assert_clean()


@pytest.mark.browser
def test_explorer_is_readable_at_375px_and_in_dark_mode(browser, site_url):
    check_phone_and_dark(browser, f"{site_url}/{PAGE}", ".de-widget")


# ---------------------------------------------------------------- the widget on its own page (no build)
@pytest.fixture(scope="module")
def explorer_url(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("decision"), {"decision": DecisionExplorer()}) as url:
        yield f"{url}/decision.html"


@pytest.mark.browser
def test_readers_see_statement_labels_never_registry_ids(browser, explorer_url):
    """Every setting and goal, with no and with every contraindication ticked: the cards name
    each statement by its label, link it to its entry in the list (#rec-<id>), and no registry
    or vocabulary id (rev-..., portal-vein-thrombosis) appears anywhere a reader looks."""
    page = browser.new_page()
    registry = load_registry()
    pattern = registry_id_pattern()
    try:
        page.goto(explorer_url)
        assert wait_for_widgets(page) == 1
        widget = page.locator(".de-widget")
        seen = set()
        for contras in ([], list(vocab.CONTRAINDICATIONS)):
            for c in vocab.CONTRAINDICATIONS:
                widget.locator(f"input[value={c}]").set_checked(c in contras)
            for setting in vocab.SETTINGS:
                widget.locator(f"input[type=radio][value={setting}]").check()
                for goal in vocab.GOALS:
                    widget.locator(f"input[type=radio][value={goal}]").check()
                    text = reader_text(page, ".de-widget")
                    assert not pattern.findall(text), (setting, goal, contras, pattern.findall(text))
                    for li in widget.locator(".de-because li").all():
                        rid = li.get_attribute("data-record")
                        link = li.locator("a")
                        assert link.get_attribute("href") == f"#rec-{rid}"
                        assert link.inner_text() == registry.records[rid].label
                        seen.add(rid)
        assert len(seen) >= 10  # the walk met many different statements
        for c in vocab.CONTRAINDICATIONS:  # contraindications by their labels
            assert widget.get_by_label(vocab.CONTRAINDICATION_LABELS[c]).count() == 1
    finally:
        page.close()


@pytest.mark.browser
def test_explorer_alone_fits_375px_follows_dark_mode_and_passes_wcag22(browser, explorer_url):
    check_alone_on_a_phone(browser, explorer_url, ".de-widget")
