"""The real registry and quiz-settings bank: content rules, rendering, payload, display."""

import json
import re

import pytest
import source_texts

from quizzes import list_quizzes, load_bank, payload, vocab
from quizzes.pages.display import review_position
from quizzes.pages.render import markdown_html
from quizzes.parsing.registry import load_registry

ABSTRACT = source_texts.REVIEW_ABSTRACT


def abstract_text() -> str:
    return source_texts.require(ABSTRACT, "review abstract").read_text(encoding="utf-8")


@pytest.mark.parametrize("ci, outcome", [("true", pytest.fail.Exception), ("", pytest.skip.Exception)])
def test_missing_abstract_fails_in_ci_and_skips_elsewhere(monkeypatch, tmp_path, ci, outcome):
    monkeypatch.setitem(globals(), "ABSTRACT", tmp_path / "absent.txt")
    monkeypatch.setenv("CI", ci)
    with pytest.raises(outcome, match="review abstract not found"):
        abstract_text()


def test_registry_review_records():
    reg = load_registry()
    review = [r for r in reg.records.values() if r.is_review]
    assert len(review) >= 10
    sentences = {int(r.locator.split()[-1]) for r in review}
    assert sentences == set(range(1, 11))  # every abstract sentence has a record
    for r in reg.records.values():
        assert r.id.startswith("rev-") == r.is_review
        if not r.is_review:
            assert r.id.split("-")[0] in ("cons", "dev", "tech")


def test_review_quotes_are_verbatim_and_short():
    text = re.sub(r"\s+", " ", abstract_text())
    for r in load_registry().records.values():
        if r.is_review:
            assert r.quote in text, r.id
            assert len(r.quote.split()) <= 8, r.id


def test_paraphrases_do_not_copy_the_abstract():
    words = re.sub(r"\s+", " ", abstract_text()).lower().split()
    grams = {" ".join(words[i : i + 9]) for i in range(len(words) - 8)}
    for r in load_registry().records.values():
        p = r.paraphrase.lower().split()
        for i in range(len(p) - 8):
            assert " ".join(p[i : i + 9]) not in grams, r.id


def test_quiz_settings_shape():
    quiz = load_bank("quiz-settings")
    assert "quiz-settings" in list_quizzes()
    assert len(quiz.cases) >= 4
    assert {c.features["setting"] for c in quiz.cases} == set(vocab.SETTINGS)
    types = {q.type for q in quiz.questions()}
    assert types == {"single", "multiple"}
    assert any(q.reveal_after for q in quiz.questions())
    for quiz_id in list_quizzes():  # every credited option's feedback names its source
        for q in load_bank(quiz_id).questions():
            for o in q.options:
                assert o.credit in vocab.MOODLE_FRACTIONS
                assert o.credit <= 0 or re.search(
                    r"\[#(rev|cons|dev|tech)-[a-z0-9-]+\]|\[@[A-Za-z0-9_:.-]+\]", o.feedback
                ), (quiz_id, q.id, o.id)


def test_load_bank_unknown():
    with pytest.raises(KeyError):
        load_bank("quiz-nope")


def test_markdown_is_sanitized():
    html = markdown_html(
        "**b** <script>alert(1)</script> [x](javascript:alert(1)) "
        "[ok](https://example.org) [rel](../page.html) ![i](https://e/x.png)\n\n# H"
    )
    assert "<script" not in html and 'href="javascript' not in html and "<img" not in html
    assert "&lt;script&gt;" in html  # raw HTML shown as text, never injected
    assert '<a href="https://example.org" rel="noopener">ok</a>' in html
    assert 'href="../page.html"' in html
    assert "<h1" not in html and "<strong>b</strong>" in html
    out = markdown_html('[m](mailto:a@b.c) <a href="https://x" onclick="y">z</a>')
    assert 'href="mailto' not in out and '<a href="https://x"' not in out


def test_payload_study_and_exam():
    study = payload("quiz-settings")
    exam = payload("quiz-settings", exam=True)
    json.dumps(study), json.dumps(exam)
    assert study["hash"] == exam["hash"] == load_bank("quiz-settings").hash
    assert study["exam"] is False and exam["exam"] is True
    assert set(study) == {"id", "title", "description_html", "hash", "exam", "scoring", "cases", "recommendations"}
    assert "recommendations" not in exam
    option = study["cases"][0]["questions"][0]["options"][0]
    assert set(option) == {"id", "text_html", "credit", "feedback_html", "follows", "contradicts"}
    for case in exam["cases"]:
        assert set(case) == {"id", "title", "vignette_html", "questions"}
        for q in case["questions"]:
            assert set(q) == {"id", "type", "stem_html", "weight", "reveal_after", "options"}
            for o in q["options"]:
                assert set(o) == {"id", "text_html"}
    text = json.dumps(exam)
    for word in ('"credit"', '"feedback_html"', '"follows"', '"contradicts"', "rev-haip-adjuvant"):
        assert word not in text
    for rec in study["recommendations"].values():
        assert set(rec) == {"label", "source", "source_label", "paraphrase_html", "citation"}
        if rec["source"] == "review":
            assert "raphael2022" in rec["citation"] and "abstract sentence" in rec["citation"]


def test_review_position_escapes_and_orders():
    html = review_position("tare").data
    assert html.index("What the review says") < html.index("Other sources")
    assert "Radioembolization produces high response rates" in html
    assert "Lung shunt limits" in html or "lung shunt" in html
    assert "<script" not in html
    assert "values, preferences" in html  # modality "all" records included
    with pytest.raises(ValueError):
        review_position("<script>")
