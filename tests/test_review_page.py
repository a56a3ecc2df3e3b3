"""The "Review what is due" page: questions checked on a quiz page come back when FSRS says so.

A quiz page and the review page are served side by side (same origin, so they share
localStorage, as on the site); Playwright's clock moves the days on.
"""

import json
from datetime import datetime, timezone

import pytest
from browser_support import (
    PageWatch,
    assert_axe_clean,
    check_phone_and_dark,
    open_page,
    serious_axe_violations,
    wait_for_widgets,
)
from widget_page import widget_site

import quizzes
from widgets.quiz import Quiz
from widgets.review import Review, rating_for, replay

QUIZ_ID = "quiz-settings"
DAY, HOUR = 86_400_000, 3_600_000
T0 = int(datetime(2026, 6, 1, 10, 0, tzinfo=timezone.utc).timestamp() * 1000)  # a Monday
PAYLOAD = quizzes.payload(QUIZ_ID)
QUESTIONS = [q for c in PAYLOAD["cases"] for q in c["questions"]]
Q1, Q2 = QUESTIONS[0], QUESTIONS[1]  # Q2 appears once Q1 is checked (reveal_after)
BEST = {q["id"]: max(q["options"], key=lambda o: o["credit"])["id"] for q in QUESTIONS[:2]}
WRONG = {q["id"]: min(q["options"], key=lambda o: o["credit"])["id"] for q in QUESTIONS[:2]}


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("review"), {QUIZ_ID: Quiz(QUIZ_ID), "review": Review()}) as url:
        yield url


@pytest.fixture
def clocked(browser):
    ctx = browser.new_context(timezone_id="UTC", locale="en-GB")
    ctx.clock.set_fixed_time(T0 / 1000)  # Playwright for Python takes seconds
    yield ctx
    ctx.close()


def check_on_quiz(page, question, option_id):
    box = page.locator(".qz-question").nth(QUESTIONS.index(question))
    box.locator(f'.qz-option[data-option="{option_id}"] input').check()
    box.locator(".qz-check").click()
    return box


def stored_cards(page):
    return json.loads(page.evaluate("localStorage.getItem('crlm-review')") or "{}").get("cards", {})


def counts(page):
    w = page.locator(".rv-widget")
    return (
        w.locator(".rv-today").inner_text(),
        w.locator(".rv-week").inner_text(),
        w.locator(".rv-total").inner_text(),
    )


