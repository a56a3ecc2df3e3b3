"""Progress page: Python reference vs JavaScript summarize(), and a quiz answered on its page
showing up on the progress page."""
import json

import pytest

import quizzes
from browser_support import check_phone_and_dark, ROOT, run_module_function, wait_for_widgets
from widgets.progress import EXAM_PREFIX, INDEX_KEY, PREFIX, Progress, quiz_list, summarize

PAGE = "book/chapters/progress.html"
JS = ROOT / "widgets" / "progress.js"
QUIZZES = quiz_list()


def storages():
    """Storage contents the page may meet, from empty to damaged."""
    a, b = QUIZZES[0], QUIZZES[1]
    key_a = f"{PREFIX}{a['id']}:{a['hash']}"
    saved = json.dumps({"v": 1, "quiz": a["id"], "hash": a["hash"], "exam": False,
                        "answers": {"x": ["y"]}, "checked": ["x", "z"], "learner": "",
                        "saved_at": "2026-01-02T10:00:00Z"})
    index = {"v": 1, "quizzes": {key_a: {"quiz": a["id"], "hash": a["hash"], "title": "t",
                                         "exam": False, "checked": 3, "total": a["questions"],
                                         "score": 0.4567, "saved_at": "2026-01-03T10:00:00Z"}}}
    return [
        {},
        {key_a: saved},                                       # no index: count from the key
        {key_a: saved, INDEX_KEY: json.dumps(index)},         # index wins
        {INDEX_KEY: json.dumps(index)},                       # index only
        {key_a: "not json", INDEX_KEY: "{broken"},            # damaged: nothing usable
        {f"{PREFIX}{a['id']}:0000000000000000": saved,        # an earlier version, kept aside
         f"{EXAM_PREFIX}{a['id']}:0000000000000000": saved,
         f"{EXAM_PREFIX}{b['id']}:{b['hash']}": saved},
        {INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 999, "score": "high"}}})},
        {INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 2.0, "score": 1}}})},
        {INDEX_KEY: json.dumps({"v": 1, "quizzes": {key_a: {"checked": 2.5, "score": None}}}),
         key_a: json.dumps({"checked": "nope"})},
    ]


def test_python_reference_reads_the_quiz_storage_format():
    s = storages()
    first = QUIZZES[0]
    assert summarize(QUIZZES, s[0])[0] == {"id": first["id"], "total": first["questions"],
                                           "practice": None, "exam": None, "older": 0}
    assert summarize(QUIZZES, s[1])[0]["practice"] == {"checked": 2, "score": None,
                                                       "saved_at": "2026-01-02T10:00:00Z"}
    assert summarize(QUIZZES, s[2])[0]["practice"]["checked"] == 3
    assert summarize(QUIZZES, s[2])[0]["practice"]["score"] == 0.4567
    assert summarize(QUIZZES, s[4])[0]["practice"] is None
    rows = summarize(QUIZZES, s[5])
    assert rows[0]["older"] == 2 and rows[0]["practice"] is None
    assert rows[1]["exam"]["checked"] == 2
    assert summarize(QUIZZES, s[6])[0]["practice"]["checked"] == first["questions"]


def test_widget_lists_every_quiz_with_its_hash_and_link():
    w = Progress()
    assert sorted(w.quiz_ids) == sorted(quizzes.list_quizzes())
    assert w.quiz_ids[:4] == ["quiz-settings", "quiz-haip", "quiz-embolic", "quiz-decisions"]
    for row in w.quizzes:
        quiz = quizzes.load_bank(row["id"])
        assert row == {"id": quiz.id, "title": quiz.title, "hash": quiz.hash,
                       "questions": len(quiz.questions()), "href": f"{quiz.id}.html"}
        assert (ROOT / "book" / "chapters" / f"{quiz.id}.md").exists()


@pytest.mark.browser
def test_javascript_summarize_matches_python(browser):
    cases = storages()
    got = run_module_function(browser, JS, "summarize",
                              [{"quizzes": QUIZZES, "storage": s} for s in cases])
    assert got == [summarize(QUIZZES, s) for s in cases]


@pytest.mark.browser
def test_answering_on_a_quiz_page_shows_on_the_progress_page(page, site_url):
    page.goto(f"{site_url}/{PAGE}")
    assert wait_for_widgets(page) == 1
    row = page.locator(".pg-widget tr[data-quiz=quiz-haip]")
    assert row.locator(".pg-answered").inner_text() == f"0 of {len(quizzes.load_bank('quiz-haip').questions())}"
    assert row.locator(".pg-saved").inner_text() == "not started"

    page.goto(f"{site_url}/book/chapters/quiz-haip.html")
    wait_for_widgets(page)
    quiz = quizzes.load_bank("quiz-haip")
    first_q = quiz.questions()[0]
    first = page.locator(".qz-question").first
    # The bank's first option, wherever this reader's shuffle shows it.
    first.locator(f'.qz-option[data-option="{first_q.options[0].id}"] input').check()
    first.locator(".qz-check").click()
    page.wait_for_function(
        "() => Object.keys(localStorage).some((k) => k.startsWith('crlm-quiz:quiz-haip:'))")

    page.goto(f"{site_url}/{PAGE}")
    wait_for_widgets(page)
    want = quizzes.score_answers("quiz-haip", {first_q.id: [first_q.options[0].id]})["score"]
    assert row.locator(".pg-answered").inner_text() == f"1 of {len(quiz.questions())}"
    assert row.locator(".pg-score").inner_text() == f"{round(want * 100, 1):g}%"
    assert row.locator(".pg-saved").inner_text() != "not started"
    other = page.locator(".pg-widget tr[data-quiz=quiz-embolic] .pg-answered")
    assert other.inner_text().startswith("0 of ")
    # The link leads back to the quiz, which still has the answer.
    row.get_by_role("link").focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**/quiz-haip.html")
    wait_for_widgets(page)
    assert page.locator(".qz-question").first.locator(
        f'.qz-option[data-option="{first_q.options[0].id}"] input').is_checked()
    page.watch.assert_clean()


@pytest.mark.browser
def test_progress_is_readable_at_375px_and_in_dark_mode(browser, site_url):
    check_phone_and_dark(browser, f"{site_url}/{PAGE}", ".pg-widget")