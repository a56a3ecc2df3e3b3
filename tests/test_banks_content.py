"""The course's quiz banks as teaching content: size, coverage, realism and agreement with the
decision rules (beyond what `python -m quizzes check` validates)."""

import re
from pathlib import Path

import pytest

from quizzes import list_quizzes, load_bank, vocab
from quizzes.checks.check import run_check
from quizzes.parsing.registry import load_registry
from quizzes.rules import decide

ROOT = Path(__file__).resolve().parents[1]
MINE = ("quiz-haip", "quiz-embolic", "quiz-decisions")
BANKS = [load_bank(q) for q in list_quizzes()]


def test_enough_cases_and_questions_across_several_chapters():
    assert set(MINE) <= set(list_quizzes())
    cases = [c for b in BANKS for c in b.cases]
    questions = [q for b in BANKS for q in b.questions()]
    assert len(cases) >= 12 and len(questions) >= 30
    assert len(BANKS) >= 4
    types = {q.type for q in questions}
    assert types == {"single", "multiple"}


@pytest.mark.parametrize("quiz_id", MINE)
def test_each_new_bank_mixes_question_types_and_unfolds(quiz_id):
    quiz = load_bank(quiz_id)
    qs = quiz.questions()
    assert {q.type for q in qs} == {"single", "multiple"}
    assert any(q.reveal_after for q in qs), "at least one unfolding case per bank"
    assert any(q.modality for q in qs), "at least one modality choice per bank"


def test_strict_check_passes_with_the_full_bank():
    result = run_check(strict=True)
    assert result.errors == []
    for row in result.coverage:
        if row["source"] == "review":
            assert row["questions"] >= vocab.MIN_QUESTIONS_PER_REVIEW_RECORD, row


def test_every_review_record_is_examined_twice_by_the_new_banks_alone():
    # So the requirement holds even if another bank is revised.
    registry = load_registry()
    counts = {rid: 0 for rid, r in registry.records.items() if r.is_review}
    for quiz_id in MINE:
        for q in load_bank(quiz_id).questions():
            for rid in q.examines & counts.keys():
                counts[rid] += 1
    assert all(n >= 2 for n in counts.values()), counts


def test_every_contraindication_appears_in_some_case():
    seen = {c for b in BANKS for case in b.cases for c in case.features["contraindications"]}
    assert seen == set(vocab.CONTRAINDICATIONS)
    mine = {c for q in MINE for case in load_bank(q).cases for c in case.features["contraindications"]}
    assert mine == set(vocab.CONTRAINDICATIONS)


@pytest.mark.parametrize("quiz_id", MINE)
def test_full_credit_answers_agree_with_recommend(quiz_id):
    for case in load_bank(quiz_id).cases:
        verdict = decide.recommend(case.features)
        offered = {m for m in vocab.MODALITIES if verdict[m]["stance"] == "option"}
        for q in case.questions:
            credited = {o.modality for o in q.options if o.credit > 0 and o.modality}
            for m in credited - {"none"}:
                assert verdict[m]["stance"] == "option", (case.id, q.id, m)
            if "none" in credited:
                assert not offered, (case.id, q.id, offered)
            if q.modality and q.type == "multiple":  # a list credits every therapy offered
                assert set(q.modality) == (offered or {"none"}), (case.id, q.id)
            elif q.modality:  # one best answer: an offered therapy the patient's stated values
                # select (the review's first principle), or none when nothing is offered
                assert set(q.modality) <= (offered or {"none"}), (case.id, q.id)
                assert len(offered) <= 1 or re.search(r'\*"[^"]{15,}"\*', case.vignette), (case.id, q.id)


@pytest.mark.parametrize("quiz_id", MINE)
def test_vignettes_are_realistic(quiz_id):
    for case in load_bank(quiz_id).cases:
        text = case.vignette
        assert re.search(r"\b[2-9]\d\b", text), f"{case.id}: age"
        assert "ECOG" in text, f"{case.id}: performance status"
        assert re.search(r"(left|right)-sided", text), f"{case.id}: sidedness"
        assert re.search(r"\b(K|N)?RAS\b", text), f"{case.id}: RAS status"
        assert re.search(r'\*"[^"]{15,}"\*', text), f"{case.id}: the patient's goal in their words"


@pytest.mark.parametrize("quiz_id", MINE)
def test_feedback_teaches_and_cites_the_records_it_rests_on(quiz_id):
    for q in load_bank(quiz_id).questions():
        for o in q.options:
            assert len(o.feedback) >= 20, (q.id, o.id)
            cited = set(o.follows) | set(o.contradicts)
            if cited:
                named = set(re.findall(r"\b(?:rev|cons|dev|tech)-[a-z0-9-]+[a-z0-9]", o.feedback))
                assert named, f"{q.id}/{o.id}: feedback names no recommendation id"


@pytest.mark.parametrize("quiz_id", MINE)
def test_each_bank_has_a_chapter_page(quiz_id):
    page = ROOT / "book" / "chapters" / f"{quiz_id}.md"
    text = page.read_text(encoding="utf-8")
    assert "from widgets.quiz import Quiz" in text and f'Quiz("{quiz_id}")' in text
    assert f'download_links("{quiz_id}")' in text


def test_download_links_are_left_out_of_exam_builds(monkeypatch):
    from quizzes.exports.publish import download_links

    monkeypatch.delenv("COURSE_EXAM", raising=False)
    html = download_links("quiz-haip").data
    assert 'href="../../downloads/moodle/quiz-haip.xml"' in html
    assert 'href="../../downloads/qti/quiz-haip.zip"' in html
    monkeypatch.setenv("COURSE_EXAM", "1")
    assert download_links("quiz-haip") is None  # the files hold the answer key