@pytest.mark.browser
def test_wrong_and_right_answers_come_back_when_due(clocked, site):
    quiz = open_page(clocked, f"{site}/{QUIZ_ID}.html")
    check_on_quiz(quiz, Q1, BEST[Q1["id"]])
    box2 = check_on_quiz(quiz, Q2, WRONG[Q2["id"]])
    quiz_feedback = box2.locator(".qz-chosen").inner_text()
    quiz_keyed = box2.locator(".qz-keyed").inner_text()
    quiz_score = quiz.locator(".qz-score").inner_text()
    cards = stored_cards(quiz)
    assert set(cards) == {f"{QUIZ_ID}/{Q1['id']}", f"{QUIZ_ID}/{Q2['id']}"}
    # The browser's card is py-fsrs's card for the same rating at the same instant.
    for q, option in ((Q1, BEST), (Q2, WRONG)):
        rating = rating_for(1.0 if option is BEST else 0.0)
        (want,) = replay(None, T0, [{"rating": rating, "at": T0}])
        assert cards[f"{QUIZ_ID}/{q['id']}"]["card"] == want
    quiz.watch.assert_clean()

    # The same day: nothing due yet; the wrong answer is due tomorrow, the right one in two days.
    review = open_page(clocked, f"{site}/review.html")
    assert counts(review) == (
        "Due today: 0 questions.",
        "Due in the next 7 days: 2 more questions.",
        "In your review queue: 2 questions.",
    )
    assert review.locator(".rv-start").count() == 0
    assert (
        review.locator(".rv-next").inner_text() == "Nothing is due today. The next question is due on Tuesday 2 June."
    )
    assert (
        review.locator(".rv-quizzes li").inner_text().endswith(": 0 due today, 2 in the next 7 days (2 in the queue).")
    )

    # Tomorrow: exactly the wrong answer is due.
    t1 = T0 + DAY + 2 * HOUR
    clocked.clock.set_fixed_time(t1 / 1000)
    review.reload()
    wait_for_widgets(review)
    assert counts(review)[:2] == ("Due today: 1 question.", "Due in the next 7 days: 1 more question.")
    # Keyboard only: the start button, then the wrong option again, then Check.
    review.locator(".rv-start").focus()
    review.keyboard.press("Enter")
    session = review.locator(".rv-session")
    assert review.evaluate("document.activeElement.textContent") == "Review question 1 of 1"
    assert f"question 2 of {len(QUESTIONS)}" in session.locator(".rv-from").inner_text()
    assert (
        session.locator(".qz-stem").inner_text().strip()
        == quiz.locator(".qz-question").nth(1).locator(".qz-stem").inner_text().strip()
    )
    session.locator(f'.qz-option[data-option="{WRONG[Q2["id"]]}"] input').focus()
    review.keyboard.press("Space")
    session.locator(".qz-check").focus()
    review.keyboard.press("Enter")
    assert review.evaluate("document.activeElement.classList.contains('qz-verdict')")
    assert "Incorrect" in session.locator(".qz-verdict").inner_text()
    # The same feedback as on the quiz page, option by option, and the same keyed answer.
    assert session.locator(".qz-chosen").inner_text() == quiz_feedback
    assert session.locator(".qz-keyed").inner_text() == quiz_keyed
    live = review.locator(".rv-widget .qz-live[aria-live=polite]")
    assert live.inner_text() == "Incorrect, 0%. Comes back on Wednesday 3 June."
    (_, again) = replay(None, T0, [{"rating": 1, "at": T0}, {"rating": 1, "at": t1}])
    assert stored_cards(review)[f"{QUIZ_ID}/{Q2['id']}"]["card"] == again
    review.get_by_role("button", name="Finish the review").click()
    assert review.locator(".rv-done").inner_text() == "Review finished: 0 of 1 question fully correct."
    assert counts(review)[:2] == ("Due today: 0 questions.", "Due in the next 7 days: 2 more questions.")
    assert review.evaluate("document.activeElement.textContent") == "What is due"
    review.watch.assert_clean()

    # The quiz page's graded answers and score are untouched by the review.
    quiz.reload()
    wait_for_widgets(quiz)
    assert quiz.locator(".qz-score").inner_text() == quiz_score
    assert quiz.locator(".qz-question").nth(1).locator(".qz-chosen").inner_text() == quiz_feedback

    # Two days on: both questions are due; answered rightly, each goes further out.
    t2 = T0 + 2 * DAY + 3 * HOUR
    clocked.clock.set_fixed_time(t2 / 1000)
    review.reload()
    wait_for_widgets(review)
    assert counts(review)[0] == "Due today: 2 questions."
    review.get_by_role("button", name="Review the 2 due questions").click()
    seen = []
    for _ in range(2):
        session = review.locator(".rv-session")
        q = next(x for x in QUESTIONS[:2] if session.locator(f'.qz-option[data-option="{BEST[x["id"]]}"]').count())
        seen.append(q["id"])
        session.locator(f'.qz-option[data-option="{BEST[q["id"]]}"] input').check()
        session.locator(".qz-check").click()
        assert "Correct" in session.locator(".qz-verdict").inner_text()
        session.locator(".rv-next-question").click()
    assert sorted(seen) == sorted([Q1["id"], Q2["id"]])
    assert review.locator(".rv-done").inner_text() == "Review finished: 2 of 2 questions fully correct."
    cards = stored_cards(review)
    history = {Q1["id"]: [(3, T0), (3, t2)], Q2["id"]: [(1, T0), (1, t1), (3, t2)]}
    for qid, reviews in history.items():
        want = replay(None, T0, [{"rating": r, "at": at} for r, at in reviews])[-1]
        assert cards[f"{QUIZ_ID}/{qid}"]["card"] == want
        assert [row[:2] for row in cards[f"{QUIZ_ID}/{qid}"]["log"]] == [[at, r] for r, at in reviews]
    assert counts(review)[0] == "Due today: 0 questions."
    review.watch.assert_clean()


