"""Self-check questions in the modality chapters come from the bank, with answers, and only outside exam mode."""

import re

import pytest
from browser_support import EXAM_SITE, SITE

import quizzes
from quizzes.pages.display import self_check

CHAPTERS = {"haip": "quiz-haip", "debiri": "quiz-embolic", "tare": "quiz-embolic"}
QID = next(q.id for q in quizzes.load_bank("quiz-haip").questions() if q.type == "single")


def test_self_check_shows_the_bank_question_and_its_feedback():
    html = self_check("quiz-haip", [QID]).data
    data = quizzes.payload("quiz-haip")
    question = next(q for c in data["cases"] for q in c["questions"] if q["id"] == QID)
    assert question["stem_html"] in html
    best = max(question["options"], key=lambda o: o["credit"])
    assert best["feedback_html"] in html and "<details>" in html


def test_exam_mode_leaves_out_answers_and_feedback():
    html = self_check("quiz-haip", [QID], exam=True).data
    data = quizzes.payload("quiz-haip")
    question = next(q for c in data["cases"] for q in c["questions"] if q["id"] == QID)
    assert "<details>" not in html
    assert not any(o["feedback_html"] in html for o in question["options"])
    # in an exam build the self-check questions are exam questions: none is shown
    assert question["stem_html"] not in html and "left out" in html


def test_self_check_options_are_shuffled_like_the_engine_says():
    from quizzes.pages.display import SELF_CHECK_SEED
    from quizzes.rules.order import display_order

    for quiz_id in ("quiz-haip", "quiz-embolic"):
        data = quizzes.payload(quiz_id)
        for q in (q for c in data["cases"] for q in c["questions"]):
            html = self_check(quiz_id, [q["id"]]).data
            listed = html.split('<ol type="A">', 1)[1].split("</ol>", 1)[0]
            by_id = {o["id"]: o for o in q["options"]}
            want = "".join(
                f"<li>{by_id[i]['text_html']}</li>"
                for i in display_order(q["options"], SELF_CHECK_SEED, quiz_id, q["id"])
            )
            assert listed == want


def test_unknown_question_is_a_clear_error():
    with pytest.raises(KeyError, match="quiz-haip has no question"):
        self_check("quiz-haip", ["no-such-question"])


@pytest.mark.parametrize("chapter, quiz", CHAPTERS.items())
def test_built_chapters_carry_self_checks_and_the_exam_site_none(chapter, quiz):
    page = (SITE / "book" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    exam = (EXAM_SITE / "book" / "chapters" / f"{chapter}.html").read_text(encoding="utf-8")
    assert len(re.findall(r'class="crlm-self-check-item"', page)) == 2
    assert "Show the answer and why" in page and f'href="{quiz}.html"' in page
    assert len(re.findall(r'class="crlm-self-check-item"', exam)) == 0
    assert "Show the answer and why" not in exam and "crlm-exam-note" in exam
