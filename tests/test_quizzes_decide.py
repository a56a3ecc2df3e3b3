"""Decision logic: vocabulary, precedence, completeness, and agreement of bank keys."""

import json
import re
from pathlib import Path

import pytest
from quizzes_cli import run_quizzes

from quizzes import list_quizzes, load_bank, vocab
from quizzes.parsing.registry import load_registry
from quizzes.rules import decide

ROOT = Path(__file__).resolve().parents[1]


def case(setting="after-progression", disease="liver-limited", goal="regional-control", contra=()):
    return {"setting": setting, "disease": disease, "goal": goal, "contraindications": list(contra)}


def stances(result):
    return {m: result[m]["stance"] for m in vocab.MODALITIES}


def test_all_combinations_complete_and_well_formed():
    rows = decide.all_combinations()
    assert len(rows) == 3 * 3 * 5 * 2**5 == 1440
    registry = load_registry()
    seen = set()
    for row in rows:
        key = json.dumps(row["input"], sort_keys=True)
        assert key not in seen
        seen.add(key)
        assert set(row["result"]) == set(vocab.MODALITIES)
        for entry in row["result"].values():
            assert entry["stance"] in vocab.STANCES
            assert entry["because"] and all(b in registry.records for b in entry["because"])
            assert entry["explanation"]
    json.dumps(rows)  # the browser widget receives this table


def test_rules_cite_existing_records():
    assert decide.rule_record_ids() <= set(load_registry().records)


@pytest.mark.parametrize(
    "factor,modality,record",
    [
        ("portal-vein-thrombosis", "haip", "dev-haip-selection-portal"),
        ("unfit-for-laparotomy", "haip", "dev-haip-selection-fitness"),
        ("hyperbilirubinemia", "haip", "dev-haip-selection-bilirubin"),
        ("lung-shunt-over-20pct", "tare", "dev-tare-lsf-resin"),
        ("liver-involvement-over-60pct", "tace", "tech-debiri-involvement"),
        # the DEBIRI technical recommendations use the same 60% ceiling for radioembolization
        ("liver-involvement-over-60pct", "tare", "tech-tare-involvement"),
    ],
)
def test_contraindication_takes_precedence_everywhere(factor, modality, record):
    for row in decide.all_combinations():
        if factor in row["input"]["contraindications"]:
            entry = row["result"][modality]
            assert entry["stance"] == "contraindicated"
            assert record in entry["because"]


@pytest.mark.parametrize(
    "factor,modality,record",
    [
        ("hyperbilirubinemia", "tare", "dev-tare-reild-risk"),
        ("unfit-for-laparotomy", "tare", "dev-tare-glass-label"),
        ("unfit-for-laparotomy", "tace", "tech-debiri-liver-dominant"),
    ],
)
def test_named_risks_are_cautions_never_options(factor, modality, record):
    """Raised bilirubin for TARE: a sourced risk without a sourced limit; unfitness for an
    operation for the catheter therapies: no source addresses it for them."""
    for row in decide.all_combinations():
        if factor in row["input"]["contraindications"]:
            entry = row["result"][modality]
            assert entry["stance"] != "option"
            if entry["stance"] != "contraindicated":
                assert record in entry["because"]
    r = decide.recommend(case(contra=[factor]))
    assert r[modality]["stance"] == "caution" and "Caution" in r[modality]["explanation"]


def test_silence_is_a_caution_never_an_option():
    """A factor no source addresses for a modality turns its option into a caution, named."""
    covered = {(r.modality, r.factor) for r in decide.CONTRA_RULES} | set(decide.NOT_APPLICABLE)
    for row in decide.all_combinations():
        for m in vocab.MODALITIES:
            unaddressed = [c for c in row["input"]["contraindications"] if (m, c) not in covered]
            if unaddressed:
                entry = row["result"][m]
                assert entry["stance"] != "option", (m, row["input"])
                if entry["stance"] == "caution":
                    assert "not modelled" in entry["explanation"]
    r = decide.recommend(case(contra=["portal-vein-thrombosis"]))
    assert stances(r) == {"haip": "contraindicated", "tace": "caution", "tare": "caution"}
    assert "portal vein thrombosis" in r["tace"]["explanation"]
    r = decide.recommend(case(contra=["hyperbilirubinemia"]))
    assert r["tace"]["stance"] == "caution"  # DEBIRI at raised bilirubin is never a plain option


def test_contraindications_only_hit_their_modalities():
    r = decide.recommend(case(contra=["liver-involvement-over-60pct"]))
    assert stances(r) == {"haip": "caution", "tace": "contraindicated", "tare": "contraindicated"}
    assert "60 to 70%" in r["tare"]["explanation"]  # the glass label's 70% line does not open 60-70%
    r = decide.recommend(case(contra=["lung-shunt-over-20pct"]))
    assert stances(r) == {"haip": "option", "tace": "option", "tare": "contraindicated"}
    assert "dosing measure" in r["tace"]["explanation"]