@pytest.mark.browser
def test_empty_damaged_and_foreign_queues_are_handled(clocked, site):
    page = open_page(clocked, f"{site}/review.html")
    assert "Nothing to review yet" in page.locator(".rv-empty").inner_text()
    assert page.locator(".rv-storage").is_hidden()
    for text in ("{broken", json.dumps([1, 2]), json.dumps({"cards": {"x/y": {"quiz": 1}}})):
        page.evaluate("(t) => localStorage.setItem('crlm-review', t)", text)
        page.reload()
        wait_for_widgets(page)
        assert counts(page)[2] == "In your review queue: 0 questions."
    gone = {
        "v": 1,
        "cards": {
            f"{QUIZ_ID}/not-a-question": {
                "quiz": QUIZ_ID,
                "question": "not-a-question",
                "card": {
                    "state": 2,
                    "step": None,
                    "stability": 2.3,
                    "difficulty": 2.1,
                    "due": T0 - DAY,
                    "last_review": T0 - 3 * DAY,
                },
                "log": [],
            }
        },
    }
    page.evaluate("(t) => localStorage.setItem('crlm-review', t)", json.dumps(gone))
    page.reload()
    wait_for_widgets(page)
    assert counts(page)[0] == "Due today: 0 questions."
    assert "1 question in your queue is no longer in the course" in page.locator(".rv-widget").inner_text()
    page.watch.assert_clean()


BLOCKED = """Object.defineProperty(window, 'localStorage', { get() {
    throw new DOMException('The operation is insecure.', 'SecurityError'); } });"""


@pytest.mark.browser
def test_blocked_storage_is_said_and_the_page_still_works(clocked, site):
    page = clocked.new_page()
    page.watch = PageWatch(page, site.split("/chapters")[0])
    page.add_init_script(BLOCKED)
    page.goto(f"{site}/review.html")
    wait_for_widgets(page)
    assert "not keeping your review queue" in page.locator(".rv-storage").inner_text()
    assert page.locator(".rv-storage").is_visible()
    assert "Nothing to review yet" in page.locator(".rv-empty").inner_text()
    page.watch.assert_clean()


def _due_card_and_open_session(page):
    queue = {
        "v": 1,
        "cards": {
            f"{QUIZ_ID}/{Q2['id']}": {
                "quiz": QUIZ_ID,
                "question": Q2["id"],
                "card": replay(None, T0 - 2 * DAY, [{"rating": 1, "at": T0 - 2 * DAY}])[0],
                "log": [],
            }
        },
    }
    page.evaluate("(t) => localStorage.setItem('crlm-review', t)", json.dumps(queue))
    page.reload()
    wait_for_widgets(page)
    page.locator(".rv-start").click()
    page.locator(f'.rv-session .qz-option[data-option="{WRONG[Q2["id"]]}"] input').check()
    page.locator(".rv-session .qz-check").click()


@pytest.mark.browser
def test_review_fits_375px_follows_dark_mode_and_is_axe_clean(browser, site):
    check_phone_and_dark(browser, f"{site}/review.html", ".rv-widget", before=_due_card_and_open_session)
    assert_axe_clean(browser, f"{site}/review.html")


def test_exam_build_has_no_questions_to_review():
    w = Review(exam=True)
    assert w.quizzes == [] and w.exam is True
    assert sorted(Review().quiz_ids) == sorted(quizzes.list_quizzes())


