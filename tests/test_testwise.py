"""The test-wise baseline (quizzes/checks/testwise.py) on real files: the item-writing fixture bank, and
a copy of it with a planted length cue that the baseline must expose."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from quizzes import list_quizzes, load_bank
from quizzes.checks.testwise import STRATEGIES, baseline, guessing
from quizzes.parsing.bank import parse_bank
from quizzes.parsing.registry import load_registry

CLEAN = Path(__file__).parent / "fixtures" / "itemlint" / "fixture.yaml"


def _load(path):
    quiz, issues = parse_bank(path, load_registry())
    assert quiz is not None, issues
    return quiz


def test_guessing_is_the_exact_expectation():
    quiz = _load(CLEAN)
    singles = [q for q in quiz.questions() if q.type == "single"]
    assert all(guessing(q) == 0.25 for q in singles)  # 4 options, one key
    [multi] = [q for q in quiz.questions() if q.type == "multiple"]
    # credits +0.5, -0.5, +0.5, -0.5: 15 non-empty subsets, clamped scores add up to 3.0
    assert guessing(multi) == pytest.approx(3.0 / 15)
    assert baseline(quiz, seeds=("00000001",)).scores["guessing"] == pytest.approx((6 * 0.25 + 0.2) / 7)


def test_a_planted_length_cue_is_exposed(tmp_path):
    bank = yaml.safe_load(CLEAN.read_text(encoding="utf-8"))
    for case in bank["cases"]:
        for q in case["questions"]:
            for o in q["options"]:
                if o["credit"] > 0:
                    o["text"] += " in this patient, given what we know"
    path = tmp_path / "fixture.yaml"
    path.write_text(yaml.safe_dump(bank, sort_keys=False), encoding="utf-8")
    cued = baseline(_load(path))
    assert cued.scores["longest"] == pytest.approx(1.0)  # every key found by length alone
    assert cued.worst_gap() > 70
    clean = baseline(_load(CLEAN))
    assert clean.scores["longest"] <= cued.scores["longest"] - 0.4


def test_order_based_strategies_sit_near_guessing_once_shuffled():
    """The key is option 1 in bank order for some items; shuffling per learner removes that."""
    quiz = _load(CLEAN)
    b = baseline(quiz)
    for strategy in ("first shown", "first half"):
        assert abs(b.scores[strategy] - b.scores["guessing"]) < 0.1, (strategy, b.scores)


@pytest.mark.parametrize("quiz_id", list_quizzes())
def test_every_bank_has_a_baseline(quiz_id):
    b = baseline(load_bank(quiz_id), seeds=("00000001", "00000002"))
    assert set(b.scores) == set(STRATEGIES) | {"guessing"}
    assert all(0.0 <= v <= 1.0 for v in b.scores.values())