def test_unfit_for_an_operation_is_a_caution_for_the_catheter_therapies():
    """They need no operation, but the reason for the unfitness may bear on them (rule 3)."""
    r = decide.recommend(case(contra=["unfit-for-laparotomy"]))
    assert stances(r) == {"haip": "contraindicated", "tace": "caution", "tare": "caution"}
    assert "needs no operation" in r["tace"]["explanation"]
    assert "ECOG" in r["tare"]["explanation"] and "dev-tare-glass-label" in r["tare"]["because"]
    assert "not modelled" not in r["tace"]["explanation"] + r["tare"]["explanation"]
    for row in decide.all_combinations():
        if "unfit-for-laparotomy" in row["input"]["contraindications"]:
            for m in ("tace", "tare"):
                assert row["result"][m]["stance"] != "option", (m, row["input"])


def test_liver_dominant_haip_is_a_caution_or_unsupported():
    """The consensus advises against HAIP with extrahepatic disease outside a trial."""
    for row in decide.all_combinations():
        if row["input"]["disease"] != "liver-limited":
            assert row["result"]["haip"]["stance"] != "option", row["input"]
    r = decide.recommend(case("adjuvant", "liver-dominant", "survival"))
    assert r["haip"]["stance"] == "not-supported"
    assert "cons-haip-no-extrahepatic" in r["haip"]["because"]
    r = decide.recommend(case(disease="liver-dominant"))
    assert stances(r) == {"haip": "caution", "tace": "option", "tare": "option"}


def test_adjuvant():
    r = decide.recommend(case("adjuvant", goal="survival"))
    assert stances(r) == {"haip": "option", "tace": "not-supported", "tare": "not-supported"}
    assert "rev-haip-adjuvant" in r["haip"]["because"]
    assert "cons-haip-adjuvant-option" in r["haip"]["because"]
    assert "silent" in r["tace"]["explanation"] and "silent" in r["tare"]["explanation"]


def test_first_line():
    r = decide.recommend(case("first-line", goal="conversion"))
    assert stances(r) == {"haip": "option", "tace": "not-supported", "tare": "not-supported"}
    assert "rev-haip-first-line-conversion" in r["haip"]["because"]
    assert r["tare"]["because"] == ["rev-tare-no-os-qol"]
    assert "does not recommend" in r["tace"]["explanation"]
    r = decide.recommend(case("first-line", goal="survival"))
    assert r["haip"]["stance"] == "caution"  # consensus accepts first-line HAIP; review narrower
    assert "cons-haip-first-line" in r["haip"]["because"]
    r = decide.recommend(case("first-line", goal="quality-of-life"))
    assert r["haip"]["stance"] == "not-supported"


@pytest.mark.parametrize("disease", ["liver-limited", "liver-dominant"])
def test_after_progression_regional_control_all_options(disease):
    r = decide.recommend(case(disease=disease, goal="regional-control"))
    want = {"option"} if disease == "liver-limited" else {"option", "caution"}
    assert set(stances(r).values()) == want
    assert all("rev-after-progression-options" in r[m]["because"] for m in vocab.MODALITIES)


@pytest.mark.parametrize("disease", ["liver-limited", "liver-dominant"])
def test_after_progression_conversion_is_a_caution_for_the_catheter_therapies(disease):
    """The review's statement is about response and control; no cited source reports conversion
    after DEBIRI or TARE in this setting, so silence makes them a caution, never an option."""
    r = decide.recommend(case(disease=disease, goal="conversion"))
    assert r["tace"]["stance"] == r["tare"]["stance"] == "caution"
    assert all("conversion to resection" in r[m]["explanation"] for m in ("tace", "tare"))
    assert r["haip"]["stance"] == ("option" if disease == "liver-limited" else "caution")
    assert all("rev-after-progression-options" in r[m]["because"] for m in vocab.MODALITIES)


@pytest.mark.parametrize("goal", ["survival", "quality-of-life"])
def test_tare_not_supported_for_survival_or_qol(goal):
    for setting in vocab.SETTINGS:
        r = decide.recommend(case(setting, goal=goal))
        assert r["tare"]["stance"] == "not-supported"


def test_extrahepatic_and_values():
    for setting in vocab.SETTINGS:
        for goal in vocab.GOALS:
            r = decide.recommend(case(setting, "extrahepatic", goal))
            assert set(stances(r).values()) == {"not-supported"}
    r = decide.recommend(case(setting="after-progression", goal="regional-control", disease="extrahepatic"))
    assert r["haip"]["because"] == ["cons-haip-no-extrahepatic"]
    for setting in vocab.SETTINGS:
        r = decide.recommend(case(setting, goal="avoid-procedures"))
        assert set(stances(r).values()) == {"not-supported"}
        assert all(r[m]["because"] == ["rev-values-preferences"] for m in vocab.MODALITIES)