def test_front_end_is_one_bundle_with_each_helper_once():
    for esm in (Review()._esm, Quiz(QUIZ_ID)._esm):
        assert 'from "./' not in esm
        for fn in ("function el(", "function makeScheduler(", "function scoreQuestion(", "function readItem("):
            assert esm.count(fn) == 1, fn
    assert ".qz-option" in Review()._css and ".rv-counts" in Review()._css


# ---------------------------------------------------------------- certainty (off by default)
@pytest.mark.browser
def test_ratings_and_certainty_marks_match_python(browser):
    from browser_support import ADAPTERS, run_module_function

    from widgets.review import cbm_mark

    cases = [[s, c] for s in (0, 0.25, 0.5, 0.9999999, 1) for c in (None, 1, 2, 3)]
    [got] = run_module_function(browser, ADAPTERS, "ratingsFor", [cases])
    assert got == [[rating_for(s, c), cbm_mark(s, c) if c else None] for s, c in cases]
    assert [cbm_mark(1, c) for c in (1, 2, 3)] == [1, 2, 3] and [cbm_mark(0.5, c) for c in (1, 2, 3)] == [0, -2, -6]


@pytest.mark.browser
def test_certainty_is_off_by_default_and_marks_apart_from_the_score(clocked, site):
    page = open_page(clocked, f"{site}/review.html")
    # Two questions answered two days ago, both due now.
    queue = {
        "v": 1,
        "cards": {
            f"{QUIZ_ID}/{q['id']}": {
                "quiz": QUIZ_ID,
                "question": q["id"],
                "card": replay(None, T0 - 2 * DAY, [{"rating": 1, "at": T0 - 2 * DAY}])[0],
                "log": [],
            }
            for q in (Q1, Q2)
        },
    }
    page.evaluate("(t) => localStorage.setItem('crlm-review', t)", json.dumps(queue))
    page.reload()
    wait_for_widgets(page)
    toggle = page.get_by_label("Rate how sure I am before each check")
    assert not toggle.is_checked()
    page.locator(".rv-start").click()
    assert page.locator(".rv-sure").count() == 0  # off: no certainty question
    page.get_by_role("button", name="Check answer").click()  # nothing chosen yet
    assert page.locator(".rv-session .qz-hint").inner_text() == "Choose an answer first."
    page.goto(f"{site}/review.html")
    wait_for_widgets(page)
    toggle = page.get_by_label("Rate how sure I am before each check")
    toggle.focus()
    page.keyboard.press("Space")
    page.reload()
    wait_for_widgets(page)
    assert page.get_by_label("Rate how sure I am before each check").is_checked()  # remembered
    page.locator(".rv-start").click()
    marks = {}
    for _ in range(2):
        session = page.locator(".rv-session")
        q = next(x for x in (Q1, Q2) if session.locator(f'.qz-option[data-option="{BEST[x["id"]]}"]').count())
        right = q is Q1  # Q1 answered rightly with low certainty, Q2 wrongly with high certainty
        session.locator(f'.qz-option[data-option="{(BEST if right else WRONG)[q["id"]]}"] input').check()
        session.get_by_label("low" if right else "high").check()
        session.locator(".qz-check").click()
        marks[q["id"]] = session.locator(".rv-mark").inner_text()
        assert (
            f"certainty-based mark {1 if right else -6}"
            in page.locator(".rv-widget .qz-live[aria-live=polite]").inner_text()
        )
        session.locator(".rv-next-question").click()
    assert marks == {
        Q1["id"]: "Certainty low: certainty-based mark 1.",
        Q2["id"]: "Certainty high: certainty-based mark -6.",
    }
    assert (
        page.locator(".rv-calibration").inner_text()
        == "Your calibration: -2.5 per answer on average, over 2 answers rated with a certainty (best possible 3)."
    )
    cards = stored_cards(page)
    for q, rating in ((Q1, rating_for(1, 1)), (Q2, rating_for(0, 3))):
        want = replay(None, T0 - 2 * DAY, [{"rating": 1, "at": T0 - 2 * DAY}, {"rating": rating, "at": T0}])[-1]
        assert cards[f"{QUIZ_ID}/{q['id']}"]["card"] == want
    assert rating_for(1, 1) == 2 and rating_for(0, 3) == 1
    page.watch.assert_clean()


