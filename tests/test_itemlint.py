"""Item-writing checks in `python -m quizzes check`: one fixture per rule, each made from a clean
bank (tests/fixtures/itemlint/fixture.yaml) by breaking exactly that rule."""

from __future__ import annotations

import copy
from pathlib import Path

import pytest
import yaml
from quizzes_cli import run_quizzes

from quizzes.checks.check import run_check

CLEAN = Path(__file__).parent / "fixtures" / "itemlint" / "fixture.yaml"


def _bank():
    return yaml.safe_load(CLEAN.read_text(encoding="utf-8"))


def _q(bank, qid):
    return next(q for c in bank["cases"] for q in c["questions"] if q["id"] == qid)


def _opt(question, oid):
    return next(o for o in question["options"] if o["id"] == oid)


def _key_longest(b):
    for q in b["cases"][0]["questions"][:3]:
        key = next(o for o in q["options"] if o["credit"] == 1)
        key["text"] += " of the liver"


def _key_shortest(b):
    for qid in ("q1", "q3", "q4"):
        key = next(o for o in _q(b, qid)["options"] if o["credit"] == 1)
        key["text"] = key["text"][:-4]


def _key_middle(b):
    for qid in ("q2", "q6", "q7"):  # pad the shortest or trim the longest key into the middle
        key = next(o for o in _q(b, qid)["options"] if o["credit"] == 1)
        key["text"] = {"q2": "Irinotecan.", "q6": "A raised bilirubin", "q7": "A flow scan"}[qid]


def _length_spread(b):
    _opt(_q(b, "q2"), "b")["text"] = "Oxaliplatin given with fluorouracil and leucovorin by vein"


def _absolute(b):
    _opt(_q(b, "q3"), "b")["text"] = "The hepatic vein, always"


def _hedge_only_key(b):
    _opt(_q(b, "q4"), "a")["text"] = "Fever and pain that may start on day one"


def _caution_only_key(b):
    _opt(_q(b, "q4"), "a")["text"] = "Fever and pain, for the MDT to weigh"


def _few_options(b):
    _q(b, "q7")["options"].pop(0)


def _all_none(b):
    _opt(_q(b, "q6"), "d")["text"] = "None of the above"


def _duplicate(b):
    _opt(_q(b, "q7"), "b")["text"] = "A bone scan"


def _negative(b):
    _q(b, "q6")["stem"] = "Which blood test would NOT exclude her from pump chemotherapy?"


def _linked(b):
    _q(b, "q5")["stem"] = (
        "Her MAA scintigraphy scan is booked. Which two findings belong in the workup? Select all that apply."
    )


def _key_position(b):
    for q in b["cases"][0]["questions"][:4] + b["cases"][1]["questions"]:
        key = next(o for o in q["options"] if o["credit"] == 1)
        q["options"].remove(key)
        q["options"].insert(0, key)


def _select_all(b):
    for qid in ("q6", "q7"):
        q = _q(b, qid)
        q["type"] = "multiple"
        q["stem"] = q["stem"].rstrip("?") + "? Select all that apply."


def _uncited(b):
    _opt(_q(b, "q2"), "b")["feedback"] = "Oxaliplatin doubled response to 60% in one trial."


def _telling_id(b):
    _opt(_q(b, "q2"), "c")["id"] = "wrong-drug"


def _untagged(b):
    _opt(_q(b, "q2"), "d")["text"] = "Pump floxuridine"


def _bad_citation(b):
    _opt(_q(b, "q2"), "c")["feedback"] = "Doxorubicin is used elsewhere [@no-such-key]."


def _bad_record(b):
    _opt(_q(b, "q2"), "c")["feedback"] = "Doxorubicin is used elsewhere [#rev-no-such-record]."


RULES = [
    ("key-longest", _key_longest),
    ("key-shortest", _key_shortest),
    ("key-middle", _key_middle),
    ("length-spread", _length_spread),
    ("absolute", _absolute),
    ("hedge-only-key", _hedge_only_key),
    ("caution-only-key", _caution_only_key),
    ("few-options", _few_options),
    ("all-none-above", _all_none),
    ("duplicate-option", _duplicate),
    ("negative-lead-in", _negative),
    ("linked-stem", _linked),
    ("key-position", _key_position),
    ("select-all-share", _select_all),
    ("uncited-number", _uncited),
    ("telling-id", _telling_id),
    ("untagged-modality", _untagged),
]


def _findings(tmp_path, bank, strict):
    path = tmp_path / "fixture.yaml"
    path.write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    result = run_check(banks=path, strict=strict)
    return [i for i in result.issues if i.file.endswith("fixture.yaml")]


def test_clean_fixture_passes_every_rule(tmp_path):
    assert _findings(tmp_path, _bank(), strict=True) == []


@pytest.mark.parametrize("code,breaker", RULES, ids=[r[0] for r in RULES])
def test_each_rule_has_a_failing_fixture(tmp_path, code, breaker):
    bank = copy.deepcopy(_bank())
    breaker(bank)
    lax = _findings(tmp_path, bank, strict=False)
    assert [i for i in lax if code in i.message and i.level == "warning"], lax
    assert not [i for i in lax if i.level == "error"], "item-writing findings are warnings by default"
    strict = _findings(tmp_path, bank, strict=True)
    assert [i for i in strict if code in i.message and i.level == "error"], strict


@pytest.mark.parametrize(
    "text,modality",
    [
        ("Pump floxuridine", "haip"),  # tagged: the key check sees it
        ("Radioembolization-induced liver disease", None),  # a diagnosis, not the therapy
        ("Pump and chemoembolization both ruled out", None),  # a statement naming two therapies
        ("It rules out the pump", None),  # a statement about one
    ],
)
def test_untagged_modality_spares_tagged_options_and_statements(tmp_path, text, modality):
    bank = _bank()
    option = _opt(_q(bank, "q2"), "d")
    option["text"] = text
    if modality:
        option["modality"] = modality
    found = _findings(tmp_path, bank, strict=True)
    assert not [i for i in found if "untagged-modality" in i.message], found


@pytest.mark.parametrize("breaker,text", [(_bad_citation, "[@no-such-key]"), (_bad_record, "[#rev-no-such-record]")])
def test_unknown_citation_is_always_an_error(tmp_path, breaker, text):
    bank = _bank()
    breaker(bank)
    found = _findings(tmp_path, bank, strict=False)
    assert [i for i in found if text in i.message and i.level == "error" and i.line > 0], found


def test_cue_table_is_printed(tmp_path):
    path = tmp_path / "fixture.yaml"
    path.write_text(CLEAN.read_text(encoding="utf-8"), encoding="utf-8")
    out = run_quizzes("check", "--banks", path).stdout
    assert "Item-writing cues" in out
    row = next(line for line in out.splitlines() if line.startswith("fixture "))
    assert row.split()[1:3] == ["6", "1"]  # 6 single-answer, 1 select-all
