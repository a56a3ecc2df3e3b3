"""Scoring rules and content hash, with property tests."""

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from quizzes import load_bank, score_answers
from quizzes.parsing.model import Case, Option, Question, Quiz
from quizzes.rules.hashing import canonical_json, content_hash
from quizzes.rules.scoring import score_question, score_quiz
from quizzes.vocab import MOODLE_FRACTIONS

FRACTIONS = sorted(MOODLE_FRACTIONS)


def opt(i, credit):
    return Option(f"o{i}", "t", credit, "f", (), ())


@st.composite
def multiple_questions(draw):
    credits = draw(st.lists(st.sampled_from(FRACTIONS), min_size=1, max_size=8))
    return Question("q", "multiple", "s", tuple(opt(i, c) for i, c in enumerate(credits)))


@st.composite
def single_questions(draw):
    credits = draw(st.lists(st.sampled_from([c for c in FRACTIONS if c != 1.0]), max_size=6))
    pos = draw(st.integers(0, len(credits)))
    credits.insert(pos, 1.0)
    return Question("q", "single", "s", tuple(opt(i, c) for i, c in enumerate(credits)))


def test_examples():
    q = Question("q", "multiple", "s", (opt(0, 0.5), opt(1, 0.5), opt(2, -0.5)))
    assert score_question(q, []) == 0.0
    assert score_question(q, ["o0"]) == 0.5
    assert score_question(q, ["o0", "o1"]) == 1.0
    assert score_question(q, ["o0", "o1", "o2"]) == 0.5
    assert score_question(q, ["o2"]) == 0.0  # clamped, never negative
    s = Question("s", "single", "s", (opt(0, 1.0), opt(1, 0.0), opt(2, -0.5)))
    assert score_question(s, ["o0"]) == 1.0 and score_question(s, []) == 0.0
    assert score_question(s, ["o2"]) == -0.5  # single takes the credit as authored
    quiz = Quiz(
        "z",
        "t",
        "",
        (Case("c", "t", "v", {}, (q, Question("s", "single", "s", (opt(0, 1.0), opt(1, 0.0)), weight=3.0))),),
    )
    result = score_quiz(quiz, {"q": ["o0"], "s": ["o0"]})
    assert result["questions"] == {"q": 0.5, "s": 1.0}
    assert result["score"] == (1.0 * 0.5 + 3.0 * 1.0) / 4.0


def test_thirds_sum_order_is_bank_order():
    q = Question("q", "multiple", "s", tuple(opt(i, 0.3333333) for i in range(3)))
    expected = 0.0
    for _ in range(3):
        expected += 0.3333333
    assert score_question(q, ["o2", "o0", "o1"]) == expected  # bit-identical, not rounded
    assert round(expected, 4) == 1.0


@settings(max_examples=200)
@given(multiple_questions(), st.data())
def test_multiple_bounds_and_permutation(q, data):
    ids = [o.id for o in q.options]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True))
    score = score_question(q, chosen)
    assert 0.0 <= score <= 1.0
    shuffled = data.draw(st.permutations(chosen))
    assert score_question(q, shuffled) == score
    assert score_question(q, chosen + chosen) == score  # repeated ids count once


@settings(max_examples=200)
@given(multiple_questions(), st.data())
def test_multiple_monotone_in_nonnegative_picks(q, data):
    """Adding an option with credit >= 0 never lowers the score (negative ones may)."""
    ids = [o.id for o in q.options]
    chosen = data.draw(st.lists(st.sampled_from(ids), unique=True))
    extra = [o for o in q.options if o.id not in chosen and o.credit >= 0]
    if extra:
        more = data.draw(st.sampled_from(extra))
        assert score_question(q, chosen + [more.id]) >= score_question(q, chosen)


@settings(max_examples=200)
@given(single_questions(), st.data())
def test_single_bounds(q, data):
    choice = data.draw(st.sampled_from([o.id for o in q.options]))
    score = score_question(q, [choice])
    assert -1.0 <= score <= 1.0
    assert score == next(o.credit for o in q.options if o.id == choice)


_QUIZ = load_bank("quiz-settings")


@settings(max_examples=100, deadline=None)
@given(st.data())
def test_quiz_score_is_weighted_mean_within_bounds(data):
    quiz = _QUIZ
    answers = {}
    for q in quiz.questions():
        ids = [o.id for o in q.options]
        if q.type == "single":
            answers[q.id] = data.draw(st.lists(st.sampled_from(ids), max_size=1))
        else:
            answers[q.id] = data.draw(st.lists(st.sampled_from(ids), unique=True))
    result = score_quiz(quiz, answers)
    lo = min(0.0, min(result["questions"].values()))
    assert lo - 1e-12 <= result["score"] <= 1.0 + 1e-12
    weights = sum(q.weight for q in quiz.questions())
    manual = sum(q.weight * result["questions"][q.id] for q in quiz.questions()) / weights
    assert math.isclose(manual, result["score"], rel_tol=0, abs_tol=1e-15)


def test_full_key_scores_one_and_api():
    quiz = load_bank("quiz-settings")
    key = {q.id: [o.id for o in q.options if o.credit > 0] for q in quiz.questions()}
    result = score_answers("quiz-settings", key)
    assert result["score_display"] == 1.0 and result["hash"] == quiz.hash
    assert score_answers("quiz-settings", {})["score"] == 0.0
    import pytest

    with pytest.raises(ValueError):
        score_answers("quiz-settings", {"nope": ["a"]})


def test_hash_tracks_the_questions_not_the_key_or_wording():
    # The version id is published on exam pages: it must not depend on credits (quizzes/rules/hashing.py)
    quiz = load_bank("quiz-settings")
    assert len(quiz.hash) == 16 and quiz.hash == content_hash(quiz)
    assert " " not in canonical_json(quiz) and '"credit"' not in canonical_json(quiz)
    case = quiz.cases[0]
    q = case.questions[0]
    reworded = Question(
        q.id,
        q.type,
        "new stem",
        tuple(Option(o.id, o.text + "!", o.credit, "other", o.follows, o.contradicts, o.modality) for o in q.options),
        q.weight,
        q.reveal_after,
        q.modality,
    )
    recredit = Question(
        q.id,
        q.type,
        q.stem,
        tuple(Option(o.id, o.text, 1.0 - o.credit, o.feedback, (), ()) for o in q.options),
        q.weight,
    )
    reweighted = Question(q.id, q.type, q.stem, q.options, q.weight + 1)
    retyped = Question(q.id, "multiple" if q.type == "single" else "single", q.stem, q.options, q.weight)
    renamed = Question(q.id + "-x", q.type, q.stem, q.options, q.weight)
    new_option = Question(q.id, q.type, q.stem, q.options + (Option("extra", "t", 0, "f", (), ()),), q.weight)

    def with_q(newq):
        cases = (Case(case.id, case.title, case.vignette, case.features, (newq,) + case.questions[1:]),) + quiz.cases[
            1:
        ]
        return Quiz(quiz.id, quiz.title, quiz.description, cases)

    assert content_hash(with_q(reworded)) == quiz.hash
    assert content_hash(with_q(recredit)) == quiz.hash
    for changed in (reweighted, retyped, renamed, new_option):
        assert content_hash(with_q(changed)) != quiz.hash