def test_a_name_declared_twice_in_one_bundle_fails_the_build_with_its_name():
    from widgets.base import bundle

    with pytest.raises(ValueError, match="declares isObj more than once"):
        bundle('import { isObj } from "./quiz-data.js";\nconst isObj = 1;\n')
    # Helpers shared by helpers are pasted once: review.js reaches storage.js three ways.
    assert (
        bundle('import { readItem } from "./storage.js";\nimport { loadQueue } from "./review-store.js";\n').count(
            "function readItem("
        )
        == 1
    )


# ---------------------------------------------------------------- timed practice test
@pytest.mark.browser
def test_timed_practice_keeps_flags_on_reload_submits_at_zero_and_scores_like_the_engine(browser, site):
    from widgets.review import practice_score

    ctx = browser.new_context(timezone_id="UTC", locale="en-GB")
    ctx.clock.install(time=T0 / 1000)
    try:
        page = open_page(ctx, f"{site}/review.html")
        setup = page.locator(".rv-practice")
        for quiz in Review().quizzes:
            if quiz["id"] != QUIZ_ID:
                setup.get_by_label(quiz["title"]).uncheck()
        setup.get_by_label("Number of questions").fill("3")
        setup.get_by_label("Time limit in minutes").fill("1")
        setup.get_by_role("button", name="Start the practice test").click()
        test = json.loads(page.evaluate("localStorage.getItem('crlm-practice')"))
        assert len(test["items"]) == 3 and all(i.startswith(f"{QUIZ_ID}/") for i in test["items"])
        assert page.locator(".rv-timer").inner_text() == "Time left: 1:00"
        items = page.locator(".rv-item")
        assert items.count() == 3 and page.locator(".qz-feedback").count() == 0  # no feedback yet
        by_id = {q["id"]: q for q in QUESTIONS}
        first = by_id[test["items"][0].split("/")[1]]
        best = max(first["options"], key=lambda o: o["credit"])["id"]
        items.nth(0).locator(f'.qz-option[data-option="{best}"] input').check()
        items.nth(1).get_by_label("Flag question 2 to come back to it").check()
        assert page.locator(".rv-flagged").inner_text() == "Flagged: question 2"
        page.reload()
        wait_for_widgets(page)
        # The test resumes: the answer, the flag and the clock survive the reload.
        items = page.locator(".rv-item")
        assert items.nth(0).locator(f'.qz-option[data-option="{best}"] input').is_checked()
        assert items.nth(1).get_by_label("Flag question 2 to come back to it").is_checked()
        assert page.locator(".rv-flagged").get_by_role("link").inner_text() == "question 2"
        ctx.clock.run_for(61_000)
        assert page.locator(".rv-timer").inner_text() == "Time is up: the test was submitted."
        want = practice_score([tuple(i.split("/")) for i in test["items"]], {test["items"][0]: [best]})
        from test_progress import quiz_percent

        assert (
            page.locator(".rv-practice-score").inner_text()
            == f"Practice test score: {quiz_percent(want)} (1 of 3 questions answered; unanswered questions count as 0)."
        )
        assert page.locator(".rv-item .qz-verdict").count() == 1
        assert page.locator(".rv-item").nth(1).locator(".qz-answer").first.inner_text() == "Not answered (counts as 0)."
        assert items.nth(0).locator("input").first.is_disabled()
        # The answered question joined the review queue; quiz pages hold nothing.
        assert list(stored_cards(page)) == [test["items"][0]]
        assert not page.evaluate("Object.keys(localStorage).some((k) => k.startsWith('crlm-quiz:'))")
        assert serious_axe_violations(page) == []
        page.get_by_role("button", name="Back to the overview").click()
        assert page.evaluate("localStorage.getItem('crlm-practice')") is None
        assert page.locator(".rv-overview").is_visible()
        page.watch.assert_clean()
    finally:
        ctx.close()