@pytest.mark.parametrize(
    "bad,fragment",
    [
        ({"setting": "second-line", "disease": "liver-limited", "goal": "survival"}, "setting"),
        ({"setting": "adjuvant", "disease": "liver-limited", "goal": "survival", "age": 70}, "unknown field"),
        ({"setting": "adjuvant", "disease": "liver-limited"}, "missing field 'goal'"),
        (
            {"setting": "adjuvant", "disease": "liver-limited", "goal": "survival", "contraindications": ["ascites"]},
            "ascites",
        ),
        (
            {
                "setting": "adjuvant",
                "disease": "liver-limited",
                "goal": "survival",
                "contraindications": "hyperbilirubinemia",
            },
            "must be a list",
        ),
        (["adjuvant"], "JSON object"),
    ],
)
def test_invalid_input(bad, fragment):
    with pytest.raises(decide.DecisionInputError, match=fragment):
        decide.recommend(bad)


def _cli(*args, stdin=""):
    return run_quizzes(*args, stdin=stdin)


def test_cli_recommend(tmp_path):
    path = tmp_path / "case.json"
    path.write_text(json.dumps(case("first-line", goal="conversion")))
    proc = _cli("recommend", str(path))
    assert proc.returncode == 0
    assert json.loads(proc.stdout) == decide.recommend(case("first-line", goal="conversion"))
    proc = _cli("recommend", "-", stdin='{"setting": "adjuvant", "disease": "x", "goal": "survival"}')
    assert proc.returncode == 2 and "disease" in proc.stderr and "Traceback" not in proc.stderr
    proc = _cli("recommend", "-", stdin="not json")
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def _bank_questions():
    for quiz_id in list_quizzes():
        quiz = load_bank(quiz_id)
        for c in quiz.cases:
            for q in c.questions:
                yield quiz_id, c, q


def test_bank_keys_agree_with_recommend():
    """Independent of `check`: every declared modality key matches recommend()."""
    checked = 0
    for quiz_id, c, q in _bank_questions():
        verdict = decide.recommend(c.features)
        for opt in q.options:
            if opt.modality in vocab.MODALITIES and verdict[opt.modality]["stance"] == "contraindicated":
                assert opt.credit <= 0, (quiz_id, q.id, opt.id)
        if not q.modality:
            continue
        checked += 1
        for opt in q.options:
            if opt.credit > 0:
                assert opt.modality in q.modality, (quiz_id, q.id, opt.id)
                if opt.modality == "none":
                    assert "option" not in {v["stance"] for v in verdict.values()}, (quiz_id, q.id)
                else:
                    assert verdict[opt.modality]["stance"] == "option", (quiz_id, q.id, opt.id)
        if q.type == "single":
            full = [o for o in q.options if o.credit == 1]
            assert len(full) == 1 and full[0].modality == q.modality[0]
    assert checked >= 5


@pytest.mark.parametrize(
    "quiz_id,case_id,modality",
    [
        ("quiz-embolic", "emb-no-irinotecan", "tare"),
        ("quiz-haip", "haip-prog-unfit", "tace"),
        ("quiz-settings", "pr-unfit", "tace"),
    ],
)
def test_unfit_cases_in_the_banks_key_a_weighed_plan_not_the_bare_modality(quiz_id, case_id, modality):
    """The real bank cases of a patient unfit for an operation: the catheter therapy is a caution,
    so the question asks what the findings mean for it, the key is a statement ("It ...") that
    leaves it for the MDT to weigh and names no modality, and no option naming the modality is
    credited or penalised. Caution wording must not give the key away: a distractor weighs
    something too, and none merely denies the weighing ("nothing to weigh")."""
    quiz = load_bank(quiz_id)
    (c,) = [c for c in quiz.cases if c.id == case_id]
    assert "unfit-for-laparotomy" in c.features["contraindications"]
    verdict = decide.recommend(c.features)
    assert verdict[modality]["stance"] == "caution"
    for q in c.questions:
        assert modality not in (q.modality or ())
        for opt in q.options:
            if opt.modality == modality:
                assert opt.credit == 0
            if opt.credit == 1:
                assert opt.modality is None
                assert opt.text.startswith("It ") and "weigh" in opt.text
        if any(o.credit == 1 and "weigh" in o.text for o in q.options):
            distractors = [o.text for o in q.options if o.credit < 1]
            assert any("weigh" in t for t in distractors), (q.id, "only the key weighs")
            assert not [t for t in distractors if re.search(r"need not weigh|nothing to weigh|plain option", t)], q.id