def test_practice_score_counts_unanswered_as_zero():
    from widgets.review import practice_score

    drawn = [(QUIZ_ID, Q1["id"]), (QUIZ_ID, Q2["id"])]
    assert practice_score(drawn, {f"{QUIZ_ID}/{Q1['id']}": [BEST[Q1["id"]]]}) == pytest.approx(
        Q1["weight"] / (Q1["weight"] + Q2["weight"])
    )
    assert practice_score(drawn, {}) == 0


# ---------------------------------------------------------------- on the built site
@pytest.mark.browser
def test_built_site_quiz_check_reaches_the_review_page(page, site_url, browser):
    page.goto(f"{site_url}/book/chapters/quiz-haip.html")
    wait_for_widgets(page)
    first = quizzes.load_bank("quiz-haip").questions()[0]
    box = page.locator(".qz-question").first
    box.locator(f'.qz-option[data-option="{first.options[0].id}"] input').check()
    box.locator(".qz-check").click()
    page.goto(f"{site_url}/book/chapters/review.html")
    assert wait_for_widgets(page) == 1
    assert counts(page)[2] == "In your review queue: 1 question."
    assert page.locator(".rv-quizzes a").get_attribute("href") == "quiz-haip.html"
    assert serious_axe_violations(page) == []
    page.watch.assert_clean()
    check_phone_and_dark(browser, f"{site_url}/book/chapters/review.html", ".rv-widget")


def test_exam_site_review_page_has_no_answer_key():
    import re

    from browser_support import EXAM_SITE

    html = (EXAM_SITE / "book" / "chapters" / "review.html").read_text(encoding="utf-8")
    saved = re.search(r'<script type="application/vnd.jupyter.widget-state\+json">(.*?)</script>', html, re.S)
    models = [m["state"] for m in json.loads(saved.group(1))["state"].values()]
    reviews = [m for m in models if "quizzes" in m and "exam" in m]
    assert reviews and all(m["quizzes"] == [] and m["exam"] is True for m in reviews)
    for key in ('"credit"', '"feedback_html"', '"vignette_html"'):
        assert key not in html


# ---------------------------------------------------------------- confident wrong answers first
def _due_entry(q, last):
    """A card of quiz-settings answered two days ago and due now; `last` is its log's last row."""
    card = replay(None, T0 - 2 * DAY, [{"rating": last[1], "at": T0 - 2 * DAY}])[0]
    card["due"] = T0 - HOUR  # due now whatever the rating gave: the order is what is tested
    return {"quiz": QUIZ_ID, "question": q["id"], "card": card, "log": [[T0 - 2 * DAY, *last[1:]]]}


@pytest.mark.browser
def test_priorities_put_confident_wrong_answers_first(browser):
    from browser_support import ADAPTERS, run_module_function

    logs = [
        [],
        [[0, 1, 0, 3]],
        [[0, 2, 0.5, 3]],
        [[0, 1, 0, 2]],
        [[0, 1, 0, 1]],
        [[0, 1, 0, None]],
        [[0, 4, 1, 3]],
        [[0, 1, 0, 3], [1, 3, 1, 3]],
        [[0, 3, 1, None], [1, 1, 0, 2]],
    ]
    [got] = run_module_function(browser, ADAPTERS, "priorities", [logs])
    assert got == [2, 0, 0, 1, 2, 2, 2, 2, 1]


@pytest.mark.browser
def test_review_session_brings_confident_wrong_answers_first_without_changing_the_schedule(clocked, site):
    page = open_page(clocked, f"{site}/review.html")
    # Six due questions: wrong with high certainty, part-right with high, wrong with medium, and
    # three others (wrong unrated, wrong low, right high). Rows are [at, rating, score, certainty].
    rows = [[0, 1, 0, 3], [0, 2, 0.5, 3], [0, 1, 0, 2], [0, 1, 0, None], [0, 1, 0, 1], [0, 4, 1, 3]]
    entries = {f"{QUIZ_ID}/{q['id']}": _due_entry(q, r) for q, r in zip(QUESTIONS, rows)}
    page.evaluate("(t) => localStorage.setItem('crlm-review', t)", json.dumps({"v": 1, "cards": entries}))
    first_two, last_four = set(), set()
    orders = set()
    for _ in range(8):  # shuffled within a group: several sessions, the groups always in order
        page.reload()
        wait_for_widgets(page)
        page.locator(".rv-start").click()
        seen = []
        for i in range(len(rows)):
            session = page.locator(".rv-session")
            shown = int(session.locator(".rv-from").inner_text().split("question ")[1].split(" of")[0])
            seen.append(QUESTIONS[shown - 1]["id"])
            if i + 1 < len(rows):
                session.locator(".qz-option input").first.check()
                session.locator(".qz-check").click()
                session.locator(".rv-next-question").click()
        # Back out without answering the last one; restore the queue for the next round.
        page.evaluate("(t) => localStorage.setItem('crlm-review', t)", json.dumps({"v": 1, "cards": entries}))
        orders.add(tuple(seen))
        first_two.add(frozenset(seen[:2]))
        assert seen[2] == QUESTIONS[2]["id"]
        last_four.add(frozenset(seen[3:]))
    ids = [q["id"] for q in QUESTIONS[:6]]
    assert first_two == {frozenset(ids[:2])} and last_four == {frozenset(ids[3:])}
    assert len(orders) > 1, "the order within a group is shuffled"
    # The schedule is FSRS's as before: answering the first question wrongly again gives py-fsrs's card.
    page.reload()
    wait_for_widgets(page)
    page.locator(".rv-start").click()
    session = page.locator(".rv-session")
    shown = int(session.locator(".rv-from").inner_text().split("question ")[1].split(" of")[0])
    q = QUESTIONS[shown - 1]
    wrong = min(q["options"], key=lambda o: o["credit"])["id"]
    session.locator(f'.qz-option[data-option="{wrong}"] input').check()
    session.locator(".qz-check").click()
    entry = entries[f"{QUIZ_ID}/{q['id']}"]
    assert entry["log"][-1][3] == 3 and entry["log"][-1][2] < 1  # a confident wrong one came first
    # fsrs computes from the last review and the memory state, never from `due`, so the card
    # after this review is py-fsrs's for the same two reviews.
    first_rating = entry["log"][-1][1]
    want = replay(None, T0 - 2 * DAY, [{"rating": first_rating, "at": T0 - 2 * DAY}, {"rating": 1, "at": T0}])[-1]
    assert stored_cards(page)[f"{QUIZ_ID}/{q['id']}"]["card"] == want
    page.watch.assert_clean()


# ---------------------------------------------------------------- practice test by modality
@pytest.fixture(scope="module")
def full_site(tmp_path_factory):
    with widget_site(tmp_path_factory.mktemp("review-all"), {"review": Review()}) as url:
        yield url


@pytest.mark.browser
@pytest.mark.parametrize(
    "quiz_ids, modalities",
    [(None, ["tare"]), (["quiz-embolic"], ["tace"]), (["quiz-haip", "quiz-decisions"], ["haip", "tare"])],
)
def test_practice_by_modality_draws_only_that_modality(browser, full_site, quiz_ids, modalities):
    from widgets.review import PRACTICE_MODALITIES, question_modalities

    labels = dict(zip(PRACTICE_MODALITIES, ("HAIP", "DEBIRI-TACE", "TARE")))
    rows = Review().quizzes
    wanted = quiz_ids or [r["id"] for r in rows]
    pool = {
        f"{quiz_id}/{qid}"
        for quiz_id in wanted
        for qid, mods in question_modalities(quiz_id).items()
        if set(mods) & set(modalities)
    }
    assert 0 < len(pool) < sum(len(r["modalities"]) for r in rows if r["id"] in wanted)
    ctx = browser.new_context(timezone_id="UTC", locale="en-GB")
    try:
        page = open_page(ctx, f"{full_site}/review.html")
        setup = page.locator(".rv-practice")
        for r in rows:
            if r["id"] not in wanted:
                setup.get_by_label(r["title"]).uncheck()
        for m in modalities:  # by keyboard: Space ticks a checkbox
            setup.get_by_label(labels[m], exact=True).focus()
            page.keyboard.press("Space")
        asked = len(pool) + 5
        setup.get_by_label("Number of questions").fill(str(asked))
        setup.get_by_role("button", name="Start the practice test").click()
        test = json.loads(page.evaluate("localStorage.getItem('crlm-practice')"))
        assert set(test["items"]) == pool and len(test["items"]) == len(pool)
        assert page.locator(".rv-item").count() == len(pool)
        assert page.locator(".rv-short").inner_text() == (
            f"You asked for {asked} questions; the quizzes and modalities you picked hold only {len(pool)}, so this test has {len(pool)}."
        )
        assert (
            page.locator(".rv-widget .qz-live[aria-live=polite]").inner_text() == page.locator(".rv-short").inner_text()
        )
        assert serious_axe_violations(page) == []
        page.reload()  # the honest count survives a reload
        wait_for_widgets(page)
        assert page.locator(".rv-short").count() == 1
        page.watch.assert_clean()
    finally:
        ctx.close()


@pytest.mark.browser
def test_practice_with_no_modality_ticked_draws_from_every_question_and_an_empty_pick_says_so(browser, full_site):
    ctx = browser.new_context(timezone_id="UTC", locale="en-GB")
    try:
        page = open_page(ctx, f"{full_site}/review.html")
        setup = page.locator(".rv-practice")
        setup.get_by_label("Number of questions").fill("3")
        setup.get_by_role("button", name="Start the practice test").click()
        assert page.locator(".rv-item").count() == 3 and page.locator(".rv-short").count() == 0
        page.get_by_role("button", name="Submit the test").click()
        page.get_by_role("button", name="Back to the overview").click()
        for r in Review().quizzes:
            setup.get_by_label(r["title"]).uncheck()
        setup.get_by_label("TARE", exact=True).check()
        setup.get_by_role("button", name="Start the practice test").click()
        assert setup.locator(".qz-hint").inner_text() == "Pick at least one quiz."
        page.watch.assert_clean()
    finally:
        ctx.close()


def test_practice_modalities_are_the_progress_pages_modality_topics():
    """A modality picked for practice draws exactly the questions the progress page credits to it,
    so "revise TARE" there and "TARE" here mean the same questions."""
    from widgets.progress import topic_data
    from widgets.review import question_modalities

    for quiz in topic_data()["quizzes"]:
        tags = question_modalities(quiz["id"])
        want = {q["id"]: [m for m in q["modalities"] if m != "general"] for c in quiz["cases"] for q in c["questions"]}
        assert tags == want, quiz["id"]
    assert all(isinstance(v, list) for v in Review().quizzes[0]["modalities"].values())


def test_review_page_carries_each_recommendation_once():
    w = Review()
    assert all("recommendations" not in q["payload"] and "description_html" not in q["payload"] for q in w.quizzes)
    cited = {}
    for q in w.quizzes:
        cited.update(quizzes.payload(q["id"])["recommendations"])
    assert w.recommendations == cited
